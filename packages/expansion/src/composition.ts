import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, any, defineOptions } from '@rpn/core';
import type { BuildContext, OptionsOf, Transformation, ValuesOf } from '@rpn/core';
import { TRANSFORMATION_BASE, defineExpansion } from './common.js';

/** Options of the composed expansions. */
export const COMPOSITION_OPTIONS = defineOptions('nested_expansion', {
  compositionFunctions: any<readonly Transformation[]>({ doc: 'transformation objects (tinyBIG composition_functions)' }),
  compositionFunctionConfigs: any<readonly unknown[] | unknown>({ doc: '{function_class, function_parameters} configs (or objects), built through the registry' }),
}, TRANSFORMATION_BASE);
/** Options of the composed expansions. */
export type CompositionOptions = OptionsOf<typeof COMPOSITION_OPTIONS>;

const isTransformation = (v: unknown): v is Transformation =>
  v != null && typeof v === 'object' && typeof (v as Transformation).forward === 'function' && typeof (v as Transformation).calculateD === 'function';

function resolveFunctions(className: string, o: ValuesOf<typeof COMPOSITION_OPTIONS>, ctx?: BuildContext): Transformation[] {
  const raw = o.compositionFunctions ?? o.compositionFunctionConfigs;
  const list = raw == null ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) {
    throw new ConfigError(`${className} needs at least one function`, { argument: 'composition_function_configs', expected: 'a non-empty list of expansion configs or objects', received: JSON.stringify(raw ?? null) });
  }
  return list.map((v, i) => {
    if (isTransformation(v)) return v;
    if (!ctx) throw new ConfigError(`${className}: configs need a registry`, { argument: `composition_function_configs[${i}]`, expected: 'a transformation object (or build through a registry)', received: JSON.stringify(v)?.slice(0, 120) });
    const f = ctx.build<unknown>(v, 'transformation');
    if (!isTransformation(f)) throw new ConfigError(`${className}: not a data transformation`, { argument: `composition_function_configs[${i}]`, expected: 'an expansion or compression', received: JSON.stringify(v)?.slice(0, 120) });
    return f;
  });
}

/**
 * tinyBIG `nested_expansion`: the listed functions composed left to right,
 * `κ(x) = κ_k(…κ_1(x))`, `D = D_k(…D_1(m))`.
 */
export function nestedExpansion(options: CompositionOptions, ctx?: BuildContext): Transformation {
  const o = COMPOSITION_OPTIONS.named('nested_expansion').parse(options);
  const fs = resolveFunctions('nested_expansion', o, ctx);
  return defineExpansion('nested_expansion', o, {
    own: { compositionFunctionConfigs: fs.map((f) => f.toConfig()) },
    calculateD: (m) => fs.reduce((acc, f) => f.calculateD(acc), m),
    kappa: (x) => fs.reduce((acc, f) => f.forward(acc), x),
  });
}

/**
 * tinyBIG `extended_expansion`: the listed functions applied to the same x and concatenated,
 * `κ(x) = [κ_1(x), …, κ_k(x)]`, `D = Σ D_i(m)`.
 */
export function extendedExpansion(options: CompositionOptions, ctx?: BuildContext): Transformation {
  const o = COMPOSITION_OPTIONS.named('extended_expansion').parse(options);
  const fs = resolveFunctions('extended_expansion', o, ctx);
  return defineExpansion('extended_expansion', o, {
    own: { compositionFunctionConfigs: fs.map((f) => f.toConfig()) },
    calculateD: (m) => fs.reduce((acc, f) => acc + f.calculateD(m), 0),
    kappa: (x) => (fs.length === 1 ? fs[0].forward(x) : tf.concat(fs.map((f) => f.forward(x)), 1)),
  });
}
