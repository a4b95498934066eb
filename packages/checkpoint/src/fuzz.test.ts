/**
 * Bounded, seeded fuzzing of every reader: truncations, bit flips, header lies, nesting, zip
 * overlaps and duplicates, stride tricks. Every outcome must be a CheckpointError or a result
 * identical to the unmutated file's (or, where a format has no checksum over what was changed, a
 * well-formed result); no case may take more than 2 s, nor grow memory by 256 MB.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointError } from '@rpn/core';
import { readTorchStateDict } from './torch.js';
import { writeTorchViews } from './torch-write.js';
import { openZip, readZip } from './zip.js';
import { unpickle, type PyCallable } from './pickle.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { readStateDict, saveModel } from './model-io.js';
import { DTYPES, numel, type StateDict } from './dtypes.js';
import { buildZip, deepListPickle, ptWithSizeOps } from './hostile/test-utils.js';
import { fakeModel, readGolden, rng } from './test-utils.js';

const MB = 1 << 20;
const summary: string[] = [];
afterAll(() => { console.log(`fuzz summary:\n${summary.join('\n')}`); });

interface Stats { cases: number; errors: number; identical: number; different: number; maxMs: number; maxGrowthMB: number }

/** Runs one case: a CheckpointError, or a result checked by `accept` (which says identical or not). */
async function runCases(name: string, cases: number, make: (k: number) => { what: string; run: () => unknown | Promise<unknown> }, accept: (result: unknown, what: string) => 'identical' | 'different'): Promise<Stats> {
  const s: Stats = { cases: 0, errors: 0, identical: 0, different: 0, maxMs: 0, maxGrowthMB: 0 };
  const base = process.memoryUsage();
  const t0 = Date.now();
  for (let k = 0; k < cases; k++) {
    const c = make(k);
    const start = performance.now();
    let result: unknown;
    let error: unknown;
    try { result = await c.run(); } catch (e) { error = e; }
    const ms = performance.now() - start;
    s.maxMs = Math.max(s.maxMs, ms);
    expect(ms, `${name} case ${k} (${c.what}) took ${ms.toFixed(0)} ms`).toBeLessThan(2000);
    if (error !== undefined) {
      if (!(error instanceof CheckpointError)) throw new Error(`${name} case ${k} (${c.what}): not a CheckpointError: ${(error as Error)?.stack ?? String(error)}`);
      s.errors++;
    } else {
      s[accept(result, c.what)]++;
    }
    const m = process.memoryUsage();
    const growth = Math.max(m.rss - base.rss, m.arrayBuffers - base.arrayBuffers) / MB;
    s.maxGrowthMB = Math.max(s.maxGrowthMB, growth);
    expect(growth, `${name} case ${k} (${c.what}) grew memory by ${growth.toFixed(0)} MB`).toBeLessThan(256);
    s.cases++;
  }
  summary.push(`  ${name}: ${s.cases} cases in ${Date.now() - t0} ms — ${s.errors} typed errors, ${s.identical} identical, ${s.different} different but well-formed; slowest ${s.maxMs.toFixed(0)} ms; memory growth ≤ ${s.maxGrowthMB.toFixed(0)} MB`);
  return s;
}

const sameStateDict = (a: StateDict, b: StateDict) => a.size === b.size && [...a].every(([k, t]) => {
  const u = b.get(k);
  return !!u && u.dtype === t.dtype && u.shape.length === t.shape.length && u.shape.every((x, i) => x === t.shape[i]) && u.data.length === t.data.length && u.data.every((x, i) => x === t.data[i]);
});

/** Well-formed: each tensor's bytes are numel × its dtype's size. */
const wellFormed = (sd: StateDict) => [...sd.values()].every((t) => t.data.byteLength === numel(t.shape) * DTYPES[t.dtype].bytes);

/** Mutations of a byte string: a truncation, 1–4 flips, or a 2/4/8-byte field overwritten with a boundary value. */
function mutateBytes(b: Uint8Array, r: () => number, fieldAt?: () => number): { bytes: Uint8Array; what: string } {
  const kind = Math.floor(r() * 3);
  if (kind === 0) { const cut = Math.floor(r() * b.length); return { bytes: b.slice(0, cut), what: `truncate at ${cut}` }; }
  const out = b.slice();
  if (kind === 1) {
    const n = 1 + Math.floor(r() * 4);
    const at: number[] = [];
    for (let i = 0; i < n; i++) { const p = Math.floor(r() * out.length); at.push(p); out[p] ^= 1 << Math.floor(r() * 8); }
    return { bytes: out, what: `flip bits at ${at.join(',')}` };
  }
  const p = fieldAt ? fieldAt() : Math.floor(r() * out.length);
  const width = [2, 4, 8][Math.floor(r() * 3)]!;
  const values = [0, 1, 0xff, 0xffff, 0x7fffffff, 0xffffffff, b.length, b.length - 1, Math.floor(r() * 2 ** 32)];
  const v = values[Math.floor(r() * values.length)]!;
  const dv = new DataView(out.buffer);
  if (p + width <= out.length) { if (width === 2) dv.setUint16(p, v & 0xffff, true); else if (width === 4) dv.setUint32(p, v >>> 0, true); else dv.setBigUint64(p, BigInt(v) * (r() < 0.3 ? 2n ** 32n : 1n), true); }
  return { bytes: out, what: `field lie: ${width} bytes at ${p} = ${v}` };
}

