import * as tf from '@tensorflow/tfjs-core';
import type { Interdependence } from '@rpn/core';
import { GoldenMismatch, decodeParams, expectComputed, toNested, toTensor } from '../types.js';
import type { FamilyAdapter, GoldenCase } from '../types.js';

/** Frozen random state recorded in `aux` (`parameter_fabrication.A`, …) → the ψ's `frozen_state`. */
function frozenState(c: GoldenCase): Record<string, unknown> | undefined {
  if (!c.aux) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.aux as Record<string, any>)) {
    if (k.startsWith('parameter_fabrication.')) out[k.slice('parameter_fabrication.'.length)] = toNested(v);
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * Golden adapter for interdependence.json: `Class(b=b, m=m, **params)`, then `forward(x, w)`;
 * compares l, b', m' (where tinyBIG's method did not raise), A and the output.
 */
export const interdependenceAdapter: FamilyAdapter = {
  family: 'interdependence',
  run(c, env) {
    const params: Record<string, unknown> = { ...decodeParams(c.params ?? {}, c), b: c.b, m: c.m };
    const fs = frozenState(c);
    if (fs) params.frozen_state = fs;
    const f = env.registry.build<Interdependence>({ function_class: c.class, function_parameters: params });
    if (c.l != null && f.calculateL() !== c.l) throw new GoldenMismatch(`calculateL() = ${f.calculateL()}, expected ${c.l}`);
    if (typeof c.m_prime === 'number' && f.calculateMPrime() !== c.m_prime) throw new GoldenMismatch(`calculateMPrime() = ${f.calculateMPrime()}, expected ${c.m_prime}`);
    if (typeof c.b_prime === 'number' && f.calculateBPrime() !== c.b_prime) throw new GoldenMismatch(`calculateBPrime() = ${f.calculateBPrime()}, expected ${c.b_prime}`);
    if (c.require_data != null && f.requireData !== c.require_data) throw new GoldenMismatch(`requireData = ${f.requireData}, expected ${c.require_data}`);
    if (c.require_parameters != null && f.requireParameters !== c.require_parameters) throw new GoldenMismatch(`requireParameters = ${f.requireParameters}, expected ${c.require_parameters}`);
    const x = toTensor(c.input);
    const w = c.w ? toTensor(c.w) : null;
    try {
      if (c.A) expectComputed('A', () => f.calculateA(x, w), c.A, c);
      expectComputed('output', () => f.forward(x, w), c.output, c, [x]);
    } finally {
      x.dispose();
      w?.dispose();
    }
    void tf;
  },
};
