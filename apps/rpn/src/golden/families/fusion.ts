import * as tf from '@tensorflow/tfjs-core';
import type { Fusion } from '@rpn/core';
import { GoldenMismatch, decodeParams, expectComputed, toNested, toTensor } from '../types.js';
import type { FamilyAdapter, GoldenCase, JsonTensor } from '../types.js';

/**
 * Golden adapter for fusion.json: builds the class from its params (frozen random matrices of
 * random_matrix_adaption from `aux` as the reconciliation's `frozen_state`), checks
 * `calculateN(dims)`, `calculateL()` and `forward(inputs, w)`.
 */
export const fusionAdapter: FamilyAdapter = {
  family: 'fusion',
  run(c: GoldenCase, env) {
    const params: Record<string, unknown> = { ...decodeParams(c.params ?? {}, c) };
    if (c.aux && Object.keys(c.aux).length) {
      const state: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c.aux as Record<string, JsonTensor>)) state[k.replace(/^parameter_fabrication\./, '')] = toNested(v);
      params.frozen_state = state;
    }
    const f = env.registry.build<Fusion>({ function_class: c.class, function_parameters: params }, 'fusion');
    const dims = c.input_dims as number[];
    if (c.n != null && f.calculateN(dims) !== c.n) throw new GoldenMismatch(`calculateN(${JSON.stringify(dims)}) = ${f.calculateN(dims)}, expected ${c.n}`);
    if (c.l != null && f.calculateL() !== c.l) throw new GoldenMismatch(`calculateL() = ${f.calculateL()}, expected ${c.l}`);
    if (c.require_parameters != null && f.requireParameters !== c.require_parameters) throw new GoldenMismatch(`requireParameters = ${f.requireParameters}, expected ${c.require_parameters}`);
    const xs = (c.inputs as JsonTensor[]).map(toTensor);
    const w = c.w ? toTensor(c.w) : null;
    try {
      expectComputed('output', () => f.forward(xs, w), c.output, c);
    } finally {
      tf.dispose([...xs, ...(w ? [w] : [])]);
    }
  },
};
