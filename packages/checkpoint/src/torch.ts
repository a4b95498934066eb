/**
 * PyTorch `.pt` state dicts ("zipfile" serialization, torch ≥ 1.6): read and write.
 *
 * Layout: a STORED ZIP whose entries sit under one top-level folder: `data.pkl` (pickle
 * protocol 2: an OrderedDict of `torch._utils._rebuild_tensor_v2(storage, offset, size,
 * stride, requires_grad, hooks)` calls, storages as BINPERSID `('storage', torch.<T>Storage,
 * key, 'cpu', numel)`), `data/<key>` raw little-endian storage bytes, and `version`.
 */
import { CheckpointError } from '@rpn/core';
import { DTYPES, dtypeFromTorchStorage, numel, rawTensor, type DTypeInfo, type RawTensor, type StateDict } from './dtypes.js';
import { forbiddenGlobal, unpickle, type PyCallable, type PyValue } from './pickle.js';
import { readZip, writeZip } from './zip.js';

interface StorageRef { readonly kind: 'storage'; readonly key: string; readonly dtype: DTypeInfo; readonly numel: number; readonly bytes: Uint8Array }
interface TensorRef { readonly kind: 'tensor'; readonly storage: StorageRef; readonly offset: number; readonly size: number[]; readonly stride: number[] }
interface StorageType { readonly kind: 'storageType'; readonly dtype: DTypeInfo; readonly qualifiedName: string }

const bad = (what: string, argument: string, expected: string, received: unknown): never => {
  throw new CheckpointError(what, { argument, expected, received: typeof received === 'string' ? received : JSON.stringify(received, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))?.slice(0, 200) });
};

const intList = (v: PyValue, arg: string): number[] => {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isSafeInteger(x))) bad('invalid tensor metadata', arg, 'a tuple of integers', Array.isArray(v) ? v.map(String) : typeof v);
  return v as number[];
};

/** Copies the (possibly strided, offset) view of a storage into contiguous row-major bytes. */
function materialize(t: TensorRef, name: string): RawTensor {
  const { storage, offset, size, stride } = t;
  if (size.length !== stride.length) bad('size and stride differ in rank', name, `${size.length} strides`, stride);
  if (size.some((s) => s < 0) || offset < 0) bad('negative size or storage offset', name, 'non-negative', { size, offset });
  const n = numel(size);
  const bpe = storage.dtype.bytes;
  if (n > 0) {
    let maxIndex = offset;
    for (let d = 0; d < size.length; d++) {
      if (stride[d]! < 0) bad('negative stride', name, 'strides ≥ 0', stride);
      maxIndex += (size[d]! - 1) * stride[d]!;
    }
    if (maxIndex >= storage.numel) bad('tensor view reaches past its storage', name, `indices < ${storage.numel} (storage ${storage.key})`, `max index ${maxIndex}`);
  }
  const out = new Uint8Array(n * bpe);
  if (n === 0) return rawTensor(storage.dtype.dtype, size, out, name);
  const src = storage.bytes;
  // contiguous fast path
  let contiguous = true;
  for (let d = size.length - 1, expect = 1; d >= 0; d--) { if (size[d]! !== 1 && stride[d]! !== expect) contiguous = false; expect *= size[d]!; }
  if (contiguous) {
    out.set(src.subarray(offset * bpe, (offset + n) * bpe));
  } else {
    const rank = size.length;
    const idx = new Array<number>(rank).fill(0);
    let s = offset;
    for (let i = 0; i < n; i++) {
      out.set(src.subarray(s * bpe, (s + 1) * bpe), i * bpe);
      for (let d = rank - 1; d >= 0; d--) {
        idx[d]!++;
        s += stride[d]!;
        if (idx[d]! < size[d]!) break;
        s -= stride[d]! * size[d]!;
        idx[d] = 0;
      }
    }
  }
  return rawTensor(storage.dtype.dtype, size, out, name);
}

/**
 * Reads a `.pt` file written by `torch.save(state_dict)` (tinyBIG's `save_ckpt`). Only the
 * globals a state dict needs are resolved; any other is rejected with a CheckpointError naming it.
 */
