import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { ConfigError, UnknownNameError } from './errors.js';
import { isEnvelope, optionsFromParameters, readEnvelope } from './config.js';
import type { ForwardContext, FunctionConfig, Params, ParameterSpec, ProcessingFunction, ProcessingSpec } from './contracts.js';
import { elementwiseFunction, elementwiseKey } from './elementwise.js';
import { activeRegistry, builtinRegistry, type Registry, type RegistryEntry } from './registry.js';
import { elementwiseProcessing, processingEntries } from './processing-entries.js';

const F = 'torch.nn.functional.';

/**
 * The names tinyBIG's `func_x` tries for `name`, in order: a dot-free name as written, lower-cased,
 * then `torch.nn.functional.<lower>`, then `torch.<lower>`; a `torch.nn.functional.<op>` name with the
 * op lower-cased (and the op alone, for `layer_norm`, `dropout`, …); any other dotted name as written.
 */
function candidates(name: string): string[] {
  if (!name.includes('.')) {
    const l = name.toLowerCase();
    return [...new Set([name, l, F + l, `torch.${l}`])];
  }
  if (name.startsWith(F)) {
    const l = name.slice(F.length).toLowerCase();
    return [...new Set([name, F + l, l])];
  }
  return [name];
}

/** The registries a processing name is looked up in: the given (or the building) registry, then the built-ins. */
function registriesOf(registry?: Registry): Registry[] {
  const own = registry ?? activeRegistry();
  const builtin = builtinRegistry(processingEntries);
  return own && own !== builtin ? [own, builtin] : [builtin];
}

/**
 * Names accepted for processing functions: those of the built-in entries (short forms, torch.nn
 * modules, element-wise torch callables) and the `processing` entries of `registry`.
 */
export function processingNames(registry?: Registry): string[] {
  return [...new Set(registriesOf(registry).flatMap((r) => r.names('processing')))].sort();
}

/** Makes the processing function `className` (after the registry's lookup rules and tinyBIG's), or throws listing the known names. */
function makeProcessing(className: string, options: Params, registry?: Registry): ProcessingFunction {
  const s = className.trim();
  const regs = registriesOf(registry);
  let found: { entry: RegistryEntry; reg: Registry } | undefined;
  for (const n of candidates(s)) {
    for (const reg of regs) {
      const entry = reg.find(n, 'processing');
      if (entry) { found = { entry, reg }; break; }
    }
    if (found) break;
  }
  if (!found) {
    // a torch.nn.<Module> whose lower-cased name is an element-wise torch.nn.functional op
    // (torch.nn.Hardtanh, torch.nn.Mish, torch.nn.SELU, …), built with its parameters
    const m = /^torch\.nn\.([^.]+)$/.exec(s);
    const key = m ? F + m[1].toLowerCase() : '';
    if (m && elementwiseKey(key) === key) {
      elementwiseFunction(key).options.named(s).parse(options, 'config');
      return elementwiseProcessing(key, s)(options);
    }
    throw new UnknownNameError(className, processingNames(registry), 'processing function');
  }
  const { entry, reg } = found;
  entry.options?.parse(options, 'config');
  const f = entry.create(options, { registry: reg, build: (c, k) => reg.build(c, k) }) as ProcessingFunction;
  if (!f || typeof f.forward !== 'function') {
    throw new ConfigError(`processing entry "${entry.className}" did not make a processing function`, { argument: 'function_class', expected: 'an object with forward(x)', received: JSON.stringify(f)?.slice(0, 80) ?? String(f) });
  }
  return f;
}

/**
 * Resolves one processing function from tinyBIG's forms: a name without a dot
 * (case-insensitive, `torch.nn.functional.<name>`), a dotted name (`torch.nn.functional.gelu`,
 * `torch.exp`, `torch.tanh`, `torch.nn.ReLU`), a `{function_class, function_parameters}` config, or an object.
 * Names are registry entries of kind `processing`: those of `registry` (default: the registry whose
 * `build` is running, so a config can name a user's own activation), then the built-in
 * {@link processingEntries}. An unknown name is an UnknownNameError listing the known ones.
 */
