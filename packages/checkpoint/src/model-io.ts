/**
 * The model-level API: save/load whole models (config + weights), read any state dict, and
 * load a state dict into a model with tinyBIG's strict/non-strict semantics.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, formatShape, type Registry } from '@rpn/core';
import { tensorFromValues, tensorValues, type RawTensor, type StateDict } from './dtypes.js';
import { decodeArtifacts, type NativeCheckpoint } from './native.js';
import type { FileSystem } from './file-system.js';
import type { ReadLimits } from './limits.js';
import { codecByName, codecForBytes, codecForPath, nativeCodec, readCheckpoint, type CheckpointFormat, type DecodedCheckpoint } from './codecs.js';

export type { CheckpointFormat } from './codecs.js';

/** One entry of `model.namedParameters()`. */
export interface NamedParameterLike {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly trainable: boolean;
  /** Ours only, not in tinyBIG's state dict: strict tinyBIG import does not require it. */
  readonly optional?: boolean;
}

/** What the checkpoint functions need from a model (the @rpn/model objects have it). */
export interface CheckpointModel {
  namedParameters(): readonly NamedParameterLike[];
  toConfig(): Record<string, unknown>;
}

/** Where a state dict comes from: a path/URL, raw bytes, or a state dict already read. */
export type StateDictSource = string | Uint8Array | ArrayBuffer | StateDict;

/** Result of {@link loadStateDict} / {@link assignStateDict}. */
export interface LoadReport {
  readonly loaded: readonly string[];
  /** Model names absent from the file (optional names are only listed, never an error). */
  readonly missing: readonly string[];
  /** File names the model does not have. */
  readonly unexpected: readonly string[];
  readonly mismatched: readonly { readonly name: string; readonly expected: readonly number[]; readonly received: readonly number[] }[];
}

