import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `$RPN_GOLDEN_DIR`, else the repository's vendored `golden/` (found walking up from this file). */
export function goldenDir(): string {
  if (process.env.RPN_GOLDEN_DIR) return process.env.RPN_GOLDEN_DIR;
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(d, 'golden-families.json'))) return path.join(d, 'golden');
    d = path.dirname(d);
  }
  throw new Error('the repository\'s golden/ folder was not found above this file; set RPN_GOLDEN_DIR');
}

export function readGolden(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(goldenDir(), 'checkpoints', name)));
}

export function readGoldenJson<T = any>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(goldenDir(), 'checkpoints', name), 'utf8')) as T;
}

/** Deterministic PRNG for fuzz loops (the seeded stream reconciliation draws its frozen state from). */
export { seededUniform as rng } from '@rpn/reconciliation';

import * as tf from '@tensorflow/tfjs-core';
import { createRegistry, defineEntry, type Registry } from '@rpn/core';
import type { CheckpointModel } from './model-io.js';

/** A small model with @rpn/model's shape: two linear layers, tinyBIG names, one optional buffer. */
export interface FakeModel extends CheckpointModel {
  forward(x: tf.Tensor): tf.Tensor;
  dispose(): void;
  readonly vars: readonly tf.Variable[];
}

export function fakeModel(options: { m?: number; h?: number; n?: number; seed?: number } = {}): FakeModel {
  const { m = 4, h = 5, n = 3, seed = 7 } = options;
  const own = (t: tf.Tensor, trainable = true) => { const v = tf.variable(t, trainable); t.dispose(); return v; };
  const vars = [
    own(tf.randomUniform([1, h * m], -1, 1, 'float32', seed)),
    own(tf.randomUniform([h, m], -1, 1, 'float32', seed + 1)),
    own(tf.randomUniform([1, n * h], -1, 1, 'float32', seed + 2)),
    own(tf.zeros([n]), false),
  ];
  const names = ['layers.0.heads.0.w', 'layers.0.heads.0.w_remainder', 'layers.1.heads.0.w', 'layers.1.heads.0.aux_buffer'];
  return Object.freeze({
    vars,
    namedParameters: () => names.map((name, i) => ({ name, variable: vars[i]!, trainable: i < 3, optional: i === 3 })),
    toConfig: () => ({ model_class: 'fake_model', model_parameters: { m, h, n, seed } }),
    forward: (x: tf.Tensor) => tf.tidy(() => {
      const h1 = tf.add(tf.matMul(x, tf.transpose(tf.reshape(vars[0]!, [h, m]))), tf.matMul(x, tf.transpose(vars[1]!)));
      return tf.add(tf.matMul(tf.tanh(h1), tf.transpose(tf.reshape(vars[2]!, [n, h]))), vars[3]!);
    }),
    dispose: () => vars.forEach((v) => v.dispose()),
  });
}

export function fakeRegistry(): Registry {
  return createRegistry([defineEntry('model', 'fake_model', (o) => fakeModel(o as { m: number; h: number; n: number; seed: number }))]);
}
