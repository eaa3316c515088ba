// Public PyPI's two hosts, which interception always answers for: its pages and its files.
export const PYPI_PAGES_HOST = 'pypi.org';
export const PYPI_FILES_HOST = 'files.pythonhosted.org';
export const PYPI_HOSTS: readonly string[] = [PYPI_PAGES_HOST, PYPI_FILES_HOST];
