import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFromConfig } from './index.js';
import { MissingDataFileError } from './checks.js';
import { CIFAR10_FILES, CIFAR10_MEAN, CIFAR10_STD, parseCifarBatch } from './vision.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-cifar-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A batch in CIFAR-10's binary format: per image 1 label byte, then 1024 R, 1024 G, 1024 B bytes. */
function batch(labels: number[], seed: number): Uint8Array {
  const b = new Uint8Array(labels.length * 3073);
  labels.forEach((y, i) => {
    b[i * 3073] = y;
    for (let j = 0; j < 3072; j++) b[i * 3073 + 1 + j] = (seed * 31 + i * 7 + j * 13) % 256;
  });
  return b;
}

function folder(name: string, files: readonly string[], gz = false): string {
  const dir = path.join(root, name, 'cifar-10-batches-bin');
  fs.mkdirSync(dir, { recursive: true });
  files.forEach((f, k) => {
    const b = batch([k % 10, (k + 3) % 10], k);
    fs.writeFileSync(path.join(dir, gz ? `${f}.gz` : f), gz ? zlib.gzipSync(b) : b);
  });
  return path.join(root, name);
}

const cfg = (cache_dir: string) => ({ data_class: 'tinybig.data.cifar10', data_parameters: { name: 'mnist', cache_dir, train_batch_size: 4 } });

describe('CIFAR-10 binary batches', () => {
  it('reads data_batch_1..5.bin + test_batch.bin from cifar-10-batches-bin/: 10 train / 2 test images of 3072, normalised per channel', async () => {
    const d = await datasetFromConfig(cfg(folder('ok', CIFAR10_FILES)));
    expect([d.train.count, d.test.count, d.train.inputWidth, d.numClasses, d.trainBatchSize]).toEqual([10, 2, 3072, 10, 4]);
    expect(Array.from(d.train.y)).toEqual([0, 3, 1, 4, 2, 5, 3, 6, 4, 7]);
    expect(Array.from(d.test.y)).toEqual([5, 8]);
    // train image 2 is batch 2's first record; its pixel j of channel c = (1·31 + 0 + j·13) mod 256
    for (const j of [0, 1500, 3071]) {
      const c = Math.floor(j / 1024);
      expect(d.train.x[2 * 3072 + j]).toBeCloseTo(((31 + j * 13) % 256 / 255 - CIFAR10_MEAN[c]) / CIFAR10_STD[c], 5);
    }
  });

  it('gzipped batches read the same', async () => {
    const a = await datasetFromConfig(cfg(folder('gz', CIFAR10_FILES, true)));
    const b = await datasetFromConfig(cfg(path.join(root, 'ok')));
    expect(Array.from(a.test.x)).toEqual(Array.from(b.test.x));
  });

  it('a missing file is a MissingDataFileError naming every expected file and the missing ones', async () => {
    const dir = folder('partial', CIFAR10_FILES.slice(0, 5));
    const e = await datasetFromConfig(cfg(dir)).catch((err) => err);
    expect(e).toBeInstanceOf(MissingDataFileError);
    expect(e.message).toContain('data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin');
    expect(e.message).toContain('cifar-10-batches-bin/');
    expect(e.message).toMatch(/missing test_batch\.bin in/);
    const none = await datasetFromConfig(cfg(path.join(root, 'none'))).catch((err) => err);
    expect(none).toBeInstanceOf(MissingDataFileError);
    expect(none.message).toMatch(/missing data_batch_1\.bin, .*test_batch\.bin/);
    const slash = await datasetFromConfig(cfg(`${path.join(root, 'none')}/`)).catch((err) => err);
    expect(slash.message).toContain(`${path.join(root, 'none')}/cifar-10-batches-bin/`);
  });

  it('a bad batch names the file and record', () => {
    const b = batch([1, 2], 0);
    b[3073] = 10;
    expect(() => parseCifarBatch(b, {}, 'data_batch_3.bin')).toThrow(/data_batch_3\.bin record 2 \(byte 3073\)/);
    expect(() => parseCifarBatch(new Uint8Array(0), {}, 'test_batch.bin')).toThrow(/test_batch\.bin.*empty|empty.*test_batch\.bin/s);
    expect(() => parseCifarBatch(b.subarray(0, 4000), {}, 'x.bin')).toThrow(/partial record/);
  });
});