/** The model's weights as a state dict (float32 bytes of each variable, in namedParameters order). */
export function modelStateDict(model: CheckpointModel, options: { includeOptional?: boolean } = {}): StateDict {
  const includeOptional = options.includeOptional ?? true;
  const out = new Map<string, RawTensor>();
  for (const p of model.namedParameters()) {
    if (p.optional && !includeOptional) continue;
    if (out.has(p.name)) continue; // shared parameters (tinyBIG's shared heads) appear once per name anyway
    const v = p.variable;
    const values = v.dataSync();
    const dtype = v.dtype === 'int32' ? 'int32' : v.dtype === 'bool' ? 'bool' : 'float32';
    out.set(p.name, tensorFromValues(dtype, v.shape, dtype === 'float32' ? (values as Float32Array) : Array.from(values as ArrayLike<number>), p.name));
  }
  return out;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Assigns a state dict to the model's variables. Strict (default): any missing (non-optional),
 * unexpected or mis-shaped name is a CheckpointError naming each, and nothing is assigned.
 * Non-strict: matching names are assigned and the rest reported.
 */
export function assignStateDict(model: CheckpointModel, stateDict: StateDict, options: { strict?: boolean } = {}): LoadReport {
  const strict = options.strict ?? true;
  const params = model.namedParameters();
  const byName = new Map(params.map((p) => [p.name, p]));
  const missing: string[] = [];
  const missingRequired: string[] = [];
  const mismatched: { name: string; expected: number[]; received: number[] }[] = [];
  const loadable: [NamedParameterLike, RawTensor][] = [];
  for (const p of params) {
    const t = stateDict.get(p.name);
    if (!t) { if (!missing.includes(p.name)) missing.push(p.name); if (!p.optional && !missingRequired.includes(p.name)) missingRequired.push(p.name); continue; }
    if (!sameShape(p.variable.shape, t.shape)) { mismatched.push({ name: p.name, expected: [...p.variable.shape], received: [...t.shape] }); continue; }
    loadable.push([p, t]);
  }
  const unexpected = [...stateDict.keys()].filter((k) => !byName.has(k));
  if (strict && (missingRequired.length || unexpected.length || mismatched.length)) {
    const parts: string[] = [];
    if (missingRequired.length) parts.push(`missing: ${missingRequired.join(', ')}`);
    if (unexpected.length) parts.push(`unexpected: ${unexpected.join(', ')}`);
    if (mismatched.length) parts.push(`mis-shaped: ${mismatched.map((m) => `${m.name} (model ${formatShape(m.expected)}, file ${formatShape(m.received)})`).join(', ')}`);
    throw new CheckpointError(`state dict does not fit the model; ${parts.join('; ')}`, {
      argument: 'stateDict',
      expected: `the model's ${params.length} names and shapes`,
      received: `${stateDict.size} tensors`,
    });
  }
  // convert everything first so a bad value (e.g. an int64 beyond 2^53) assigns nothing
  const values = loadable.map(([p, t]) => tensorValues(t, p.name));
  loadable.forEach(([p], i) => {
    const v = values[i]!;
    const data = p.variable.dtype === 'int32' ? Int32Array.from(v) : p.variable.dtype === 'bool' ? Uint8Array.from(v) : Float32Array.from(v);
    const t = tf.tensor(data, p.variable.shape, p.variable.dtype);
    p.variable.assign(t);
    t.dispose();
  });
  return Object.freeze({ loaded: loadable.map(([p]) => p.name), missing, unexpected, mismatched });
}

/** The format a path names (see {@link codecForPath}): `.safetensors`, `.pt`/`.pth`/`.ckpt`, or anything else (a folder, a URL) = native. */
export function formatFromPath(path: string): CheckpointFormat {
  return codecForPath(path).name;
}

/** The format of a file's bytes (see {@link codecForBytes}): a ZIP is a `.pt`, else safetensors if its header starts like one. */
export function formatFromBytes(bytes: Uint8Array): CheckpointFormat {
  return codecForBytes(bytes).name;
}

/** Reads a native checkpoint (folder, `file://`, or any tfjs URL / IOHandler). */
export async function readNative(dirOrUrl: string | tf.io.IOHandler, options: { fs?: FileSystem; limits?: Partial<ReadLimits> } = {}): Promise<NativeCheckpoint> {
  if (typeof dirOrUrl === 'string') return nativeCodec.read(dirOrUrl, options);
  if (!dirOrUrl.load) throw new CheckpointError('IO handler cannot load', { argument: 'dirOrUrl', expected: 'a handler with load()', received: 'none' });
  return decodeArtifacts(await dirOrUrl.load(), options.limits);
}

/**
 * Reads a state dict from a `.pt`, a safetensors file, a native checkpoint folder/URL, or bytes
 * (format sniffed), through {@link readCheckpoint}. Tensors keep their file dtype (see the README's dtype table).
 */
export async function readStateDict(source: StateDictSource, options: { fs?: FileSystem; limits?: Partial<ReadLimits> } = {}): Promise<StateDict> {
  if (source instanceof Map) return source;
  return (await readCheckpoint(source as string | Uint8Array | ArrayBuffer, options)).stateDict;
}

/** Loads a state dict (any source) into the model; see {@link assignStateDict}. */
export async function loadStateDict(model: CheckpointModel, source: StateDictSource, options: { strict?: boolean; fs?: FileSystem; limits?: Partial<ReadLimits> } = {}): Promise<LoadReport> {
  return assignStateDict(model, await readStateDict(source, options), options);
}

/** Options of {@link saveModel} / {@link saveStateDict}. */
export interface SaveOptions {
  /** Overrides the format implied by the path. */
  readonly format?: CheckpointFormat;
  /** User metadata (native: any JSON; safetensors: string values). */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Training state to resume from (epoch, step, RNG seeds, …), native only. */
  readonly trainingState?: Readonly<Record<string, unknown>>;
  /** An optimizer whose state (config + weights) is saved with the model, native only. */
  readonly optimizer?: tf.Optimizer;
  /** File operations (tests inject failures). */
  readonly fs?: FileSystem;
  /** `.pt` export: the archive's top-level folder (default: the file's stem). */
  readonly archiveName?: string;
}

async function optimizerState(optimizer: tf.Optimizer): Promise<{ className: string; config: Record<string, unknown>; weights: StateDict }> {
  const weights = await optimizer.getWeights();
  const sd = new Map<string, RawTensor>();
  for (const w of weights) {
    const values = await w.tensor.data();
    sd.set(w.name, tensorFromValues(w.tensor.dtype === 'int32' ? 'int32' : 'float32', w.tensor.shape, Array.from(values as ArrayLike<number>), w.name));
  }
  tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  return { className: optimizer.getClassName(), config: optimizer.getConfig() as Record<string, unknown>, weights: sd };
}

/**
 * Writes a state dict (and, for native/safetensors, a config) to `dirOrUrl` in the format its
 * path names, through that format's codec. Single files are written atomically (temporary file +
 * one rename), native folders with one atomic rename of `model.json` (see {@link fileHandler}).
 */
export async function saveStateDict(stateDict: StateDict, dirOrUrl: string, options: SaveOptions & { config?: Record<string, unknown> | null } = {}): Promise<void> {
  const codec = options.format ? codecByName(options.format) : codecForPath(dirOrUrl);
  await codec.write(dirOrUrl, {
    stateDict,
    config: options.config ?? null,
    metadata: options.metadata,
    trainingState: codec === nativeCodec ? options.trainingState : undefined,
    optimizer: codec === nativeCodec && options.optimizer ? await optimizerState(options.optimizer) : undefined,
  }, { fs: options.fs, archiveName: options.archiveName });
}

/**
 * `model.save`: native (a folder or tfjs URL: model.json + weights.bin, with config, optional
 * optimizer/training state and metadata), `.safetensors` (config in `__metadata__.rpn_config`)
 * or `.pt` (tinyBIG-loadable; our optional parameters are left out so `load_ckpt(strict=True)` accepts it).
 */
export async function saveModel(model: CheckpointModel, dirOrUrl: string, options: SaveOptions = {}): Promise<void> {
  const format = options.format ?? formatFromPath(dirOrUrl);
  const sd = modelStateDict(model, { includeOptional: format !== 'torch' });
  await saveStateDict(sd, dirOrUrl, { ...options, format, config: model.toConfig() });
}

/** What {@link loadCheckpoint} returns. */
export interface LoadedCheckpoint<M> {
  readonly model: M;
  readonly config: Record<string, unknown>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly trainingState: Readonly<Record<string, unknown>> | null;
  readonly report: LoadReport;
  /** Saved optimizer class and config (restore its weights with `options.optimizer`). */
  readonly optimizer: { readonly className: string; readonly config: Record<string, unknown> } | null;
}

/**
 * Rebuilds a model from a checkpoint: native folder/URL, or a safetensors file saved with its
 * config. `registry.build(config, 'model')` creates it; the weights are loaded strictly. With
 * `options.optimizer`, the saved optimizer weights are restored into it (training resumes exactly).
 */
export async function loadCheckpoint<M extends CheckpointModel = CheckpointModel>(dirOrUrl: string, registry: Registry, options: { optimizer?: tf.Optimizer; fs?: FileSystem; strict?: boolean; limits?: Partial<ReadLimits> } = {}): Promise<LoadedCheckpoint<M>> {
  if (!codecForPath(dirOrUrl).holdsConfig) {
    throw new CheckpointError(`a ${codecForPath(dirOrUrl).extensions.join('/')} file holds no model config`, { argument: 'dirOrUrl', expected: 'a native checkpoint or a safetensors file with rpn_config; for .pt build the model and call loadStateDict', received: dirOrUrl });
  }
  const ck: DecodedCheckpoint = await readCheckpoint(dirOrUrl, { fs: options.fs, limits: options.limits });
  if (!ck.config) throw new CheckpointError('checkpoint holds no model config', { argument: 'dirOrUrl', expected: 'a checkpoint saved with saveModel', received: dirOrUrl });
  const model = registry.build<M>(ck.config, 'model');
  let report: LoadReport;
  try {
    report = assignStateDict(model, ck.stateDict, { strict: options.strict ?? true });
    if (options.optimizer && ck.optimizer) {
      const named = [...ck.optimizer.weights].map(([name, t]) => ({ name, tensor: tf.tensor(t.dtype === 'int32' ? Int32Array.from(tensorValues(t)) : Float32Array.from(tensorValues(t)), [...t.shape], t.dtype === 'int32' ? 'int32' : 'float32') }));
      try { await options.optimizer.setWeights(named); } finally { tf.dispose(named.map((n) => n.tensor)); }
    }
  } catch (e) {
    (model as unknown as { dispose?: () => void }).dispose?.();
    throw e;
  }
  return Object.freeze({ model, config: ck.config, metadata: ck.metadata, trainingState: ck.trainingState, report, optimizer: ck.optimizer ? { className: ck.optimizer.className, config: ck.optimizer.config } : null });
}

/** Rebuilds a model from a checkpoint saved by {@link saveModel}; see {@link loadCheckpoint}. */
export async function loadModel<M extends CheckpointModel = CheckpointModel>(dirOrUrl: string, registry: Registry, options: { optimizer?: tf.Optimizer; fs?: FileSystem } = {}): Promise<M> {
  return (await loadCheckpoint<M>(dirOrUrl, registry, options)).model;
}
