/**
 * PyTorch `.pt` state dicts ("zipfile" serialization, torch ≥ 1.6): read and write.
 *
 * Layout: a STORED ZIP whose entries sit under one top-level folder: `data.pkl` (pickle
 * protocol 2: an OrderedDict of `torch._utils._rebuild_tensor_v2(storage, offset, size,
 * stride, requires_grad, hooks)` calls, storages as BINPERSID `('storage', torch.<T>Storage,
 * key, 'cpu', numel)`), `data/<key>` raw little-endian storage bytes, and `version`.
 */
import { CheckpointError } from '@rpn/core';
import { DTYPES, dtypeFromTorchStorage, rawTensor, type DTypeInfo, type RawTensor, type StateDict } from './dtypes.js';
import { readLimits, type ReadLimits } from './limits.js';
import { forbiddenGlobal, unpickle, type PyCallable, type PyValue } from './pickle.js';
import { preview } from './preview.js';
import { openZip } from './zip.js';

export { writeTorchStateDict, writeTorchViews, type TorchView } from './torch-write.js';

interface StorageRef { readonly kind: 'storage'; readonly key: string; readonly dtype: DTypeInfo; readonly numel: number; readonly bytes: Uint8Array }
interface TensorRef { readonly kind: 'tensor'; readonly storage: StorageRef; readonly offset: number; readonly size: number[]; readonly stride: number[] }
interface StorageType { readonly kind: 'storageType'; readonly dtype: DTypeInfo; readonly qualifiedName: string }

const bad = (what: string, argument: string, expected: string, received: unknown): never => {
  throw new CheckpointError(what, { argument, expected, received: typeof received === 'string' ? received.slice(0, 200) : preview(received) });
};

const intList = (v: PyValue, arg: string): number[] => {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isSafeInteger(x))) bad('invalid tensor metadata', arg, 'a tuple of integers', v);
  return v as number[];
};

