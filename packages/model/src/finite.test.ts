import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ValueError } from '@rpn/core';
import { checkFiniteParameters, nonFiniteParameters, rpnHead, rpnLayer, rpnModel } from './index.js';
import { identityTestReconciliation, linearTestRemainder, squareExpansion } from './test-utils.js';

const head = () => rpnHead({ m: 3, n: 2, expansion: squareExpansion(), reconciliation: identityTestReconciliation(), remainder: linearTestRemainder() });

function poison(v: tf.Variable, values: Record<number, number>): void {
  const data = Float32Array.from(v.dataSync());
  for (const [i, x] of Object.entries(values)) data[Number(i)] = x;
  const t = tf.tensor(data, v.shape);
  v.assign(t);
  t.dispose();
}

describe('non-finite weights', () => {
  it('finds NaN and ±Infinity per parameter, with counts and the first index', () => {
    const h = head();
    expect(nonFiniteParameters(h)).toEqual([]);
    const [w, wr] = h.namedParameters();
    poison(w!.variable, { 2: Number.NaN, 4: Number.POSITIVE_INFINITY, 5: Number.NaN });
    poison(wr!.variable, { 0: Number.NEGATIVE_INFINITY });
    const bad = nonFiniteParameters(h);
    expect(bad).toEqual([
      { name: w!.name, size: w!.variable.size, nan: 2, posInf: 1, negInf: 0, firstIndex: 2 },
      { name: wr!.name, size: wr!.variable.size, nan: 0, posInf: 0, negInf: 1, firstIndex: 0 },
    ]);
    h.dispose();
  });

  it('warns by default and refuses with allowNonFinite: false, naming the parameter and the source', () => {
    const h = head();
    const w = h.namedParameters()[0]!;
    poison(w.variable, { 1: Number.NaN });
    const warnings: string[] = [];
    expect(checkFiniteParameters(h, { warn: (l) => warnings.push(l), source: 'ck' })).toHaveLength(1);
    expect(warnings).toEqual([`warning: non-finite weights in ck: ${w.name}: 1 NaN of ${w.variable.size} values (first at index 1)`]);
    expect(() => checkFiniteParameters(h, { allowNonFinite: false, source: 'ck' })).toThrow(ValueError);
    expect(() => checkFiniteParameters(h, { allowNonFinite: false })).toThrow(new RegExp(`${w.name.replace(/\./g, '\\.')}: 1 NaN`));
    h.dispose();
  });

  it('a finite model passes silently and the check creates no tensors', () => {
    const h = head();
    const before = tf.memory().numTensors;
    const warnings: string[] = [];
    expect(checkFiniteParameters(h, { allowNonFinite: false, warn: (l) => warnings.push(l) })).toEqual([]);
    expect(warnings).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    h.dispose();
  });
});

describe('forward on a disposed input', () => {
  it('is a typed ValueError for heads, layers and models (not tfjs\'s raw "Tensor is disposed")', () => {
    const h = head();
    const owned = [head(), head()];
    const layer = rpnLayer({ m: 3, n: 2, heads: [owned[0]!] });
    const inner = rpnLayer({ m: 3, n: 2, heads: [owned[1]!] });
    const model = rpnModel({ layers: [inner] });
    for (const [what, f] of [['head', h], ['layer', layer], ['model', model]] as const) {
      const x = tf.ones([4, 3]);
      x.dispose();
      const before = tf.memory().numTensors;
      let err: unknown;
      try { f.forward(x); } catch (e) { err = e; }
      expect(err, what).toBeInstanceOf(ValueError);
      expect((err as ValueError).argument, what).toBe('x');
      expect((err as Error).message, what).toMatch(/disposed/);
      expect(tf.memory().numTensors, what).toBe(before);
    }
    for (const d of [h, layer, model, inner, ...owned]) d.dispose();
  });
});
