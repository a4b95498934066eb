import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry, defineEntry, type Registry } from '@rpn/core';
import { reconciliationEntries } from '@rpn/reconciliation';
import { modelEntries } from '../../index.js';
import { identityExpansion, linearTestRemainder, zeroTestRemainder } from '../../test-utils.js';

/** One golden case, as much of it as these tests read. */
export interface GridCase {
  id: string;
  config: { class: string; parameters: Record<string, unknown> };
  structure: Array<Record<string, unknown>>;
  state_dict: Record<string, { shape: number[]; data: number[] }>;
  b: number;
  m?: number;
  n?: number;
}

/** The repository's vendored `golden/` (walking up to the folder holding golden-families.json). */
function goldenDir(): string {
  if (process.env.RPN_GOLDEN_DIR) return process.env.RPN_GOLDEN_DIR;
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(d, 'golden-families.json'))) return path.join(d, 'golden');
    d = path.dirname(d);
  }
  throw new Error('golden/ not found above this file; set RPN_GOLDEN_DIR');
}

/** The grid cases (conv / pool heads and layers, cnn, resnet) of an architecture family. */
export function gridCases(family: 'architecture_head' | 'architecture_layer' | 'architecture_model'): GridCase[] {
  const all = JSON.parse(fs.readFileSync(path.join(goldenDir(), `${family}.json`), 'utf8')).cases as GridCase[];
  return all.filter((c) => /\/(grid_|cnn\/|resnet\/)/.test(c.id));
}

/**
 * A registry with the real reconciliations (identity, lorr, dual_lphm, …), a test identity
 * expansion and test linear / zero remainders (x·Wᵀ + b; nothing), and every model-core entry.
 */
export function gridRegistry(): Registry {
  return createRegistry(
    reconciliationEntries,
    [
      defineEntry('expansion', 'identity_expansion', () => identityExpansion(), { module: 'tinybig.expansion' }),
      defineEntry('remainder', 'linear_remainder', (o) => linearTestRemainder(o as { enableBias?: boolean }), { module: 'tinybig.remainder' }),
      defineEntry('remainder', 'zero_remainder', () => zeroTestRemainder(), { module: 'tinybig.remainder' }),
    ],
    modelEntries,
  );
}

/** A deterministic uniform [lo, hi) array (a small LCG; independent of tfjs's generators). */
export function uniform(count: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(lo + ((s >>> 8) / 16777216) * (hi - lo));
  }
  return out;
}

/** Max |a − b| over two flat arrays. */
export function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Assigns values to every named parameter of a module from another one (same names). */
export function copyParameters(from: { namedParameters(): Array<{ name: string; variable: tf.Variable }> }, to: { namedParameters(): Array<{ name: string; variable: tf.Variable }> }): void {
  const target = new Map(to.namedParameters().map((p) => [p.name, p.variable]));
  for (const p of from.namedParameters()) {
    const v = target.get(p.name);
    if (!v) throw new Error(`missing parameter ${p.name}`);
    v.assign(p.variable);
  }
}

/** Fills every trainable parameter with seeded uniform values in [−0.5, 0.5). */
export function fillParameters(module: { namedParameters(): Array<{ name: string; variable: tf.Variable; trainable: boolean }> }, seed: number): void {
  module.namedParameters().forEach((p, i) => {
    if (!p.trainable) return;
    const t = tf.tensor(uniform(p.variable.size, seed + 31 * i, -0.5, 0.5), p.variable.shape, 'float32');
    p.variable.assign(t);
    t.dispose();
  });
}
