import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, any, defineOptions } from '@rpn/core';
import type { BuildContext, OptionsOf, Transformation, ValuesOf } from '@rpn/core';
import { COMPRESSION_BASE, defineCompression, extend } from './common.js';

/** Options of the nested and extended compressions. */
export const COMPOSITE_COMPRESSION_OPTIONS = defineOptions('nested_compression', {
  compositionFunctions: any<readonly Transformation[]>({ doc: 'transformation objects (tinyBIG composition_functions)' }),
  compositionFunctionConfigs: any<readonly unknown[]>({ doc: '{function_class, function_parameters} configs (or objects), built through the registry' }),
}, COMPRESSION_BASE);
/** Options of the nested and extended compressions. */
export type CompositeCompressionOptions = OptionsOf<typeof COMPOSITE_COMPRESSION_OPTIONS>;

/** A composite compression, with its member functions. */
export interface CompositeCompression extends Transformation {
  readonly functions: readonly Transformation[];
}

function members(className: string, options: ValuesOf<typeof COMPOSITE_COMPRESSION_OPTIONS>, ctx?: BuildContext): Transformation[] {
  const fns = options.compositionFunctions ?? options.compositionFunctionConfigs;
  if (!Array.isArray(fns) || fns.length === 0) {
    throw new ConfigError(`${className} needs its functions`, { argument: 'composition_function_configs', expected: 'a non-empty list of transformation configs or objects', received: JSON.stringify(fns) });
  }
  return fns.map((f, i) => {
    if (f && typeof f === 'object' && typeof (f as Transformation).forward === 'function' && typeof (f as Transformation).calculateD === 'function') return f as Transformation;
    if (!ctx) throw new ConfigError('a config member needs a registry', { argument: `composition_function_configs[${i}]`, expected: 'a transformation object (or build through a registry)', received: JSON.stringify(f) });
    return ctx.build<Transformation>(f, 'transformation');
  });
}

/**
 * tinyBIG `nested_compression(composition_function_configs)`: the functions applied left to right,
 * `κ = f_k ∘ … ∘ f_1`, `D = D_k(…D_1(m))`.
 */
export function nestedCompression(opts: CompositeCompressionOptions, ctx?: BuildContext): CompositeCompression {
  const options = COMPOSITE_COMPRESSION_OPTIONS.named('nested_compression').parse(opts);
  const fns = members('nested_compression', options, ctx);
  const t = defineCompression('nested_compression', options, {
    own: { compositionFunctionConfigs: fns.map((f) => f.toConfig()) },
    calculateD: (m) => fns.reduce((d, f) => f.calculateD(d), m),
    kappa: (x, c) => fns.reduce<Tensor>((y, f) => f.forward(y, c), x),
  });
  return extend(t, { functions: Object.freeze(fns) });
}

/** tinyBIG `extended_compression(composition_function_configs)`: the functions' outputs on the same x, concatenated; `D = Σ D_i(m)`. */
export function extendedCompression(opts: CompositeCompressionOptions, ctx?: BuildContext): CompositeCompression {
  const options = COMPOSITE_COMPRESSION_OPTIONS.named('extended_compression').parse(opts);
  const fns = members('extended_compression', options, ctx);
  const t = defineCompression('extended_compression', options, {
    own: { compositionFunctionConfigs: fns.map((f) => f.toConfig()) },
    calculateD: (m) => fns.reduce((d, f) => d + f.calculateD(m), 0),
    kappa: (x, c) => tf.concat(fns.map((f) => f.forward(x, c)), 1),
  });
  return extend(t, { functions: Object.freeze(fns) });
}
