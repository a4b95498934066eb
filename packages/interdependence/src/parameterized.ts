import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ValueError, fastPathsOn, isEnvelope, type BuildContext, type OptionsOf, type Reconciliation, type Transformation, type ValuesOf } from '@rpn/core';
import {
  dualLphmReconciliation, hmReconciliation, identityReconciliation, lorrReconciliation, lphmReconciliation, randomMatrixAdaptionReconciliation,
} from '@rpn/reconciliation';
import { makeInterdependence, parseType, type InterdependenceFunction } from './common.js';
import { PARAMETERIZED_OPTIONS, PARAMETERIZED_RPN_OPTIONS, psiSchema } from './options.js';

type PsiValues = Partial<ValuesOf<typeof PARAMETERIZED_OPTIONS>>;

/** The ψ families an interdependence can be parameterised by (shared with @rpn/reconciliation). */
export type PsiKind = 'plain' | 'lowrank' | 'hm' | 'lphm' | 'dual_lphm' | 'random_matrix_adaption';

const PREFIX: Record<PsiKind, string> = {
  plain: '', lowrank: 'lowrank_', hm: 'hm_', lphm: 'lphm_', dual_lphm: 'dual_lphm_', random_matrix_adaption: 'random_matrix_adaption_',
};

/** Builds ψ and the options that describe it (for toConfig). */
function psiOf(kind: PsiKind, o: PsiValues): { psi: Reconciliation; own: Record<string, unknown> } {
  const { r, p } = o;
  const q = o.q ?? p;
  const need = (v: number | undefined, arg: string) => {
    if (v === undefined) throw new ValueError(`${kind} parameterisation needs ${arg}`, { argument: arg, expected: 'a positive integer', received: 'nothing' });
    return v;
  };
  switch (kind) {
    case 'plain': return { psi: identityReconciliation({}), own: {} };
    case 'lowrank': return { psi: lorrReconciliation({ r: r ?? 2 }), own: { r: r ?? 2 } };
    case 'hm': return { psi: hmReconciliation({ p: need(p, 'p'), q }), own: { p, q } };
    case 'lphm': return { psi: lphmReconciliation({ r: need(r, 'r'), p: need(p, 'p'), q }), own: { r, p, q } };
    case 'dual_lphm': return { psi: dualLphmReconciliation({ r: need(r, 'r'), p: need(p, 'p'), q }), own: { r, p, q } };
    case 'random_matrix_adaption': {
      const own = { r: r ?? 2, seed: o.seed, frozenState: o.frozenState };
      return { psi: randomMatrixAdaptionReconciliation(own), own };
    }
  }
}

/**
 * `<kind>_parameterized_interdependence`: A = ψ(w) with n = d, D = d' ((d, d') = (m, m') for
 * attribute, (b, b') for instance); no data. Instance type fixes b (A has b rows).
 */
export function parameterizedInterdependence(kind: PsiKind, options: OptionsOf<typeof PARAMETERIZED_OPTIONS>): InterdependenceFunction {
  const o = psiSchema(`${PREFIX[kind]}parameterized_interdependence`, kind, false).parse(options);
  const type = parseType(o.interdependenceType);
  const { b, m } = o;
  const bPrime = o.bPrime ?? b, mPrime = o.mPrime ?? m;
  const [d, dp] = type === 'attribute' ? [m, mPrime] : [b, bPrime];
  if (d === undefined || dp === undefined) throw new ValueError('parameterized interdependence needs its dimensions', { argument: type === 'attribute' ? 'm' : 'b', expected: 'a positive integer', received: String(d) });
  const { psi, own } = psiOf(kind, o);
  const l = psi.calculateL(d, dp);
  return makeInterdependence({
    className: `${PREFIX[kind]}parameterized_interdependence`, name: o.name, type, b, m,
    options: { b, m, bPrime: o.bPrime ?? undefined, mPrime: o.mPrime ?? undefined, interdependenceType: type, ...own },
    requireData: false, requireParameters: true, l,
    calculateMPrime: (mm) => (type === 'attribute' ? mPrime! : (mm ?? m ?? 0)),
    calculateBPrime: (bb) => (type === 'instance' ? bPrime! : (bb ?? b ?? 0)),
    compute: (_X, w) => psi.forward(w, d, dp),
    extra: { reconciliation: psi },
  });
}


/**
 * `<kind>_parameterized_bilinear_interdependence`: A = Xᵀ·W·X with W = ψ(w) square of the size of
 * X's rows (X = x for attribute: W `[b, b]`, A `[m, m]`, b fixed; X = xᵀ for instance: W `[m, m]`, A `[b, b]`).
 */
