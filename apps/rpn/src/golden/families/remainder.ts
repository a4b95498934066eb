import * as tf from '@tensorflow/tfjs-core';
import type { Remainder } from '@rpn/core';
import { GoldenMismatch, decodeParams, expectClose, toTensor } from '../types.js';
import type { FamilyAdapter, GoldenCase } from '../types.js';

/**
 * Golden adapter for remainder.json: `forward(n=n)` cases (constant/zero/one) give a length-n
 * vector; `forward(x=x, w=w, b=b)` cases run on the case's input, w and bias.
 */
export const remainderAdapter: FamilyAdapter = {
  family: 'remainder',
  run(c: GoldenCase, env) {
    const f = env.registry.build<Remainder>({ function_class: c.class, function_parameters: decodeParams(c.params ?? {}, c) }, 'remainder');
    if (c.require_parameters != null && f.requireParameters !== c.require_parameters) throw new GoldenMismatch(`requireParameters = ${f.requireParameters}, expected ${c.require_parameters}`);
    if (c.enable_bias != null && f.enableBias !== c.enable_bias) throw new GoldenMismatch(`enableBias = ${f.enableBias}, expected ${c.enable_bias}`);
    const n = c.n as number;
    const x = c.input ? toTensor(c.input) : null;
    const m = (c.m as number | null) ?? (x ? (x.shape[1] as number) : n);
    const w = c.w ? toTensor(c.w) : null;
    const b = c.bias ? toTensor(c.bias) : null;
    const tensors = [x, w, b].filter((t): t is tf.Tensor => t != null);
    try {
      if (c.output == null) {
        if (!f.isZero) throw new GoldenMismatch('tinyBIG returns None (nothing added); expected isZero');
        return;
      }
      const y = f.forward(x, w, b, m, n);
      tensors.push(y);
      expectClose('output', y, null, c.output, c);
    } finally {
      tensors.forEach((t) => t.dispose());
    }
  },
};
