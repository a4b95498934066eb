import { ConfigError, any, bool as boolOpt, camelToSnake, int, num as numOpt, oneOf, str, type BuildContext, type FunctionConfig, type Option } from '@rpn/core';
import { requireDim } from './resolve.js';

/**
 * Helpers shared by tinyBIG's library and architecture heads: configs of registry functions, the
 * `with_*` flags, and tinyBIG's output-processing lists. Internal to @rpn/model (not re-exported).
 */
export type O = Record<string, unknown>;

export const fc = (cls: string, params: O = {}): FunctionConfig => ({ function_class: cls, function_parameters: params });
/**
 * A `with_*`-style flag, default `d` when absent. A non-boolean is a {@link ConfigError} naming the
 * tinyBIG key (it was coerced with `Boolean`, so the string "false" meant true).
 */
export function flag(v: unknown, argument: string, d: boolean): boolean {
  if (v == null) return d;
  if (typeof v !== 'boolean') throw new ConfigError('invalid flag', { argument, expected: 'true or false', received: JSON.stringify(v) });
  return v;
}
/** `o[key]` as a flag (see {@link flag}). */
export const bool = (o: O, key: string, d: boolean): boolean => flag(o[key], camelToSnake(key), d);
/**
 * `o[key]` as a finite number, default `d` when absent. Anything else is a {@link ConfigError}
 * naming the tinyBIG key (it silently became the default).
 */
export function num(o: O, key: string, d: number): number {
  const v = o[key];
  if (v == null) return d;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError('invalid number', { argument: camelToSnake(key), expected: 'a finite number', received: JSON.stringify(v) });
  return v;
}

export function needCtx(ctx: BuildContext | undefined, what: string): BuildContext {
  if (!ctx) throw new ConfigError(`${what} needs a registry to build its functions`, { argument: 'context', expected: 'a BuildContext (e.g. from createRegistry(...))', received: 'nothing' });
  return ctx;
}

export function reconciliationConfig(o: O, enableBiasDefault: boolean): FunctionConfig {
  const enableBias = bool(o, 'enableBias', enableBiasDefault);
  const r = num(o, 'r', 3);
  if (bool(o, 'withDualLphm', false)) return fc('tinybig.reconciliation.dual_lphm_reconciliation', { r, enable_bias: enableBias });
  if (bool(o, 'withLorr', false)) return fc('tinybig.reconciliation.lorr_reconciliation', { r, enable_bias: enableBias });
  return fc('tinybig.reconciliation.identity_reconciliation', { enable_bias: enableBias });
}

/** tinyBIG's output list [BatchNorm1d(n)?, ReLU?, Dropout(p)?, Softmax(dim=-1)?] from the `with_*` flags; `softmaxClass` swaps the last (graph heads: LogSoftmax). */
export function outputs(n: number, o: O, d: { batchNorm?: boolean; relu?: boolean; dropout?: boolean; p?: number; softmax?: boolean }, softmaxClass = 'torch.nn.Softmax'): FunctionConfig[] {
  const out: FunctionConfig[] = [];
  if (bool(o, 'withBatchNorm', d.batchNorm ?? false)) out.push(fc('torch.nn.BatchNorm1d', { num_features: n }));
  if (bool(o, 'withRelu', d.relu ?? false)) out.push(fc('torch.nn.ReLU'));
  if (bool(o, 'withDropout', d.dropout ?? false)) out.push(fc('torch.nn.Dropout', { p: num(o, 'p', d.p ?? 0.5) }));
  if (bool(o, 'withSoftmax', d.softmax ?? false)) out.push(fc(softmaxClass, { dim: -1 }));
  return out;
}

export function common(o: O, ctx: BuildContext, name: string) {
  return {
    m: requireDim(o.m, 'm'),
    n: requireDim(o.n, 'n'),
    name: (o.name as string | undefined) ?? name,
    channelNum: (o.channelNum as number | undefined) ?? 1,
    parametersInitMethod: ((o.parametersInitMethod as string | undefined) ?? 'xavier_normal') as 'xavier_normal',
    seed: o.seed as number | undefined,
    fastPaths: o.fastPaths as boolean | undefined,
    training: o.training as boolean | undefined,
    context: ctx,
  };
}

export const residual = (o: O): FunctionConfig => (bool(o, 'withResidual', false) ? fc('tinybig.remainder.linear_remainder') : fc('tinybig.remainder.zero_remainder'));


/** Options that only steer this port (never tinyBIG constructor parameters): seed, fast paths, train mode, and tinyBIG's torch device. */
export const PORT_FIELDS = Object.freeze({
  seed: int({ doc: 'seed of the initial parameter values' }),
  fastPaths: boolOpt({ doc: 'false forces the plain path' }),
  training: boolOpt({ doc: 'initial train mode' }),
  device: any({ doc: "tinyBIG's torch device (ignored)" }),
});