/** Offsets of the zip's header fields (local headers, central records, end record), for header lies. */
function zipFieldOffsets(z: Uint8Array): number[] {
  const out: number[] = [];
  const v = new DataView(z.buffer, z.byteOffset, z.byteLength);
  for (let i = 0; i + 4 <= z.length; i++) {
    const sig = v.getUint32(i, true);
    if (sig === 0x04034b50) for (let f = 4; f < 30; f += 2) out.push(i + f);
    else if (sig === 0x02014b50) for (let f = 4; f < 46; f += 2) out.push(i + f);
    else if (sig === 0x06054b50) for (let f = 4; f < 22; f += 2) out.push(i + f);
  }
  return out;
}

describe('fuzz: .pt (zip + pickle + views)', () => {
  it('mutated golden files and structural zip attacks: typed errors or the identical state dict', async () => {
    const seeds = [readGolden('rpn_model_float64.pt'), readGolden('dtype_probe.pt')];
    const deflated = buildZip(readZip(seeds[0]!).map((e) => ({ name: e.name, data: e.data.slice(), deflate: true })));
    seeds.push(deflated);
    const refs = seeds.map((b) => readTorchStateDict(b));
    const fields = seeds.map(zipFieldOffsets);
    const r = rng(101);
    const stats = await runCases('.pt byte mutations', 300, (k) => {
      const i = k % seeds.length;
      const f = fields[i]!;
      const m = mutateBytes(seeds[i]!, r, () => f[Math.floor(r() * f.length)]!);
      return { what: `seed ${i}: ${m.what}`, run: () => ({ i, sd: readTorchStateDict(m.bytes) }) };
    }, (res, what) => { const { i, sd } = res as { i: number; sd: StateDict }; expect(sameStateDict(sd, refs[i]!), what).toBe(true); return 'identical'; });
    expect(stats.errors).toBeGreaterThan(150);

    // structure: duplicated, repointed, renamed and extra-prefix entries
    const base = readZip(seeds[0]!).map((e) => ({ name: e.name, data: e.data.slice() }));
    const s = rng(102);
    await runCases('.pt zip overlap / duplicates', 120, (k) => {
      const locals = base.map((l) => ({ ...l, deflate: k % 2 === 1 }));
      const central = locals.map((_, i) => ({ local: i, name: undefined as string | undefined }));
      const a = Math.floor(s() * locals.length), b = Math.floor(s() * locals.length);
      let what: string;
      switch (k % 5) {
        case 0: central.push({ local: a, name: undefined }); what = `record ${a} twice`; break;
        case 1: central.push({ local: a, name: `${base[b]!.name}.x` }); what = `second record for local ${a}`; break;
        case 2: central[a] = { local: b, name: undefined }; what = `record ${a} points at local ${b}`; break;
        case 3: locals.push({ ...locals[a]!, name: base[a]!.name.replace(/^[^/]+/, 'evil') }); central.push({ local: locals.length - 1, name: undefined }); what = `extra folder copy of ${a}`; break;
        default: locals.push({ ...locals[a]! }); central.push({ local: locals.length - 1, name: undefined }); what = `duplicate name ${base[a]!.name}`; break;
      }
      const z = buildZip(locals, central);
      return { what, run: () => readTorchStateDict(z) };
    }, (sd, what) => { expect(sameStateDict(sd as StateDict, refs[0]!), what).toBe(true); return 'identical'; });

    // nesting: deep sizes, deep state dicts
    await runCases('.pt nesting', 20, (k) => {
      const depth = 10 + k * 5000;
      const z = k % 2 ? ptWithSizeOps(deepListPickle(depth).subarray(2, -1)) : buildZip([{ name: 'a/data.pkl', data: deepListPickle(depth) }]);
      return { what: `depth ${depth}`, run: () => readTorchStateDict(z) };
    }, () => 'different');
  });

  it('stride tricks: typed errors, or exactly the element-by-element view of the storage', async () => {
    const r = rng(103);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    await runCases('.pt stride tricks', 300, () => {
      const dtype = pick(['float32', 'float64', 'int16', 'uint8'] as const);
      const bpe = DTYPES[dtype].bytes;
      const numelStorage = pick([0, 1, 2, 7, 64, 1000]);
      const declared = pick([numelStorage, numelStorage, numelStorage + 1, 2 ** 31, 0]);
      const rank = pick([0, 1, 2, 3]);
      const odd = () => pick([0, 1, 2, 3, 5, 64, -1, 2 ** 31, 2 ** 52, Number.MAX_SAFE_INTEGER]);
      const size = Array.from({ length: rank }, () => (r() < 0.8 ? Math.floor(r() * 8) : odd()));
      // a quarter of the cases are expansions: stride 0 over dims longer than 1
      const expand = r() < 0.25;
      const stride = Array.from({ length: rank + (r() < 0.05 ? 1 : 0) }, () => (expand ? 0 : r() < 0.7 ? Math.floor(r() * 9) : odd()));
      const offset = r() < 0.8 ? Math.floor(r() * 8) : odd();
      const bytes = Uint8Array.from({ length: numelStorage * bpe }, () => Math.floor(r() * 256));
      const what = JSON.stringify({ dtype, numelStorage, declared, size, stride, offset });
      let pt: Uint8Array;
      try { pt = writeTorchViews([{ name: 'w', dtype, storage: '0', bytes, storageNumel: declared, offset, size, stride }]); } catch (e) { return { what, run: () => { throw e; } }; }
      return { what, run: () => ({ sd: readTorchStateDict(pt), bytes, bpe, size, stride, offset }) };
    }, (res, what) => {
      const { sd, bytes, bpe, size, stride, offset } = res as { sd: StateDict; bytes: Uint8Array; bpe: number; size: number[]; stride: number[]; offset: number };
      const t = sd.get('w')!;
      const n = numel(size);
      expect(t.data.byteLength, what).toBe(n * bpe);
      expect(n, what).toBeLessThanOrEqual(bytes.length / bpe);
      const idx = size.map(() => 0);
      for (let i = 0; i < n; i++) {
        const s = offset + idx.reduce((acc, x, d) => acc + x * stride[d]!, 0);
        for (let q = 0; q < bpe; q++) if (t.data[i * bpe + q] !== bytes[s * bpe + q]) expect.fail(`${what}: element ${i} differs`);
        for (let d = size.length - 1; d >= 0; d--) { if (++idx[d]! < size[d]!) break; idx[d] = 0; }
      }
      return 'identical';
    });
  });
});

