import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingDataFileError } from '@rpn/learn';
import { appRegistry } from './registry.js';
import { buildModel, loadExperiment, readYaml } from './commands/run.js';

const dir = path.resolve(import.meta.dirname, '..', 'tinybig-configs');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('_configs.yaml')).sort();

/** The user files each experiment needs when it cannot run on shipped data. */
const NEEDS: Record<string, RegExp> = {
  'imdb_configs.yaml': /aclImdb\/train\/pos/,
  'kan_failure_configs.yaml': /aclImdb\/train\/pos/,
  'sst2_configs.yaml': /train\.tsv and dev\.tsv/,
  'agnews_configs.yaml': /train\.csv and test\.csv/,
  'cifar10_configs.yaml': /data_batch_1\.bin.*test_batch\.bin.*cifar-10-batches-bin/s,
};

// An empty data folder: the default (RPN_DATA_DIR, else ./data/) must not find files by chance.
const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-no-data-'));
const prev = process.env.RPN_DATA_DIR;
beforeAll(() => { process.env.RPN_DATA_DIR = empty; });
afterAll(() => { if (prev === undefined) delete process.env.RPN_DATA_DIR; else process.env.RPN_DATA_DIR = prev; fs.rmSync(empty, { recursive: true, force: true }); });

describe("tinyBIG's 13 shipped experiment files", () => {
  it('are all here', () => {
    expect(files).toHaveLength(13);
    for (const f of Object.keys(NEEDS)) expect(files).toContain(f);
  });

  for (const file of files) {
    const needs = NEEDS[file];
    it(needs ? `${file}: fails with a MissingDataFileError naming the user files` : `${file}: loads its data, builds its model, one forward pass`, async () => {
      const doc = readYaml(path.join(dir, file));
      const run = loadExperiment(doc, path.join(dir, file), {});
      if (needs) {
        const e = await run.catch((err: unknown) => err);
        expect(e).toBeInstanceOf(MissingDataFileError);
        expect((e as Error).message).toMatch(needs);
        expect((e as Error).message).toContain(empty);
        return;
      }
      const loaded = await run;
      expect(loaded.data.train.count).toBeGreaterThan(0);
      expect(loaded.data.test.count).toBeGreaterThan(0);
      const before = tf.memory().numTensors;
      const model = buildModel(appRegistry(), loaded);
      try {
        const w = loaded.data.train.inputWidth;
        const y = tf.tidy(() => model.forward(tf.tensor2d(loaded.data.train.x.subarray(0, 2 * w), [2, w])).arraySync() as number[][]);
        expect(y).toHaveLength(2);
        expect(y.flat().every(Number.isFinite)).toBe(true);
      } finally {
        model.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    }, 60_000);
  }
});
