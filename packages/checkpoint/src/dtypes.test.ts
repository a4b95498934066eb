import { describe, expect, it } from 'vitest';
import { CheckpointError } from '@rpn/core';
import { tensorFromValues, tensorValues, rawTensor } from './dtypes.js';

describe('dtype conversions', () => {
  it('float16 encodes with round-to-nearest-even, subnormals, infinities', () => {
    const xs = [0, -0, 1, -2.5, 65504, 1e-7, 6.1e-5, 2 ** -24, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 70000, -Infinity];
    const back = Array.from(tensorValues(tensorFromValues('float16', [xs.length], xs)));
    expect(back).toEqual([0, -0, 1, -2.5, 65504, 1.1920928955078125e-7, 0.00006097555160522461, 2 ** -24, 1, 1 + 4 * 2 ** -11, Infinity, -Infinity]);
  });

  it('bfloat16 keeps 8 mantissa bits, rounding to nearest even', () => {
    const back = Array.from(tensorValues(tensorFromValues('bfloat16', [3], [1, 1 + 2 ** -8, 3.96875])));
    expect(back).toEqual([1, 1, 3.96875]);
  });

  it('integers are range-checked both ways', () => {
    expect(() => tensorFromValues('int8', [1], [128])).toThrow(CheckpointError);
    expect(() => tensorFromValues('int32', [1], [0.5])).toThrow(/not representable as int32/);
    const big = rawTensor('int64', [1], new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0x40]));
    expect(() => tensorValues(big, 'idx')).toThrow(/int64 value not exactly representable/);
    expect(() => tensorValues(rawTensor('bool', [1], new Uint8Array([2])))).toThrow(/invalid bool/);
  });

  it('rawTensor checks the byte length against dtype and shape', () => {
    expect(() => rawTensor('float32', [2, 2], new Uint8Array(15), 'w')).toThrow(/16 bytes for float32/);
  });
});
