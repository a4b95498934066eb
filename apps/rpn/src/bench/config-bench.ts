import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@rpn/core';
import { learnerFromConfig, readExperiment } from '@rpn/learn';
import { modelConfigOf } from '../config-file.js';
import { appRegistry } from '../registry.js';
import { median, peakRssMb } from './types.js';

/** What the config bench reads of a built model (an @rpn/model RpnModel). */
interface ConfigBenchModel {
  readonly m?: number;
  readonly n?: number;
  forward(x: tf.Tensor, o?: { training?: boolean }): tf.Tensor;
  trainableVariables(): tf.Variable[];
  summary(): { total: number };
  train?(): void;
  eval?(): void;
  dispose(): void;
}

/** Options of {@link benchExperiment}. */
export interface ConfigBenchOptions {
  /** Timed training steps (default: as many as fit in about 3 s, at least 5, at most 1,000). */
  readonly steps?: number;
  /** Training batch size (default: the file's `data_parameters.train_batch_size`, else 64). */
  readonly batch?: number;
  /** Force the reconciliation fast paths on or off (`model_parameters.fast_paths`); default: the file's. */
  readonly fastPaths?: boolean;
  /** Measure inference at batch 1,000 (default true; the materialised order-2 MNIST models cannot). */
  readonly inferB1000?: boolean | string;
  /** Seed of the random data (default 3). */
  readonly dataSeed?: number;
  /** Warm-up budget in ms before the training timing (default 2,000; half of it before b = 1; tests pass 0). */
  readonly warmupMs?: number;
}

const obj = (v: unknown): v is Record<string, unknown> => v != null && typeof v === 'object' && !Array.isArray(v);
const shortName = (c: unknown): string => (typeof c === 'string' ? c.slice(c.lastIndexOf('.') + 1) : '');
/** Losses whose targets are class indices (the trainer feeds them int32 labels). */
const CLASS_LOSSES = new Set(['CrossEntropyLoss', 'NLLLoss']);

/**
 * A seeded random graph of `n` nodes for graph models (gcn, gat) whose file names none: a ring
 * (every node has a neighbour) plus one random chord per node, ~2n undirected links.
 */
export function randomGraph(n: number, seed = 7): { nodes: number[]; links: [number, number][] } {
  let s = seed >>> 0 || 1;
  const rnd = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 2 ** 32; };
  const links: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if (n > 1) links.push([i, (i + 1) % n]);
    const j = Math.floor(rnd() * n);
    if (j !== i) links.push([i, j]);
  }
  return { nodes: [...Array(n).keys()], links };
}

/** Runs `f` at least `min` times and until `budgetMs` is spent (at most `max`): V8 tiers up tfjs's engine over the first calls. */
function warmUp(f: () => void, min: number, max: number, budgetMs: number): number {
  const t0 = performance.now();
  let i = 0;
  for (; i < max && (i < min || performance.now() - t0 < budgetMs); i++) f();
  return (performance.now() - t0) / Math.max(1, i);
}

/** Wall times (ms) of `n` calls of `f`; `cpuMs` receives the process CPU time (user + system) per call. */
function times(f: () => void, n: number, cpu?: { ms: number }): number[] {
  const t: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); }
  if (cpu) { const c = process.cpuUsage(c0); cpu.ms = (c.user + c.system) / 1000 / n; }
  return t;
}

const round = (v: number, d = 1): number => +v.toFixed(d);

/** A built experiment ready to time: its model, one training step, an inference, and the random data. */
export interface PreparedExperiment {
  readonly model: ConfigBenchModel;
  readonly modelClass: string;
  readonly batch: number;
  readonly m: number;
  readonly graphModel: boolean;
  readonly optimizerClass: string;
  readonly lossName: string;
  /** One training step as `rpn train` does it per batch (forward, loss, gradients, optimizer step). */
  step(): void;
  /** An eval-mode forward of `input` (the training batch by default), read back. */
  infer(input?: tf.Tensor): void;
  /** A tensor of random rows of the model's input width (freed by dispose). */
  randomInput(rows: number): tf.Tensor;
  dispose(): void;
}

/**
 * Builds the model, optimizer and loss of an experiment file, and seeded random data of its shape:
 * input width = the model's m; targets class indices for CrossEntropyLoss/NLLLoss, else uniform
 * values of width n; the file's batch size. Graph models (gcn, gat) get a random graph of `batch`
 * nodes unless the file names one.
 */
