import { CheckpointError } from '@rpn/core';
import { preview } from './preview.js';

/** Element types a state-dict tensor can have (PyTorch names). */
export type DType = 'float64' | 'float32' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** One row of the dtype table: sizes and names in each format. */
export interface DTypeInfo {
  readonly dtype: DType;
  /** Bytes per element. */
  readonly bytes: number;
  /** PyTorch storage class (`torch.<name>`). */
  readonly torchStorage: string;
  /** safetensors dtype string. */
  readonly safetensors: string;
  /** The tfjs dtype values are loaded as (`float32`, `int32` or `bool`). */
  readonly tf: 'float32' | 'int32' | 'bool';
}

const row = (dtype: DType, bytes: number, torchStorage: string, safetensors: string, tf: DTypeInfo['tf']): DTypeInfo => Object.freeze({ dtype, bytes, torchStorage, safetensors, tf });

/** Every supported dtype. */
export const DTYPES: Readonly<Record<DType, DTypeInfo>> = Object.freeze({
  float64: row('float64', 8, 'DoubleStorage', 'F64', 'float32'),
  float32: row('float32', 4, 'FloatStorage', 'F32', 'float32'),
  float16: row('float16', 2, 'HalfStorage', 'F16', 'float32'),
  bfloat16: row('bfloat16', 2, 'BFloat16Storage', 'BF16', 'float32'),
  int64: row('int64', 8, 'LongStorage', 'I64', 'int32'),
  int32: row('int32', 4, 'IntStorage', 'I32', 'int32'),
  int16: row('int16', 2, 'ShortStorage', 'I16', 'int32'),
  int8: row('int8', 1, 'CharStorage', 'I8', 'int32'),
  uint8: row('uint8', 1, 'ByteStorage', 'U8', 'int32'),
  bool: row('bool', 1, 'BoolStorage', 'BOOL', 'bool'),
});

const byStorage = new Map(Object.values(DTYPES).map((d) => [d.torchStorage, d]));
const bySafetensors = new Map(Object.values(DTYPES).map((d) => [d.safetensors, d]));

/** The dtype of a `torch.<X>Storage` class name (without `torch.`), or undefined. */
export function dtypeFromTorchStorage(name: string): DTypeInfo | undefined {
  return byStorage.get(name);
}

/** The dtype of a safetensors dtype string, or undefined. */
export function dtypeFromSafetensors(name: string): DTypeInfo | undefined {
  return bySafetensors.get(name);
}

/**
 * A tensor of a state dict, independent of tfjs: its dtype, shape and its elements as
 * contiguous row-major little-endian bytes (exactly what safetensors and a torch storage hold).
 */
export interface RawTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** `numel · bytes(dtype)` bytes, row-major, little-endian. */
  readonly data: Uint8Array;
}

/** A state dict: names (tinyBIG's) in order → tensors. */
export type StateDict = ReadonlyMap<string, RawTensor>;

/** Product of a shape (1 for a 0-d tensor). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Checks that `shape` is a list of non-negative safe integers; throws a CheckpointError naming `where`. */
export function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape) || shape.some((s) => typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0)) {
    throw new CheckpointError('invalid tensor shape', { argument: where, expected: 'a list of non-negative integers', received: preview(shape) });
  }
  if (!Number.isSafeInteger(numel(shape))) throw new CheckpointError('tensor shape too large', { argument: where, expected: 'a shape whose element count is a safe integer', received: preview(shape) });
  return shape as number[];
}

/** Makes a frozen RawTensor after checking that `data` has exactly `numel · bytes` bytes. */
export function rawTensor(dtype: DType, shape: readonly number[], data: Uint8Array, where = 'tensor'): RawTensor {
  const expected = numel(shape) * DTYPES[dtype].bytes;
  if (data.byteLength !== expected) throw new CheckpointError('tensor data has the wrong length', { argument: where, expected: `${expected} bytes for ${dtype} ${JSON.stringify(shape)}`, received: `${data.byteLength} bytes` });
  return Object.freeze({ dtype, shape: Object.freeze([...shape]), data });
}

function f16ToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

