import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { appRegistry } from '../registry.js';
import { defaultGoldenDir, loadCases, runCase } from './runner.js';

// The grid cases of the architecture families (conv / pool heads and layers, cnn, resnet) on wasm,
// through the real harness and registry: forward, every parameter gradient and the input gradient.
// Guards them in `pnpm test` until the three families are declared complete in golden-families.json.
const dir = defaultGoldenDir();
const registry = appRegistry();
const GRID = /\/(grid_interdependence_head|grid_compression_head|grid_interdependence_layer|grid_compression_layer|cnn|resnet)\//;

describe('golden: grid architectures (conv, pool, cnn, resnet) at parity with gradients', () => {
  for (const family of ['architecture_head', 'architecture_layer', 'architecture_model']) {
    const cases = loadCases(dir, family).filter((c) => GRID.test(c.id));
    it(`${family} has grid cases`, () => expect(cases.length).toBeGreaterThan(0));
    for (const c of cases) {
      it(c.id, async () => {
        const before = tf.memory().numTensors;
        const r = await runCase(c, registry, dir);
        expect(tf.memory().numTensors).toBe(before);
        // tinyBIG-mode layers repeat one head object: documented (shared-heads rule) only when the
        // summed per-head gradients match tinyBIG's shared gradient; every other case must pass
        if (c.heads_mode === 'tinybig' && Array.isArray(c.shared_parameters) && c.shared_parameters.length > 0) expect(r.status).toBe('documented');
        else expect({ status: r.status, message: r.message }).toEqual({ status: 'passed', message: undefined });
      });
    }
  }
});
