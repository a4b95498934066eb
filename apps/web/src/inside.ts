import * as tf from '@tensorflow/tfjs-core';
import type { Reconciliation, Transformation } from '@rpn/core';
import type { ModelSummary } from './protocol.js';

/** What "Look inside" reads of a head (an @rpn/model RpnHead). */
interface HeadLike {
  readonly m: number;
  readonly n: number;
  readonly mPrime?: number;
  readonly D?: number;
  readonly channelNum?: number;
  readonly dataTransformation?: Transformation;
  readonly reconciliation?: Reconciliation;
  namedParameters(): readonly { readonly name: string; readonly variable: tf.Variable }[];
}

/** A model with layers of heads (an @rpn/model RpnModel). */
export interface InsideModel {
  readonly layers?: readonly { readonly heads?: readonly unknown[] }[];
  summary(): { rows: readonly { name: string; shape: readonly number[]; count: number }[]; total: number };
  toConfig(): Record<string, unknown>;
  namedParameters(): readonly { readonly name: string; readonly variable: tf.Variable; readonly trainable: boolean }[];
}

const className = (f: { readonly name?: string; readonly className?: string } | undefined): string | null => (f ? (f as { className?: string }).className ?? (f as { name?: string }).name ?? 'function' : null);

function headAt(model: InsideModel, layer: number, head: number): HeadLike {
  const h = model.layers?.[layer]?.heads?.[head] as HeadLike | undefined;
  if (!h) throw new Error(`no head ${head} in layer ${layer}`);
  return h;
}

/** Names, shapes, parameter counts and the layer/head structure of a model. */
export function summaryOf(model: InsideModel, source: string): ModelSummary {
  const s = model.summary();
  let config: Record<string, unknown> | null = null;
  try { config = model.toConfig(); } catch { config = null; }
  return {
    source, rows: s.rows.map((r) => ({ name: r.name, shape: [...r.shape], count: r.count })), total: s.total, config,
    layers: (model.layers ?? []).map((l) => ({
      heads: (l.heads ?? []).map((h0) => {
        const h = h0 as HeadLike;
        return { expansion: className(h.dataTransformation), reconciliation: className(h.reconciliation), m: h.m, n: h.n, D: h.D ?? 0, channels: h.channelNum ?? 1 };
      }),
    })),
  };
}

/**
 * The head's expansion κ over an input range: x = t·1 (every input equal to t), t ∈ [low, high],
 * and each of the first D′ ≤ 24 output columns κ(x)_j as a curve.
 */
export function basisCurves(model: InsideModel, layer: number, head: number, low: number, high: number, points: number): { t: number[]; curves: { index: number; values: number[] }[]; D: number } {
  const h = headAt(model, layer, head);
  const kappa = h.dataTransformation;
  if (!kappa) throw new Error('this head has no data transformation');
  const m = h.mPrime ?? h.m;
  const k = Math.max(2, Math.min(1000, Math.floor(points)));
  const t = Array.from({ length: k }, (_, i) => low + ((high - low) * i) / (k - 1));
  const y = tf.tidy(() => kappa.forward(tf.tensor2d(t.flatMap((v) => new Array<number>(m).fill(v)), [k, m])));
  const D = y.shape[1] ?? 1;
  const v = y.dataSync();
  y.dispose();
  const show = Math.min(D, 24);
  return { t, D, curves: Array.from({ length: show }, (_, j) => ({ index: j, values: t.map((_, i) => v[i * D + j]) })) };
}

/** The head's reconciled W = ψ(w_c) ∈ R^{n×D} of one channel, built on demand (the fast paths never build it). */
export function reconciledW(model: InsideModel, layer: number, head: number, channel: number): { n: number; D: number; values: number[] } {
  const h = headAt(model, layer, head);
  const psi = h.reconciliation;
  if (!psi) throw new Error('this head has no parameter reconciliation');
  const D = h.D ?? 0;
  const w = h.namedParameters().find((p) => p.name === 'w')?.variable ?? null;
  const W = tf.tidy(() => {
    const wc = w ? tf.slice(w, [channel, 0], [1, w.shape[1] ?? 0]) : null;
    return psi.forward(wc, h.n, D);
  });
  const values = Array.from(W.dataSync());
  const [n, d] = W.shape;
  W.dispose();
  return { n, D: d ?? D, values };
}
