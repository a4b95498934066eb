import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import {
  fastPathsOn, ConfigError, MAX_REPEATS, any, bool, defineOptions, describeLayout, flatLayout, int, layoutWidth, processingChain, str,
  type BuildContext, type ForwardContext, type Fusion, type FunctionConfig, type HeadKernel, type Interdependence, type KernelContext,
  type OptionFields, type OptionsOf, type ParameterSpec, type ProcessingChain, type ProcessingSpec, type Reconciliation, type Remainder, type Transformation,
} from '@rpn/core';
import { initMethodOf, initialValue, subSeed, type InitMethod, type InitTarget } from './init.js';
import { initVariable, lifecycle, specVariable, summarize, type ForwardOptions, type NamedParameter, type RpnModule, type Slot } from './module.js';
import { meanFusion } from './fusion.js';
import { requireDim, resolveComponent } from './resolve.js';
import { rpnKernel, type KernelFactory } from './kernels/rpn.js';

type Component<T> = T | FunctionConfig | null | undefined;

const component = <T>(doc: string) => any<Component<T>>({ doc });
const count = (doc: string) => int({ min: 0, nullable: true, doc });

/**
 * The components of a head, declared once (object, config or null; checked where they are built).
 * tinyBIG's `*_configs` keys are derived from this list by {@link asConfigs}.
 */
const COMPONENTS = Object.freeze({
  /** κ, the data transformation (expansion or compression). `dataTransformation` is tinyBIG's name. */
  dataTransformation: component<Transformation>('κ, the data transformation'),
  attributeInterdependence: component<Interdependence>('attribute interdependence'),
  instanceInterdependence: component<Interdependence>('instance interdependence'),
  /** ψ, the parameter reconciliation. `parameterFabrication` is tinyBIG's name. */
  parameterFabrication: component<Reconciliation>('ψ, the parameter reconciliation'),
  channelFusion: component<Fusion>('fusion of the C channels (mean when C > 1)'),
  remainder: component<Remainder>('π, the remainder'),
});

/** `{ k: option }` → `{ kConfigs: option }` (tinyBIG's `k_configs` key of the same component, same checks). */
type ConfigsOf<F> = { readonly [K in keyof F & string as `${K}Configs`]: F[K] };
function asConfigs<F extends OptionFields>(fields: F): ConfigsOf<F> {
  return Object.freeze(Object.fromEntries(Object.entries(fields).map(([k, o]) =>
    [`${k}Configs`, Object.freeze({ ...o, meta: Object.freeze({ ...o.meta, doc: `${o.meta.doc ?? k} as a config` }) })]))) as ConfigsOf<F>;
}

/**
 * Options of {@link rpnHead}, declared once: tinyBIG `rpn_head`'s head_parameters in camelCase (both
 * the object keys and the `*_configs` keys), plus TypeScript conveniences. Components are checked by
 * the head itself (built through the registry when given as configs).
 */
