import * as tf from '@tensorflow/tfjs-core';
import { processingChain, type ProcessingSpec } from '@rpn/core';
import { GoldenMismatch, decodeParams, expectComputed, toTensor } from '../types.js';
import type { FamilyAdapter, GoldenCase } from '../types.js';

function sameJson(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([x], [y]) => x.localeCompare(y)).map(([k, w]) => [k, norm(w)])) : Array.isArray(v) ? v.map(norm) : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/**
 * Golden adapter for output.json: `function.func_x` cases run the processing chain of the case's
 * `functions` (names, callables as configs) or `function_configs` in training mode, as tinyBIG's
 * freshly built modules are; `rpn_output` compares `toConfig()`.
 */
export const outputAdapter: FamilyAdapter = {
  family: 'output',
  run(c: GoldenCase, env) {
    if (c.class === 'rpn_output') {
      const o = env.registry.build<{ toConfig(): unknown }>({ output_class: c.class, output_parameters: decodeParams(c.params ?? {}, c) }, 'output');
      if (!sameJson(o.toConfig(), c.to_config)) throw new GoldenMismatch(`toConfig() = ${JSON.stringify(o.toConfig())}, expected ${JSON.stringify(c.to_config)}`);
      return;
    }
    const spec = (c.function_configs !== undefined ? c.function_configs : decodeParams(c.functions, c)) as ProcessingSpec;
    const chain = processingChain(spec);
    const x = toTensor(c.input);
    try {
      expectComputed('output', () => chain.forward(x, { training: true }), c.output, c, [x]);
    } finally {
      x.dispose();
    }
    void tf;
  },
};
