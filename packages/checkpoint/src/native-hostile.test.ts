import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointError } from '@rpn/core';
import { loadCheckpoint, readStateDict, saveModel } from './model-io.js';
import type { FileSystem } from './file-system.js';
import { nodeFileSystem } from './node/file-system.js';
import { fakeModel, fakeRegistry } from './test-utils.js';

let dir: string;
let where: string;
let mj: any;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-native-'));
  where = path.join(dir, 'n');
  const a = fakeModel();
  await saveModel(a, where);
  a.dispose();
  mj = JSON.parse(fs.readFileSync(path.join(where, 'model.json'), 'utf8'));
});
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const writeMj = (m: unknown) => fs.writeFileSync(path.join(where, 'model.json'), typeof m === 'string' ? m : JSON.stringify(m));
const clone = () => JSON.parse(JSON.stringify(mj));

async function typedError(p: Promise<unknown>): Promise<CheckpointError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e, 'expected a rejection').toBeInstanceOf(CheckpointError);
  return e as CheckpointError;
}

describe('native model.json is validated before use (item 3)', () => {
  it('names: ["constructor"] does not reach Object.prototype', async () => {
    const m = clone(); m.userDefinedMetadata.rpn.names = ['constructor'];
    writeMj(m);
    const e = await typedError(readStateDict(where));
    expect(e.argument).toBe('constructor');
    const m2 = clone(); m2.userDefinedMetadata.rpn.names = ['__proto__', 'toString'];
    writeMj(m2);
    await typedError(readStateDict(where));
  });

  it('null specs, bogus dtypes and non-iterables are typed errors naming the field', async () => {
    const edits: [string, (m: any) => void][] = [
      ['weightsManifest.0.weights.0', (m) => { m.weightsManifest[0].weights[0] = null; }],
      ['weightsManifest.0.weights.0.dtype', (m) => { m.weightsManifest[0].weights[0].dtype = 'toString'; }],
      ['weightsManifest.0.weights.0.shape', (m) => { m.weightsManifest[0].weights[0].shape = 5; }],
      ['weightsManifest.0.paths', (m) => { m.weightsManifest[0].paths = 'weights.bin'; }],
      ['weightsManifest', (m) => { m.weightsManifest = null; }],
      ['userDefinedMetadata.rpn.names', (m) => { m.userDefinedMetadata.rpn.names = 5; }],
      ['userDefinedMetadata.rpn.names', (m) => { m.userDefinedMetadata.rpn.names = null; }],
      ['userDefinedMetadata.rpn.dtypes', (m) => { m.userDefinedMetadata.rpn.dtypes = { 'layers.0.heads.0.w': 'complex128' }; }],
      ['userDefinedMetadata.rpn.digest', (m) => { m.userDefinedMetadata.rpn.digest = null; }],
      ['userDefinedMetadata.rpn.optimizer.weightNames', (m) => { m.userDefinedMetadata.rpn.optimizer = { className: 'Adam', config: {}, weightNames: 3 }; }],
      ['userDefinedMetadata.rpn', (m) => { m.userDefinedMetadata.rpn = 'x'; }],
    ];
    for (const [field, edit] of edits) {
      const m = clone(); edit(m); writeMj(m);
      const e = await typedError(readStateDict(where));
      expect(e.argument, field).toMatch(new RegExp(`^(model\\.json\\.)?${field.replace(/\./g, '\\.')}`));
    }
    for (const junk of ['null', '5', '[]', '"x"']) { writeMj(junk); await typedError(readStateDict(where)); }
  });

  it('a repeated weights path is refused before any weights file is read', async () => {
    const m = clone();
    m.weightsManifest[0].paths = Array.from({ length: 2000 }, () => m.weightsManifest[0].paths[0]);
    writeMj(m);
    const real = await nodeFileSystem();
    const reads: string[] = [];
    const spy: FileSystem = { ...real, async readFile(f) { reads.push(f); return real.readFile(f); } };
    const e = await typedError(readStateDict(where, { fs: spy }));
    expect(e.message).toMatch(/repeated name/);
    expect(reads.map((f) => path.basename(f))).toEqual(['model.json']);
  });

  it('never reads more weights files than the manifest needs', async () => {
    const m = clone();
    const w = m.weightsManifest[0].paths[0];
    for (let i = 0; i < 5; i++) fs.copyFileSync(path.join(where, w), path.join(where, `copy${i}.bin`));
    m.weightsManifest[0].paths = [w, ...Array.from({ length: 5 }, (_, i) => `copy${i}.bin`)];
    writeMj(m);
    const real = await nodeFileSystem();
    let reads = 0;
    const spy: FileSystem = { ...real, async readFile(f) { reads++; return real.readFile(f); } };
    await typedError(readStateDict(where, { fs: spy }));
    expect(reads).toBe(3); // model.json, the real weights, the first extra one that overshoots
  });
});

