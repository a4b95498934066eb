/**
 * The one list of checkpoint formats. Every reader, writer, format guess (by path or by bytes) and
 * the CLI's choices come from {@link CHECKPOINT_CODECS}, as tfjs's IO routers pick a handler per
 * URL: `{ name, extensions, sniff, read, write }` per format, first match wins.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '@rpn/core';
import type { RawTensor, StateDict } from './dtypes.js';
import { fileHandler, writeFileAtomic } from './file-handler.js';
import { fileSystemFor, type FileSystem } from './file-system.js';
import { checkJsonDepth, readLimits, type ReadLimits } from './limits.js';
import { decodeArtifacts, encodeArtifacts } from './native.js';
import { preview } from './preview.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { readTorchStateDict, writeTorchStateDict } from './torch.js';

/** Checkpoint formats. */
export type CheckpointFormat = 'native' | 'safetensors' | 'torch';

/** Everything a checkpoint holds, whatever its format (a `.pt` holds weights only). */
export interface DecodedCheckpoint {
  readonly format: CheckpointFormat;
  /** The model config, or null when the file holds none. */
  readonly config: Record<string, unknown> | null;
  readonly stateDict: StateDict;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly trainingState: Readonly<Record<string, unknown>> | null;
  readonly optimizer: { readonly className: string; readonly config: Record<string, unknown>; readonly weights: StateDict } | null;
}

/** What a codec writes. */
export interface CheckpointContent {
  readonly stateDict: StateDict;
  readonly config?: Record<string, unknown> | null;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly trainingState?: Readonly<Record<string, unknown>>;
  readonly optimizer?: { className: string; config: Record<string, unknown>; weights: StateDict };
}

/** Options every codec takes. */
export interface CodecOptions {
  /** File operations (tests inject failures). */
  readonly fs?: FileSystem;
  /** Bounds on what a read may allocate (see {@link ReadLimits}). */
  readonly limits?: Partial<ReadLimits>;
  /** `.pt` export: the archive's top-level folder (default: the file's stem). */
  readonly archiveName?: string;
}