export const RPN_HEAD_OPTIONS = defineOptions('rpn_head', {
  m: int({ required: true, min: 1, doc: 'input width m' }),
  n: int({ required: true, min: 1, doc: 'output width n' }),
  name: str({ default: 'rpn_head', doc: 'instance name' }),
  /** tinyBIG's `batch_num` (accepted for config compatibility; the kernels read the batch from x). */
  batchNum: count('batch size (accepted, unused: the kernels read it from x)'),
  /** Number of channels C (each its own row of `w`); fused with mean by default when C > 1. */
  channelNum: int({ default: 1, min: 1, doc: 'number of channels C' }),
  /** Explicit parameter counts (tinyBIG `l`, `l_attribute_interdependence`, …); computed when absent. */
  l: count('parameter count of ψ per channel (computed when absent)'),
  lAttributeInterdependence: count('parameter count of the attribute interdependence'),
  lInstanceInterdependence: count('parameter count of the instance interdependence'),
  lChannelFusion: count('parameter count of the channel fusion'),
  inputProcessFunctions: any<ProcessingSpec>({ doc: 'input processing functions' }),
  ...COMPONENTS,
  outputProcessFunctions: any<ProcessingSpec>({ doc: 'output processing functions' }),
  inputProcessFunctionConfigs: any<ProcessingSpec>({ doc: 'input processing function configs' }),
  ...asConfigs(COMPONENTS),
  outputProcessFunctionConfigs: any<ProcessingSpec>({ doc: 'output processing function configs' }),
  createParametersAtInit: bool({ doc: 'accepted for config compatibility (parameters are always created)' }),
  /** Initialisation of `w*`/`b*` (default xavier_uniform, tinyBIG's default inside a model). */
  parametersInitMethod: any<InitMethod | null>({ doc: 'initialisation of w and b (default xavier_uniform)' }),
  device: any({ doc: "tinyBIG's torch device (ignored)" }),
  /** TypeScript name of `dataTransformation`. */
  expansion: component<Transformation>('κ (alias of data_transformation)'),
  /** TypeScript name of `parameterFabrication`. */
  reconciliation: component<Reconciliation>('ψ (alias of parameter_fabrication)'),
  /** `false` forces the plain path W = ψ(w), κ·Wᵀ (also env `RPN_FAST_PATHS=0`). */
  fastPaths: bool({ doc: 'false forces the plain path W = ψ(w), κ·Wᵀ' }),
  /** Seed of the initial parameter values. */
  seed: int({ doc: 'seed of the initial parameter values' }),
  /** Initial train/eval mode (default `true`, as torch modules start in training mode). */
  training: bool({ default: true, doc: 'initial train mode' }),
  /** Bound on the parameter values this head may allocate (default `RPN_MAX_PARAMETERS` or 2^28). */
  maxParameters: int({ min: 1, nullable: true, doc: 'bound on the parameter values (default RPN_MAX_PARAMETERS or 2^28)' }),
});

/** What {@link rpnHead} takes besides its declared options (code only, never from a config). */
export interface RpnHeadExtras {
  /** Registry context used to build components given as configs. */
  readonly context?: BuildContext;
  /** The product of this head (default: the RPN kernel); specialised heads pass theirs. */
  readonly kernel?: KernelFactory;
  /** The tinyBIG config `toConfig` records (specialised heads serialise as their own class). */
  readonly describe?: { readonly headClass: string; readonly headParameters: Record<string, unknown> };
}

/** Options of {@link rpnHead} (tinyBIG `rpn_head` in camelCase, plus TypeScript conveniences), inferred from {@link RPN_HEAD_OPTIONS}. */
export type RpnHeadOptions = OptionsOf<typeof RPN_HEAD_OPTIONS> & RpnHeadExtras;

/** An RPN head (tinyBIG `rpn_head`). */
export interface RpnHead extends RpnModule {
  readonly kind: 'head';
  readonly channelNum: number;
  /** `m'` after attribute interdependence. */
  readonly mPrime: number;
  /** Expansion width D = κ.calculate_D(m'). */
  readonly D: number;
  /** Reconciliation parameter count per channel (0 without learnable w). */
  readonly l: number;
  readonly dataTransformation?: Transformation;
  readonly reconciliation?: Reconciliation;
  readonly remainder?: Remainder;
  readonly attributeInterdependence?: Interdependence;
  readonly instanceInterdependence?: Interdependence;
  readonly channelFusion?: Fusion;
  readonly inputProcess: ProcessingChain;
  readonly outputProcess: ProcessingChain;
  readonly parametersInitMethod: InitMethod;
  /** The kernel computing this head's product. */
  readonly kernel: HeadKernel;
}

/** Default bound on the parameters and buffers one head may ask for: 2^28 values (1 GiB of float32). */
export const DEFAULT_MAX_PARAMETERS = 2 ** 28;

/** The parameter bound: the option, else `RPN_MAX_PARAMETERS`, else {@link DEFAULT_MAX_PARAMETERS}. */
export function maxParameters(option?: number | null): number {
  if (option != null) return requireDim(option, 'max_parameters');
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.RPN_MAX_PARAMETERS;
  return env ? requireDim(Number(env), 'RPN_MAX_PARAMETERS') : DEFAULT_MAX_PARAMETERS;
}

