import { any, bool, defineOptions, num, oneOf, type OptionFields, type OptionSchema } from '@rpn/core';

// The torch losses' options, declared once (core's option schema), with torch's names (camelCase in
// code, snake_case in configs) and defaults. The loss functions parse their options with them
// (ValueError naming the camelCase option); the registry entries carry them, so a config is checked
// first (ConfigError naming the tinyBIG key) and forms can list them.

const NO_SCALAR = "('none' gives no scalar to train on, as torch's backward() refuses it; use loss.elementwise from code)";
const reduction = (choices: readonly string[] = ['mean', 'sum']) =>
  oneOf(choices as readonly ('mean' | 'sum' | 'batchmean')[], { default: 'mean', expected: `one of ${choices.map((c) => `'${c}'`).join(', ')} ${NO_SCALAR}`, doc: 'how the per-element losses are reduced' });

/** torch's deprecated `size_average` and `reduce`: accepted, ignored (use reduction). */
const LEGACY = { sizeAverage: any({ doc: "torch's deprecated size_average (accepted, ignored)" }), reduce: any({ doc: "torch's deprecated reduce (accepted, ignored)" }) } as const;
const ignored = (doc: string) => any({ doc: `${doc} (accepted, ignored)` });
const loss = (name: string, fields: OptionFields = {}): OptionSchema => defineOptions(name, { reduction: reduction(), ...fields });

/** Every loss schema by torch class name. */
export const LOSS_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze({
  CrossEntropyLoss: loss('CrossEntropyLoss', { labelSmoothing: num({ default: 0, min: 0, max: 1, doc: 'label smoothing ε' }), weight: ignored('class weights'), ignoreIndex: ignored('ignored class'), ...LEGACY }),
  NLLLoss: loss('NLLLoss', { weight: ignored('class weights'), ignoreIndex: ignored('ignored class'), ...LEGACY }),
  MSELoss: loss('MSELoss', LEGACY),
  BCEWithLogitsLoss: loss('BCEWithLogitsLoss', { weight: ignored('per-element weight'), posWeight: ignored('positive-class weight'), ...LEGACY }),
  BCELoss: loss('BCELoss', { weight: any({ doc: 'per-element weight (refused in a config: not supported)' }), ...LEGACY }),
  L1Loss: loss('L1Loss', LEGACY),
  SmoothL1Loss: loss('SmoothL1Loss', { beta: num({ default: 1, min: 0, doc: 'β: quadratic below, linear above' }), ...LEGACY }),
  HuberLoss: loss('HuberLoss', { delta: num({ default: 1, min: 0, exclusiveMin: true, doc: 'δ: quadratic below, linear above' }) }),
  KLDivLoss: defineOptions('KLDivLoss', { reduction: reduction(['mean', 'sum', 'batchmean']), logTarget: bool({ default: false, doc: 'targets are log-probabilities' }), ...LEGACY }),
});
