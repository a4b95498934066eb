import { describe, expect, it } from 'vitest';
import { CheckpointError } from '@rpn/core';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { readTorchStateDict } from './torch.js';
import { tensorFromValues } from './dtypes.js';
import { readGolden, rng } from './test-utils.js';

function file(header: object, buffer: Uint8Array, claimedLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + buffer.length);
  new DataView(out.buffer).setBigUint64(0, claimedLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(buffer, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips every dtype of dtype_probe byte for byte, in order, with metadata', () => {
    const sd = readTorchStateDict(readGolden('dtype_probe.pt'));
    const bytes = writeSafetensors(sd, { a: 'b' });
    const h = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(h % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ a: 'b' });
    expect([...back.tensors.keys()]).toEqual([...sd.keys()]);
    for (const [k, t] of sd) { expect(back.tensors.get(k)!.dtype).toBe(t.dtype); expect(back.tensors.get(k)!.shape).toEqual(t.shape); expect(back.tensors.get(k)!.data).toEqual(t.data); }
  });

  it('writes the spec header: dtype strings, shapes, offsets', () => {
    const sd = new Map([['a', tensorFromValues('float32', [2], [1, 2])], ['b', tensorFromValues('bfloat16', [], [1])]]);
    const bytes = writeSafetensors(sd);
    const h = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + h)))).toEqual({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'BF16', shape: [], data_offsets: [8, 10] } });
  });

  const eight = new Uint8Array(8);
  const cases: [string, Uint8Array, RegExp][] = [
    ['header length beyond the file', file({}, eight, 1n << 40n), /header length larger than the file/],
    ['huge claimed header length', file({}, eight, 0xffffffffffffffffn), /header length larger/],
    ['header not JSON', (() => { const f = file({ a: 1 }, eight); f[9] = 0x7b; f[8] = 0x5b; return f; })(), /not valid UTF-8 JSON|not a JSON object/],
    ['unknown dtype', file({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, eight), /unsupported dtype/],
    ['offsets past the end', file({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, eight), /past the end/],
    ['size mismatch', file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, eight), /do not match dtype and shape/],
    ['overlap', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight), /overlap/],
    ['hole', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight), /hole/],
    ['uncovered tail', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, eight), /not fully covered/],
    ['negative shape', file({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, eight), /invalid tensor shape/],
    ['huge shape', file({ a: { dtype: 'F32', shape: [1e9, 1e9, 1e9], data_offsets: [0, 8] } }, eight), /too large|do not match/],
    ['bad metadata', file({ __metadata__: { a: 1 } }, new Uint8Array(0)), /not a string/],
    ['too short', new Uint8Array(5), /shorter than the 8-byte/],
  ];
  for (const [what, bytes, re] of cases) {
    it(`rejects: ${what}`, () => {
      expect(() => readSafetensors(bytes)).toThrow(CheckpointError);
      expect(() => readSafetensors(bytes)).toThrow(re);
    });
  }

  it('every truncation and random flips give a typed error or the same tensors (bounded fuzz)', () => {
    const sd = readTorchStateDict(readGolden('rpn_model_float64.pt'));
    const bytes = writeSafetensors(sd);
    for (let cut = 0; cut < bytes.length; cut += 13) expect(() => readSafetensors(bytes.subarray(0, cut))).toThrow(CheckpointError);
    const r = rng(3);
    for (let k = 0; k < 300; k++) {
      const b = bytes.slice();
      const at = Math.floor(r() * Math.min(b.length, 8 + 600));
      b[at] = b[at]! ^ (1 + Math.floor(r() * 255));
      try { readSafetensors(b); } catch (e) { expect(e).toBeInstanceOf(CheckpointError); }
    }
  });
});