describe('deep nesting in model.json (item 4)', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  /** model.json with "__DEEP__" replaced by n nested arrays (built as text: JSON.stringify itself would overflow). */
  const writeDeep = (m: unknown, n: number) => writeMj(JSON.stringify(m).replace('"__DEEP__"', deep(n)));
  it('a deep model config, user metadata or training state is a typed error', async () => {
    for (const [edit, n] of [[(m: any) => { m.modelTopology.model_parameters.x = '__DEEP__'; }, 100_000], [(m: any) => { m.userDefinedMetadata.rpn.metadata = { x: '__DEEP__' }; }, 100_000], [(m: any) => { m.userDefinedMetadata.rpn.trainingState = { x: '__DEEP__' }; }, 1000]] as const) {
      const m = clone(); edit(m); writeDeep(m, n);
      const e = await typedError(loadCheckpoint(where, fakeRegistry()));
      expect(e.message).toMatch(/nesting too deep/);
    }
    // 50 levels is fine
    const m = clone(); m.userDefinedMetadata.rpn.metadata = { x: '__DEEP__' }; writeDeep(m, 50);
    const ck = await loadCheckpoint(where, fakeRegistry());
    (ck.model as unknown as { dispose(): void }).dispose();
  });
});

describe('saves commit with one rename and clean up after killed saves (item 7)', () => {
  async function recordingFs(): Promise<{ fs: FileSystem; ops: string[] }> {
    const real = await nodeFileSystem();
    const ops: string[] = [];
    const rel = (f: string) => path.relative(where, f);
    return { ops, fs: { ...real, async writeFile(f, d) { ops.push(`write ${rel(f)}`); return real.writeFile(f, d); }, async rename(a, b) { ops.push(`rename ${rel(a)} ${rel(b)}`); return real.rename(a, b); }, async remove(f) { ops.push(`remove ${rel(f)}`); return real.remove(f); } } };
  }

  it('native: the previous model.json and its weights are untouched until one rename of model.json commits the new save', async () => {
    const before = fs.readdirSync(where).sort();
    const oldWeights = mj.weightsManifest[0].paths[0];
    const { fs: rfs, ops } = await recordingFs();
    const b = fakeModel({ seed: 9 });
    await saveModel(b, where, { fs: rfs });
    const renames = ops.filter((o) => o.startsWith('rename'));
    expect(renames).toHaveLength(1);
    expect(renames[0]).toMatch(/^rename model\.json\.tmp-\S+ model\.json$/);
    const commit = ops.indexOf(renames[0]!);
    // nothing the old model.json references is written or removed before the commit
    expect(ops.slice(0, commit).filter((o) => o.includes(` ${oldWeights}`) || o.endsWith(oldWeights))).toEqual([]);
    expect(before).toContain(oldWeights);
    const got = await readStateDict(where);
    expect(Array.from(new Float32Array(got.get('layers.0.heads.0.w')!.data.slice().buffer))).toEqual(Array.from(b.vars[0]!.dataSync()));
    expect(fs.readdirSync(where).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    b.dispose();
  });

  it('temporary files of earlier killed saves of the same target are removed by the next save; other files stay', async () => {
    const stale = ['model.json.tmp-abc-123', 'weights.bin.tmp-abc-123', 'weights.alt.bin'];
    for (const f of stale) fs.writeFileSync(path.join(where, f), 'partial');
    fs.writeFileSync(path.join(where, 'notes.txt'), 'mine');
    fs.writeFileSync(path.join(dir, 'm.safetensors.tmp-old-1'), 'partial');
    fs.writeFileSync(path.join(dir, 'other.safetensors.tmp-old-1'), 'not ours');
    const b = fakeModel({ seed: 4 });
    await saveModel(b, where);
    await saveModel(b, path.join(dir, 'm.safetensors'));
    const left = fs.readdirSync(where).sort();
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(left).toContain('notes.txt');
    expect(left.filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['m.safetensors', 'n', 'other.safetensors.tmp-old-1']);
    b.dispose();
  });
});