export function processingFunction(spec: string | FunctionConfig | ProcessingFunction, registry?: Registry): ProcessingFunction {
  if (typeof spec === 'string') return makeProcessing(spec, {}, registry);
  if (isEnvelope(spec)) {
    const env = readEnvelope(spec, 'function_configs');
    const o = optionsFromParameters(env.parameters);
    delete o.device;
    return makeProcessing(env.className, o, registry);
  }
  const f = spec as ProcessingFunction;
  if (f && typeof f.forward === 'function') return f;
  throw new ConfigError('not a processing function', { argument: 'functions', expected: 'a name, a {function_class} config or a processing function', received: JSON.stringify(spec) });
}

/**
 * A resolved chain of processing functions, applied left to right (tinyBIG `func_x`), with the
 * naming of their parameters: a single function's parameters are `<name>`; list members'
 * are `<index>.<name>`. tinyBIG never registers modules held in a list, so their parameters
 * are never trained: a list member's affine `weight`/`bias` (LayerNorm, BatchNorm) become
 * optional non-trainable buffers (1 and 0 unless a checkpoint sets them, as in tinyBIG), and
 * its running-statistics buffers are kept (optional) so eval mode works.
 */
export interface ProcessingChain {
  readonly functions: readonly ProcessingFunction[];
  /** True when the spec was one function (not a list): tinyBIG registers its parameters. */
  readonly single: boolean;
  readonly length: number;
  parameterSpecs(): ParameterSpec[];
  forward(x: Tensor, ctx?: ForwardContext): Tensor;
  /** The spec back in config form (a config, or a list of configs), or undefined if empty. */
  toConfigValue(): FunctionConfig | FunctionConfig[] | undefined;
}

/** Resolves a {@link ProcessingSpec} (name, config, object, or a list of those) into a chain; names as {@link processingFunction} resolves them. */
export function processingChain(spec: ProcessingSpec, registry?: Registry): ProcessingChain {
  const single = spec != null && !Array.isArray(spec);
  const list = spec == null ? [] : Array.isArray(spec) ? spec : [spec];
  const functions = Object.freeze(list.flatMap((s) => (Array.isArray(s) ? processingChain(s, registry).functions : [processingFunction(s as string | FunctionConfig | ProcessingFunction, registry)])));
  const specsOf = (i: number): ParameterSpec[] => {
    const f = functions[i];
    const own = f.parameterSpecs ? f.parameterSpecs() : [];
    if (single) return own.map((s) => ({ ...s }));
    // A list member is never registered by tinyBIG, so nothing of it is trained. A BatchNorm keeps
    // its running statistics AND its affine weight/bias as optional NON-trainable buffers (init
    // ones/zeros: tinyBIG's values and parameter counts) that a checkpoint or the golden harness can
    // set. Any other list member (LayerNorm) has no buffers at all: it stays the no-affine
    // normalisation tinyBIG computes, which the fused order-2 Taylor path relies on (a Taylor
    // expansion whose LayerNorm declared buffers would lose its fused path: 2.5 GB at b = 1000).
    if (!own.some((s) => !s.trainable)) return [];
    return own.map((s) => ({ ...s, name: `${i}.${s.name}`, trainable: false, optional: true }));
  };
  const chain: ProcessingChain = {
    functions,
    single: single && functions.length === 1,
    length: functions.length,
    parameterSpecs: () => functions.flatMap((_, i) => specsOf(i)),
    forward(x: Tensor, ctx?: ForwardContext): Tensor {
      if (functions.length === 0) return x;
      return tf.tidy(() => {
        let y = x;
        functions.forEach((f, i) => {
          let params: Record<string, Variable> | undefined;
          if (ctx?.params) {
            params = {};
            const prefix = single ? '' : `${i}.`;
            for (const [k, v] of Object.entries(ctx.params)) if (k.startsWith(prefix) && (single || k.length > prefix.length)) params[k.slice(prefix.length)] = v;
          }
          y = f.forward(y, { training: ctx?.training, seed: ctx?.seed, params });
        });
        return y;
      });
    },
    toConfigValue() {
      if (functions.length === 0) return undefined;
      const c = functions.map((f) => f.toConfig());
      return single && c.length === 1 ? c[0] : c;
    },
  };
  return Object.freeze(chain);
}
