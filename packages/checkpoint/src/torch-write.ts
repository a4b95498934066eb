/**
 * Writing PyTorch `.pt` state dicts: the zip layout `torch.save` writes (STORED entries under one
 * folder, 64-byte aligned storages, `version` 3) around a protocol-2 pickle of
 * `_rebuild_tensor_v2` calls. {@link writeTorchViews} writes arbitrary views (offsets, strides,
 * shared storages), which is what tests of the reader's bounds need.
 */
import { CheckpointError } from '@rpn/core';
import { DTYPES, numel, type DType, type StateDict } from './dtypes.js';
import { writeZip } from './zip.js';

const bad = (what: string, argument: string, expected: string, received: string): never => {
  throw new CheckpointError(what, { argument, expected, received });
};


class PickleWriter {
  private readonly chunks: number[] = [];
  private readonly enc = new TextEncoder();
  private memoNext = 0;
  private readonly memo = new Map<string, number>();
  byte(b: number) { this.chunks.push(b); }
  bytes(b: ArrayLike<number>) { for (let i = 0; i < b.length; i++) this.chunks.push(b[i]!); }
  u32(x: number) { this.bytes([x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff]); }
  put() { const i = this.memoNext++; if (i < 256) { this.byte(0x71); this.byte(i); } else { this.byte(0x72); this.u32(i); } return i; }
  get(i: number) { if (i < 256) { this.byte(0x68); this.byte(i); } else { this.byte(0x6a); this.u32(i); } }
  /** GLOBAL, memoized by name like Python's pickler. */
  global(module: string, name: string) {
    const q = `${module}\n${name}`;
    const m = this.memo.get(q);
    if (m !== undefined) return this.get(m);
    this.byte(0x63); this.bytes(this.enc.encode(`${module}\n${name}\n`));
    this.memo.set(q, this.put());
  }
  str(s: string, memoize = true) {
    const m = memoize ? this.memo.get(`s:${s}`) : undefined;
    if (m !== undefined) return this.get(m);
    const b = this.enc.encode(s);
    this.byte(0x58); this.u32(b.length); this.bytes(b);
    if (memoize) this.memo.set(`s:${s}`, this.put()); else this.put();
  }
  int(x: number) {
    if (x >= 0 && x < 256) { this.byte(0x4b); this.byte(x); } else if (x >= 0 && x < 65536) { this.byte(0x4d); this.bytes([x & 0xff, x >> 8]); } else if (x >= -(2 ** 31) && x < 2 ** 31) { this.byte(0x4a); this.u32(x >>> 0); } else {
      let b = BigInt(x); const out: number[] = [];
      while (true) { out.push(Number(b & 0xffn)); b >>= 8n; if ((b === 0n && !(out[out.length - 1]! & 0x80)) || (b === -1n && out[out.length - 1]! & 0x80)) break; }
      this.byte(0x8a); this.byte(out.length); this.bytes(out);
    }
  }
  tupleOfInts(xs: readonly number[]) {
    if (xs.length === 0) { this.byte(0x29); return; }
    if (xs.length > 3) this.byte(0x28);
    for (const x of xs) this.int(x);
    this.byte(xs.length === 1 ? 0x85 : xs.length === 2 ? 0x86 : xs.length === 3 ? 0x87 : 0x74);
    this.put();
  }
  result() { return Uint8Array.from(this.chunks); }
}

function contiguousStride(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let d = shape.length - 1, acc = 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]!; }
  return s;
}

/** One tensor of {@link writeTorchViews}: a view `(offset, size, stride)` of a storage. */
export interface TorchView {
  readonly name: string;
  readonly dtype: DType;
  /** Storage key (`data/<key>`); views naming the same key share one storage. */
  readonly storage: string;
  /** The storage's bytes (written once per key). */
  readonly bytes: Uint8Array;
  /** Elements the persistent id declares (default: the bytes' element count). */
  readonly storageNumel?: number;
  readonly offset: number;
  readonly size: readonly number[];
  readonly stride: readonly number[];
}

/**
 * Writes views of storages as a `.pt` file (no check that a view fits its storage: that is the
 * reader's job, and tests use this to write lying files). `archiveName` is the top-level folder.
 */
export function writeTorchViews(views: readonly TorchView[], archiveName = 'archive'): Uint8Array {
  if (!/^[\w.-]+$/.test(archiveName)) bad('invalid archive name', 'archiveName', 'letters, digits, _ . -', archiveName);
  const w = new PickleWriter();
  w.byte(0x80); w.byte(2);
  w.global('collections', 'OrderedDict');
  w.byte(0x29); w.byte(0x52); w.put(); // OrderedDict()
  const storages = new Map<string, Uint8Array>();
  const chunk = 1000; // Python batches SETITEMS by 1000
  for (let c = 0; c < views.length; c += chunk) {
    w.byte(0x28); // MARK
    for (const t of views.slice(c, c + chunk)) {
      const info = DTYPES[t.dtype];
      if (!info) bad('unsupported dtype', t.name, Object.keys(DTYPES).join(', '), String(t.dtype));
      if (!storages.has(t.storage)) storages.set(t.storage, t.bytes);
      w.str(t.name, false);
      w.global('torch._utils', '_rebuild_tensor_v2');
      w.byte(0x28); // MARK args
      w.byte(0x28); // MARK pid
      w.str('storage');
      w.global('torch', info.torchStorage);
      w.str(t.storage, false);
      w.str('cpu');
      w.int(t.storageNumel ?? Math.floor(t.bytes.byteLength / info.bytes));
      w.byte(0x74); w.put(); // TUPLE
      w.byte(0x51); // BINPERSID
      w.int(t.offset);
      w.tupleOfInts(t.size);
      w.tupleOfInts(t.stride);
      w.byte(0x89); // requires_grad False
      w.global('collections', 'OrderedDict');
      w.byte(0x29); w.byte(0x52); w.put(); // backward hooks OrderedDict()
      w.byte(0x74); w.put(); // TUPLE args
      w.byte(0x52); w.put(); // REDUCE
    }
    w.byte(0x75); // SETITEMS
  }
  w.byte(0x2e); // STOP
  const files = [
    { name: `${archiveName}/data.pkl`, data: w.result() },
    ...[...storages].map(([key, data]) => ({ name: `${archiveName}/data/${key}`, data })),
    { name: `${archiveName}/version`, data: new TextEncoder().encode('3\n') },
  ];
  return writeZip(files);
}

/**
 * Writes a state dict as a `.pt` file that `torch.load` and tinyBIG's `load_ckpt(strict=True)`
 * accept: the same zip layout torch writes (STORED, 64-byte aligned storages, `version` 3).
 * `archiveName` is the top-level folder (torch uses the file's stem; any name loads).
 */
export function writeTorchStateDict(stateDict: StateDict, archiveName = 'archive'): Uint8Array {
  const views: TorchView[] = [];
  for (const [name, t] of stateDict) {
    const info = DTYPES[t.dtype];
    if (!info) bad('unsupported dtype', name, Object.keys(DTYPES).join(', '), String(t.dtype));
    const n = numel(t.shape);
    if (t.data.byteLength !== n * info.bytes) bad('tensor data has the wrong length', name, `${n * info.bytes} bytes`, `${t.data.byteLength}`);
    views.push({ name, dtype: t.dtype, storage: String(views.length), bytes: t.data, storageNumel: n, offset: 0, size: t.shape, stride: contiguousStride(t.shape) });
  }
  return writeTorchViews(views, archiveName);
}
