import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, ValueError } from '@rpn/core';
import { datasetFromConfig } from './datasets/index.js';
import { parseTable, tableDataset } from './datasets/tabular.js';
import { idxDataset, parseIdx, readIdx } from './datasets/vision.js';
import { learnerFromConfig } from './experiment.js';

const cfg = (data_class: string, data_parameters: Record<string, unknown> = {}) => ({ data_class, data_parameters });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-learn-'));

/** An IDX file: magic 0 0 8 nd, big-endian dims, then the bytes. */
function idx(dims: number[], data: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head.set([0, 0, 8, dims.length]);
  const v = new DataView(head.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}

describe('data loaders refuse what would end in NaN or an empty split', () => {
  it('num ≤ 0, non-integer or huge', async () => {
    for (const num of [0, -5, 2.5, 1e12, 'many']) {
      await expect(datasetFromConfig(cfg('tinybig.data.elementary_function', { num }), { seed: 1 })).rejects.toThrow(ValueError);
    }
    await expect(datasetFromConfig(cfg('tinybig.data.elementary_function', { num: 0 }), { seed: 1 })).rejects.toThrow(/data_parameters\.num/);
  });
  it('train_percentage of 1 or more, 0 or less, or one that leaves a split empty', async () => {
    for (const train_percentage of [1, 1.5, 0, -0.1]) {
      await expect(datasetFromConfig(cfg('tinybig.data.elementary_function', { num: 100, train_percentage }), { seed: 1 })).rejects.toThrow(/train_percentage/);
    }
    await expect(datasetFromConfig(cfg('tinybig.data.elementary_function', { num: 10, train_percentage: 0.05 }), { seed: 1 })).rejects.toThrow(/empty split/);
    await expect(datasetFromConfig(cfg('tinybig.data.iris', { train_percentage: 1 }))).rejects.toThrow(/train_percentage/);
  });
  it('empty or non-numeric cells name the file, line and column', () => {
    const ok = ['Id_int,a_float,b_float,label_str', '1,0.5,2,x', '2,0.7,3,y', '3,0.1,1,x'];
    expect(parseTable(ok, 't.csv').rows).toBe(3);
    const empty = [...ok];
    empty[2] = '2,,3,y';
    expect(() => parseTable(empty, 't.csv')).toThrow(ValueError);
    expect(() => parseTable(empty, 't.csv')).toThrow(/t\.csv line 3, column 2 \(a\)/);
    const word = [...ok];
    word[3] = '3,0.1,abc,x';
    expect(() => parseTable(word, 't.csv')).toThrow(/line 4, column 3 \(b\).*"abc"/);
    const frac = [...ok];
    frac[1] = '1.5,0.5,2,x';
    expect(() => parseTable(frac, 't.csv')).toThrow(/an integer/);
  });
  it('a constant column under min-max, and one row under mean-std, are refused', () => {
    const constant = parseTable(['Id_int,a_float,b_float,label_int', '1,0.5,2,0', '2,0.5,3,1', '3,0.5,1,0', '4,0.5,5,1'], 'c.csv');
    expect(() => tableDataset('c', constant, { normalizeX: true, trainPercentage: 0.5 })).toThrow(/column a is constant/);
    expect(() => tableDataset('c', constant, { normalizeX: false, trainPercentage: 0.5 })).not.toThrow();
    const one = parseTable(['Id_int,a_float,label_int', '1,0.5,0'], 'one.csv');
    expect(() => tableDataset('one', one, { normalizeX: true, normalizeType: 'mean_std', trainPercentage: 0.5 })).toThrow(/at least two rows/);
  });
});

describe('IDX files', () => {
  it('a bad header is a typed error naming the file', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8]), 'a.idx')).toThrow(/not an IDX file.*a\.idx|a\.idx/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0]), 'b.idx')).toThrow(/header is truncated/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 9, 0, 0, 0, 0]), 'c.idx')).toThrow(/rank/);
    expect(() => parseIdx(idx([0, 28, 28], new Uint8Array()), 'd.idx')).toThrow(/dimensions out of range/);
    expect(() => parseIdx(idx([2, 2], new Uint8Array(3)), 'e.idx')).toThrow(/truncated/);
  });
  it('a .gz is inflated no further than its header declares', async () => {
    const dir = tmp();
    const ok = idx([3, 2, 2], Uint8Array.from({ length: 12 }, (_, i) => i));
    fs.writeFileSync(path.join(dir, 'ok.gz'), zlib.gzipSync(ok));
    expect(Array.from((await readIdx(path.join(dir, 'ok.gz'))).data)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // header says 3 bytes, the archive holds 64 MiB of zeros after it: refused without inflating it all
    const liar = new Uint8Array(8 + 64 * 2 ** 20);
    liar.set(idx([3], new Uint8Array(3)));
    fs.writeFileSync(path.join(dir, 'liar.gz'), zlib.gzipSync(liar));
    const before = process.memoryUsage().arrayBuffers;
    await expect(readIdx(path.join(dir, 'liar.gz'))).rejects.toThrow(/inflates past the size its header declares/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 2 ** 20);
    fs.writeFileSync(path.join(dir, 'junk.gz'), Uint8Array.from([1, 2, 3, 4, 5]));
    await expect(readIdx(path.join(dir, 'junk.gz'))).rejects.toThrow(ValueError);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('labels beyond the class count are refused, naming the item', async () => {
    const dir = tmp();
    const images = idx([2, 2, 2], new Uint8Array(8));
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), images);
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), images);
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), idx([2], Uint8Array.from([3, 11])));
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), idx([2], Uint8Array.from([0, 1])));
    await expect(idxDataset('mnist', dir)).rejects.toThrow(/label out of range.*item 1/);
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), idx([2], Uint8Array.from([3, 9])));
    expect((await idxDataset('mnist', dir)).train.count).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('learnerFromConfig', () => {
  it('frees the optimizer\'s slot tensors when the scheduler config is invalid', () => {
    const vars = [tf.variable(tf.zeros([3, 4])), tf.variable(tf.zeros([5]))];
    const learner = (sched: unknown) => ({ learner_class: 'tinybig.learner.backward_learner', learner_parameters: { n_epochs: 2, optimizer_configs: { optimizer_class: 'torch.optim.AdamW', optimizer_parameters: { lr: 0.01 } }, lr_scheduler_configs: sched, loss_configs: { loss_class: 'torch.nn.MSELoss' } } });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      expect(() => learnerFromConfig(learner({ lr_scheduler_class: 'torch.optim.lr_scheduler.NoSuchLR' }), vars)).toThrow();
    }
    expect(tf.memory().numTensors).toBe(before);
    const ok = learnerFromConfig(learner({ lr_scheduler_class: 'torch.optim.lr_scheduler.ExponentialLR', lr_scheduler_parameters: { gamma: 0.9 } }), vars);
    ok.optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(vars);
  });
  it('n_epochs must be a positive integer', () => {
    const learner = (n_epochs: unknown) => ({ learner_class: 'x', learner_parameters: { n_epochs, optimizer_configs: { optimizer_class: 'torch.optim.SGD', optimizer_parameters: { lr: 0.1 } }, loss_configs: { loss_class: 'torch.nn.MSELoss' } } });
    for (const n of [0, -1, 2.5, 'ten', Number.NaN]) expect(() => learnerFromConfig(learner(n), [])).toThrow(ConfigError);
  });
});
