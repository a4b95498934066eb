/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, type BackendInfo, type Registry } from '@rpn/core';
import { buildModel, loadExperiment, modelConfigOf, runExperiment, type Dataset, type ExperimentModel, type ExperimentRun } from '@rpn/learn';
import { assignStateDict, decodeArtifacts, readCheckpoint, type DecodedCheckpoint } from '@rpn/checkpoint';
import { parse } from 'yaml';
import { webRegistry } from './registry.js';
import { catalogOf } from './options-adapter.js';
import { exportModel, type ExportFormat } from './export.js';
import { basisCurves, reconciledW, summaryOf, type InsideModel } from './inside.js';
import { listStored, loadStored, removeStored, saveStored } from './store.js';
import { runParity, setGoldenBase } from './parity.js';
import { timeExperiment } from './bench.js';
import type { Envelope, Request, WorkerEvent } from './protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const emit = (event: WorkerEvent) => scope.postMessage({ kind: 'event', event } satisfies Envelope);

type Model = ExperimentModel & InsideModel;

/** The worker's state: one current model, the experiment it trains on, and the last run (for resume). */
const state: {
  registry: Registry | null;
  backend: BackendInfo | null;
  model: Model | null;
  source: string;
  doc: Record<string, unknown> | null;
  data: { key: string; data: Dataset } | null;
  run: ExperimentRun<Model> | null;
  ctl: AbortController | null;
} = { registry: null, backend: null, model: null, source: '', doc: null, data: null, run: null, ctl: null };

const registry = (): Registry => (state.registry ??= webRegistry());

