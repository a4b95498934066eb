/**
 * safetensors read/write, exactly per the spec: an 8-byte little-endian header length N, a
 * UTF-8 JSON header of N bytes (`{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {str: str}}`),
 * then the byte buffer. Offsets are relative to the buffer; every tensor's byte range must be
 * exactly `numel · bytes(dtype)` long, ranges may neither overlap nor leave holes, and they must
 * cover the whole buffer. Tensors are written in state-dict order, names unchanged (tinyBIG's).
 */
import { CheckpointError } from '@rpn/core';
import { DTYPES, checkShape, dtypeFromSafetensors, numel, rawTensor, type RawTensor, type StateDict } from './dtypes.js';
import { checkJsonDepth, readLimits, type ReadLimits } from './limits.js';
import { preview } from './preview.js';

/** Largest header accepted (the reference implementation's limit is 100 MB). */
export const SAFETENSORS_MAX_HEADER = 100_000_000;

const bad = (what: string, argument: string, expected: string, received: string): never => {
  throw new CheckpointError(`invalid safetensors file: ${what}`, { argument, expected, received });
};

/** What {@link readSafetensors} returns. */
export interface SafetensorsFile {
  readonly tensors: StateDict;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Parses a safetensors file; every size and offset is checked against the file's real length,
 * the header's nesting against `limits.maxDepth` and the element count against `limits.maxElements`.
 */
export function readSafetensors(bytes: Uint8Array, limits: Partial<ReadLimits> = {}): SafetensorsFile {
  const lim = readLimits(limits);
  const len = bytes.byteLength;
  if (len < 8) bad('file shorter than the 8-byte header length', 'file', '≥ 8 bytes', `${len} bytes`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, len);
  const n = v.getBigUint64(0, true);
  if (n > BigInt(Math.min(SAFETENSORS_MAX_HEADER, len - 8))) bad('header length larger than the file', 'header length', `≤ ${Math.min(SAFETENSORS_MAX_HEADER, len - 8)} bytes`, `${n} bytes`);
  const hlen = Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + hlen)));
  } catch (e) {
    bad('header is not valid UTF-8 JSON', 'header', 'a JSON object', (e as Error).message.slice(0, 120));
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) bad('header is not a JSON object', 'header', 'an object', typeof header);
  // entries are {dtype, shape: [..], data_offsets: [..]}: 3 levels; anything deeper is refused before it is walked
  checkJsonDepth(header, Math.min(lim.maxDepth, 3), 'header');
  const buffer = bytes.subarray(8 + hlen);
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  let elements = 0;
  const spans: { name: string; begin: number; end: number; dtype: string; shape: number[] }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!entry || typeof entry !== 'object' || Array.isArray(entry)) bad('__metadata__ is not an object', '__metadata__', 'an object of strings', typeof entry);
      for (const [k, s] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof s !== 'string') bad('__metadata__ value is not a string', `__metadata__.${k}`, 'a string', typeof s);
        metadata[k] = s as string;
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!e || typeof e !== 'object') bad('tensor entry is not an object', name, '{dtype, shape, data_offsets}', typeof e);
    const info = typeof e.dtype === 'string' ? dtypeFromSafetensors(e.dtype) : undefined;
    if (!info) bad('unsupported dtype', `${name}.dtype`, Object.values(DTYPES).map((d) => d.safetensors).join(', '), String(e.dtype));
    const shape = checkShape(e.shape, `${name}.shape`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => Number.isSafeInteger(x) && x >= 0) || off[0] > off[1]) bad('invalid data_offsets', `${name}.data_offsets`, '[begin, end] with 0 ≤ begin ≤ end', preview(off));
    const [begin, end] = off as [number, number];
    if (end > buffer.byteLength) bad('tensor reaches past the end of the file', `${name}.data_offsets`, `end ≤ ${buffer.byteLength}`, String(end));
    elements += numel(shape);
    if (elements > lim.maxElements) bad('file holds more tensor elements than the limit', `${name}.shape`, `at most ${lim.maxElements} elements in total (limits.maxElements)`, `${elements}`);
    const want = numel(shape) * info!.bytes;
    if (end - begin !== want) bad('data_offsets do not match dtype and shape', `${name}.data_offsets`, `${want} bytes for ${info!.safetensors} ${JSON.stringify(shape)}`, `${end - begin} bytes`);
    spans.push({ name, begin, end, dtype: info!.dtype, shape });
  }
  const sorted = [...spans].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const s of sorted) {
    if (s.begin !== pos) bad(s.begin < pos ? 'tensors overlap' : 'hole between tensors', `${s.name}.data_offsets`, `begin = ${pos}`, String(s.begin));
    pos = s.end;
  }
  if (pos !== buffer.byteLength) bad('buffer not fully covered by tensors', 'file', `${pos} buffer bytes`, `${buffer.byteLength}`);
  // keep the writer's order: safetensors headers are JSON objects; sort by offset, which is the written order
  const tensors = new Map<string, RawTensor>();
  for (const s of sorted) tensors.set(s.name, rawTensor(s.dtype as RawTensor['dtype'], s.shape, buffer.slice(s.begin, s.end), s.name));
  return Object.freeze({ tensors, metadata: Object.freeze(metadata) });
}

/** Writes a state dict as safetensors, tensors in order, with optional string metadata. */
export function writeSafetensors(stateDict: StateDict, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = { ...metadata };
  let offset = 0;
  for (const [name, t] of stateDict) {
    if (name === '__metadata__') bad('reserved tensor name', name, 'any name but __metadata__', name);
    const want = numel(t.shape) * DTYPES[t.dtype].bytes;
    if (t.data.byteLength !== want) bad('tensor data has the wrong length', name, `${want} bytes`, `${t.data.byteLength}`);
    header[name] = { dtype: DTYPES[t.dtype].safetensors, shape: [...t.shape], data_offsets: [offset, offset + want] };
    offset += want;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8; // the reference writer pads with spaces to 8 bytes
  if (padded !== json.length) { const p = new Uint8Array(padded).fill(0x20); p.set(json); json = p; }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const t of stateDict.values()) { out.set(t.data, p); p += t.data.byteLength; }
  return out;
}
