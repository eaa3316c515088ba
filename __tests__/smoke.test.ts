import { join } from 'node:path';
import * as core from '@actions/core';

test('esm import works', () => {
  expect(typeof core.getInput).toBe('function');
  expect(join('a', 'b')).toBe('a/b');
});
