// Jest globalTeardown: see jest-shared-fixtures.cjs.
module.exports = require('./jest-shared-fixtures.cjs').teardown;
