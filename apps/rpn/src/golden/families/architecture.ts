import * as tf from '@tensorflow/tfjs-core';
import { GoldenMismatch, decodeParams, expectClose, jsonNumbers, toTensor, tolerances } from '../types.js';
import type { FamilyAdapter, GoldenCase, GoldenEnv, JsonTensor } from '../types.js';
import { SHARED_HEADS_RULE } from '../differences.js';
import type { Network } from './head.js';
import { loadGoldenStateDict } from './state-dict.js';
import { planListModules } from './list-modules.js';

/** The RPN 2 architecture families (specialised heads, layers and library models, with gradients). */
export const ARCHITECTURE_FAMILIES = ['architecture_head', 'architecture_layer', 'architecture_model'] as const;

type Kind = 'head' | 'layer' | 'model';
const KIND: Record<(typeof ARCHITECTURE_FAMILIES)[number], Kind> = { architecture_head: 'head', architecture_layer: 'layer', architecture_model: 'model' };

/** What one forward-and-backward pass gives, as plain arrays (no tensors survive it). */
interface Computed {
  readonly output: { shape: number[]; data: Float32Array };
  readonly gradInput: Float32Array | null;
  /** d loss / d parameter by state_dict name (absent: no gradient reached it). */
  readonly grads: ReadonlyMap<string, Float32Array>;
}

/**
 * One tf.tidy: `out = net.forward(x)`, `loss = Σ out ⊙ weights`, and d loss / d (x, every trainable
 * parameter named in `keys`) by `tf.variableGrads` (x is a temporary variable).
 */
function forwardAndGrads(net: Network, c: GoldenCase, keys: readonly string[], training: boolean): Computed {
  if (!c.loss?.weights) throw new GoldenMismatch('the case records no loss.weights (needed for the gradients)');
  const params = new Map(net.namedParameters().map((p) => [p.name, p]));
  const vars = keys.map((k) => params.get(k)).filter((p) => p?.trainable).map((p) => p!.variable);
  const x0 = toTensor(c.input);
  const x = tf.variable(x0, true);
  x0.dispose();
  let out: tf.Tensor | undefined;
  let result: Computed | undefined;
  try {
    tf.tidy(() => {
      const weights = toTensor(c.loss.weights);
      const { grads } = tf.variableGrads(() => {
        out = tf.keep(net.forward(x, { training }));
        if (out.shape.join() !== weights.shape.join()) throw new GoldenMismatch(`output: shape [${out.shape.join(', ')}], expected [${weights.shape.join(', ')}]`);
        return tf.sum(tf.mul(out, weights)) as tf.Scalar;
      }, [x, ...vars]);
      const byVariable = new Map(vars.map((v) => [v.name, v]));
      const named = new Map<string, Float32Array>();
      for (const k of keys) {
        const v = params.get(k)?.variable;
        if (v && byVariable.has(v.name) && grads[v.name]) named.set(k, grads[v.name].dataSync() as Float32Array);
      }
      result = { output: { shape: [...out!.shape], data: out!.dataSync() as Float32Array }, gradInput: grads[x.name] ? (grads[x.name].dataSync() as Float32Array) : null, grads: named };
    });
  } finally {
    out?.dispose();
    x.dispose();
  }
  return result!;
}

/** `grads[key] = null`: no gradient flows in tinyBIG, so ours must be absent or zero. */
function expectNoGradient(key: string, got: Float32Array | undefined, c: GoldenCase): void {
  if (!got) return;
  const { atol } = tolerances(c, [], 'grad_tolerance');
  const i = got.findIndex((v) => !(Math.abs(v) <= atol));
  if (i >= 0) throw new GoldenMismatch(`grads[${key}]: tinyBIG has no gradient, ours has element ${i} = ${got[i]}`);
}

/** Compares every recorded gradient; `groups` (shared heads) are compared as the SUM of our keys. */
function compareGradients(c: GoldenCase, computed: Computed, groups: readonly string[][], shapes: ReadonlyMap<string, readonly number[]>): void {
  const recorded = c.grads as Record<string, JsonTensor | null>;
  const ours = (k: string): Float32Array => computed.grads.get(k) ?? new Float32Array(jsonNumbers(recorded[k] ?? { shape: [], dtype: 'float32', data: [] }).length);
  const grouped = new Set(groups.flat());
  for (const [key, expected] of Object.entries(recorded)) {
    if (grouped.has(key)) continue;
    if (expected == null) expectNoGradient(key, computed.grads.get(key), c);
    else expectClose(`grads[${key}]`, ours(key), shapes.get(key) ?? expected.shape, expected, c, 'grad_tolerance');
  }
  for (const group of groups) {
    const total = recorded[group[0]];
    if (total == null) { group.forEach((k) => expectNoGradient(k, computed.grads.get(k), c)); continue; }
    const sum = new Float32Array(jsonNumbers(total).length);
    for (const k of group) ours(k).forEach((v, i) => { sum[i] += v; });
    expectClose(`grads[${group.join(' + ')}] (shared Parameter, total)`, sum, total.shape, total, c, 'grad_tolerance');
  }
  if (c.grad_input) {
    if (!computed.gradInput) throw new GoldenMismatch('grad_input: no gradient reached the input');
    expectClose('grad_input', computed.gradInput, c.grad_input.shape, c.grad_input, c, 'grad_tolerance');
  }
}

/**
 * One architecture case, for any of the three families: build `config.class(**config.parameters)`
 * through the registry, load `state_dict` (strict, tinyBIG's keys) plus the list-module tensors,
 * run in eval mode (or training for a train-mode list BatchNorm), compare the output, then the
 * gradients of `loss = Σ output ⊙ loss.weights` for every Parameter and the input. Shared heads
 * (tinyBIG-mode layers, {@link SHARED_HEADS_RULE}) compare each shared group's gradient SUM.
 */
export function runArchitectureCase(c: GoldenCase, env: GoldenEnv, kind: Kind): void {
  const config = { [`${kind}_class`]: c.config.class, [`${kind}_parameters`]: decodeParams(c.config.parameters ?? {}, c) };
  const net = env.registry.build<Network>(config, kind);
  try {
    const named = net.namedParameters();
    const plan = planListModules(c, named.map((p) => p.name));
    loadGoldenStateDict(net, [...Object.entries((c.state_dict ?? {}) as Record<string, JsonTensor>), ...plan.entries]);
    net.eval();
    const computed = forwardAndGrads(net, c, Object.keys(c.grads ?? {}), plan.training);
    if (net.training) throw new GoldenMismatch('the network did not stay in eval mode after the forward');
    expectClose('output', computed.output.data, computed.output.shape, c.output, c);
    const groups = SHARED_HEADS_RULE.applies(c) ? (c.shared_parameters as string[][]).filter((g) => g.length > 1) : [];
    compareGradients(c, computed, groups, new Map(named.map((p) => [p.name, p.variable.shape])));
  } finally {
    net.dispose();
  }
}

/** The adapters of the three architecture families (one shared implementation). */
export const architectureAdapters: readonly FamilyAdapter[] = ARCHITECTURE_FAMILIES.map((family) => ({
  family,
  run: (c: GoldenCase, env: GoldenEnv) => runArchitectureCase(c, env, KIND[family]),
}));
