// Issue 9, case 14 (renderings): rendered pages are kept under a byte budget, least recently
// used out first, and a page evicted from it is rendered again, byte for byte the same.
import { PageRenderer } from '../../../src/proxy/pages/page-responses.js';

test('many large renderings: held bytes stay under the budget; evicted pages come back identical', () => {
  const budget = 1024 * 1024;
  const renderer = new PageRenderer(budget);
  const page = (i: number) => `${String(i).padStart(6, '0')}${'x'.repeat(300_000)}`;
  const models = Array.from({ length: 40 }, (_, i) => ({ i }));
  const first = renderer.get('pypi/p0', 'json', models[0], () => page(0));
  for (let i = 1; i < 40; i++) {
    renderer.get(`pypi/p${i}`, 'json', models[i], () => page(i));
    expect(renderer.heldBytes).toBeLessThanOrEqual(budget);
  }
  let renderedAgain = false;
  const again = renderer.get('pypi/p0', 'json', models[0], () => {
    renderedAgain = true;
    return page(0);
  });
  expect(renderedAgain).toBe(true);
  expect(again.body.equals(first.body)).toBe(true);
  expect(again.etag).toBe(first.etag);
});

test('a page loaded again (a new model) is rendered again; the same model is not', () => {
  const renderer = new PageRenderer(1024 * 1024);
  const before = { version: 1 };
  const first = renderer.get('pypi/demo', 'json', before, () => '{"v":1}');
  expect(renderer.get('pypi/demo', 'json', before, () => '{"v":"never"}')).toBe(first);
  const after = renderer.get('pypi/demo', 'json', { version: 2 }, () => '{"v":2}');
  expect(after.body.toString()).toBe('{"v":2}');
  expect(after.etag).not.toBe(first.etag);
});
