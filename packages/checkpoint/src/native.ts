/**
 * The native format: tfjs model artifacts (`model.json` + `weights.bin`). `model.json` holds
 * the model config (`modelTopology`, tinyBIG's `{model_class, model_parameters}` envelope), a
 * weights manifest, `format`/`generatedBy`, and under `userDefinedMetadata.rpn` the format
 * version, the state-dict order, original dtypes, the weights' digest, optional training state,
 * optimizer config and user metadata. Any tfjs IOHandler can carry these artifacts; in Node,
 * {@link fileHandler} writes them atomically.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '@rpn/core';
import { DTYPES, tensorFromValues, tensorValues, type DType, type RawTensor, type StateDict } from './dtypes.js';
import { crc32 } from './zip.js';
import { z } from 'zod';
import { checkJsonDepth, readLimits, type ReadLimits } from './limits.js';
import { checkUnique, manifestSize, nativeInfoSchema, parseOrThrow, weightSpecSchema } from './native-schema.js';
import { preview } from './preview.js';

/** `format` field of our model.json. */
export const NATIVE_FORMAT = 'rpn-checkpoint';
/** Version of the `userDefinedMetadata.rpn` block. */
export const NATIVE_VERSION = 1;

/** Prefix of optimizer weights inside the artifacts (state-dict names never contain `/`). */
export const OPTIMIZER_PREFIX = 'optimizer/';

/** What we keep in `userDefinedMetadata.rpn`. */
export interface NativeInfo {
  readonly version: number;
  /** State-dict names in order (model weights only). */
  readonly names: readonly string[];
  /** Original dtype of every tensor that is not stored as its tfjs dtype's natural type (float64, int64, …). */
  readonly dtypes: Readonly<Record<string, DType>>;
  /** crc32 and byte length of the weight data. */
  readonly digest: { readonly crc32: number; readonly bytes: number };
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly trainingState?: Readonly<Record<string, unknown>>;
  readonly optimizer?: { readonly className: string; readonly config: Record<string, unknown>; readonly weightNames: readonly string[] };
}

/** Everything a native checkpoint holds, decoded. */
export interface NativeCheckpoint {
  /** The model config, or null for a state dict saved without a model. */
  readonly config: Record<string, unknown> | null;
  readonly stateDict: StateDict;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly trainingState: Readonly<Record<string, unknown>> | null;
  readonly optimizer: { readonly className: string; readonly config: Record<string, unknown>; readonly weights: StateDict } | null;
}

const NATURAL: Record<DType, 'float32' | 'int32' | 'bool'> = Object.fromEntries(Object.values(DTYPES).map((d) => [d.dtype, d.tf])) as Record<DType, 'float32' | 'int32' | 'bool'>;

function toTfTensor(t: RawTensor, name: string): tf.Tensor {
  const tfDtype = NATURAL[t.dtype];
  const values = tensorValues(t, name);
  if (tfDtype === 'int32') {
    for (const v of values) if (v < -(2 ** 31) || v > 2 ** 31 - 1) throw new CheckpointError('integer value does not fit the native int32 weights', { argument: name, expected: 'values in int32 range', received: String(v) });
    return tf.tensor(Int32Array.from(values), [...t.shape], 'int32');
  }
  if (tfDtype === 'bool') return tf.tensor(Uint8Array.from(values), [...t.shape], 'bool');
  return tf.tensor(Float32Array.from(values), [...t.shape], 'float32');
}

/** Builds tfjs model artifacts from a config and a state dict (plus optional optimizer weights). */
export async function encodeArtifacts(config: Record<string, unknown> | null, stateDict: StateDict, extra: {
  metadata?: Readonly<Record<string, unknown>>;
  trainingState?: Readonly<Record<string, unknown>>;
  optimizer?: { className: string; config: Record<string, unknown>; weights: StateDict };
} = {}): Promise<tf.io.ModelArtifacts> {
  const named: { name: string; tensor: tf.Tensor }[] = [];
  const dtypes: Record<string, DType> = {};
  try {
    for (const [name, t] of stateDict) {
      if (name.includes('/')) throw new CheckpointError('state-dict name must not contain "/"', { argument: name, expected: 'a dotted name', received: name });
      if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') dtypes[name] = t.dtype;
      named.push({ name, tensor: toTfTensor(t, name) });
    }
    const optNames: string[] = [];
    for (const [name, t] of extra.optimizer?.weights ?? new Map()) {
      optNames.push(name);
      named.push({ name: OPTIMIZER_PREFIX + name, tensor: toTfTensor(t, name) });
    }
    const { data, specs } = await tf.io.encodeWeights(named);
    const bytes = new Uint8Array(data);
    const info: NativeInfo = {
      version: NATIVE_VERSION,
      names: [...stateDict.keys()],
      dtypes,
      digest: { crc32: crc32(bytes), bytes: bytes.byteLength },
      ...(extra.metadata ? { metadata: extra.metadata } : {}),
      ...(extra.trainingState ? { trainingState: extra.trainingState } : {}),
      ...(extra.optimizer ? { optimizer: { className: extra.optimizer.className, config: extra.optimizer.config, weightNames: optNames } } : {}),
    };
    return {
      modelTopology: config ?? {},
      format: NATIVE_FORMAT,
      generatedBy: '@rpn/checkpoint',
      convertedBy: null,
      weightSpecs: specs,
      weightData: data,
      userDefinedMetadata: { rpn: JSON.parse(JSON.stringify(info)) as {} },
    };
  } finally {
    for (const n of named) n.tensor.dispose();
  }
}