describe('fuzz: pickle', () => {
  it('random opcode streams and mutated state-dict pickles: typed errors or a value', async () => {
    const pkl = readZip(readGolden('rpn_model_float64.pt')).find((e) => e.name.endsWith('data.pkl'))!.data.slice();
    const anything: PyCallable = Object.freeze({ kind: 'callable' as const, qualifiedName: 'any', call: (args: unknown[]) => args as never });
    const dict: PyCallable = Object.freeze({ kind: 'callable' as const, qualifiedName: 'collections.OrderedDict', call: () => new Map() });
    const hooks = { findGlobal: (_m: string, n: string) => (n === 'OrderedDict' ? dict : anything), persistentLoad: (pid: unknown) => pid as never, build: (o: unknown) => o as never };
    expect(unpickle(pkl, hooks)).toBeInstanceOf(Map); // control
    const ops = [0x80, 0x95, 0x2e, 0x28, 0x30, 0x31, 0x32, 0x4e, 0x88, 0x89, 0x4b, 0x4d, 0x4a, 0x8a, 0x47, 0x58, 0x8c, 0x55, 0x43, 0x42, 0x29, 0x74, 0x85, 0x86, 0x87, 0x5d, 0x6c, 0x61, 0x65, 0x7d, 0x64, 0x73, 0x75, 0x71, 0x72, 0x94, 0x68, 0x6a, 0x63, 0x93, 0x51, 0x52, 0x62, 0x00, 0xff];
    const r = rng(201);
    await runCases('pickle', 400, (k) => {
      let b: Uint8Array;
      let what: string;
      if (k % 2) {
        b = Uint8Array.from({ length: 1 + Math.floor(r() * 200) }, () => (r() < 0.7 ? ops[Math.floor(r() * ops.length)]! : Math.floor(r() * 256)));
        what = 'random stream';
      } else {
        const m = mutateBytes(pkl, r);
        b = m.bytes; what = m.what;
      }
      return { what, run: () => unpickle(b, hooks) };
    }, () => 'different'); // a value: any value is a well-formed outcome of a restricted unpickler
  });
});

