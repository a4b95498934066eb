import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createRegistry } from '@rpn/core';
import type { Transformation } from '@rpn/core';
import { expansionEntries } from './index.js';

const registry = createRegistry(expansionEntries);
const build = (cls: string, params: Record<string, unknown>) => registry.build({ function_class: cls, function_parameters: params });

/** The error a build throws, or undefined. */
function errorOf(cls: string, params: Record<string, unknown>): unknown {
  try { build(cls, params); } catch (e) { return e; }
  return undefined;
}
function expectRejected(cls: string, params: Record<string, unknown>, argument: string): void {
  const e = errorOf(cls, params);
  // a config's option error is a ConfigError naming the tinyBIG key (core's option rule)
  expect(e, `${cls}(${JSON.stringify(params)})`).toBeInstanceOf(ConfigError);
  expect((e as ConfigError).argument).toBe(argument);
  expect((e as ConfigError).received).toBe(JSON.stringify(Object.values(params)[0]));
}

const FAMILIES = ['harr_wavelet_expansion', 'beta_wavelet_expansion', 'shannon_wavelet_expansion', 'ricker_wavelet_expansion', 'dog_wavelet_expansion', 'meyer_wavelet_expansion'];

describe('wavelet parameter validation (as tinyBIG discrete_wavelet / beta_wavelet)', () => {
  it('rejects harr_wavelet_expansion(a=0.5) and beta_wavelet_expansion(alpha=0.5), as tinyBIG\'s tests do', () => {
    expectRejected('harr_wavelet_expansion', { a: 0.5 }, 'a');
    expectRejected('beta_wavelet_expansion', { alpha: 0.5 }, 'alpha');
  });
  for (const cls of FAMILIES) {
    it(`${cls}: a ≥ 1, b ≥ 0, integer s, t, d ≥ 1`, () => {
      expectRejected(cls, { a: 0.99 }, 'a');
      expectRejected(cls, { a: -2 }, 'a');
      expectRejected(cls, { b: -0.1 }, 'b');
      expectRejected(cls, { s: 1.5 }, 's');
      expectRejected(cls, { t: 0 }, 't');
      expectRejected(cls, { d: 0 }, 'd');
      expect(errorOf(cls, { a: 1, b: 0 })).toBeUndefined();
      expect(errorOf(cls, { a: 2.5, b: 0.5, s: 2, t: 3 })).toBeUndefined();
    });
  }
  it('beta: alpha ≥ 1 and beta ≥ 1', () => {
    expectRejected('beta_wavelet_expansion', { beta: 0.5 }, 'beta');
    expectRejected('beta_wavelet_expansion', { alpha: 0 }, 'alpha');
    expect(errorOf('beta_wavelet_expansion', { alpha: 1, beta: 1 })).toBeUndefined();
  });
  it('ricker and dog: σ > 0 (σ = 0 would divide by zero)', () => {
    expectRejected('ricker_wavelet_expansion', { sigma: 0 }, 'sigma');
    expectRejected('dog_wavelet_expansion', { sigma_1: 0 }, 'sigma_1');
    expectRejected('dog_wavelet_expansion', { sigma_2: -1 }, 'sigma_2');
  });
  it('the base discrete_wavelet_expansion validates a and b too', () => {
    expectRejected('discrete_wavelet_expansion', { a: 0.5, wavelet: 'harr' }, 'a');
  });
  it('a = 1 (tinyBIG\'s default) gives a^(−s/2) = 1 and ψ(x − t·b) for every scale', () => {
    const f = build('harr_wavelet_expansion', { a: 1, b: 0.5, s: 2, t: 2 }) as Transformation;
    const x = tf.tensor2d([[0.3]]);
    // (s', t') = (0,0),(0,1),(1,0),(1,1): τ = 0.3, −0.2, 0.3, −0.2 → Haar 1, 0, 1, 0
    expect(Array.from(f.forward(x).dataSync())).toEqual([1, 0, 1, 0]);
  });
});
