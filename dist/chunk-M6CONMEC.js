import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);

// src/proxy/intercept/pypi-hosts.ts
var PYPI_PAGES_HOST = "pypi.org";
var PYPI_FILES_HOST = "files.pythonhosted.org";
var PYPI_HOSTS = [PYPI_PAGES_HOST, PYPI_FILES_HOST];

export {
  PYPI_PAGES_HOST,
  PYPI_FILES_HOST,
  PYPI_HOSTS
};