describe('fuzz: safetensors', () => {
  it('mutated files and header lies: typed errors, or the same tensors with at most the mutated data bytes changed', async () => {
    const sd = readTorchStateDict(readGolden('dtype_probe.pt'));
    const file = writeSafetensors(sd, { note: 'x' });
    const ref = readSafetensors(file);
    const hlen = Number(new DataView(file.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(file.subarray(8, 8 + hlen));
    const r = rng(301);
    const lies = ['-1', '1e300', '9007199254740993', 'null', '"F32"', '[]', '{}', '[0,0]', '[1,18446744073709551615]', `${'['.repeat(5000)}${']'.repeat(5000)}`, '"__proto__"', '0.5'];
    await runCases('safetensors', 400, (k) => {
      let bytes: Uint8Array;
      let what: string;
      let dataStart = 8 + hlen;
      if (k % 2 === 0) {
        const m = mutateBytes(file, r, () => Math.floor(r() * 8));
        bytes = m.bytes; what = m.what;
      } else {
        // a JSON-level lie: replace one number, string or array in the header
        const tokens = [...header.matchAll(/-?\d+|"[^"]*"|\[[^\[\]]*\]/g)];
        const t = tokens[Math.floor(r() * tokens.length)]!;
        const lie = lies[Math.floor(r() * lies.length)]!;
        const h = new TextEncoder().encode(header.slice(0, t.index) + lie + header.slice(t.index! + t[0].length));
        bytes = new Uint8Array(8 + h.length + (file.length - 8 - hlen));
        new DataView(bytes.buffer).setBigUint64(0, BigInt(h.length), true);
        bytes.set(h, 8); bytes.set(file.subarray(8 + hlen), 8 + h.length);
        what = `header ${t[0]} → ${lie.slice(0, 30)}`;
        dataStart = 8 + h.length;
      }
      return { what, run: () => ({ st: readSafetensors(bytes), bytes, dataStart }) };
    }, (res, what) => {
      const { st } = res as { st: ReturnType<typeof readSafetensors> };
      expect(wellFormed(st.tensors), what).toBe(true);
      // safetensors has no checksum: a flip inside tensor data gives different values in a well-formed file
      return sameStateDict(st.tensors, ref.tensors) ? 'identical' : 'different';
    });
  });
});

describe('fuzz: native model.json + weights', () => {
  it('mutated model.json values, truncations and weights flips: typed errors or the identical state dict', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-fuzz-native-'));
    try {
      const a = fakeModel();
      const where = path.join(dir, 'n');
      await saveModel(a, where, { metadata: { note: 'x' }, trainingState: { epoch: 3 } });
      a.dispose();
      const ref = await readStateDict(where);
      const mjText = fs.readFileSync(path.join(where, 'model.json'), 'utf8');
      const mj = JSON.parse(mjText);
      const wname = mj.weightsManifest[0].paths[0] as string;
      const weights: Uint8Array = new Uint8Array(fs.readFileSync(path.join(where, wname)));
      // every path to a value in model.json
      const paths: (string | number)[][] = [];
      const walk = (v: unknown, p: (string | number)[]) => { paths.push(p); if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, Array.isArray(v) ? Number(k) : k]); };
      walk(mj, []);
      const junk = [null, -1, 0, 1e300, 2 ** 53, 'x', 'constructor', '__proto__', [], {}, [null], { length: 5 }, 'weights.bin', '../x', true, '__DEEP__'];
      const r = rng(401);
      await runCases('native', 300, (k) => {
        const kind = k % 3;
        let text = mjText;
        let w: Uint8Array = weights;
        let what: string;
        if (kind === 0) {
          const m = JSON.parse(mjText);
          const p = paths[Math.floor(r() * paths.length)]!;
          const v = junk[Math.floor(r() * junk.length)];
          if (p.length === 0) { text = JSON.stringify(v); } else {
            let o = m; for (const key of p.slice(0, -1)) o = o[key];
            o[p[p.length - 1]!] = v;
            text = JSON.stringify(m);
          }
          text = text.replace('"__DEEP__"', `${'['.repeat(3000)}${']'.repeat(3000)}`);
          what = `model.json ${p.join('.')} = ${JSON.stringify(v)}`;
        } else if (kind === 1) {
          const m = mutateBytes(new TextEncoder().encode(mjText), r);
          text = new TextDecoder().decode(m.bytes); what = `model.json ${m.what}`;
        } else {
          const m = mutateBytes(weights, r); w = m.bytes; what = `weights ${m.what}`;
        }
        fs.writeFileSync(path.join(where, 'model.json'), text);
        fs.writeFileSync(path.join(where, wname), w);
        return { what, run: () => readStateDict(where) };
      }, (res, what) => {
        const sd = res as StateDict;
        expect(wellFormed(sd), what).toBe(true);
        // the digest covers the weights, not the manifest: a manifest edit can still decode to other (well-formed) tensors
        return sameStateDict(sd, ref) ? 'identical' : 'different';
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