/** Replaces the current model (the old one and its optimizer are freed). */
function setModel(model: Model | null, source: string): void {
  if (state.ctl) throw new Error('stop the training first');
  state.run?.optimizer.dispose();
  state.run = null;
  if (state.model && state.model !== model) state.model.dispose();
  state.model = model;
  state.source = source;
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isExperiment = (doc: unknown): boolean => isMapping(doc) && isMapping((doc as { configurations?: unknown }).configurations ?? doc) && 'data_configs' in ((doc as { configurations?: Record<string, unknown> }).configurations ?? doc);

/** Loads an experiment's data once per distinct `data_configs`. */
async function experimentData(doc: Record<string, unknown>, name: string): Promise<Dataset> {
  const root = (isMapping(doc.configurations) ? doc.configurations : doc) as Record<string, unknown>;
  const key = JSON.stringify([root.data_configs, root.random_seed]);
  if (state.data?.key === key) return state.data.data;
  const loaded = await loadExperiment(doc, { file: name });
  state.data = { key, data: loaded.data };
  return loaded.data;
}

/** Builds the model of a document: an experiment (seeded, checked against its data) or a bare model config. */
async function modelOfDoc(doc: Record<string, unknown>, name: string): Promise<Model> {
  if (isExperiment(doc)) {
    const data = await experimentData(doc, name);
    const loaded = await loadExperiment(doc, { file: name, data });
    return buildModel<Model>(registry(), loaded);
  }
  return registry().build<Model>(modelConfigOf(doc, name), 'model');
}

async function handle(r: Request): Promise<unknown> {
  switch (r.type) {
    case 'init': {
      setGoldenBase(new URL('golden/', r.base).href);
      state.backend ??= await setupBackend({ wasmPaths: new URL('wasm/', r.base).href, threads: r.threads ?? 'auto' });
      return { backend: state.backend, isolated: scope.crossOriginIsolated === true, catalog: catalogOf(registry()), tfjsThreads: tfjsThreads() };
    }
    case 'load-config': {
      const doc = parse(r.text) as unknown;
      if (!isMapping(doc)) throw new Error(`${r.name} is not a YAML mapping`);
      const model = await modelOfDoc(doc, r.name);
      setModel(model, r.name);
      state.doc = isExperiment(doc) ? doc : state.doc;
      return { summary: summaryOf(model, r.name), experiment: isExperiment(doc) };
    }
    case 'set-experiment': {
      const model = await modelOfDoc(r.doc, r.name);
      setModel(model, r.name);
      state.doc = r.doc;
      return { summary: summaryOf(model, r.name), experiment: true };
    }
    case 'load-checkpoint': {
      const ck = r.weights ? nativeOf(r.bytes, r.weights) : await readCheckpoint(r.bytes);
      const rows = [...ck.stateDict.entries()].map(([name, t]) => ({ name, shape: [...t.shape], count: t.shape.reduce((a, b) => a * b, 1) }));
      const fileSummary = { source: r.name, rows, total: rows.reduce((a, x) => a + x.count, 0), layers: [], config: ck.config };
      // a file with its config rebuilds the model; a .pt (weights only) loads into the current model
      const target = ck.config ? registry().build<Model>(ck.config, 'model') : state.model;
      if (!target) return { summary: fileSummary, loaded: false, format: ck.format };
      try {
        assignStateDict(target, ck.stateDict, { strict: true });
      } catch (e) {
        if (target !== state.model) target.dispose();
        throw e;
      }
      if (target !== state.model) setModel(target, r.name);
      else { state.run?.optimizer.dispose(); state.run = null; state.source = r.name; }
      return { summary: { ...summaryOf(target, r.name), rows }, loaded: true, format: ck.format };
    }
    case 'train': return train(r);
    case 'stop': state.ctl?.abort(); return null;
    case 'basis': return basisCurves(need(), r.layer, r.head, r.low, r.high, r.points);
    case 'weights': return reconciledW(need(), r.layer, r.head, r.channel);
    case 'export': return exportModel(need(), r.format as ExportFormat, state.source);
    case 'store': {
      if (r.op === 'list') return listStored();
      if (r.op === 'save') { await saveStored(r.name ?? state.source, need()); return listStored(); }
      if (r.op === 'delete') { await removeStored(r.name!); return listStored(); }
      const model = await loadStored(r.name!, registry());
      setModel(model as Model, r.name!);
      return { summary: summaryOf(model as Model, r.name!) };
    }
    case 'bench': return { ...(await timeExperiment(registry(), parse(r.text), { reps: r.reps })), backend: state.backend, tfjsThreads: tfjsThreads(), isolated: scope.crossOriginIsolated === true };
    case 'parity': return runParity(registry(), r.families, (c) => emit({ type: 'parity-case', ...c }));
  }
}

/** A native checkpoint from its two files' bytes (model.json + weights.bin). */
function nativeOf(json: Uint8Array, weights: Uint8Array): DecodedCheckpoint {
  const j = JSON.parse(new TextDecoder().decode(json)) as { modelTopology?: unknown; format?: string; generatedBy?: string; userDefinedMetadata?: Record<string, unknown>; weightsManifest?: { weights: unknown[] }[] };
  const artifacts = {
    modelTopology: j.modelTopology as object, format: j.format, generatedBy: j.generatedBy, userDefinedMetadata: j.userDefinedMetadata as Record<string, {}>,
    weightSpecs: (j.weightsManifest ?? []).flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
    weightData: weights.slice().buffer,
  };
  return { format: 'native', ...decodeArtifacts(artifacts) };
}

const need = (): Model => {
  if (!state.model) throw new Error('no model yet: load a file or compose one');
  return state.model;
};

/** The wasm backend's thread count as @rpn/core's setupBackend reads it from tfjs (1 without cross-origin isolation). */
function tfjsThreads(): number | null {
  return state.backend?.threads ?? null;
}

/** Trains the current model on the current experiment; resumes the last run when it is this model's. */
async function train(r: Extract<Request, { type: 'train' }>): Promise<unknown> {
  if (state.ctl) throw new Error('already training');
  if (!state.doc) throw new Error('no experiment: load a tinyBIG experiment YAML or compose a model with a dataset');
  const doc = state.doc;
  const data = await experimentData(doc, state.source);
  const resumable = !r.fresh && state.run && state.run.model === state.model;
  if (!resumable && state.run) { state.run.optimizer.dispose(); state.run = null; }
  const resume = resumable ? state.run!.resumeState() : state.model ? { model: state.model } : undefined;
  const ctl = new AbortController();
  state.ctl = ctl;
  let lastProgress = 0;
  let lastPlot = 0;
  let higher = false;
  try {
    const run = await runExperiment<Model>(doc, {
      registry: registry(), file: state.source, data, signal: ctl.signal, epochs: r.epochs, resume,
      onStart: (s) => {
        higher = s.metric.higherIsBetter ?? false;
        emit({ type: 'run-start', epochs: s.epochs, startEpoch: s.startEpoch, totalSteps: s.totalSteps, metric: s.metric.name, data: s.data.description, parameters: s.parameters });
      },
      onProgress: (step, total, loss, b) => {
        const t = performance.now();
        if (t - lastProgress > 50 || step === total) { lastProgress = t; emit({ type: 'progress', step, total, loss, epoch: b.epoch }); }
      },
      onEpoch: (epoch, m) => {
        emit({ type: 'epoch', epoch, trainLoss: m.trainLoss, testLoss: m.testLoss, testScore: m.testScore, metric: '', lr: m.lr });
        const t = performance.now();
        if (data.trueFunction && data.variables && t - lastPlot > 300) { lastPlot = t; emit(functionPlot(state.model ?? null, data)); }
        if (r.target != null && m.testScore != null && (higher ? m.testScore >= r.target : m.testScore <= r.target)) return false;
        return undefined;
      },
    });
    state.run = run;
    state.model = run.model;
    if (data.trueFunction && data.variables) emit(functionPlot(run.model, data));
    const end = { type: 'run-end' as const, epochsDone: run.epochsDone, epochs: run.epochs, cancelled: run.cancelled, final: run.final, metric: run.metric.name, finalLoss: run.finalEval.loss };
    emit(end);
    return end;
  } finally {
    state.ctl = null;
  }
}

/** Learned vs true function along the diagonal of the input box (every variable swept together). */
function functionPlot(model: Model | null, data: Dataset): WorkerEvent {
  const k = 120;
  const vars = data.variables!;
  const rows = Array.from({ length: k }, (_, i) => vars.map((v) => v.low + ((v.high - v.low) * i) / (k - 1)));
  const truth = rows.map((row) => data.trueFunction!(row));
  let learned: number[] = [];
  if (model) {
    const y = tf.tidy(() => model.forward(tf.tensor2d(rows.flat(), [k, vars.length]), { training: false }));
    learned = Array.from(y.dataSync());
    y.dispose();
  }
  return { type: 'function', t: rows.map((_, i) => i / (k - 1)), truth, learned, description: data.description };
}

scope.onmessage = async (e: MessageEvent<Envelope>) => {
  const msg = e.data;
  if (msg.kind !== 'request') return;
  try {
    const value = await handle(msg.request);
    const transfer = value instanceof Uint8Array ? [value.buffer] : isMapping(value) && Array.isArray((value as { files?: unknown }).files) ? ((value as { files: { bytes: Uint8Array }[] }).files.map((f) => f.bytes.buffer)) : [];
    scope.postMessage({ kind: 'response', id: msg.id, ok: true, value } satisfies Envelope, transfer as Transferable[]);
  } catch (err) {
    const error = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
    scope.postMessage({ kind: 'response', id: msg.id, ok: false, error } satisfies Envelope);
  }
};
