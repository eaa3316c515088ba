// The breaker's clock is injected here; the proxy's own use of it is tested in faults.test.ts.
import { UpstreamHealth } from '../../../src/proxy/upstream/upstream-health.js';

test('opens after the threshold, per upstream, closes on a success, and lapses after its time', () => {
  let now = 1_000;
  const health = new UpstreamHealth({ threshold: 2, openMs: 500, now: () => now });
  expect(health.failed('pypi')).toBe(false);
  expect(health.isDown('pypi')).toBe(false);
  expect(health.failed('pypi')).toBe(true);
  expect(health.isDown('pypi')).toBe(true);
  expect(health.isDown('private')).toBe(false);

  now += 501;
  expect(health.isDown('pypi')).toBe(false);
  // Still failing after the pause: one failure opens it again (and says so again).
  expect(health.failed('pypi')).toBe(true);
  expect(health.isDown('pypi')).toBe(true);
  expect(health.failed('pypi')).toBe(false);

  health.succeeded('pypi');
  expect(health.isDown('pypi')).toBe(false);
  expect(health.failed('pypi')).toBe(false);
});

test('a fetch past its deadline opens the breaker at once, not after the threshold', () => {
  const health = new UpstreamHealth({ threshold: 3, openMs: 500, now: () => 1_000 });
  expect(health.tooSlow('pypi')).toBe(true);
  expect(health.isDown('pypi')).toBe(true);
  expect(health.tooSlow('pypi')).toBe(false);
});
