import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, formatShape } from '@rpn/core';
import { checkKeys, envelopeOf, num, pick, str } from './params.js';

/** A loss: model scores and targets → a scalar (for reduction `mean`/`sum`). */
export interface Loss {
  readonly name: string;
  (scores: tf.Tensor, targets: tf.Tensor): tf.Scalar;
  toConfig(): { loss_class: string; loss_parameters: Record<string, unknown> };
}

type Reduction = 'mean' | 'sum';

function reduce(t: tf.Tensor, reduction: Reduction): tf.Scalar {
  return (reduction === 'sum' ? tf.sum(t) : tf.mean(t)) as tf.Scalar;
}

function makeLoss(name: string, params: Record<string, unknown>, f: (s: tf.Tensor, y: tf.Tensor) => tf.Scalar): Loss {
  const loss = ((s: tf.Tensor, y: tf.Tensor) => tf.tidy(() => f(s, y))) as Loss;
  Object.defineProperty(loss, 'name', { value: name });
  (loss as { toConfig: Loss['toConfig'] }).toConfig = () => ({ loss_class: `torch.nn.${name}`, loss_parameters: { ...params } });
  return Object.freeze(loss);
}

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

function sameShape(s: tf.Tensor, y: tf.Tensor, what: string): tf.Tensor {
  if (y.size !== s.size) throw new ShapeError(`${what}: targets do not fit the scores`, { argument: 'targets', expected: `${s.size} values ${formatShape(s.shape)}`, received: formatShape(y.shape) });
  return y.rank === s.rank && y.shape.every((d, i) => d === s.shape[i]) ? tf.cast(y, 'float32') : tf.reshape(tf.cast(y, 'float32'), s.shape);
}

/** `torch.nn.CrossEntropyLoss`: log-softmax of logits against class indices (or probabilities); label smoothing. */
export function crossEntropyLoss(o: { reduction?: Reduction; labelSmoothing?: number } = {}): Loss {
  const reduction = o.reduction ?? 'mean';
  const ls = o.labelSmoothing ?? 0;
  return makeLoss('CrossEntropyLoss', { reduction, label_smoothing: ls }, (s, y) => {
    const c = s.shape[s.rank - 1];
    let t = targetDistribution(s, y, 'CrossEntropyLoss');
    if (ls > 0) t = tf.add(tf.mul(t, 1 - ls), ls / c);
    return reduce(tf.neg(tf.sum(tf.mul(t, tf.logSoftmax(s)), -1)), reduction);
  });
}

/** `torch.nn.NLLLoss`: scores are log-probabilities. */
export function nllLoss(o: { reduction?: Reduction } = {}): Loss {
  const reduction = o.reduction ?? 'mean';
  return makeLoss('NLLLoss', { reduction }, (s, y) => reduce(tf.neg(tf.sum(tf.mul(targetDistribution(s, y, 'NLLLoss'), s), -1)), reduction));
}

/**
 * `torch.nn.MSELoss`. Targets are reshaped to the scores' shape when the sizes agree
 * (torch would broadcast [b] against [b,1] to [b,b]; that is never what a config means).
 */
export function mseLoss(o: { reduction?: Reduction } = {}): Loss {
  const reduction = o.reduction ?? 'mean';
  return makeLoss('MSELoss', { reduction }, (s, y) => reduce(tf.squaredDifference(s, sameShape(s, y, 'MSELoss')), reduction));
}

/** `torch.nn.BCEWithLogitsLoss`: max(x,0) − x·y + log(1 + e^−|x|). */
export function bceWithLogitsLoss(o: { reduction?: Reduction } = {}): Loss {
  const reduction = o.reduction ?? 'mean';
  return makeLoss('BCEWithLogitsLoss', { reduction }, (s, y) => {
    const t = sameShape(s, y, 'BCEWithLogitsLoss');
    return reduce(tf.add(tf.sub(tf.relu(s), tf.mul(s, t)), tf.log1p(tf.exp(tf.neg(tf.abs(s))))), reduction);
  });
}

const A = 'loss_configs.loss_parameters';
const red = (o: Record<string, unknown>) => str(o, 'reduction', 'mean', A, ['mean', 'sum']) as Reduction;
const BUILDERS: Record<string, (o: Record<string, unknown>) => Loss> = {
  CrossEntropyLoss: (o) => { checkKeys(o, ['reduction', 'labelSmoothing', 'weight', 'ignoreIndex', 'sizeAverage', 'reduce'], 'CrossEntropyLoss', A); return crossEntropyLoss({ reduction: red(o), labelSmoothing: num(o, 'labelSmoothing', 0, A, (v) => v >= 0 && v <= 1, 'a number in [0, 1]') }); },
  NLLLoss: (o) => { checkKeys(o, ['reduction', 'weight', 'ignoreIndex', 'sizeAverage', 'reduce'], 'NLLLoss', A); return nllLoss({ reduction: red(o) }); },
  MSELoss: (o) => { checkKeys(o, ['reduction', 'sizeAverage', 'reduce'], 'MSELoss', A); return mseLoss({ reduction: red(o) }); },
  BCEWithLogitsLoss: (o) => { checkKeys(o, ['reduction', 'weight', 'posWeight', 'sizeAverage', 'reduce'], 'BCEWithLogitsLoss', A); return bceWithLogitsLoss({ reduction: red(o) }); },
};

/** Loss class names accepted in configs (`torch.nn.<name>` or bare). */
export const LOSS_NAMES: readonly string[] = Object.freeze(Object.keys(BUILDERS));

/** Builds a loss from tinyBIG's `loss_configs`. */
export function lossFromConfig(config: unknown): Loss {
  const { className, shortName, options } = envelopeOf(config, 'loss_configs');
  return pick(shortName, className, BUILDERS, 'loss', 'loss_configs.loss_class')(options);
}