/** Options every library head shares (tinyBIG `m, n, name, channel_num, parameters_init_method, device`, plus seed/fastPaths/training). */
export const LIBRARY_HEAD_BASE = {
  m: int({ required: true, min: 1, doc: 'input width m' }),
  n: int({ required: true, min: 1, doc: 'output width n' }),
  name: str({ doc: 'instance name (default: the class name)' }),
  channelNum: int({ min: 1, doc: 'number of channels C (default 1)' }),
  parametersInitMethod: any<string | null>({ doc: 'initialisation (default xavier_normal)' }),
  ...PORT_FIELDS,
} as const;

/**
 * The `with_*` flags of tinyBIG's library and architecture heads and the numbers they read, declared
 * ONCE: ψ (enable_bias, with_dual_lphm, with_lorr, r), π (with_residual), the output list
 * (with_batch_norm, with_relu, with_dropout, p, with_softmax), the bilinear interdependence
 * (with_dual_lphm_interdependence, with_lorr_interdependence, r_interdependence) and κ
 * (with_taylor, d). A class picks the ones it takes with {@link headFlags}, with its own defaults.
 */
export const HEAD_FLAG_FIELDS = Object.freeze({
  enableBias: boolOpt({ doc: 'ψ has a bias' }),
  withDualLphm: boolOpt({ doc: 'ψ = dual_lphm_reconciliation(r)' }),
  withLorr: boolOpt({ doc: 'ψ = lorr_reconciliation(r)' }),
  r: int({ min: 1, doc: 'rank r of ψ' }),
  withResidual: boolOpt({ doc: 'π = linear_remainder (else zero)' }),
  withBatchNorm: boolOpt({ doc: 'BatchNorm1d(n) on the output' }),
  withRelu: boolOpt({ doc: 'ReLU on the output' }),
  withDropout: boolOpt({ doc: 'Dropout(p) on the output' }),
  p: numOpt({ min: 0, max: 1, doc: 'dropout probability' }),
  withSoftmax: boolOpt({ doc: 'Softmax(dim=-1) on the output' }),
  withDualLphmInterdependence: boolOpt({ doc: 'bilinear W_a = dual_lphm(r_interdependence)' }),
  withLorrInterdependence: boolOpt({ doc: 'bilinear W_a = lorr(r_interdependence)' }),
  rInterdependence: int({ min: 1, doc: 'rank of the bilinear W_a' }),
  withTaylor: boolOpt({ doc: 'κ = taylor_expansion(d)' }),
  d: int({ min: 1, doc: 'order d of κ' }),
});

type FlagFields = typeof HEAD_FLAG_FIELDS;
type FlagKey = keyof FlagFields;

/** `o` with its default replaced (the check, bounds and words kept). */
export function withDefault<T extends Option<any, any, boolean>>(o: T, d: unknown): T {
  return Object.freeze({ ...o, meta: Object.freeze({ ...o.meta, default: d }) }) as T;
}

/** The fields `keys` of {@link HEAD_FLAG_FIELDS}, with a class's defaults (`headFlags(['withRelu'], { withRelu: true })`). */
export function headFlags<K extends FlagKey>(keys: readonly K[], defaults: Partial<Record<K, boolean | number>> = {}): Pick<FlagFields, K> {
  const out: Record<string, Option<any, any, boolean>> = {};
  for (const k of keys) out[k] = defaults[k] === undefined ? HEAD_FLAG_FIELDS[k] : withDefault(HEAD_FLAG_FIELDS[k], defaults[k]);
  return Object.freeze(out) as Pick<FlagFields, K>;
}

/** The ψ choice of {@link reconciliationConfig}: dual_lphm(r) / lorr(r) / identity, with `enable_bias`. */
export const RECONCILIATION_FLAGS = headFlags(['enableBias', 'withDualLphm', 'withLorr', 'r']);

/** The output list of {@link outputs}: [BatchNorm1d(n)?, ReLU?, Dropout(p)?, Softmax(−1)?]. */
export const OUTPUT_FLAGS = headFlags(['withBatchNorm', 'withRelu', 'withDropout', 'p', 'withSoftmax']);

/** π = linear_remainder when `with_residual`, else zero. */
export const RESIDUAL_FLAG = headFlags(['withResidual']);

/** The naive Bayes distributions (κ = naive_<distribution>_expansion). */
export const DISTRIBUTIONS = ['normal', 'exponential', 'cauchy', 'gamma', 'chi2', 'laplace'] as const;
export const distribution = () => oneOf(DISTRIBUTIONS, { doc: 'distribution of κ (default normal)' });
