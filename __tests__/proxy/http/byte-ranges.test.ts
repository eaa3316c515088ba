import { decideRange } from '../../../src/proxy/http/byte-ranges.js';

const ETAG = '"abc"';

describe('Range and If-Range', () => {
  test.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=900-', { start: 900, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=990-2000', { start: 990, end: 999 }],
  ])('%s on 1000 bytes', (header, range) => {
    expect(decideRange(header, undefined, ETAG, 1000)).toEqual({ kind: 'partial', range });
  });

  test('unsatisfiable and ignored ranges', () => {
    expect(decideRange('bytes=1000-', undefined, ETAG, 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=-0', undefined, ETAG, 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=5-1', undefined, ETAG, 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=0-1,5-6', undefined, ETAG, 1000)).toEqual({ kind: 'full' });
    expect(decideRange('items=0-1', undefined, ETAG, 1000)).toEqual({ kind: 'full' });
    expect(decideRange(undefined, undefined, ETAG, 1000)).toEqual({ kind: 'full' });
  });

  test('If-Range: the range only when the validator is ours', () => {
    expect(decideRange('bytes=0-9', ETAG, ETAG, 1000)).toMatchObject({ kind: 'partial' });
    expect(decideRange('bytes=0-9', '"other"', ETAG, 1000)).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-9', 'Wed, 21 Oct 2015 07:28:00 GMT', ETAG, 1000)).toEqual({ kind: 'full' });
  });
});