export function readTorchStateDict(bytes: Uint8Array): StateDict {
  const entries = readZip(bytes);
  if (entries.length === 0) bad('empty zip archive', 'file', 'a PyTorch checkpoint', '0 entries');
  const pkl = entries.find((e) => e.name === 'data.pkl' || e.name.endsWith('/data.pkl'));
  if (!pkl) bad('not a PyTorch zip checkpoint', 'file', 'an entry <folder>/data.pkl', entries.slice(0, 5).map((e) => e.name).join(', '));
  const prefix = pkl!.name.slice(0, pkl!.name.length - 'data.pkl'.length);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const storages = new Map<string, StorageRef>();

  const rebuildTensor: PyCallable = Object.freeze({
    kind: 'callable' as const,
    qualifiedName: 'torch._utils._rebuild_tensor_v2',
    call(args: PyValue[]): PyValue {
      if (args.length < 4) bad('_rebuild_tensor_v2 called with too few arguments', 'data.pkl', '≥ 4 arguments', args.length);
      const storage = args[0] as StorageRef;
      if (!storage || storage.kind !== 'storage') bad('_rebuild_tensor_v2 without a storage', 'data.pkl', 'a persistent storage', typeof args[0]);
      const off = args[1];
      if (typeof off !== 'number' || !Number.isSafeInteger(off)) bad('invalid storage offset', 'data.pkl', 'an integer', String(off));
      return Object.freeze({ kind: 'tensor', storage, offset: off as number, size: intList(args[2]!, 'size'), stride: intList(args[3]!, 'stride') }) as TensorRef;
    },
  });
  const rebuildParameter: PyCallable = Object.freeze({
    kind: 'callable' as const,
    qualifiedName: 'torch._utils._rebuild_parameter',
    call(args: PyValue[]): PyValue {
      const t = args[0] as TensorRef;
      if (!t || t.kind !== 'tensor') bad('_rebuild_parameter without a tensor', 'data.pkl', 'a tensor', typeof args[0]);
      return t;
    },
  });
  const orderedDict: PyCallable = Object.freeze({
    kind: 'callable' as const,
    qualifiedName: 'collections.OrderedDict',
    call(args: PyValue[]): PyValue {
      if (args.length === 0) return new Map();
      if (args.length === 1 && Array.isArray(args[0])) {
        const m = new Map<PyValue, PyValue>();
        for (const kv of args[0] as PyValue[]) { if (!Array.isArray(kv) || kv.length !== 2) bad('OrderedDict argument is not a list of pairs', 'data.pkl', '[(key, value)…]', typeof kv); m.set((kv as PyValue[])[0]!, (kv as PyValue[])[1]!); }
        return m;
      }
      return bad('unsupported OrderedDict arguments', 'data.pkl', '() or a list of pairs', args.length);
    },
  });

  const findGlobal = (module: string, name: string): PyCallable => {
    const q = `${module}.${name}`;
    if (q === 'collections.OrderedDict') return orderedDict;
    if (q === 'torch._utils._rebuild_tensor_v2') return rebuildTensor;
    if (q === 'torch._utils._rebuild_parameter') return rebuildParameter;
    if (module === 'torch' && name.endsWith('Storage')) {
      const dt = dtypeFromTorchStorage(name);
      if (!dt) throw new CheckpointError(`unsupported storage type torch.${name}`, { argument: 'data.pkl', expected: `one of ${Object.values(DTYPES).map((d) => `torch.${d.torchStorage}`).join(', ')}`, received: q });
      return Object.freeze({ kind: 'storageType', dtype: dt, qualifiedName: q }) as unknown as PyCallable;
    }
    return forbiddenGlobal(module, name);
  };

  const persistentLoad = (pid: PyValue): PyValue => {
    if (!Array.isArray(pid) || pid.length < 5 || pid[0] !== 'storage') return bad('unsupported persistent id', 'data.pkl', "('storage', type, key, location, numel)", Array.isArray(pid) ? pid.length : typeof pid);
    const [, type, key, , n] = pid as PyValue[];
    const st = type as unknown as StorageType;
    if (!st || st.kind !== 'storageType') bad('persistent id without a storage type', 'data.pkl', 'torch.<Type>Storage', typeof type);
    if (typeof key !== 'string') bad('storage key is not a string', 'data.pkl', 'a string', typeof key);
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) bad('invalid storage size', `storage ${String(key)}`, 'a non-negative integer', String(n));
    const cached = storages.get(key as string);
    if (cached) {
      if (cached.dtype !== st.dtype) bad('storage used with two dtypes', `storage ${key as string}`, cached.dtype.dtype, st.dtype.dtype);
      return cached;
    }
    const entry = byName.get(`${prefix}data/${key as string}`);
    if (!entry) bad('storage entry missing from the archive', `storage ${key as string}`, `an entry ${prefix}data/${key as string}`, 'none');
    const need = (n as number) * st.dtype.bytes;
    if (entry!.data.byteLength < need) bad('storage entry shorter than its declared size', `storage ${key as string}`, `${need} bytes (${n as number} × ${st.dtype.dtype})`, `${entry!.data.byteLength} bytes`);
    // copy into an aligned buffer of its own
    const ref: StorageRef = Object.freeze({ kind: 'storage', key: key as string, dtype: st.dtype, numel: n as number, bytes: entry!.data.slice(0, need) });
    storages.set(key as string, ref);
    return ref;
  };

  const root = unpickle(pkl!.data, {
    findGlobal,
    persistentLoad,
    build(obj, state) {
      if (obj instanceof Map && (state instanceof Map || state === null)) return obj; // OrderedDict._metadata: ignorable
      if (obj && (obj as TensorRef).kind === 'tensor') return obj; // parameter state (hooks): ignorable
      return bad('BUILD on an unsupported object', 'data.pkl', 'an OrderedDict', typeof obj);
    },
  });
  if (!(root instanceof Map)) bad('checkpoint is not a state dict', 'data.pkl', 'an OrderedDict of tensors', typeof root);
  const out = new Map<string, RawTensor>();
  for (const [k, v] of root as Map<PyValue, PyValue>) {
    if (typeof k !== 'string') bad('state dict key is not a string', 'data.pkl', 'string keys', typeof k);
    if (!v || (v as TensorRef).kind !== 'tensor') bad('state dict value is not a tensor', k as string, 'a tensor', v === null ? 'None' : typeof v);
    out.set(k as string, materialize(v as TensorRef, k as string));
  }
  return out;
}

