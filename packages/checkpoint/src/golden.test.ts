import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry } from '@rpn/core';
import { expansionEntries } from '@rpn/expansion';
import { reconciliationEntries } from '@rpn/reconciliation';
import { remainderEntries } from '@rpn/remainder';
import { modelEntries } from '@rpn/model';
import { verifyCheckpointSidecar } from './golden.js';
import { goldenDir } from './test-utils.js';

const registry = createRegistry(expansionEntries, reconciliationEntries, remainderEntries, modelEntries);
const dir = path.join(goldenDir(), 'checkpoints');
const sidecars = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('golden checkpoints: load the .pt, run model_configs, match expected_output', () => {
  for (const f of sidecars) {
    const side = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    if (!side.state_dict_keys) continue; // dtype_probe has its own test
    it(f, () => {
      const before = tf.memory().numTensors;
      const r = verifyCheckpointSidecar(side, new Uint8Array(fs.readFileSync(path.join(dir, side.checkpoint_file))), registry);
      expect(r.worst).not.toBeNull();
      expect(r.worst!).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