/** One format: its name, the path endings it claims, a byte sniffer, and its reader and writer. */
export interface CheckpointCodec {
  readonly name: CheckpointFormat;
  /** Lower-case path endings (`.pt`); empty for the native format (folders and tfjs URLs). */
  readonly extensions: readonly string[];
  /** True when the format can carry a model config (so `loadCheckpoint` can rebuild the model). */
  readonly holdsConfig: boolean;
  /** Whether the first bytes of a file look like this format (false for folder formats). */
  sniff(head: Uint8Array): boolean;
  /** Reads a checkpoint: a path/URL, or the file's bytes for single-file formats. */
  read(source: string | Uint8Array, options?: CodecOptions): Promise<DecodedCheckpoint>;
  /** Writes a checkpoint to a path/URL; single files go through an atomic rename. */
  write(target: string, content: CheckpointContent, options?: CodecOptions): Promise<void>;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** True for a plain path or a `file://` URL. */
export function isNodeFileUrl(url: string): boolean {
  return url.startsWith('file://') || !SCHEME.test(url);
}

const localPath = (p: string) => (p.startsWith('file://') ? p.slice(7) : p);

async function readLocal(source: string, fs: FileSystem | undefined, argument: string): Promise<Uint8Array> {
  if (!isNodeFileUrl(source)) throw new CheckpointError('cannot read this URL as a file', { argument, expected: 'a local path', received: source });
  const f = fileSystemFor(source, fs);
  try { return await f.readFile(localPath(source)); } catch (e) {
    throw new CheckpointError(`cannot read checkpoint: ${(e as Error).message}`, { argument, expected: 'a readable file', received: source });
  }
}

async function writeLocal(target: string, bytes: Uint8Array, format: string, fs: FileSystem | undefined): Promise<void> {
  if (!isNodeFileUrl(target)) throw new CheckpointError(`${format} files can only be written to a local path`, { argument: 'dirOrUrl', expected: 'a path or file:// URL', received: target });
  const path = localPath(target);
  const f = fileSystemFor(target, fs);
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
  if (dir) await f.mkdir(dir);
  await writeFileAtomic(f, path, bytes);
}

/** The tfjs IOHandler for a native location: our file handler for paths, else tfjs's routers. */
export function nativeHandler(url: string, mode: 'save' | 'load', options: CodecOptions = {}): tf.io.IOHandler {
  if (isNodeFileUrl(url)) return fileHandler(url, { fs: options.fs, limits: options.limits });
  const handlers = mode === 'save' ? tf.io.getSaveHandlers(url) : tf.io.getLoadHandlers(url);
  if (handlers.length) return handlers[0]!;
  if (/^https?:\/\//i.test(url) && mode === 'load') return tf.io.http(url);
  throw new CheckpointError('no tfjs IO handler for this URL', { argument: 'dirOrUrl', expected: 'a path, file://, indexeddb://, localstorage://, downloads:// or http(s):// URL', received: url });
}

const weightsOnly = (format: CheckpointFormat, stateDict: StateDict, metadata: Readonly<Record<string, unknown>> = {}): DecodedCheckpoint =>
  Object.freeze({ format, config: null, stateDict, metadata, trainingState: null, optimizer: null });

/** `model.json` + weights (a folder, `file://`, or any tfjs URL). */
export const nativeCodec: CheckpointCodec = Object.freeze({
  name: 'native' as const,
  extensions: Object.freeze([]),
  holdsConfig: true,
  sniff: () => false,
  async read(source: string | Uint8Array, options: CodecOptions = {}) {
    if (typeof source !== 'string') throw new CheckpointError('a native checkpoint is a folder, not bytes', { argument: 'source', expected: 'a folder path or tfjs URL', received: `${source.byteLength} bytes` });
    const handler = nativeHandler(source, 'load', options);
    if (!handler.load) throw new CheckpointError('IO handler cannot load', { argument: 'dirOrUrl', expected: 'a handler with load()', received: 'none' });
    return Object.freeze({ format: 'native' as const, ...decodeArtifacts(await handler.load(), options.limits) });
  },
  async write(target: string, content: CheckpointContent, options: CodecOptions = {}) {
    const artifacts = await encodeArtifacts(content.config ?? null, content.stateDict, { metadata: content.metadata, trainingState: content.trainingState, optimizer: content.optimizer });
    await nativeHandler(target, 'save', options).save!(artifacts);
  },
});

/** Parses `__metadata__.rpn_config`: a JSON object, or a CheckpointError (never silently dropped). */
function rpnConfig(text: string, limits: Partial<ReadLimits> | undefined): Record<string, unknown> {
  let config: unknown;
  try { config = JSON.parse(text); } catch {
    throw new CheckpointError('rpn_config metadata is not JSON', { argument: '__metadata__.rpn_config', expected: 'a JSON model config', received: preview(text, 80) });
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new CheckpointError('rpn_config metadata is not a JSON object', { argument: '__metadata__.rpn_config', expected: 'a JSON model config', received: preview(config, 80) });
  checkJsonDepth(config, readLimits(limits).maxDepth, '__metadata__.rpn_config');
  return config as Record<string, unknown>;
}

/** safetensors; the model config rides in `__metadata__.rpn_config`. */
export const safetensorsCodec: CheckpointCodec = Object.freeze({
  name: 'safetensors' as const,
  extensions: Object.freeze(['.safetensors']),
  holdsConfig: true,
  // an 8-byte header length, then a JSON object
  sniff: (head: Uint8Array) => head.length >= 9 && head[8] === 0x7b,
  async read(source: string | Uint8Array, options: CodecOptions = {}) {
    const bytes = typeof source === 'string' ? await readLocal(source, options.fs, 'file') : source;
    const st = readSafetensors(bytes, options.limits);
    const metadata: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(st.metadata)) if (k !== 'rpn_config' && k !== 'format') metadata[k] = v;
    const config = st.metadata.rpn_config !== undefined ? rpnConfig(st.metadata.rpn_config, options.limits) : null;
    return Object.freeze({ ...weightsOnly('safetensors', st.tensors, Object.freeze(metadata)), config });
  },
  async write(target: string, content: CheckpointContent, options: CodecOptions = {}) {
    const meta: Record<string, string> = { format: 'pt' };
    for (const [k, v] of Object.entries(content.metadata ?? {})) meta[k] = typeof v === 'string' ? v : JSON.stringify(v);
    if (content.config) meta.rpn_config = JSON.stringify(content.config);
    await writeLocal(target, writeSafetensors(content.stateDict, meta), 'safetensors', options.fs);
  },
});

const stem = (p: string) => (p.split('/').pop() ?? 'archive').replace(/\.[^.]*$/, '').replace(/[^\w.-]/g, '_') || 'archive';

/** PyTorch `.pt` (tinyBIG's `save_ckpt`): weights only. */
export const torchCodec: CheckpointCodec = Object.freeze({
  name: 'torch' as const,
  extensions: Object.freeze(['.pt', '.pth', '.ckpt']),
  holdsConfig: false,
  // a zip's first local header
  sniff: (head: Uint8Array) => head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04,
  async read(source: string | Uint8Array, options: CodecOptions = {}) {
    const bytes = typeof source === 'string' ? await readLocal(source, options.fs, 'file') : source;
    return weightsOnly('torch', readTorchStateDict(bytes, options.limits));
  },
  async write(target: string, content: CheckpointContent, options: CodecOptions = {}) {
    await writeLocal(target, writeTorchStateDict(content.stateDict, options.archiveName ?? stem(localPath(target))), 'torch', options.fs);
  },
});

/** Every format, in the order paths and bytes are matched against them. */
export const CHECKPOINT_CODECS: readonly CheckpointCodec[] = Object.freeze([torchCodec, safetensorsCodec, nativeCodec]);

/** The format names, for option lists (`--format`). */
export const CHECKPOINT_FORMATS: readonly CheckpointFormat[] = Object.freeze(CHECKPOINT_CODECS.map((c) => c.name));

/** The codec of a format name; a CheckpointError for an unknown one. */
export function codecByName(name: string): CheckpointCodec {
  const c = CHECKPOINT_CODECS.find((k) => k.name === name);
  if (!c) throw new CheckpointError('unknown checkpoint format', { argument: 'format', expected: CHECKPOINT_FORMATS.join(', '), received: preview(name) });
  return c;
}

/** The codec a path names by its ending; anything else (a folder, a URL, `model.json`) is native. */
export function codecForPath(path: string): CheckpointCodec {
  const p = path.toLowerCase();
  return CHECKPOINT_CODECS.find((c) => c.extensions.some((e) => p.endsWith(e))) ?? nativeCodec;
}

/** The codec whose sniffer accepts a file's first bytes; a CheckpointError when none does. */
export function codecForBytes(bytes: Uint8Array): CheckpointCodec {
  const c = CHECKPOINT_CODECS.find((k) => k.sniff(bytes));
  if (!c) throw new CheckpointError('unrecognised checkpoint format', { argument: 'file', expected: `one of ${CHECKPOINT_CODECS.filter((k) => k.extensions.length).map((k) => k.name).join(', ')} (by content)`, received: `first bytes ${Array.from(bytes.subarray(0, 8)).map((b) => b.toString(16).padStart(2, '0')).join(' ')}` });
  return c;
}

/**
 * Reads any checkpoint: bytes (format sniffed), a path with a known ending, a native folder, its
 * `model.json` or a tfjs URL, or a local file without a known ending (tinyBIG's `save_ckpt` writes
 * `checkpoint`), whose bytes are sniffed.
 */
export async function readCheckpoint(source: string | Uint8Array | ArrayBuffer, options: CodecOptions = {}): Promise<DecodedCheckpoint> {
  if (source instanceof ArrayBuffer) source = new Uint8Array(source);
  if (source instanceof Uint8Array) return codecForBytes(source).read(source, options);
  const codec = codecForPath(source);
  if (codec !== nativeCodec || !isNodeFileUrl(source)) return codec.read(source, options);
  const fs = fileSystemFor(source, options.fs);
  const local = localPath(source);
  if (await fs.isDirectory(local)) return nativeCodec.read(source, { ...options, fs });
  if (local === 'model.json' || local.endsWith('/model.json')) return nativeCodec.read(source, { ...options, fs });
  const bytes = await readLocal(source, fs, 'file');
  return codecForBytes(bytes).read(bytes, { ...options, fs });
}
