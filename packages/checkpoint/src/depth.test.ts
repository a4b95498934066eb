import { describe, expect, it } from 'vitest';
import { CheckpointError } from '@rpn/core';
import { forbiddenGlobal, unpickle } from './pickle.js';
import { readSafetensors } from './safetensors.js';
import { readTorchStateDict } from './torch.js';
import { readZip, writeZip } from './zip.js';
import { preview } from './preview.js';
import { deepListPickle, ptWithSizeOps, thrown } from './hostile/test-utils.js';
import { readGolden } from './test-utils.js';

const hooks = { findGlobal: forbiddenGlobal };
const DEEP = 200_000;

describe('deep nesting gives a typed error with a depth bound (item 4)', () => {
  it('pickle: nested lists deeper than maxDepth are refused; shallow ones load', () => {
    expect(unpickle(deepListPickle(10), hooks)).toEqual([[[[[[[[[[]]]]]]]]]]);
    const e = thrown(() => unpickle(deepListPickle(DEEP), hooks));
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as Error).message).toMatch(/nests too deep/);
    expect(() => unpickle(deepListPickle(65), hooks)).toThrow(/at most 64/);
    expect(unpickle(deepListPickle(20), { ...hooks, maxDepth: 20 })).toBeDefined();
    expect(() => unpickle(deepListPickle(21), { ...hooks, maxDepth: 20 })).toThrow(/nests too deep/);
  });

  it('pickle: a list that contains itself is refused, and a shared value is walked once', () => {
    // [] BINPUT 0, BINGET 0, APPEND, STOP: l = []; l.append(l)
    const cyc = Uint8Array.from([0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e]);
    expect(() => unpickle(cyc, hooks)).toThrow(/cycle/);
    // 40 levels of l_{k+1} = (l_k, l_k): 2^40 paths, 40 distinct values
    const b: number[] = [0x80, 2, 0x29];
    for (let k = 0; k < 40; k++) b.push(0x32, 0x86); // DUP, TUPLE2
    b.push(0x2e);
    const t0 = Date.now();
    expect(() => unpickle(Uint8Array.from(b), { ...hooks, maxDepth: 64 })).not.toThrow();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('.pt: a size argument nested 200 000 deep is a CheckpointError naming it, not a stack overflow in the error message', () => {
    expect(readTorchStateDict(ptWithSizeOps([0x29])).get('w')!.shape).toEqual([]); // control: size ()
    const body = deepListPickle(DEEP).subarray(2, -1);
    const e = thrown(() => readTorchStateDict(ptWithSizeOps(body)));
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as CheckpointError).argument).toBe('size');
  });

  it('.pt: a state dict nested deeper than maxDepth is refused', () => {
    const entries = readZip(readGolden('rpn_model_float64.pt'));
    const z = writeZip(entries.map((e) => ({ name: e.name, data: e.name.endsWith('data.pkl') ? deepListPickle(DEEP) : e.data })));
    expect(() => readTorchStateDict(z)).toThrow(/nests too deep/);
  });

  it('safetensors: a header nested 200 000 deep is a CheckpointError, not a stack overflow', () => {
    const json = new TextEncoder().encode(`{"w":{"dtype":"F32","shape":${'['.repeat(DEEP)}${']'.repeat(DEEP)},"data_offsets":[0,0]}}`);
    const file = new Uint8Array(8 + json.length);
    new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
    file.set(json, 8);
    const e = thrown(() => readSafetensors(file));
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as Error).message).toMatch(/nesting too deep/);
  });

  it('the error preview is bounded on deep, cyclic, huge and prototype-less values', () => {
    let deep: unknown[] = [];
    for (let i = 0; i < DEEP; i++) deep = [deep];
    expect(preview(deep).length).toBeLessThanOrEqual(201);
    const cyc: unknown[] = [1]; cyc.push(cyc);
    expect(preview(cyc)).toBe('[1,[cycle]]');
    expect(preview(new Array(1e6).fill(7)).length).toBeLessThanOrEqual(201);
    const bare = Object.create(null) as Record<string, unknown>; bare.a = 1n;
    expect(preview(bare)).toBe('{"a":1n}');
    expect(preview(new Map([['k', new Uint8Array(3)]]))).toBe('{"k":[Uint8Array 3 bytes]}');
  });
});
