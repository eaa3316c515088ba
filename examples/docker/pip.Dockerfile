# A pip install through the job's proxy. BASE is only for the repository's own test
# (npm run e2e:docker builds its base image from Debian packages); leave it at its default.
ARG BASE=python:3.12-slim
FROM ${BASE}
# Set from the action's docker-build-args; unset (a build without the proxy), pip uses PyPI.
ARG PIP_INDEX_URL
ARG PIP_TRUSTED_HOST
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt
