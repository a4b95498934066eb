import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { ShapeError, formatShape } from './errors.js';
import { assert2D } from './shapes.js';
import { functionConfig } from './config.js';
import { processingChain } from './processing.js';
import type { ForwardContext, Params, ParameterSpec, ProcessingSpec, Structure, Transformation } from './contracts.js';

/** What a data transformation author writes: κ on the pre-processed input, and D. */
export interface TransformationDefinition {
  readonly kind: 'expansion' | 'compression';
  /** tinyBIG class name, e.g. `taylor_expansion`. */
  readonly className: string;
  /** tinyBIG module, e.g. `tinybig.expansion` (the config's `function_class` is `module.className`). */
  readonly module: string;
  /** Instance name (defaults to `className`). */
  readonly name?: string;
  /** The function's own options (camelCase), written to `function_parameters` by `toConfig`. */
  readonly options: Params;
  /** `D = calculate_D(m)`. */
  calculateD(m: number): number;
  /** κ(x) on the pre-processed `[b, m]` input; must return `[b, D]`. Runs inside a tidy. */
  kappa(x: Tensor, ctx?: ForwardContext): Tensor;
  readonly structure?: Structure;
  /** tinyBIG `preprocess_functions` / `preprocess_function_configs`. */
  readonly preprocess?: ProcessingSpec;
  /** tinyBIG `postprocess_functions` / `postprocess_function_configs`. */
  readonly postprocess?: ProcessingSpec;
}

/**
 * The variables under `prefix` with the prefix removed (e.g. `postprocess_functions.` →
 * `weight`), for handing an owner's parameters down to one of its functions.
 */
export function scopeParams(params: Readonly<Record<string, Variable>> | undefined, prefix: string): Record<string, Variable> | undefined {
  if (!params) return undefined;
  const out: Record<string, Variable> = {};
  for (const [k, v] of Object.entries(params)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/**
 * Builds a frozen {@link Transformation} with tinyBIG's forward pattern:
 * `x → preprocess → κ → check [b, D] → postprocess`, shape checks and typed errors, no
 * mutation of `x`, no leaked tensors, and `toConfig()` in tinyBIG's envelope.
 */
export function makeTransformation(def: TransformationDefinition): Transformation {
  const pre = processingChain(def.preprocess);
  const post = processingChain(def.postprocess);
  const specs: ParameterSpec[] = [
    ...pre.parameterSpecs().map((s) => ({ ...s, name: `preprocess_functions.${s.name}` })),
    ...post.parameterSpecs().map((s) => ({ ...s, name: `postprocess_functions.${s.name}` })),
  ];
  const t: Transformation = {
    name: def.name ?? def.className,
    kind: def.kind,
    className: def.className,
    structure: def.structure,
    calculateD: (m: number) => def.calculateD(m),
    forward(x: Tensor, ctx?: ForwardContext): Tensor {
      assert2D(x, 'x');
      const [b, m] = x.shape;
      const D = def.calculateD(m);
      return tf.tidy(() => {
        const xp = pre.forward(x, { ...ctx, params: scopeParams(ctx?.params, 'preprocess_functions.') });
        const y = def.kappa(xp, ctx);
        if (y.rank !== 2 || y.shape[0] !== b || y.shape[1] !== D) {
          throw new ShapeError(`${def.className} produced the wrong shape`, { argument: 'κ(x)', expected: `[${b}, ${D}]`, received: formatShape(y.shape) });
        }
        return post.forward(y === x ? tf.clone(y) : y, { ...ctx, params: scopeParams(ctx?.params, 'postprocess_functions.') });
      });
    },
    toConfig: () =>
      functionConfig(`${def.module}.${def.className}`, {
        name: def.name ?? def.className,
        ...def.options,
        preprocessFunctionConfigs: pre.toConfigValue(),
        postprocessFunctionConfigs: post.toConfigValue(),
      }),
    ...(specs.length ? { parameterSpecs: () => specs } : {}),
  };
  return Object.freeze(t);
}

/** Reads tinyBIG's two spellings of a processing option (`x_functions` or `x_function_configs`). */
export function processingOption(options: Params, stem: 'preprocess' | 'postprocess' | 'activation' | 'inputProcess' | 'outputProcess'): ProcessingSpec {
  return (options[`${stem}Functions`] ?? options[`${stem}FunctionConfigs`]) as ProcessingSpec;
}
