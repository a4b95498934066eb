import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsupportedError } from '@rpn/core';
import { datasetFromConfig } from './index.js';
import { getDataSource, memoryDataSource, setDataSource, type DataSource } from './source.js';

const cfg = (data_class: string, data_parameters: Record<string, unknown> = {}) => ({ data_class, data_parameters });

/** An IDX file by hand: magic 0 0 8 nd, big-endian dimensions, bytes. */
function idx(dims: number[], data: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, 8, dims.length]);
  const v = new DataView(out.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
}

// What a browser sees: no data source registered.
describe('datasets without a registered data source', () => {
  let saved: DataSource | null;
  beforeEach(() => { saved = getDataSource(); setDataSource(null); });
  afterEach(() => setDataSource(saved));

  it('the embedded datasets need none: iris, diabetes, karate club, miserables, sp500, the MNIST digits', async () => {
    const iris = await datasetFromConfig(cfg('iris'));
    expect(iris.train.count + iris.test.count).toBe(150);
    expect((await datasetFromConfig(cfg('diabetes'))).train.inputWidth).toBe(8);
    expect((await datasetFromConfig(cfg('karate_club'))).train.inputWidth).toBe(34);
    expect((await datasetFromConfig(cfg('miserables'))).train.inputWidth).toBe(77);
    expect((await datasetFromConfig(cfg('sp500', { file: 'sp500.csv' }))).train.count).toBeGreaterThan(50);
    const m = await datasetFromConfig(cfg('mnist'));
    expect([m.train.count, m.test.count, m.train.inputWidth]).toEqual([8000, 2000, 784]);
  });
  it('a dataset that reads a file is an UnsupportedError naming the file and how to give its bytes', async () => {
    const err = await datasetFromConfig(cfg('mnist_idx', { cache_dir: '/data/mnist' })).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedError);
    expect(err.argument).toContain('/data/mnist');
    expect(err.expected).toContain('memoryDataSource');
    expect(err.expected).toContain('@rpn/learn/node');
  });
  it('a memory data source supplies the bytes (plain and gzipped IDX)', async () => {
    const px = Array.from({ length: 2 * 4 }, (_, i) => i * 30);
    const files = {
      '/m/train-images-idx3-ubyte': idx([2, 2, 2], px),
      '/m/train-labels-idx1-ubyte.gz': await gzip(idx([2], [3, 7])),
      '/m/t10k-images-idx3-ubyte': idx([1, 2, 2], px.slice(0, 4)),
      '/m/t10k-labels-idx1-ubyte': idx([1], [9]),
    };
    setDataSource(memoryDataSource(files));
    const d = await datasetFromConfig(cfg('mnist_idx', { cache_dir: '/m', normalize: false }));
    expect([d.train.count, d.test.count, d.train.inputWidth]).toEqual([2, 1, 4]);
    px.slice(0, 4).forEach((v, i) => expect(d.train.x[i]).toBeCloseTo(v / 255, 6));
    expect(Array.from(d.train.y)).toEqual([3, 7]);
  });
});
