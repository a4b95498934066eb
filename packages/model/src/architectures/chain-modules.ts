import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { chainLayout, layoutWidth, type ForwardContext, type Layout, type ProcessingFunction } from '@rpn/core';
import { lifecycle, parameterViews, type ForwardOptions, type RpnModule } from '../module.js';

/**
 * Small wrappers the chain architectures need (tinyBIG reshapes inside `rnn.forward` and keeps
 * BatchNorm1d(n) over the per-step features). Internal to @rpn/model.
 */

/** How a {@link stepWrapper} reads its chain rows. */
type StepMode = 'per_step' | 'step_mean';

/**
 * Wraps a layer that reads one step (`[b', m]`) so that it reads chains `[b, L·m]`, without
 * changing its state_dict names (the wrapper adds no prefix):
 * - `per_step`: tinyBIG rnn's `x.view(b·L, m)` → layer → `view(b, L·n)`; in/out chainLayout(L, ·);
 * - `step_mean`: tinyBIG rnn's output layer on `x.view(b, L, m).mean(dim=1)`; out = the layer's.
 */
export function stepWrapper(inner: RpnModule, L: number, mode: StepMode): RpnModule {
  const inLayout: Layout = chainLayout(L, inner.m);
  const outLayout: Layout = mode === 'per_step' ? chainLayout(L, inner.n) : inner.outLayout;
  const life = lifecycle('layer', inner.training, [inner]);
  const module: RpnModule = {
    name: inner.name,
    m: layoutWidth(inLayout),
    n: layoutWidth(outLayout),
    inLayout,
    outLayout,
    get training() {
      return life.state.training;
    },
    get disposed() {
      return life.state.disposed || inner.disposed;
    },
    forward(x: Tensor, fo?: ForwardOptions): Tensor {
      const training = life.begin(x, inLayout, fo);
      const b = x.shape[0] as number;
      const options = { training, seed: fo?.seed };
      return tf.tidy(() => {
        if (mode === 'step_mean') return inner.forward(tf.mean(tf.reshape(x, [b, L, inner.m]), 1), options);
        return tf.reshape(inner.forward(tf.reshape(x, [b * L, inner.m]), options), [b, L * inner.n]);
      });
    },
    namedParameters: () => inner.namedParameters(),
    ...parameterViews(() => inner.namedParameters()),
    train: life.train,
    eval: life.eval,
    toConfig: () => inner.toConfig(),
    dispose() {
      inner.dispose();
      life.state.disposed = true;
    },
    initializeParameters: (method, seed) => inner.initializeParameters(method, seed),
  };
  return Object.freeze(module);
}

/**
 * Applies a processing function per step: `[b, L·k] → view(b·L, k) → f → view(b, L·k)`, with
 * f's own parameters (names and shapes unchanged). The chain head's BatchNorm1d(num_features=n)
 * normalises each of the n features over all b·L step rows (torch's BatchNorm1d on a sequence).
 */
export function perStepProcessing(f: ProcessingFunction, L: number): ProcessingFunction {
  const g: ProcessingFunction = {
    name: f.name,
    kind: 'processing',
    className: f.className,
    toConfig: () => f.toConfig(),
    ...(f.parameterSpecs ? { parameterSpecs: () => f.parameterSpecs!() } : {}),
    forward(x: Tensor, ctx?: ForwardContext): Tensor {
      const [b, width] = x.shape as [number, number];
      return tf.tidy(() => tf.reshape(f.forward(tf.reshape(x, [b * L, width / L]), ctx), [b, width]));
    },
  };
  return Object.freeze(g);
}
