import { describe, expect, it } from 'vitest';
import { CheckpointError } from '@rpn/core';
import { readTorchStateDict, writeTorchStateDict } from './torch.js';
import { tensorValues, tensorFromValues, type RawTensor } from './dtypes.js';
import { readZip, writeZip } from './zip.js';
import { readGolden, readGoldenJson, rng } from './test-utils.js';

describe('readTorchStateDict on the golden checkpoints', () => {
  for (const file of ['rpn_model_float64', 'rpn_model_float32']) {
    it(`${file}.pt: names, order, shapes and dtypes match the sidecar`, () => {
      const sd = readTorchStateDict(readGolden(`${file}.pt`));
      const side = readGoldenJson(`${file}.json`);
      expect([...sd.keys()]).toEqual(Object.keys(side.state_dict_keys));
      for (const [k, spec] of Object.entries<any>(side.state_dict_keys)) {
        expect(sd.get(k)!.shape).toEqual(spec.shape);
        expect(sd.get(k)!.dtype).toEqual(spec.dtype);
        expect(tensorValues(sd.get(k)!).every(Number.isFinite)).toBe(true);
      }
    });
  }

  it('float32 file holds the float64 weights rounded to float32', () => {
    const a = readTorchStateDict(readGolden('rpn_model_float64.pt'));
    const b = readTorchStateDict(readGolden('rpn_model_float32.pt'));
    for (const [k, t] of a) expect(Array.from(tensorValues(b.get(k)!))).toEqual(Array.from(Float32Array.from(tensorValues(t))));
  });

  it('dtype_probe.pt loads value for value (every dtype, 0-d, empty, offsets, strides, shared storages)', () => {
    const sd = readTorchStateDict(readGolden('dtype_probe.pt'));
    const side = readGoldenJson('dtype_probe.json');
    expect([...sd.keys()]).toEqual(Object.keys(side.tensors));
    for (const [k, spec] of Object.entries<any>(side.tensors)) {
      const t = sd.get(k)!;
      expect(t.dtype, k).toBe(spec.dtype);
      expect(t.shape, k).toEqual(spec.shape);
      expect(Array.from(tensorValues(t)), k).toEqual(spec.data);
    }
  });
});

describe('writeTorchStateDict', () => {
  it('re-imports every dtype value for value', () => {
    const sd = readTorchStateDict(readGolden('dtype_probe.pt'));
    const back = readTorchStateDict(writeTorchStateDict(sd, 'dtype_probe'));
    expect([...back.keys()]).toEqual([...sd.keys()]);
    for (const [k, t] of sd) {
      expect(back.get(k)!.dtype).toBe(t.dtype);
      expect(back.get(k)!.shape).toEqual(t.shape);
      expect(back.get(k)!.data).toEqual(t.data);
    }
  });

  it('writes the zip layout torch writes: 64-byte aligned STORED entries, data.pkl first, version last', () => {
    const sd = readTorchStateDict(readGolden('rpn_model_float64.pt'));
    const bytes = writeTorchStateDict(sd, 'rpn_model_float64');
    const entries = readZip(bytes);
    expect(entries.map((e) => e.name)).toEqual(['rpn_model_float64/data.pkl', ...[0, 1, 2, 3].map((i) => `rpn_model_float64/data/${i}`), 'rpn_model_float64/version']);
    for (const e of entries) expect(e.dataOffset % 64).toBe(0);
    expect(new TextDecoder().decode(entries.at(-1)!.data)).toBe('3\n');
    // storages are byte-identical to the ones torch wrote
    const orig = readZip(readGolden('rpn_model_float64.pt'));
    for (let i = 0; i < 4; i++) expect(entries[i + 1]!.data).toEqual(orig.find((e) => e.name === `rpn_model_float64/data/${i}`)!.data);
  });

  it('handles more than 256 memo entries (LONG_BINPUT/LONG_BINGET)', () => {
    const m = new Map<string, RawTensor>();
    for (let i = 0; i < 300; i++) m.set(`layers.${i}.heads.0.w`, tensorFromValues('float32', [1, 2], [i, -i]));
    const back = readTorchStateDict(writeTorchStateDict(m));
    expect([...back.keys()]).toEqual([...m.keys()]);
    expect(Array.from(tensorValues(back.get('layers.299.heads.0.w')!))).toEqual([299, -299]);
  });
});

describe('hostile .pt input', () => {
  const golden = () => readGolden('rpn_model_float64.pt');

  it('rejects an unknown global, naming it', () => {
    const entries = readZip(golden());
    const pkl = entries[0]!.data.slice();
    const text = new TextDecoder('latin1').decode(pkl);
    const at = text.indexOf('collections\nOrderedDict');
    // same length replacement: "collections\nOrderedDict" → "posix\nsystem" padded module name
    const evil = new TextEncoder().encode('os_________\nsystem_____');
    expect(evil.length).toBe('collections\nOrderedDict'.length);
    pkl.set(evil, at);
    const z = writeZip(entries.map((e, i) => ({ name: e.name, data: i === 0 ? pkl : e.data })));
    expect(() => readTorchStateDict(z)).toThrow(CheckpointError);
    expect(() => readTorchStateDict(z)).toThrow(/os_________\.system_____/);
  });

  it('rejects a storage claiming more elements than its entry holds', () => {
    const entries = readZip(golden());
    const pkl = entries[0]!.data.slice();
    // first BININT1 50 after the 'cpu' string is numel of storage 0: make it 255
    const i = pkl.findIndex((b, j) => b === 0x4b && pkl[j + 1] === 50);
    pkl[i + 1] = 255;
    const z = writeZip(entries.map((e, k) => ({ name: e.name, data: k === 0 ? pkl : e.data })));
    expect(() => readTorchStateDict(z)).toThrow(/storage entry shorter/);
  });

  it('every truncation gives a typed error', () => {
    const bytes = golden();
    for (let cut = 0; cut < bytes.length; cut += 7) {
      expect(() => readTorchStateDict(bytes.subarray(0, cut)), `cut ${cut}`).toThrow(CheckpointError);
    }
  });

  it('random byte flips give a typed error or the exact same result (bounded fuzz)', () => {
    const bytes = golden();
    const ref = readTorchStateDict(bytes);
    const r = rng(1);
    const t0 = Date.now();
    let errors = 0;
    for (let k = 0; k < 400 && Date.now() - t0 < 10_000; k++) {
      const b = bytes.slice();
      const at = Math.floor(r() * b.length);
      b[at] = b[at]! ^ (1 + Math.floor(r() * 255));
      try {
        const sd = readTorchStateDict(b);
        // flips in ignorable bytes (padding, comments, central-dir fields we don't use) may be harmless
        for (const [k2, t] of ref) expect(sd.get(k2)?.data).toEqual(t.data);
      } catch (e) {
        expect(e).toBeInstanceOf(CheckpointError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(100);
  });
});