// ---------- writing ----------

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

/**
 * Writes a state dict as a `.pt` file that `torch.load` and tinyBIG's `load_ckpt(strict=True)`
 * accept: the same zip layout torch writes (STORED, 64-byte aligned storages, `version` 3).
 * `archiveName` is the top-level folder (torch uses the file's stem; any name loads).
 */
export function writeTorchStateDict(stateDict: StateDict, archiveName = 'archive'): Uint8Array {
  if (!/^[\w.-]+$/.test(archiveName)) bad('invalid archive name', 'archiveName', 'letters, digits, _ . -', archiveName);
  const w = new PickleWriter();
  w.byte(0x80); w.byte(2);
  w.global('collections', 'OrderedDict');
  w.byte(0x29); w.byte(0x52); w.put(); // OrderedDict()
  const storages: { name: string; data: Uint8Array }[] = [];
  const names = [...stateDict.keys()];
  const chunk = 1000; // Python batches SETITEMS by 1000
  for (let c = 0; c < Math.max(1, names.length); c += chunk) {
    const batch = names.slice(c, c + chunk);
    if (batch.length === 0) break;
    w.byte(0x28); // MARK
    for (const name of batch) {
      const t = stateDict.get(name)!;
      const info = DTYPES[t.dtype];
      if (!info) bad('unsupported dtype', name, Object.keys(DTYPES).join(', '), t.dtype);
      const n = numel(t.shape);
      if (t.data.byteLength !== n * info.bytes) bad('tensor data has the wrong length', name, `${n * info.bytes} bytes`, `${t.data.byteLength}`);
      const key = String(storages.length);
      storages.push({ name: `${archiveName}/data/${key}`, data: t.data });
      w.str(name, false);
      w.global('torch._utils', '_rebuild_tensor_v2');
      w.byte(0x28); // MARK args
      w.byte(0x28); // MARK pid
      w.str('storage');
      w.global('torch', info.torchStorage);
      w.str(key, false);
      w.str('cpu');
      w.int(n);
      w.byte(0x74); w.put(); // TUPLE
      w.byte(0x51); // BINPERSID
      w.int(0);
      w.tupleOfInts(t.shape);
      w.tupleOfInts(contiguousStride(t.shape));
      w.byte(0x89); // requires_grad False
      w.global('collections', 'OrderedDict');
      w.byte(0x29); w.byte(0x52); w.put(); // backward hooks OrderedDict()
      w.byte(0x74); w.put(); // TUPLE args
      w.byte(0x52); w.put(); // REDUCE
    }
    w.byte(0x75); // SETITEMS
  }
  w.byte(0x2e); // STOP
  const files = [{ name: `${archiveName}/data.pkl`, data: w.result() }, ...storages, { name: `${archiveName}/version`, data: new TextEncoder().encode('3\n') }];
  return writeZip(files);
}
