import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ConfigError, ValueError } from '@rpn/core';
import { datasetFromConfig, DATASET_NAMES } from './index.js';
import { DEBIAN_FASHION_MNIST, fashionMnistDataset } from './vision.js';

const cfg = (data_parameters: Record<string, unknown> = {}) => ({ data_class: 'tinybig.data.fashion_mnist', data_parameters });

/** An IDX file: magic 0x0000 08 <rank>, big-endian uint32 dimensions, then the bytes. */
function idx(dims: number[], bytes: number[]): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head.set([0, 0, 8, dims.length]);
  const view = new DataView(head.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...head, ...bytes]);
}

/** A user folder in torchvision's layout (FashionMNIST/raw), train files gzipped, test files plain: 3 train and 2 test 2×2 images. */
function userFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-fashion-'));
  const raw = path.join(dir, 'FashionMNIST', 'raw');
  fs.mkdirSync(raw, { recursive: true });
  fs.writeFileSync(path.join(raw, 'train-images-idx3-ubyte.gz'), gzipSync(idx([3, 2, 2], [0, 255, 0, 255, 1, 2, 3, 4, 9, 9, 9, 9])));
  fs.writeFileSync(path.join(raw, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([3], [9, 0, 9])));
  fs.writeFileSync(path.join(raw, 't10k-images-idx3-ubyte'), idx([2, 2, 2], [255, 255, 255, 255, 0, 0, 0, 0]));
  fs.writeFileSync(path.join(raw, 't10k-labels-idx1-ubyte'), idx([2], [3, 7]));
  return dir;
}

describe('fashion_mnist', () => {
  it('is a registered data class', () => {
    expect(DATASET_NAMES).toContain('fashion_mnist');
  });

  it('reads a user folder (cache_dir; gz and plain IDX): shapes, labels, Fashion-MNIST normalisation', async () => {
    const d = await datasetFromConfig(cfg({ cache_dir: userFolder(), train_batch_size: 2 }));
    expect([d.name, d.train.count, d.test.count, d.train.inputWidth, d.numClasses, d.trainBatchSize]).toEqual(['fashion_mnist', 3, 2, 4, 10, 2]);
    expect(Array.from(d.train.y)).toEqual([9, 0, 9]);
    expect(Array.from(d.test.y)).toEqual([3, 7]);
    // (x / 255 − 0.2860) / 0.3530
    expect(d.train.x[0]).toBeCloseTo(-0.286 / 0.353, 5);
    expect(d.train.x[1]).toBeCloseTo((1 - 0.286) / 0.353, 5);
    expect(d.test.x[7]).toBeCloseTo(-0.286 / 0.353, 5);
    const raw = await datasetFromConfig(cfg({ cache_dir: userFolder(), normalize: false }));
    expect(raw.train.x[5]).toBeCloseTo(2 / 255, 6);
  });

  it('not installed: a ConfigError naming the Debian package and the four file names', async () => {
    const missing = path.join(os.tmpdir(), 'rpn-no-such-fashion-mnist');
    const run = fashionMnistDataset({}, missing);
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(/not installed.*dataset-fashion-mnist.*t10k-labels-idx1-ubyte/s);
    // a user folder without the files: a typed error naming the folder and the file
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-fashion-empty-'));
    await expect(datasetFromConfig(cfg({ cache_dir: empty }))).rejects.toThrow(ValueError);
    await expect(datasetFromConfig(cfg({ cache_dir: empty }))).rejects.toThrow(/train-images-idx3-ubyte/);
  });

  it('a label outside 0…9 in a user folder is refused with the file and item', async () => {
    const dir = userFolder();
    fs.writeFileSync(path.join(dir, 'FashionMNIST', 'raw', 't10k-labels-idx1-ubyte'), idx([2], [3, 10]));
    await expect(datasetFromConfig(cfg({ cache_dir: dir }))).rejects.toThrow(/t10k-labels-idx1-ubyte item 1/);
  });

  // Fashion-MNIST's published split: 60,000 train / 10,000 test, 6,000 and 1,000 images of every class.
  it.skipIf(!fs.existsSync(DEBIAN_FASHION_MNIST))('Debian\'s dataset-fashion-mnist: 60,000 / 10,000 images of 784 pixels, 6,000 / 1,000 per class', async () => {
    const d = await datasetFromConfig(cfg());
    expect([d.train.count, d.test.count, d.train.inputWidth, d.test.inputWidth, d.numClasses]).toEqual([60000, 10000, 784, 784, 10]);
    const count = (y: ArrayLike<number>) => { const c = new Array(10).fill(0); for (let i = 0; i < y.length; i++) c[y[i]]++; return c; };
    expect(count(d.train.y)).toEqual(new Array(10).fill(6000));
    expect(count(d.test.y)).toEqual(new Array(10).fill(1000));
    // pixels are bytes: the smallest normalised value is (0 − 0.2860) / 0.3530, the largest (1 − 0.2860) / 0.3530
    let lo = Infinity, hi = -Infinity;
    for (const v of d.test.x) { if (v < lo) lo = v; if (v > hi) hi = v; }
    expect(lo).toBeCloseTo(-0.286 / 0.353, 5);
    expect(hi).toBeCloseTo((1 - 0.286) / 0.353, 5);
  });
});