/** Word-sized views for the strided copy (8-byte elements move as two 32-bit words: no NaN canonicalisation). */
function words(bytes: Uint8Array, bpe: number): Uint8Array | Uint16Array | Uint32Array {
  if (bpe === 1) return bytes;
  if (bpe === 2) return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

const TILE = 32;

/**
 * `out[o + i·b + j] = src[s + i·sa + j·sb]` for i < a, j < b, in TILE×TILE blocks so that a
 * transpose reads each cache line once per block, not once per element; `w` words per element.
 */
function copyTiled(src: Uint8Array | Uint16Array | Uint32Array, out: Uint8Array | Uint16Array | Uint32Array, w: number, s: number, a: number, sa: number, b: number, sb: number, o: number): void {
  for (let i0 = 0; i0 < a; i0 += TILE) {
    const i1 = Math.min(a, i0 + TILE);
    for (let j0 = 0; j0 < b; j0 += TILE) {
      const j1 = Math.min(b, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        let p = (s + i * sa + j0 * sb) * w;
        let q = (o + i * b + j0) * w;
        const step = sb * w;
        if (w === 1) for (let j = j0; j < j1; j++, p += step) out[q++] = src[p]!;
        else for (let j = j0; j < j1; j++, p += step) { out[q++] = src[p]!; out[q++] = src[p + 1]!; }
      }
    }
  }
}

/**
 * Copies the view `(offset, size, stride)` of `src` (element size `bpe`) into `out`, row-major,
 * by runs: size-1 dims are dropped and adjacent dims that step evenly merged; then each innermost
 * contiguous run is one `set`, or, when the innermost dim is strided, the two innermost dims are
 * copied as one tiled 2-D block.
 */
function copyView(src: Uint8Array, out: Uint8Array, bpe: number, offset: number, size: readonly number[], stride: readonly number[]): void {
  const dims: [number, number][] = [];
  for (let d = 0; d < size.length; d++) {
    if (size[d] === 1) continue;
    const last = dims[dims.length - 1];
    if (last && last[1] === stride[d]! * size[d]!) { last[0] *= size[d]!; last[1] = stride[d]!; } else dims.push([size[d]!, stride[d]!]);
  }
  const [b, sb] = dims.pop() ?? [1, 1];
  const contiguous = sb === 1;
  const [a, sa] = contiguous ? [1, 0] : dims.pop() ?? [1, 0];
  const outer = dims;
  const block = a * b;
  const blocks = outer.reduce((p, [n]) => p * n, 1);
  const w = bpe === 8 ? 2 : 1;
  const srcW = contiguous ? src : words(src, bpe);
  const outW = contiguous ? out : words(out, bpe);
  const idx = new Array<number>(outer.length).fill(0);
  let s = offset;
  let o = 0;
  for (let r = 0; r < blocks; r++) {
    if (contiguous) out.set(src.subarray(s * bpe, (s + b) * bpe), o * bpe);
    else copyTiled(srcW, outW, w, s, a, sa, b, sb, o);
    o += block;
    for (let d = outer.length - 1; d >= 0; d--) {
      idx[d]!++;
      s += outer[d]![1];
      if (idx[d]! < outer[d]![0]) break;
      s -= outer[d]![1] * outer[d]![0];
      idx[d] = 0;
    }
  }
}

/**
 * Checks that the view lies inside its storage byte for byte (no negative or overflowing
 * strides/offsets, no stride-0 expansion, no more elements than the storage holds, within the
 * element budget) before allocating anything, then copies it into contiguous row-major bytes.
 */
function materialize(t: TensorRef, name: string, budget: { left: number; limit: number }): RawTensor {
  const { storage, offset, size, stride } = t;
  if (size.length !== stride.length) bad('size and stride differ in rank', name, `${size.length} strides`, stride);
  if (size.some((s) => s < 0) || offset < 0) bad('negative size or storage offset', name, 'non-negative', { size, offset });
  if (stride.some((s) => s < 0)) bad('negative stride', name, 'strides ≥ 0', stride);
  let n = 1;
  for (const s of size) { n *= s; if (!Number.isSafeInteger(n)) bad('tensor element count overflows', name, 'a shape whose element count is a safe integer', size); }
  if (n > budget.left) bad('checkpoint holds more tensor elements than the limit', name, `at most ${budget.limit} elements in total (limits.maxElements)`, `${budget.limit - budget.left + n} elements`);
  const bpe = storage.dtype.bytes;
  if (n > 0) {
    if (n > storage.numel) bad('tensor view holds more elements than its storage', name, `at most ${storage.numel} elements (storage ${storage.key})`, `${n} elements`);
    let maxIndex = offset;
    for (let d = 0; d < size.length; d++) {
      if (size[d]! > 1 && stride[d] === 0) bad('stride-0 (expanded) tensor view', name, 'strides > 0 on every dimension longer than 1', stride);
      maxIndex += (size[d]! - 1) * stride[d]!;
      if (!Number.isSafeInteger(maxIndex)) bad('tensor view reaches past its storage', name, `indices < ${storage.numel} (storage ${storage.key})`, { offset, size, stride });
    }
    if (maxIndex >= storage.numel) bad('tensor view reaches past its storage', name, `indices < ${storage.numel} (storage ${storage.key})`, `max index ${maxIndex}`);
  }
  budget.left -= n;
  const out = new Uint8Array(n * bpe);
  if (n > 0) copyView(storage.bytes, out, bpe, offset, size, stride);
  return rawTensor(storage.dtype.dtype, size, out, name);
}

/** The top-level folder of a torch zip: the first entry's name up to its first `/` (as torch's reader takes it). */
function archivePrefix(first: string): string {
  const slash = first.indexOf('/');
  if (slash <= 0) bad('zip entry outside a top-level folder', 'file', 'entries <folder>/…', first);
  return first.slice(0, slash + 1);
}

/**
 * Reads a `.pt` file written by `torch.save(state_dict)` (tinyBIG's `save_ckpt`). Only the
 * globals a state dict needs are resolved; any other is rejected with a CheckpointError naming it.
 */
export function readTorchStateDict(bytes: Uint8Array, limits: Partial<ReadLimits> = {}): StateDict {
  const lim = readLimits(limits);
  const zip = openZip(bytes, { maxInflatedBytes: lim.maxInflatedBytes });
  const entries = zip.entries;
  if (entries.length === 0) bad('empty zip archive', 'file', 'a PyTorch checkpoint', '0 entries');
  // one top-level folder: torch reads every record under the first entry's folder and would ignore others
  const prefix = archivePrefix(entries[0]!.name);
  const stray = entries.find((e) => !e.name.startsWith(prefix));
  if (stray) bad('zip holds a second top-level folder', 'file', `every entry under ${prefix}`, stray.name);
  const pkl = zip.get(`${prefix}data.pkl`);
  if (!pkl) bad('not a PyTorch zip checkpoint', 'file', `an entry ${prefix}data.pkl`, entries.slice(0, 5).map((e) => e.name).join(', '));
  const order = zip.get(`${prefix}byteorder`);
  if (order) {
    const text = new TextDecoder('latin1').decode(zip.read(order)).trim();
    if (text !== 'little') bad('unsupported byte order', `${prefix}byteorder`, 'little', text);
  }
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
    const entry = zip.get(`${prefix}data/${key as string}`);
    if (!entry) bad('storage entry missing from the archive', `storage ${key as string}`, `an entry ${prefix}data/${key as string}`, 'none');
    const need = (n as number) * st.dtype.bytes;
    if (!Number.isSafeInteger(need) || entry!.size < need) bad('storage entry shorter than its declared size', `storage ${key as string}`, `${need} bytes (${n as number} × ${st.dtype.dtype})`, `${entry!.size} bytes`);
    // read (and inflate) only the entries used; views are copied out of it, so it is kept as a view
    // into the file unless it is misaligned for its element size
    const data = zip.read(entry!).subarray(0, need);
    const ref: StorageRef = Object.freeze({ kind: 'storage', key: key as string, dtype: st.dtype, numel: n as number, bytes: data.byteOffset % st.dtype.bytes === 0 ? data : data.slice() });
    storages.set(key as string, ref);
    return ref;
  };

  const root = unpickle(zip.read(pkl!), {
    maxDepth: lim.maxDepth,
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
  const budget = { left: lim.maxElements, limit: lim.maxElements };
  for (const [k, v] of root as Map<PyValue, PyValue>) {
    if (typeof k !== 'string') bad('state dict key is not a string', 'data.pkl', 'string keys', typeof k);
    if (!v || (v as TensorRef).kind !== 'tensor') bad('state dict value is not a tensor', k as string, 'a tensor', v === null ? 'None' : typeof v);
    out.set(k as string, materialize(v as TensorRef, k as string, budget));
  }
  return out;
}
