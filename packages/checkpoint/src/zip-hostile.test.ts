import { describe, expect, it } from 'vitest';
import { CheckpointError } from '@rpn/core';
import { readTorchStateDict } from './torch.js';
import { readZip } from './zip.js';
import { buildZip, type LocalSpec } from './hostile/test-utils.js';
import { readGolden } from './test-utils.js';

/** The golden .pt's entries, as local specs. */
const goldenLocals = (): LocalSpec[] => readZip(readGolden('rpn_model_float64.pt')).map((e) => ({ name: e.name, data: e.data.slice() }));

describe('zip: one entry, one extent (item 2)', () => {
  it('the builder writes a file both readers accept (control)', () => {
    const locals = goldenLocals();
    expect(readTorchStateDict(buildZip(locals)).size).toBe(readTorchStateDict(readGolden('rpn_model_float64.pt')).size);
  });

  it('refuses several central records pointing at one local header (the 262 KB → 4.4 GB file)', () => {
    const locals = [{ name: 'a/x', data: new Uint8Array(1000), deflate: true }];
    const z = buildZip(locals, Array.from({ length: 50 }, (_, i) => ({ local: 0, name: i ? `a/x${i}` : 'a/x' })));
    expect(() => readZip(z)).toThrow(CheckpointError);
    expect(() => readZip(z)).toThrow(/names differ|overlap/);
  });

  it('refuses overlapping entries even when their names agree', () => {
    // a second local entry hidden inside the first one's data
    const inner = buildZip([{ name: 'a/y', data: new Uint8Array([1, 2, 3]) }]);
    const innerLocal = inner.subarray(0, 30 + 3 + 3);
    const outerData = new Uint8Array(10 + innerLocal.length);
    outerData.set(innerLocal, 10);
    const z = buildZip([{ name: 'a/x', data: outerData }]);
    // add a central record for a/y at offset 30 + 3 + 10 (inside a/x's data)
    const v = new DataView(z.buffer);
    const cd = v.getUint32(z.length - 6, true);
    const rec = z.slice(cd, z.length - 22);
    const rec2 = z.slice(cd, z.length - 22);
    const r2 = new DataView(rec2.buffer);
    r2.setUint32(16, v.getUint32(30 + 3 + 10 + 14, true), true);
    r2.setUint32(20, 3, true); r2.setUint32(24, 3, true);
    rec2.set(new TextEncoder().encode('a/y'), 46);
    r2.setUint32(42, 30 + 3 + 10, true);
    const eocd = z.slice(z.length - 22);
    const ev = new DataView(eocd.buffer);
    ev.setUint16(8, 2, true); ev.setUint16(10, 2, true); ev.setUint32(12, rec.length * 2, true);
    const out = new Uint8Array(cd + rec.length * 2 + 22);
    out.set(z.subarray(0, cd)); out.set(rec, cd); out.set(rec2, cd + rec.length); out.set(eocd, cd + rec.length * 2);
    expect(() => readZip(out)).toThrow(/overlap/);
  });

  it('refuses two entries of the same name (torch reads the last a/data.pkl, a first-match reader the first)', () => {
    const locals = goldenLocals();
    const pkl = locals.find((l) => l.name.endsWith('/data.pkl'))!;
    const z = buildZip([...locals, { ...pkl, data: pkl.data.slice() }]);
    expect(() => readTorchStateDict(z)).toThrow(/duplicate entry name/);
  });

  it('refuses a local header whose name differs from its central record', () => {
    const locals = goldenLocals();
    locals[1] = { ...locals[1]!, localName: locals[1]!.name.replace(/.$/, 'X') };
    expect(() => readTorchStateDict(buildZip(locals))).toThrow(/names differ/);
  });

  it('refuses a second top-level folder (torch reads only the first entry\'s folder)', () => {
    const locals = goldenLocals();
    const other = locals.map((l) => ({ ...l, name: l.name.replace(/^[^/]+\//, 'other/') }));
    expect(() => readTorchStateDict(buildZip([...locals, other.find((l) => l.name.endsWith('data.pkl'))!]))).toThrow(/second top-level folder/);
    // and entries outside any folder
    expect(() => readTorchStateDict(buildZip([{ name: 'data.pkl', data: locals[0]!.data }]))).toThrow(/outside a top-level folder/);
  });

  it('inflates only the entries it uses: an unused deflated entry is never inflated', () => {
    const locals = goldenLocals();
    const prefix = locals[0]!.name.split('/')[0]!;
    // a "bomb" that would inflate to 64 MB, with the limit set far below that
    const bomb = { name: `${prefix}/extra/bomb`, data: new Uint8Array(64 << 20), deflate: true };
    const z = buildZip([...locals, bomb]);
    expect(readTorchStateDict(z, { maxInflatedBytes: 1 << 20 }).size).toBe(readTorchStateDict(readGolden('rpn_model_float64.pt')).size);
    // but it counts when read
    expect(() => readZip(z, { maxInflatedBytes: 1 << 20 })).toThrow(/maxInflatedBytes/);
  });

  it('bounds the total inflated size of the entries used', () => {
    const locals = goldenLocals().map((l) => ({ ...l, deflate: true }));
    const total = locals.reduce((s, l) => s + l.data.length, 0);
    expect(readTorchStateDict(buildZip(locals), { maxInflatedBytes: total }).size).toBeGreaterThan(0);
    expect(() => readTorchStateDict(buildZip(locals), { maxInflatedBytes: Math.floor(total / 2) })).toThrow(/maxInflatedBytes/);
  });

  it('refuses an end record that does not end the file (a fake one inside a comment or trailing junk)', () => {
    const z = buildZip(goldenLocals());
    const junk = new Uint8Array(z.length + 5); junk.set(z);
    expect(() => readZip(junk)).toThrow(/end-of-central-directory/);
  });
});
