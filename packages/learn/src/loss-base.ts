import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, formatShape } from '@rpn/core';

/**
 * A loss: model scores and targets → a scalar, reduced as `reduction` says (mean, sum; KLDivLoss also batchmean).
 * `elementwise` is torch's `reduction='none'` (the unreduced values; configs cannot ask for it, since the
 * trainer, like torch's backward(), needs a scalar).
 */
export interface Loss {
  readonly name: string;
  (scores: tf.Tensor, targets: tf.Tensor): tf.Scalar;
  /** The unreduced loss (torch's reduction='none'), per element or per row. */
  elementwise(scores: tf.Tensor, targets: tf.Tensor): tf.Tensor;
  readonly reduction: Reduction;
  toConfig(): { loss_class: string; loss_parameters: Record<string, unknown> };
}

/** torch's reductions of a scalar loss ('batchmean': sum over the batch size, KLDivLoss only). */
export type Reduction = 'mean' | 'sum' | 'batchmean';

function reduce(t: tf.Tensor, reduction: Reduction, batch: number): tf.Scalar {
  if (reduction === 'batchmean') return tf.div(tf.sum(t), batch) as tf.Scalar;
  return (reduction === 'sum' ? tf.sum(t) : tf.mean(t)) as tf.Scalar;
}

/**
 * Builds a {@link Loss} from its unreduced form `f`. `fused`, when given, computes the reduced loss
 * directly where it can (returning null elsewhere), e.g. as one kernel with its own gradient.
 */
export function makeLoss(name: string, params: Record<string, unknown>, f: (s: tf.Tensor, y: tf.Tensor) => tf.Tensor, reduction: Reduction = (params.reduction as Reduction) ?? 'mean',
  fused?: (s: tf.Tensor, y: tf.Tensor) => tf.Scalar | null): Loss {
  const loss = ((s: tf.Tensor, y: tf.Tensor) => tf.tidy(() => fused?.(s, y) ?? reduce(f(s, y), reduction, s.rank === 0 ? 1 : s.shape[0]))) as Loss;
  Object.defineProperty(loss, 'name', { value: name });
  const l = loss as { toConfig: Loss['toConfig']; elementwise: Loss['elementwise']; reduction: Reduction };
  l.toConfig = () => ({ loss_class: `torch.nn.${name}`, loss_parameters: { ...params } });
  l.elementwise = (s, y) => tf.tidy(() => f(s, y));
  l.reduction = reduction;
  return Object.freeze(loss);
}

/** Targets as float32 in the scores' shape (same size required). */
export function sameShape(s: tf.Tensor, y: tf.Tensor, what: string): tf.Tensor {
  if (y.size !== s.size) throw new ShapeError(`${what}: targets do not fit the scores`, { argument: 'targets', expected: `${s.size} values ${formatShape(s.shape)}`, received: formatShape(y.shape) });
  return y.rank === s.rank && y.shape.every((d, i) => d === s.shape[i]) ? tf.cast(y, 'float32') : tf.reshape(tf.cast(y, 'float32'), s.shape);
}