export function prepareExperiment(doc: unknown, file: string, o: ConfigBenchOptions = {}): PreparedExperiment {
  const exp = readExperiment(doc, file);
  const mc = structuredClone(modelConfigOf(doc, file)) as { model_class?: unknown; model_parameters?: Record<string, unknown> };
  const dataParams = obj(exp.dataConfigs.data_parameters) ? exp.dataConfigs.data_parameters : {};
  const fileBatch = Number(dataParams.train_batch_size ?? 64);
  const batchOpt = o.batch ?? fileBatch;
  if (!Number.isInteger(batchOpt) || batchOpt < 1) throw new ConfigError('invalid batch size', { argument: '--batch', expected: 'an integer ≥ 1', received: String(batchOpt) });
  const params: Record<string, unknown> = { seed: exp.seed ?? 0, ...(mc.model_parameters ?? {}) };
  if (o.fastPaths !== undefined) params.fast_paths = o.fastPaths;
  const cls = shortName(mc.model_class);
  const graphModel = /^(gcn|gat)$/.test(cls);
  let batch = batchOpt;
  if (graphModel) {
    if (Array.isArray(params.nodes)) batch = params.nodes.length;
    else Object.assign(params, randomGraph(batch));
  }
  const model = appRegistry().build<ConfigBenchModel>({ ...mc, model_parameters: params }, 'model');
  const tensors: tf.Tensor[] = [];
  let learner: ReturnType<typeof learnerFromConfig> | undefined;
  try {
    const m = model.m;
    const n = model.n;
    if (m === undefined || n === undefined) throw new ConfigError('the bench needs a model with an input and output width', { argument: `${file}: model_configs`, expected: 'a model with m and n', received: String(mc.model_class) });
    const vars = model.trainableVariables();
    const l = learnerFromConfig(exp.learnerConfigs, vars);
    learner = l;
    let seed = o.dataSeed ?? 3;
    const keep = <T extends tf.Tensor>(t: T): T => { tensors.push(t); return t; };
    const randomInput = (rows: number) => keep(tf.randomUniform([rows, m], -1, 1, 'float32', seed++));
    const x = randomInput(batch);
    const y = keep(CLASS_LOSSES.has(l.loss.name) ? tf.randomUniform([batch], 0, n, 'int32', seed++) : tf.randomUniform([batch, n], 0, 1, 'float32', seed++));
    return {
      model, modelClass: String(mc.model_class), batch, m, graphModel,
      optimizerClass: l.optimizer.toConfig().optimizer_class, lossName: `torch.nn.${l.loss.name}`,
      step() {
        const { value, grads } = tf.variableGrads(() => l.loss(model.forward(x, { training: true }), y), vars);
        l.optimizer.step(vars.map((v) => grads[v.name]));
        value.dataSync();
        tf.dispose([value, ...Object.values(grads)]);
      },
      infer(input = x) { const r = tf.tidy(() => model.forward(input, { training: false })); r.dataSync(); r.dispose(); },
      randomInput,
      dispose() { l.optimizer.dispose(); tf.dispose(tensors); model.dispose(); },
    };
  } catch (e) {
    learner?.optimizer.dispose();
    tf.dispose(tensors);
    model.dispose();
    throw e;
  }
}

/**
 * `rpn bench --config FILE`: trains the model of a tinyBIG experiment file the way `rpn train`
 * does per batch (forward in training mode, the file's loss, tf.variableGrads, the file's optimizer
 * step) on seeded random data of the file's shape (see {@link prepareExperiment}), at the file's
 * batch size. Then inference (eval mode) at batch 1 and 1,000. Returns the medians, samples/s and
 * peak RSS, and the same per CPU second (`…_per_cpu_s`: process user + system time, which a shared
 * machine does not inflate with waiting). Graph models (gcn, gat) train and infer full-batch.
 */
export async function benchExperiment(doc: unknown, file: string, o: ConfigBenchOptions = {}): Promise<Record<string, unknown>> {
  const p = prepareExperiment(doc, file, o);
  try {
    const { model, batch, graphModel } = p;
    model.train?.();
    const budget = o.warmupMs ?? 2000;
    const warmMs = warmUp(p.step, 2, 1000, budget);
    const steps = o.steps ?? Math.min(1000, Math.max(5, Math.ceil(3000 / Math.max(warmMs, 1e-3))));
    const cpu = { ms: 0 };
    const t = times(p.step, steps, cpu);
    const trainMs = median(t);
    const meanMs = t.reduce((a, b) => a + b, 0) / t.length;
    model.eval?.();
    const cpu1 = { ms: 0 };
    const cpuB = { ms: 0 };
    let b1: number | null = null;
    let b1000: number | null = null;
    let full: number | null = null;
    const notes: string[] = [];
    if (graphModel) {
      const f = () => p.infer();
      warmUp(f, 1, 1000, budget / 4);
      full = batch / (median(times(f, Math.max(5, Math.min(steps, 50)))) / 1000);
      notes.push(`graph model: inference is full-batch over the ${batch} nodes`);
    } else {
      const x1 = p.randomInput(1);
      const f1 = () => p.infer(x1);
      const w1 = warmUp(f1, 1, 1000, budget / 2);
      b1 = 1 / (median(times(f1, Math.max(5, Math.min(200, Math.ceil(budget / 2 / Math.max(w1, 1e-3)))), cpu1)) / 1000);
      if (o.inferB1000 === undefined || o.inferB1000 === true) {
        const xb = p.randomInput(1000);
        const fb = () => p.infer(xb);
        const wb = warmUp(fb, 1, 3, 0);
        b1000 = 1000 / (median(times(fb, Math.max(3, Math.min(10, Math.ceil(2000 / Math.max(wb, 1e-3)))), cpuB)) / 1000);
      } else if (typeof o.inferB1000 === 'string') notes.push(o.inferB1000);
    }
    return {
      config: file,
      model_class: p.modelClass,
      parameters: model.summary().total,
      batch,
      optimizer: p.optimizerClass,
      loss: p.lossName,
      steps,
      train_ms_per_step: round(trainMs, 3),
      train_ms_per_step_mean: round(meanMs, 3),
      train_samples_per_s: round(batch / (trainMs / 1000)),
      // CPU time per step (user + system, mean): on a shared machine the wall time includes waiting for a core
      train_cpu_ms_per_step: round(cpu.ms, 3),
      train_samples_per_cpu_s: round(batch / (cpu.ms / 1000)),
      infer_samples_per_s_b1: b1 == null ? null : round(b1),
      infer_samples_per_s_b1000: b1000 == null ? null : round(b1000),
      infer_samples_per_cpu_s_b1: b1 == null ? null : round(1 / (cpu1.ms / 1000)),
      infer_samples_per_cpu_s_b1000: b1000 == null ? null : round(1000 / (cpuB.ms / 1000)),
      ...(full == null ? {} : { infer_samples_per_s_full_batch: round(full) }),
      ...(notes.length ? { note: notes.join('; ') } : {}),
      peak_rss_mb: peakRssMb(),
    };
  } finally {
    p.dispose();
  }
}
