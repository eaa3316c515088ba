# The same with uv: UV_DEFAULT_INDEX replaces PyPI, UV_INSECURE_HOST lets uv use the proxy's
# plain-http address. (`uv sync --locked` downloads from the URLs in uv.lock instead, past any
# index: install from an exported requirements file to go through the proxy.)
FROM python:3.12-slim
COPY --from=ghcr.io/astral-sh/uv:latest /uv /usr/local/bin/uv
ARG UV_DEFAULT_INDEX
ARG UV_INSECURE_HOST
COPY requirements.txt /tmp/requirements.txt
RUN uv pip install --system --no-cache -r /tmp/requirements.txt