/**
 * Refuses, before any allocation, sizes that are not finite non-negative integers (an overflowing
 * `l = calculate_l(n, D)`) and a total above the bound, naming the largest parameter and the number.
 */
export function checkParameterBudget(head: string, sizes: readonly (readonly [string, number])[], option?: number | null): void {
  for (const [k, v] of sizes) {
    if (!Number.isSafeInteger(v) || v < 0) throw new ConfigError(`${head}: parameter ${k} has no valid size`, { argument: k, expected: 'a finite number of values (check m, n, d, r, channel_num)', received: String(v) });
  }
  const total = sizes.reduce((a, [, v]) => a + v, 0);
  const limit = maxParameters(option);
  if (total > limit) {
    const [big, size] = [...sizes].sort((a, b) => b[1] - a[1])[0];
    throw new ConfigError(`${head} would need ${total.toLocaleString('en-US')} parameter values (${big}: ${size.toLocaleString('en-US')}), more than the bound of ${limit.toLocaleString('en-US')}`, { argument: big, expected: `at most ${limit.toLocaleString('en-US')} values in all (raise it with max_parameters or RPN_MAX_PARAMETERS)`, received: total.toLocaleString('en-US') });
  }
}

/** True unless fast paths were switched off by option or `RPN_FAST_PATHS=0`. */
export function fastPathsEnabled(option?: boolean): boolean {
  if (option !== undefined) return option;
  return fastPathsOn();
}

const isZeroRemainder = (r: Remainder | undefined): boolean => !r || r.isZero === true || r.className === 'zero_remainder';

function scope(params: Record<string, Variable>, prefix: string): Record<string, Variable> | undefined {
  const out: Record<string, Variable> = {};
  let any = false;
  for (const [k, v] of Object.entries(params)) if (k.startsWith(prefix)) { out[k.slice(prefix.length)] = v; any = true; }
  return any ? out : undefined;
}

/**
 * Builds an RPN head, the assembler of tinyBIG's `head`: it owns what every head shares (parameter
 * slots with tinyBIG's names, input/output processing, channel fusion, the remainder, train/eval,
 * disposal, toConfig) and hands the product to a {@link HeadKernel}: by default the RPN kernel,
 * `out( fuse_c( A_iᵀ κ(X A_a) ψ(w_c)ᵀ + b ) + π(X) )`, in tinyBIG's exact forward order (input
 * processing, attribute interdependence, expansion, instance interdependence, per-channel
 * reconciliation and inner product with the shared bias, channel fusion, remainder once, output
 * processing). Specialised heads (convolution, pooling, chain, graph, attention) pass their own
 * `kernel`. Parameters are tf.Variables named as tinyBIG's state_dict (`w [C, l]`, `b`, `w_remainder [n, m]`, …).
 */