function numberToF16(x: number): number {
  // round to nearest even through float32 bits
  f32buf[0] = x;
  const b = u32buf[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

function numberToBf16(x: number): number {
  f32buf[0] = x;
  const b = u32buf[0]!;
  if ((b & 0x7f800000) === 0x7f800000 && b & 0x7fffff) return (b >>> 16) | 0x40;
  const r = b + 0x7fff + ((b >>> 16) & 1);
  return (r >>> 16) & 0xffff;
}

/**
 * The elements of a tensor as JS numbers (row-major). int64 values outside ±2^53 cannot be
 * represented exactly and raise a CheckpointError naming the tensor.
 */
export function tensorValues(t: RawTensor, where = 'tensor'): Float64Array {
  const n = numel(t.shape);
  const out = new Float64Array(n);
  const v = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  switch (t.dtype) {
    case 'float64': for (let i = 0; i < n; i++) out[i] = v.getFloat64(i * 8, true); break;
    case 'float32': for (let i = 0; i < n; i++) out[i] = v.getFloat32(i * 4, true); break;
    case 'float16': for (let i = 0; i < n; i++) out[i] = f16ToNumber(v.getUint16(i * 2, true)); break;
    case 'bfloat16': for (let i = 0; i < n; i++) { u32buf[0] = v.getUint16(i * 2, true) << 16; out[i] = f32buf[0]!; } break;
    case 'int64':
      for (let i = 0; i < n; i++) {
        const b = v.getBigInt64(i * 8, true);
        if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) throw new CheckpointError('int64 value not exactly representable', { argument: where, expected: '|value| ≤ 2^53 − 1', received: b.toString() });
        out[i] = Number(b);
      }
      break;
    case 'int32': for (let i = 0; i < n; i++) out[i] = v.getInt32(i * 4, true); break;
    case 'int16': for (let i = 0; i < n; i++) out[i] = v.getInt16(i * 2, true); break;
    case 'int8': for (let i = 0; i < n; i++) out[i] = v.getInt8(i); break;
    case 'uint8': for (let i = 0; i < n; i++) out[i] = v.getUint8(i); break;
    case 'bool':
      for (let i = 0; i < n; i++) {
        const b = v.getUint8(i);
        if (b > 1) throw new CheckpointError('invalid bool value', { argument: where, expected: '0 or 1', received: String(b) });
        out[i] = b;
      }
      break;
  }
  return out;
}

/** Encodes numbers as a tensor of `dtype` (float16/bfloat16 round to nearest even; integers must be integral and in range). */
export function tensorFromValues(dtype: DType, shape: readonly number[], values: ArrayLike<number>, where = 'tensor'): RawTensor {
  const n = numel(shape);
  if (values.length !== n) throw new CheckpointError('value count does not match the shape', { argument: where, expected: `${n} values for ${JSON.stringify(shape)}`, received: `${values.length}` });
  const bytes = new Uint8Array(n * DTYPES[dtype].bytes);
  const v = new DataView(bytes.buffer);
  const intRange: Partial<Record<DType, [number, number]>> = { int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], int32: [-(2 ** 31), 2 ** 31 - 1], int16: [-32768, 32767], int8: [-128, 127], uint8: [0, 255], bool: [0, 1] };
  const range = intRange[dtype];
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (range && (!Number.isInteger(x) || x < range[0] || x > range[1])) throw new CheckpointError(`value not representable as ${dtype}`, { argument: `${where}[${i}]`, expected: `an integer in [${range[0]}, ${range[1]}]`, received: String(x) });
    switch (dtype) {
      case 'float64': v.setFloat64(i * 8, x, true); break;
      case 'float32': v.setFloat32(i * 4, x, true); break;
      case 'float16': v.setUint16(i * 2, numberToF16(x), true); break;
      case 'bfloat16': v.setUint16(i * 2, numberToBf16(x), true); break;
      case 'int64': v.setBigInt64(i * 8, BigInt(x), true); break;
      case 'int32': v.setInt32(i * 4, x, true); break;
      case 'int16': v.setInt16(i * 2, x, true); break;
      case 'int8': v.setInt8(i, x); break;
      case 'uint8': case 'bool': v.setUint8(i, x); break;
    }
  }
  return rawTensor(dtype, shape, bytes, where);
}
