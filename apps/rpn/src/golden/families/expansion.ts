import * as tf from '@tensorflow/tfjs-core';
import type { Transformation } from '@rpn/core';
import { GoldenMismatch, decodeParams, expectClose, expectShape, jsonNumbers, toTensor } from '../types.js';
import type { FamilyAdapter, GoldenCase, JsonTensor } from '../types.js';

/**
 * Flattens tinyBIG's `combinatorial_expansion` list output (`items[r-1]`: `[b, C(m,r), r]`)
 * into our tensor layout: per row, the row-major flattening of each item, concatenated over r.
 */
function flattenListPerDegree(c: GoldenCase): JsonTensor {
  const items = c.output.items as JsonTensor[];
  const b = c.b ?? items[0].shape[0];
  const rows: number[][] = Array.from({ length: b }, () => []);
  for (const it of items) {
    const data = jsonNumbers(it);
    const per = it.shape.slice(1).reduce((a: number, s: number) => a * s, 1);
    for (let i = 0; i < b; i++) rows[i].push(...data.slice(i * per, (i + 1) * per));
  }
  const D = rows[0].length;
  return { shape: [b, D], dtype: items[0].dtype, data: rows.flat() };
}

/** Golden adapter for expansion.json (format: golden/README.md). */
export const expansionAdapter: FamilyAdapter = {
  family: 'expansion',
  run(c, env) {
    const f = env.registry.build<Transformation>({ function_class: c.class, function_parameters: decodeParams(c.params ?? {}, c) });
    const x = toTensor(c.input);
    try {
      const m = x.shape[1] as number;
      if (c.D != null && f.calculateD(m) !== c.D) throw new GoldenMismatch(`calculateD(${m}) = ${f.calculateD(m)}, expected ${c.D}`);
      const before = x.dataSync().slice();
      const y = f.forward(x);
      try {
        const after = x.dataSync();
        if (after.some((v, i) => !Object.is(v, before[i]))) throw new GoldenMismatch('forward mutated its input');
        const expected: JsonTensor = c.output?.kind === 'list_per_degree' ? flattenListPerDegree(c) : c.output;
        if (c.deterministic === false) {
          // Only shapes can be compared for random cases (none in the public set).
          expectShape('output', y, expected.shape);
        } else {
          expectClose('output', y, null, expected, c);
        }
      } finally {
        y.dispose();
      }
    } finally {
      x.dispose();
    }
    void tf;
  },
};