function toRaw(t: tf.Tensor, dtype: DType | undefined, name: string): RawTensor {
  const values = t.dataSync();
  const target: DType = dtype ?? (t.dtype === 'int32' ? 'int32' : t.dtype === 'bool' ? 'bool' : 'float32');
  if (target === 'float32' && values instanceof Float32Array) return tensorFromValues('float32', t.shape, values, name);
  return tensorFromValues(target, t.shape, Array.from(values as ArrayLike<number>), name);
}

/**
 * Decodes artifacts written by {@link encodeArtifacts} (or any tfjs artifacts with float32/int32/bool
 * weights). The manifest and the `rpn` block are validated (zod) and depth-checked before use;
 * names are looked up in Maps, never in plain objects.
 */
export function decodeArtifacts(artifacts: tf.io.ModelArtifacts, limits: Partial<ReadLimits> = {}): NativeCheckpoint {
  const lim = readLimits(limits);
  const topo = artifacts.modelTopology;
  if (!(topo instanceof ArrayBuffer)) checkJsonDepth(topo, lim.maxDepth, 'modelTopology');
  checkJsonDepth(artifacts.userDefinedMetadata, lim.maxDepth, 'userDefinedMetadata');
  checkJsonDepth(artifacts.weightSpecs, 4, 'weightSpecs');
  const specs = parseOrThrow(z.array(weightSpecSchema), artifacts.weightSpecs ?? [], 'weightSpecs', 'weights manifest');
  checkUnique(specs.map((s) => s.name), 'weightSpecs.name');
  const raw = artifacts.weightData;
  const buffers: ArrayBuffer[] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const need = manifestSize(specs, lim.maxElements);
  if (total !== need) throw new CheckpointError(total < need ? 'weights data shorter than the manifest' : 'weights data longer than the manifest', { argument: 'weights.bin', expected: `${need} bytes`, received: `${total} bytes` });
  const ud = artifacts.userDefinedMetadata;
  const rawInfo = ud !== null && typeof ud === 'object' && Object.prototype.hasOwnProperty.call(ud, 'rpn') ? (ud as Record<string, unknown>).rpn : undefined;
  const version = rawInfo !== null && typeof rawInfo === 'object' ? (rawInfo as { version?: unknown }).version : undefined;
  if (rawInfo !== undefined && typeof version === 'number' && version > NATIVE_VERSION) throw new CheckpointError('unsupported native checkpoint version', { argument: 'userDefinedMetadata.rpn.version', expected: `≤ ${NATIVE_VERSION}`, received: String(version) });
  const info = rawInfo === undefined ? undefined : parseOrThrow(nativeInfoSchema, rawInfo, 'userDefinedMetadata.rpn', 'native checkpoint metadata');
  if (info) {
    checkUnique(info.names, 'userDefinedMetadata.rpn.names');
    if (info.optimizer) checkUnique(info.optimizer.weightNames, 'userDefinedMetadata.rpn.optimizer.weightNames');
  }
  const flat = buffers.length === 1 ? new Uint8Array(buffers[0]!) : new Uint8Array(tf.io.concatenateArrayBuffers(buffers));
  if (info && (info.digest.bytes !== flat.byteLength || info.digest.crc32 !== crc32(flat))) throw new CheckpointError('weights data does not match model.json (corrupt, or from another save)', { argument: 'weights.bin', expected: `crc32 ${info.digest.crc32}, ${info.digest.bytes} bytes`, received: `crc32 ${crc32(flat)}, ${flat.byteLength} bytes` });
  let decoded: Map<string, tf.Tensor>;
  try {
    const named = tf.io.decodeWeights(flat.buffer.slice(flat.byteOffset, flat.byteOffset + flat.byteLength), specs as tf.io.WeightsManifestEntry[]);
    decoded = new Map(Object.entries(named));
  } catch (e) {
    throw new CheckpointError(`weights could not be decoded: ${(e as Error).message}`, { argument: 'weights.bin', expected: 'data matching the manifest' });
  }
  try {
    const dtypes = new Map(Object.entries(info?.dtypes ?? {}));
    const order = info?.names ?? specs.map((s) => s.name).filter((n) => !n.startsWith(OPTIMIZER_PREFIX));
    const stateDict = new Map<string, RawTensor>();
    for (const name of order) {
      const t = decoded.get(name);
      if (!t) throw new CheckpointError('weight listed in model.json is missing from the manifest', { argument: name, expected: 'a weights manifest entry', received: 'none' });
      stateDict.set(name, toRaw(t, dtypes.get(name), name));
    }
    let optimizer: NativeCheckpoint['optimizer'] = null;
    if (info?.optimizer) {
      const w = new Map<string, RawTensor>();
      for (const n of info.optimizer.weightNames) {
        const t = decoded.get(OPTIMIZER_PREFIX + n);
        if (!t) throw new CheckpointError('optimizer weight missing from the manifest', { argument: n, expected: 'a weights manifest entry', received: 'none' });
        w.set(n, toRaw(t, undefined, n));
      }
      optimizer = { className: info.optimizer.className, config: info.optimizer.config, weights: w };
    }
    let config: Record<string, unknown> | null = null;
    if (topo !== undefined && topo !== null && !(topo instanceof ArrayBuffer)) {
      if (typeof topo !== 'object' || Array.isArray(topo)) throw new CheckpointError('model config is not an object', { argument: 'modelTopology', expected: 'a JSON object (the model config)', received: preview(topo) });
      if (Object.keys(topo).length) config = topo as Record<string, unknown>;
    }
    return Object.freeze({ config, stateDict, metadata: info?.metadata ?? {}, trainingState: info?.trainingState ?? null, optimizer });
  } finally {
    tf.dispose([...decoded.values()]);
  }
}
