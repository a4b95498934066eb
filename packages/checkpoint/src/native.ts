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
import { DTYPES, numel, tensorFromValues, tensorValues, type DType, type RawTensor, type StateDict } from './dtypes.js';
import { crc32 } from './zip.js';

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

const SPEC_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function specBytes(spec: tf.io.WeightsManifestEntry): number {
  const shape = spec.shape;
  if (!Array.isArray(shape) || shape.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new CheckpointError('invalid shape in the weights manifest', { argument: `weightSpecs.${spec.name}.shape`, expected: 'non-negative integers', received: JSON.stringify(shape) });
  const q = spec.quantization?.dtype;
  const per = q ? SPEC_BYTES[q] : SPEC_BYTES[spec.dtype];
  if (!per || (spec.dtype as string) === 'string' || spec.dtype === 'complex64') throw new CheckpointError('unsupported dtype in the weights manifest', { argument: `weightSpecs.${spec.name}.dtype`, expected: 'float32, int32 or bool (optionally quantized)', received: String(q ?? spec.dtype) });
  return numel(shape) * per;
}

function toRaw(t: tf.Tensor, dtype: DType | undefined, name: string): RawTensor {
  const values = t.dataSync();
  const target: DType = dtype ?? (t.dtype === 'int32' ? 'int32' : t.dtype === 'bool' ? 'bool' : 'float32');
  if (target === 'float32' && values instanceof Float32Array) return tensorFromValues('float32', t.shape, values, name);
  return tensorFromValues(target, t.shape, Array.from(values as ArrayLike<number>), name);
}

/** Decodes artifacts written by {@link encodeArtifacts} (or any tfjs artifacts with float32/int32/bool weights). */
export function decodeArtifacts(artifacts: tf.io.ModelArtifacts): NativeCheckpoint {
  const specs = artifacts.weightSpecs ?? [];
  const raw = artifacts.weightData;
  const buffers: ArrayBuffer[] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const need = specs.reduce((s, sp) => s + specBytes(sp), 0);
  if (total !== need) throw new CheckpointError(total < need ? 'weights data shorter than the manifest' : 'weights data longer than the manifest', { argument: 'weights.bin', expected: `${need} bytes`, received: `${total} bytes` });
  const ud = (artifacts.userDefinedMetadata ?? {}) as { rpn?: NativeInfo };
  const info = ud.rpn;
  if (info && (typeof info !== 'object' || typeof info.version !== 'number' || info.version > NATIVE_VERSION)) throw new CheckpointError('unsupported native checkpoint version', { argument: 'userDefinedMetadata.rpn.version', expected: `≤ ${NATIVE_VERSION}`, received: String(info?.version) });
  const flat = buffers.length === 1 ? new Uint8Array(buffers[0]!) : new Uint8Array(tf.io.concatenateArrayBuffers(buffers));
  if (info?.digest && (info.digest.bytes !== flat.byteLength || info.digest.crc32 !== crc32(flat))) throw new CheckpointError('weights data does not match model.json (corrupt, or from another save)', { argument: 'weights.bin', expected: `crc32 ${info.digest.crc32}, ${info.digest.bytes} bytes`, received: `crc32 ${crc32(flat)}, ${flat.byteLength} bytes` });
  let decoded: tf.NamedTensorMap;
  try {
    decoded = tf.io.decodeWeights(flat.buffer.slice(flat.byteOffset, flat.byteOffset + flat.byteLength), specs);
  } catch (e) {
    throw new CheckpointError(`weights could not be decoded: ${(e as Error).message}`, { argument: 'weights.bin', expected: 'data matching the manifest' });
  }
  try {
    const dtypes = info?.dtypes ?? {};
    const order = info?.names ?? specs.map((s) => s.name).filter((n) => !n.startsWith(OPTIMIZER_PREFIX));
    const stateDict = new Map<string, RawTensor>();
    for (const name of order) {
      const t = decoded[name];
      if (!t) throw new CheckpointError('weight listed in model.json is missing from the manifest', { argument: name, expected: 'a weights manifest entry', received: 'none' });
      const r = toRaw(t, dtypes[name], name);
      stateDict.set(name, r);
    }
    let optimizer: NativeCheckpoint['optimizer'] = null;
    if (info?.optimizer) {
      const w = new Map<string, RawTensor>();
      for (const n of info.optimizer.weightNames) {
        const t = decoded[OPTIMIZER_PREFIX + n];
        if (!t) throw new CheckpointError('optimizer weight missing from the manifest', { argument: n, expected: 'a weights manifest entry', received: 'none' });
        w.set(n, toRaw(t, undefined, n));
      }
      optimizer = { className: info.optimizer.className, config: info.optimizer.config, weights: w };
    }
    const topo = artifacts.modelTopology;
    const config = topo && !(topo instanceof ArrayBuffer) && Object.keys(topo).length ? (topo as Record<string, unknown>) : null;
    return Object.freeze({ config, stateDict, metadata: info?.metadata ?? {}, trainingState: info?.trainingState ?? null, optimizer });
  } finally {
    tf.dispose(Object.values(decoded));
  }
}
