import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Params } from '@rpn/core';
import { LOSS_OPTIONS } from './loss-options.js';
import { makeLoss, sameShape, type Loss } from './loss-base.js';

const A = 'loss_configs.loss_parameters';

type R = 'mean' | 'sum';

/** `torch.nn.BCELoss`: −(y·log x + (1−y)·log(1−x)), each log clamped at −100 as torch does; x are probabilities. */
export function bceLoss(o: { reduction?: R } = {}): Loss {
  const { reduction } = LOSS_OPTIONS.BCELoss.parse(o) as { reduction: R };
  return makeLoss('BCELoss', { reduction }, (s, y) => {
    const t = sameShape(s, y, 'BCELoss');
    const lx = tf.maximum(tf.log(s), -100), l1x = tf.maximum(tf.log(tf.sub(1, s)), -100);
    return tf.neg(tf.add(tf.mul(t, lx), tf.mul(tf.sub(1, t), l1x)));
  });
}

/** |x − y| as d·sign(d): its gradient is sign(d), 0 where x = y, as torch's (tf.abs's is −1 there). */
function absDiff(s: tf.Tensor, y: tf.Tensor, what: string): tf.Tensor {
  const d = tf.sub(s, sameShape(s, y, what));
  return tf.mul(d, tf.sign(d));
}

/** ½m² + δ(d − m), m = min(d, δ): ½d² below δ, δ(d − ½δ) above (no branch on the tape). */
function huberOf(d: tf.Tensor, delta: number): tf.Tensor {
  const m = tf.minimum(d, delta);
  return tf.add(tf.mul(tf.square(m), 0.5), tf.mul(tf.sub(d, m), delta));
}

/** `torch.nn.L1Loss`: |x − y|. */
export function l1Loss(o: { reduction?: R } = {}): Loss {
  const { reduction } = LOSS_OPTIONS.L1Loss.parse(o) as { reduction: R };
  return makeLoss('L1Loss', { reduction }, (s, y) => absDiff(s, y, 'L1Loss'));
}

/** `torch.nn.SmoothL1Loss(beta=1)`: d = |x − y|; ½d²/β if d < β, else d − ½β (β = 0: L1). */
export function smoothL1Loss(o: { reduction?: R; beta?: number } = {}): Loss {
  const { reduction, beta } = LOSS_OPTIONS.SmoothL1Loss.parse(o) as { reduction: R; beta: number };
  return makeLoss('SmoothL1Loss', { reduction, beta }, (s, y) => {
    const d = absDiff(s, y, 'SmoothL1Loss');
    return beta === 0 ? d : tf.div(huberOf(d, beta), beta);
  });
}

/** `torch.nn.HuberLoss(delta=1)`: d = |x − y|; ½d² if d < δ, else δ(d − ½δ). */
export function huberLoss(o: { reduction?: R; delta?: number } = {}): Loss {
  const { reduction, delta } = LOSS_OPTIONS.HuberLoss.parse(o) as { reduction: R; delta: number };
  return makeLoss('HuberLoss', { reduction, delta }, (s, y) => {
    return huberOf(absDiff(s, y, 'HuberLoss'), delta);
  });
}

/**
 * `torch.nn.KLDivLoss(reduction='mean', log_target=False)`: x are log-probabilities; y·(log y − x) (0 where y = 0),
 * or eᵞ·(y − x) with log_target. 'mean' averages over every element (torch's default), 'batchmean' divides
 * the sum by the batch size (the KL divergence per sample).
 */
export function klDivLoss(o: { reduction?: R | 'batchmean'; logTarget?: boolean } = {}): Loss {
  const { reduction, logTarget } = LOSS_OPTIONS.KLDivLoss.parse(o) as { reduction: R | 'batchmean'; logTarget: boolean };
  return makeLoss('KLDivLoss', { reduction, log_target: logTarget }, (s, y) => {
    const t = sameShape(s, y, 'KLDivLoss');
    if (logTarget) return tf.mul(tf.exp(t), tf.sub(t, s));
    const ylogy = tf.mul(t, tf.log(tf.where(tf.greater(t, 0), t, tf.onesLike(t))));
    return tf.sub(ylogy, tf.mul(t, s));
  });
}

/** Config builders of the losses beyond the first four, by torch class name (the registry checks a config's options with the entry's schema first). */
export const MORE_LOSSES: Readonly<Record<string, (o: Params) => Loss>> = Object.freeze({
  BCELoss: (o: Params) => {
    if (o.weight != null) throw new ConfigError('BCELoss: per-element weight is not supported', { argument: `${A}.weight`, expected: 'no weight', received: JSON.stringify(o.weight).slice(0, 60) });
    return bceLoss(o as never);
  },
  L1Loss: (o: Params) => l1Loss(o as never),
  SmoothL1Loss: (o: Params) => smoothL1Loss(o as never),
  HuberLoss: (o: Params) => huberLoss(o as never),
  KLDivLoss: (o: Params) => klDivLoss(o as never),
});