export function parameterizedBilinearInterdependence(kind: PsiKind, options: OptionsOf<typeof PARAMETERIZED_OPTIONS>): InterdependenceFunction {
  const o = psiSchema(`${PREFIX[kind]}parameterized_bilinear_interdependence`, kind, true).parse(options);
  const type = parseType(o.interdependenceType, 'instance');
  const { b, m } = o;
  const k = type === 'attribute' ? b : m;
  if (k === undefined) throw new ValueError('bilinear interdependence needs its dimensions', { argument: type === 'attribute' ? 'b' : 'm', expected: 'a positive integer', received: 'nothing' });
  const { psi, own } = psiOf(kind, o);
  const l = psi.calculateL(k, k);
  return makeInterdependence({
    className: `${PREFIX[kind]}parameterized_bilinear_interdependence`, name: o.name, type, b, m,
    options: { b, m, interdependenceType: type, ...own },
    requireData: true, requireParameters: true, l,
    fixedBatch: type === 'attribute' ? b : undefined,
    calculateMPrime: (mm) => mm ?? m ?? 0,
    calculateBPrime: (bb) => bb ?? b ?? 0,
    compute: (X, w) => {
      if (X!.shape[0] !== k) throw new ValueError('input width does not match the bilinear matrix', { argument: 'x', expected: `m = ${k}`, received: `${X!.shape[0]}` });
      // Xᵀ·W·X = Y·(Y·Wᵀ)ᵀ with Y = Xᵀ: ψ's structured product gives Y·Wᵀ without the k × k W
      // (lorr at k = 2,000, r = 3: b·k·r instead of k²·r to build W and b·k² to apply it)
      if (psi.product && fastPathsOn()) {
        const Y = tf.transpose(X!);
        return tf.matMul(Y, psi.product(Y, w, k), false, true);
      }
      const W = psi.forward(w, k, k);
      return tf.matMul(tf.matMul(tf.transpose(X!), W), X!);
    },
    extra: { reconciliation: psi },
  });
}

function buildPart<T>(v: unknown, ctx: BuildContext | undefined, argument: string, kind: string): T {
  if (v && typeof v === 'object' && typeof (v as { forward?: unknown }).forward === 'function') return v as T;
  if (isEnvelope(v)) {
    if (!ctx) throw new ValueError(`${argument} given as a config needs a registry`, { argument, expected: `a ${kind} object, or build through registry.build`, received: 'a config without a registry' });
    return ctx.build<T>(v);
  }
  throw new ValueError(`missing ${kind}`, { argument, expected: `a ${kind} object or {function_class, function_parameters}`, received: JSON.stringify(v) });
}

/**
 * parameterized_rpn_interdependence: attribute A = κ(xᵀ)·ψ(w)ᵀ (κ: R^b → R^D, ψ(w) `[m', D]`, A `[m, m']`, b fixed);
 * instance A = κ(x)·ψ(w)ᵀ (κ: R^m → R^D, ψ(w) `[b', D]`, A `[b, b']`).
 */
export function parameterizedRpnInterdependence(options: OptionsOf<typeof PARAMETERIZED_RPN_OPTIONS>, ctx?: BuildContext): InterdependenceFunction {
  const o = PARAMETERIZED_RPN_OPTIONS.parse(options);
  const type = parseType(o.interdependenceType);
  const { b, m } = o;
  const bPrime = o.bPrime ?? b, mPrime = o.mPrime ?? m;
  const kappa = buildPart<Transformation>(o.dataTransformation ?? o.dataTransformationConfigs ?? o.dataTransformationConfig, ctx, 'data_transformation', 'data transformation');
  const psi = buildPart<Reconciliation>(o.parameterFabrication ?? o.parameterFabricationConfigs ?? o.parameterFabricationConfig, ctx, 'parameter_fabrication', 'reconciliation');
  const [inDim, dPrime] = type === 'attribute' ? [b, mPrime] : [m, bPrime];
  if (inDim === undefined || dPrime === undefined) throw new ValueError('parameterized_rpn_interdependence needs its dimensions', { argument: type === 'attribute' ? 'b, m' : 'm, b', expected: 'positive integers', received: `${inDim}, ${dPrime}` });
  const D = kappa.calculateD(inDim);
  const l = psi.requireParameters ? psi.calculateL(dPrime, D) : 0;
  return makeInterdependence({
    className: 'parameterized_rpn_interdependence', name: o.name, type, b, m,
    options: { b, m, bPrime: o.bPrime ?? undefined, mPrime: o.mPrime ?? undefined, interdependenceType: type, dataTransformation: kappa.toConfig(), parameterFabrication: psi.toConfig() },
    requireData: true, requireParameters: psi.requireParameters, l,
    fixedBatch: type === 'attribute' ? b : undefined,
    calculateMPrime: (mm) => (type === 'attribute' ? mPrime! : (mm ?? m ?? 0)),
    calculateBPrime: (bb) => (type === 'instance' ? bPrime! : (bb ?? b ?? 0)),
    compute: (X, w): Tensor => {
      const k = kappa.forward(tf.transpose(X!));
      const W = psi.forward(w, dPrime, D);
      return tf.matMul(k, tf.transpose(W));
    },
    extra: { dataTransformation: kappa, parameterFabrication: psi },
  });
}
