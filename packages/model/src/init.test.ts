import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { initialValue, initScale, rpnHead } from './index.js';
import { identityTestReconciliation, linearTestRemainder, squareExpansion } from './test-utils.js';

function stats(t: tf.Tensor) {
  const d = Array.from(t.dataSync());
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { min: Math.min(...d), max: Math.max(...d), mean, std };
}

describe('parameter initialisation', () => {
  it('xavier_uniform: U(±√(6/(fan_in+fan_out)))', () => {
    const t = initialValue('xavier_uniform', { shape: [20, 300] }, 1);
    const s = stats(t);
    const a = Math.sqrt(6 / 320);
    expect(s.min).toBeGreaterThanOrEqual(-a);
    expect(s.max).toBeLessThanOrEqual(a);
    expect(s.std).toBeCloseTo(a / Math.sqrt(3), 2);
    t.dispose();
    // biases as b.view(1, -1): ±√(6/(n+1))
    expect(initScale('xavier_uniform', { shape: [5], bias: true }).hi).toBeCloseTo(Math.sqrt(6 / 6));
  });

  it('xavier_normal: N(0, 2/(fan_in+fan_out))', () => {
    const t = initialValue('xavier_normal', { shape: [50, 350] }, 2);
    const s = stats(t);
    expect(Math.abs(s.mean)).toBeLessThan(0.005);
    expect(s.std).toBeCloseTo(Math.sqrt(2 / 400), 2);
    t.dispose();
  });

  it('kaiming_uniform(a=√5): U(±1/√fan_in), biases with the weight fan-in', () => {
    const t = initialValue('kaiming_uniform', { shape: [10, 100] }, 3);
    const s = stats(t);
    expect(s.max).toBeLessThanOrEqual(0.1);
    expect(s.min).toBeGreaterThanOrEqual(-0.1);
    expect(s.max).toBeGreaterThan(0.09);
    t.dispose();
    expect(initScale('kaiming_uniform', { shape: [10], bias: true, weightFanIn: 400 }).hi).toBeCloseTo(0.05);
  });

  it('fanout_std_uniform: U(±1/√n)', () => {
    expect(initScale('fanout_std_uniform', { shape: [1, 1000], n: 16 }).hi).toBeCloseTo(0.25);
  });

  it('seeded heads are reproducible and different seeds differ', () => {
    const make = (seed: number) => rpnHead({ m: 3, n: 2, expansion: squareExpansion(), reconciliation: identityTestReconciliation({ enableBias: true }), remainder: linearTestRemainder(), seed, parametersInitMethod: 'xavier_normal' });
    const [a, b, c] = [make(1), make(1), make(2)];
    const vals = (h: ReturnType<typeof make>) => h.namedParameters().map((p) => Array.from(p.variable.dataSync()));
    expect(vals(a)).toEqual(vals(b));
    expect(vals(a)).not.toEqual(vals(c));
    [a, b, c].forEach((h) => h.dispose());
  });
});
