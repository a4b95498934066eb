import { afterEach, describe, expect, it, vi } from 'vitest';
import { CheckpointError } from '@rpn/core';
import { readTorchStateDict } from './torch.js';
import { writeTorchViews, type TorchView } from './torch-write.js';
import { DTYPES, type DType } from './dtypes.js';
import { rng } from './test-utils.js';

const f32 = (n: number, start = 0) => new Uint8Array(Float32Array.from({ length: n }, (_, i) => start + i).buffer);
const view = (v: Partial<TorchView> & Pick<TorchView, 'size' | 'stride'>): TorchView => ({ name: 'w', dtype: 'float32', storage: '0', bytes: f32(16), offset: 0, ...v });
const read = (views: TorchView[], limits = {}) => readTorchStateDict(writeTorchViews(views), limits);

afterEach(() => vi.restoreAllMocks());

describe('.pt views must fit their storage byte for byte (item 1)', () => {
  it('refuses a stride-0 expansion of a one-element storage (would be 64 MB from a few hundred bytes)', () => {
    expect(() => read([view({ bytes: f32(1), size: [4096, 4096], stride: [0, 0] })])).toThrow(/more elements than its storage/);
    // and within the storage's element count: 4 rows aliasing one
    expect(() => read([view({ bytes: f32(16), size: [4, 4], stride: [0, 1] })])).toThrow(/stride-0/);
  });

  it('refuses a view holding more elements than its storage, even when every index is in range', () => {
    // 3×3 over 5 elements with strides (1, 1): indices 0..4 are all in range, but 9 elements > 5
    expect(() => read([view({ bytes: f32(5), size: [3, 3], stride: [1, 1] })])).toThrow(/more elements than its storage/);
  });

  it('refuses an element count that overflows before allocating (no raw RangeError)', () => {
    const e = (() => { try { read([view({ bytes: f32(1), size: [2 ** 30, 2 ** 30, 2 ** 30], stride: [0, 0, 0] })]); } catch (x) { return x; } return undefined; })();
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as CheckpointError).argument).toBe('w');
  });

  it('refuses views past the end, negative or overflowing strides and offsets, naming the tensor', () => {
    const cases: Partial<TorchView>[] = [
      { size: [4, 4], stride: [4, 1], offset: 1 },
      { size: [2], stride: [-1], offset: 1 },
      { size: [2], stride: [1], offset: -1 },
      { size: [2, 2], stride: [2 ** 52, 2 ** 52] },
      { size: [1], stride: [1], offset: 2 ** 53 - 1 },
      { size: [2, 3], stride: [1] },
    ];
    for (const c of cases) {
      const e = (() => { try { read([view({ size: [1], stride: [1], ...c } as TorchView)]); } catch (x) { return x; } return undefined; })();
      expect(e, JSON.stringify(c)).toBeInstanceOf(CheckpointError);
      expect((e as CheckpointError).argument, JSON.stringify(c)).toBe('w');
    }
  });

  it('counts elements against limits.maxElements (all tensors together) before allocating', () => {
    const views = [view({ name: 'a', size: [16], stride: [1] }), view({ name: 'b', size: [4, 4], stride: [1, 4] })];
    expect(read(views, { maxElements: 32 }).size).toBe(2);
    expect(() => read(views, { maxElements: 31 })).toThrow(/limits\.maxElements/);
    expect(() => read(views, { maxElements: 0 })).toThrow(/invalid read limit/);
  });
});

/** The reference: out[i] = storage[offset + Σ_d idx_d · stride_d], element by element. */
function naive(bytes: Uint8Array, bpe: number, offset: number, size: number[], stride: number[]): Uint8Array {
  const n = size.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(n * bpe);
  const idx = size.map(() => 0);
  for (let i = 0; i < n; i++) {
    const s = offset + idx.reduce((acc, x, d) => acc + x * stride[d]!, 0);
    out.set(bytes.subarray(s * bpe, (s + 1) * bpe), i * bpe);
    for (let d = size.length - 1; d >= 0; d--) { if (++idx[d]! < size[d]!) break; idx[d] = 0; }
  }
  return out;
}

describe('non-contiguous .pt tensors are copied by runs (item 5)', () => {
  it('permuted, sliced and offset views of every element width match the element-by-element formula', () => {
    const r = rng(42);
    const dtypes: DType[] = ['float64', 'float32', 'float16', 'int8', 'int64', 'bool'];
    for (let k = 0; k < 60; k++) {
      const dtype = dtypes[k % dtypes.length]!;
      const bpe = DTYPES[dtype].bytes;
      const rank = 1 + Math.floor(r() * 4);
      const full = Array.from({ length: rank }, () => 1 + Math.floor(r() * 5));
      // a contiguous base, then a permutation, then a slice with an offset
      const base: number[] = []; for (let d = rank - 1, acc = 1; d >= 0; d--) { base[d] = acc; acc *= full[d]!; }
      const perm = full.map((_, i) => i).sort(() => r() - 0.5);
      const size0 = perm.map((p) => full[p]!), stride0 = perm.map((p) => base[p]!);
      const start = size0.map((s) => Math.floor(r() * s));
      const size = size0.map((s, d) => Math.max(1, Math.floor(r() * (s - start[d]!)) + 1));
      const offset = start.reduce((acc, x, d) => acc + x * stride0[d]!, 0);
      const numel = full.reduce((a, b) => a * b, 1);
      const bytes = new Uint8Array(numel * bpe);
      for (let i = 0; i < bytes.length; i++) bytes[i] = dtype === 'bool' ? (i % 2) : Math.floor(r() * 256);
      const sd = read([view({ dtype, bytes, size, stride: stride0, offset })]);
      expect(sd.get('w')!.data, JSON.stringify({ dtype, full, size, stride0, offset })).toEqual(naive(bytes, bpe, offset, size, stride0));
    }
  });

  it('8-byte elements keep NaN payload bits (copied as words, not as numbers)', () => {
    const bytes = new Uint8Array(32);
    new DataView(bytes.buffer).setUint32(4, 0x7ff00001, true); // a signalling NaN with payload in element 0
    const sd = read([view({ dtype: 'float64', bytes, size: [2, 2], stride: [1, 2] })]);
    expect(sd.get('w')!.data).toEqual(naive(bytes, 8, 0, [2, 2], [1, 2]));
  });

  it('a view whose rows are contiguous runs is copied with one set per row, not one per element', () => {
    const bytes = f32(64 * 64);
    const setSpy = vi.spyOn(Uint8Array.prototype, 'set');
    const pt = writeTorchViews([view({ bytes, size: [64, 32], stride: [64, 1], offset: 3 })]);
    const expected = naive(bytes, 4, 3, [64, 32], [64, 1]);
    setSpy.mockClear();
    const sd = readTorchStateDict(pt);
    const calls = setSpy.mock.calls.length;
    expect(sd.get('w')!.data).toEqual(expected);
    expect(calls).toBeLessThanOrEqual(64 + 8);
  });

  it('a transpose is copied without a set per element', () => {
    const bytes = f32(64 * 64);
    const pt = writeTorchViews([view({ bytes, size: [64, 64], stride: [1, 64] })]);
    const expected = naive(bytes, 4, 0, [64, 64], [1, 64]);
    const setSpy = vi.spyOn(Uint8Array.prototype, 'set');
    const sd = readTorchStateDict(pt);
    const calls = setSpy.mock.calls.length;
    expect(sd.get('w')!.data).toEqual(expected);
    expect(calls).toBeLessThan(64);
  });
});