export function rpnHead(options: RpnHeadOptions): RpnHead {
  const { context: ctx, kernel: kernelFactory, describe, ...declared } = options;
  const o = RPN_HEAD_OPTIONS.parse(declared);
  const { m, n } = o;
  const C = o.channelNum;
  if (C > MAX_REPEATS) throw new ConfigError(`channel_num ${C.toLocaleString('en-US')} is more than the bound of ${MAX_REPEATS.toLocaleString('en-US')}`, { argument: 'channel_num', expected: `at most ${MAX_REPEATS.toLocaleString('en-US')} channels`, received: String(C) });
  const name = o.name;
  const r = o as unknown as Record<string, unknown>;
  const pick = (a: string, b?: string): unknown => r[a] ?? (b ? r[b] : undefined) ?? r[`${a}Configs`] ?? (b ? r[`${b}Configs`] : undefined);
  const kappa = resolveComponent<Transformation>(pick('dataTransformation', 'expansion'), 'transformation', 'data_transformation', ctx);
  const psi = resolveComponent<Reconciliation>(pick('parameterFabrication', 'reconciliation'), 'reconciliation', 'parameter_fabrication', ctx);
  const remainder = resolveComponent<Remainder>(pick('remainder'), 'remainder', 'remainder', ctx);
  const attr = resolveComponent<Interdependence>(pick('attributeInterdependence'), 'interdependence', 'attribute_interdependence', ctx);
  const inst = resolveComponent<Interdependence>(pick('instanceInterdependence'), 'interdependence', 'instance_interdependence', ctx);
  const givenFusion = resolveComponent<Fusion>(pick('channelFusion'), 'fusion', 'channel_fusion', ctx);
  const inputProcess = processingChain((o.inputProcessFunctions ?? o.inputProcessFunctionConfigs) as ProcessingSpec);
  const outputProcess = processingChain((o.outputProcessFunctions ?? o.outputProcessFunctionConfigs) as ProcessingSpec);
  const method = initMethodOf(o.parametersInitMethod, 'xavier_uniform');
  const fast = fastPathsEnabled(o.fastPaths);

  if (attr && attr.type !== 'attribute') throw new ConfigError('attribute_interdependence must be of attribute type', { argument: 'attribute_interdependence', expected: "type 'attribute'", received: `'${attr.type}'` });
  if (inst && inst.type !== 'instance') throw new ConfigError('instance_interdependence must be of instance type', { argument: 'instance_interdependence', expected: "type 'instance'", received: `'${inst.type}'` });

  const kernel = (kernelFactory ?? rpnKernel)({
    m, n, channelNum: C, dataTransformation: kappa, reconciliation: psi, attributeInterdependence: attr, instanceInterdependence: inst,
    l: o.l, lAttribute: o.lAttributeInterdependence, lInstance: o.lInstanceInterdependence,
  });
  if (layoutWidth(kernel.inLayout) !== m) {
    throw new ConfigError('the head kernel reads another width than the head', { argument: 'm', expected: `${layoutWidth(kernel.inLayout)} (${describeLayout(kernel.inLayout)})`, received: String(m) });
  }
  const nk = layoutWidth(kernel.outLayout);
  const fusion = givenFusion ?? (C > 1 ? meanFusion({ dims: Array(C).fill(nk) }) : undefined);
  /** The head's output width: the fused width of C channel outputs of width nk (a concatenation widens it). */
  const nOut = fusion ? fusion.calculateN(Array(C).fill(nk)) : nk;
  const rem = kernel.remainder;
  if (remainder && !isZeroRemainder(remainder) && !remainder.requireParameters && rem.m !== rem.n && !/constant|one_remainder/.test(remainder.className)) {
    throw new ConfigError(`${remainder.className} cannot map m = ${rem.m} to n = ${rem.n} without parameters`, { argument: 'remainder', expected: 'a remainder with parameters (linear_remainder), zero or constant when m ≠ n', received: remainder.className });
  }
  const { mPrime, D, l, lAttribute: lA, lInstance: lI } = kernel;
  const lF = fusion && fusion.requireParameters ? (o.lChannelFusion ?? fusion.calculateL()) : 0;
  const specGroups: [string, readonly ParameterSpec[] | undefined][] = [
    ['input_process_functions', inputProcess.parameterSpecs()],
    ['data_transformation', kappa?.parameterSpecs?.()],
    ['attribute_interdependence', attr?.parameterSpecs?.()],
    ['instance_interdependence', inst?.parameterSpecs?.()],
    ['parameter_fabrication', psi?.parameterSpecs?.()],
    ['channel_fusion', fusion?.parameterSpecs?.()],
    ['remainder', remainder?.parameterSpecs?.()],
    ['output_process_functions', outputProcess.parameterSpecs()],
  ];
  // every size is checked, and their sum bounded, before anything is allocated
  const sizes: [string, number][] = [
    ['w_attribute_interdependence', attr && attr.requireParameters ? C * lA : 0],
    ['w_instance_interdependence', inst && inst.requireParameters ? C * lI : 0],
    ['w', psi && psi.requireParameters ? C * l : 0],
    ['b', psi && psi.enableBias ? kernel.biasShape.reduce((a, v) => a * v, 1) : 0],
    ['w_remainder', remainder && remainder.requireParameters ? rem.n * rem.m + rem.n : 0],
    ['w_channel_fusion', lF],
    ...specGroups.flatMap(([prefix, specs]) => (specs ?? []).map((sp): [string, number] => [`${prefix}.${sp.name}`, sp.shape.reduce((a, v) => a * v, 1)])),
  ];
  checkParameterBudget(name, sizes, o.maxParameters);

  // ---- parameters, in tinyBIG's registration order -------------------------------------------
  const slots: Slot[] = [];
  const addInit = (slotName: string, target: InitTarget): Variable => {
    const variable = initVariable(method, target, subSeed(o.seed, slotName));
    slots.push(Object.freeze({ name: slotName, variable, trainable: true, init: target }));
    return variable;
  };
  const wAttr = attr && attr.requireParameters ? addInit('w_attribute_interdependence', { shape: [C, lA], n }) : null;
  const wInst = inst && inst.requireParameters ? addInit('w_instance_interdependence', { shape: [C, lI], n }) : null;
  const w = psi && psi.requireParameters ? addInit('w', { shape: [C, l], n }) : null;
  const b = psi && psi.enableBias ? addInit('b', { shape: [...kernel.biasShape], bias: true, weightFanIn: l, n }) : null;
  const wRem = remainder && remainder.requireParameters ? addInit('w_remainder', { shape: [rem.n, rem.m], n: rem.n }) : null;
  const bRem = remainder && remainder.requireParameters && remainder.enableBias ? addInit('b_remainder', { shape: [rem.n], bias: true, weightFanIn: rem.m, n: rem.n }) : null;
  const wFusion = fusion && fusion.requireParameters ? addInit('w_channel_fusion', { shape: [1, lF], n }) : null;

  const functionParams: Record<string, Variable> = {};
  for (const [prefix, specs] of specGroups) {
    for (const sp of specs ?? []) {
      const slotName = `${prefix}.${sp.name}`;
      const variable = specVariable(sp);
      functionParams[slotName] = variable;
      slots.push(Object.freeze({ name: slotName, variable, trainable: sp.trainable, optional: sp.optional }));
    }
  }

  const life = lifecycle('head', o.training);
  const { state, checkAlive } = life;
  const rowOf = (v: Variable | null, c: number): Tensor | null => {
    if (!v) return null;
    if (C === 1) return v;
    return tf.slice(v, [c, 0], [1, (v.shape as number[])[1]]);
  };
  /**
   * Row c of `v` flattened to `[l]` (what `product`/`forward` flatten w to anyway), as one
   * custom-gradient op: a plain reshape or slice on the tape would save a copy of the whole
   * parameter tensor every step (l = n·D floats for an identity reconciliation).
   */
  const flatRowOf = (v: Variable | null, c: number): Tensor | null => {
    if (!v) return null;
    const [rows, len] = v.shape as [number, number];
    const f = tf.customGrad(((a: Tensor) => ({
      value: rows === 1 ? tf.reshape(a, [len]) : tf.reshape(tf.slice(a, [c, 0], [1, len]), [len]),
      gradFunc: (dy: Tensor) => (rows === 1 ? tf.reshape(dy, [1, len]) : tf.pad(tf.reshape(dy, [1, len]), [[c, rows - 1 - c], [0, 0]])),
    })) as unknown as Parameters<typeof tf.customGrad>[0]);
    return f(v) as Tensor;
  };
  const applyRemainder = (xin: Tensor, fctx: (prefix: string) => ForwardContext): Tensor => {
    const rows = xin.shape[0] as number;
    const xr = rem.steps === 1 ? xin : tf.reshape(xin, [rows * rem.steps, rem.m]);
    const pi = remainder!.forward(xr, wRem, bRem, rem.m, rem.n, fctx('remainder.'));
    return rem.steps === 1 || pi.rank < 2 ? pi : tf.reshape(pi, [rows, rem.steps * rem.n]);
  };

  const head: RpnHead = {
    kind: 'head',
    name,
    m,
    n: nOut,
    inLayout: kernel.inLayout,
    outLayout: nOut !== nk ? flatLayout(nOut) : kernel.outLayout,
    kernel,
    channelNum: C,
    mPrime,
    D,
    l,
    dataTransformation: kappa,
    reconciliation: psi,
    remainder,
    attributeInterdependence: attr,
    instanceInterdependence: inst,
    channelFusion: fusion,
    inputProcess,
    outputProcess,
    parametersInitMethod: method,
    get training() {
      return state.training;
    },
    get disposed() {
      return state.disposed;
    },
    forward(x: Tensor, fo?: ForwardOptions): Tensor {
      const training = life.begin(x, kernel.inLayout, fo);
      const fctx = (prefix: string): ForwardContext => ({ training, seed: fo?.seed, params: scope(functionParams, prefix) });
      return tf.tidy(() => {
        const xin = inputProcess.forward(x, fctx('input_process_functions.'));
        const cache = new Map<string, Tensor>();
        const outs: Tensor[] = [];
        for (let c = 0; c < C; c++) {
          const kctx: KernelContext = { channel: c, channelNum: C, training, fastPaths: fast, context: fctx, cache };
          outs.push(kernel.forward(xin, { w: rowOf(w, c), wFlat: () => flatRowOf(w, c), b, wAttribute: rowOf(wAttr, c), wInstance: rowOf(wInst, c) }, kctx));
        }
        let result = fusion ? fusion.forward(outs, wFusion) : outs[0];
        if (remainder && !isZeroRemainder(remainder)) result = tf.add(result, applyRemainder(xin, fctx));
        return outputProcess.forward(result, fctx('output_process_functions.'));
      });
    },
    namedParameters(): NamedParameter[] {
      checkAlive();
      return slots.map((s) => Object.freeze({ name: s.name, variable: s.variable, trainable: s.trainable, ...(s.optional ? { optional: true } : {}) }));
    },
    trainableVariables(): Variable[] {
      checkAlive();
      return slots.filter((s) => s.trainable).map((s) => s.variable);
    },
    summary: () => summarize(head.namedParameters()),
    train: life.train,
    eval: life.eval,
    toConfig() {
      if (describe) return { head_class: describe.headClass, head_parameters: { ...describe.headParameters } };
      const p: Record<string, unknown> = { name, m, n, channel_num: C };
      if (o.l != null) p.l = o.l;
      if (kappa) p.data_transformation_configs = kappa.toConfig();
      if (attr) p.attribute_interdependence_configs = attr.toConfig();
      if (inst) p.instance_interdependence_configs = inst.toConfig();
      if (psi) p.parameter_fabrication_configs = psi.toConfig();
      if (givenFusion) p.channel_fusion_configs = givenFusion.toConfig();
      if (remainder) p.remainder_configs = remainder.toConfig();
      const ip = inputProcess.toConfigValue();
      if (ip) p.input_process_function_configs = ip;
      const op = outputProcess.toConfigValue();
      if (op) p.output_process_function_configs = op;
      p.parameters_init_method = method;
      return { head_class: 'tinybig.module.rpn_head', head_parameters: p };
    },
    dispose() {
      if (state.disposed) return;
      for (const s of slots) s.variable.dispose();
      state.disposed = true;
    },
    initializeParameters(initMethod?: InitMethod, seed?: number) {
      checkAlive();
      const mm = initMethodOf(initMethod ?? method);
      for (const s of slots) {
        if (!s.init) continue;
        const v = tf.tidy(() => initialValue(mm, s.init!, subSeed(seed, s.name)));
        s.variable.assign(v);
        v.dispose();
      }
    },
  };
  return Object.freeze(head);
}

/** Keys accepted in `rpn_head` head_parameters (camelCase), from {@link RPN_HEAD_OPTIONS}. */
export const HEAD_KEYS: readonly string[] = RPN_HEAD_OPTIONS.keys;

/** Builds an `rpn_head` from registry options (camelCase head_parameters, checked as a config). */
export function headFromOptions(options: Record<string, unknown>, ctx: BuildContext): RpnHead {
  const declared = RPN_HEAD_OPTIONS.parse(options, 'config');
  return rpnHead({ ...declared, context: ctx });
}
