import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, defineEntry, formatShape, type Registry, type RegistryEntry } from '@rpn/core';
import { LOSS_OPTIONS } from './loss-options.js';
import { buildPart, type PartLookup } from './lookup.js';
import { makeLoss, sameShape, type Loss } from './loss-base.js';
import { fusedCrossEntropy, fusedCrossEntropyAvailable } from './cross-entropy-fused.js';

export type { Loss, Reduction } from './loss-base.js';
export { makeLoss } from './loss-base.js';
export * from './losses-more.js';
import { MORE_LOSSES } from './losses-more.js';

/** Class indices [b] (int or float, or [b,1]) → one-hot [b, C]; class probabilities [b, C] pass through. */
function targetDistribution(scores: tf.Tensor, y: tf.Tensor, what: string): tf.Tensor {
  const c = scores.shape[scores.rank - 1];
  if (y.rank === scores.rank && y.shape[y.rank - 1] === c && c > 1) return tf.cast(y, 'float32');
  const idx = y.rank === 2 && y.shape[1] === 1 ? tf.reshape(y, [-1]) : y;
  if (idx.rank !== 1 || idx.shape[0] !== scores.shape[0]) {
    throw new ShapeError(`${what}: targets do not fit the scores`, { argument: 'targets', expected: `class indices [${scores.shape[0]}] or probabilities ${formatShape(scores.shape)}`, received: formatShape(y.shape) });
  }
  return tf.oneHot(tf.cast(idx, 'int32'), c);
}

/** `torch.nn.CrossEntropyLoss`: log-softmax of logits against class indices (or probabilities); label smoothing. */
export function crossEntropyLoss(o: { reduction?: 'mean' | 'sum'; labelSmoothing?: number } = {}): Loss {
  const { reduction, labelSmoothing: ls } = LOSS_OPTIONS.CrossEntropyLoss.parse(o) as { reduction: 'mean' | 'sum'; labelSmoothing: number };
  return makeLoss('CrossEntropyLoss', { reduction, label_smoothing: ls }, (s, y) => {
    const c = s.shape[s.rank - 1];
    let t = targetDistribution(s, y, 'CrossEntropyLoss');
    if (ls > 0) t = tf.add(tf.mul(t, 1 - ls), ls / c);
    return tf.neg(tf.sum(tf.mul(t, tf.logSoftmax(s)), -1));
  }, reduction, (s, y) => {
    // class indices [b] or [b, 1] against scores [b, c]: one kernel each way (cross-entropy-fused.ts)
    const idx = y.rank === 2 && y.shape[1] === 1 && s.rank === 2 && s.shape[1] !== 1 ? tf.reshape(y, [-1]) : y;
    return fusedCrossEntropyAvailable(s, idx) ? fusedCrossEntropy(s, idx, ls, reduction === 'mean') : null;
  });
}

/** `torch.nn.NLLLoss`: scores are log-probabilities. */
export function nllLoss(o: { reduction?: 'mean' | 'sum' } = {}): Loss {
  const reduction = LOSS_OPTIONS.NLLLoss.parse(o).reduction as 'mean' | 'sum';
  return makeLoss('NLLLoss', { reduction }, (s, y) => tf.neg(tf.sum(tf.mul(targetDistribution(s, y, 'NLLLoss'), s), -1)));
}

/**
 * `torch.nn.MSELoss`. Targets are reshaped to the scores' shape when the sizes agree
 * (torch would broadcast [b] against [b,1] to [b,b]; that is never what a config means).
 */
export function mseLoss(o: { reduction?: 'mean' | 'sum' } = {}): Loss {
  const reduction = LOSS_OPTIONS.MSELoss.parse(o).reduction as 'mean' | 'sum';
  return makeLoss('MSELoss', { reduction }, (s, y) => tf.squaredDifference(s, sameShape(s, y, 'MSELoss')));
}

/** `torch.nn.BCEWithLogitsLoss`: max(x,0) − x·y + log(1 + e^−|x|). */
export function bceWithLogitsLoss(o: { reduction?: 'mean' | 'sum' } = {}): Loss {
  const reduction = LOSS_OPTIONS.BCEWithLogitsLoss.parse(o).reduction as 'mean' | 'sum';
  return makeLoss('BCEWithLogitsLoss', { reduction }, (s, y) => {
    const t = sameShape(s, y, 'BCEWithLogitsLoss');
    return tf.add(tf.sub(tf.relu(s), tf.mul(s, t)), tf.log1p(tf.exp(tf.neg(tf.abs(s)))));
  });
}

/** The config builders, by torch class name (the source of {@link lossEntries}); the registry checks a config's options with the entry's schema first. */
const BUILDERS: Record<string, (o: Record<string, unknown>) => Loss> = {
  CrossEntropyLoss: (o) => crossEntropyLoss(o as never),
  NLLLoss: (o) => nllLoss(o as never),
  MSELoss: (o) => mseLoss(o as never),
  BCEWithLogitsLoss: (o) => bceWithLogitsLoss(o as never),
  ...MORE_LOSSES,
};

/** Registry entries (kind `loss`) of the torch losses, `torch.nn.<Name>` or `<Name>`: each makes a {@link Loss} from camelCase options. */
export const lossEntries: readonly RegistryEntry[] = Object.freeze(Object.entries(BUILDERS).map(([name, build]) =>
  defineEntry('loss', name, (o) => build(o), { module: 'torch.nn', options: LOSS_OPTIONS[name] })));

/** Loss class names accepted in configs (`torch.nn.<name>` or bare). */
export const LOSS_NAMES: readonly string[] = Object.freeze(lossEntries.map((e) => e.className));

const PART: PartLookup = {
  kind: 'loss', builtins: lossEntries, argument: 'loss_configs', what: 'loss',
  made: (v) => typeof v === 'function', expected: 'a loss: (scores, targets) => scalar',
};

/** Builds a loss from tinyBIG's `loss_configs` (a `loss` entry of `registry`, e.g. a user's own, or a built-in). */
export function lossFromConfig(config: unknown, registry?: Registry): Loss {
  return buildPart<Loss>(config, PART, registry);
}
