import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '@rpn/core';
import { assignStateDict, loadCheckpoint, loadModel, loadStateDict, modelStateDict, readStateDict, saveModel, saveStateDict } from './model-io.js';
import type { FileSystem } from './file-system.js';
import { nodeFileSystem } from './node/file-system.js';
import { readTorchStateDict } from './torch.js';
import { readSafetensors } from './safetensors.js';
import { tensorFromValues, tensorValues, type RawTensor } from './dtypes.js';
import { fakeModel, fakeRegistry, readGolden, rng, type FakeModel } from './test-utils.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-ckpt-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const x = () => tf.tensor2d([[0.1, -0.2, 0.3, 0.4], [-1, 0.5, 0.25, 0], [0.9, 0.8, -0.7, 0.6]]);

async function outputs(m: FakeModel): Promise<number[]> {
  const xi = x();
  const y = m.forward(xi);
  const v = Array.from(await y.data());
  tf.dispose([xi, y]);
  return v;
}

function weights(m: FakeModel): number[][] {
  return m.vars.map((v) => Array.from(v.dataSync()));
}

describe('saveModel / loadModel round trips', () => {
  for (const target of ['native', 'model.safetensors']) {
    it(`${target}: identical weights and outputs, no tensor leak`, async () => {
      const a = fakeModel({ seed: 3 });
      const before = tf.memory().numTensors;
      const where = path.join(dir, target);
      await saveModel(a, where, { metadata: { note: 'hi' } });
      const b = await loadModel<FakeModel>(where, fakeRegistry());
      expect(weights(b)).toEqual(weights(a));
      expect(await outputs(b)).toEqual(await outputs(a));
      b.dispose();
      expect(tf.memory().numTensors).toBe(before);
      a.dispose();
    });
  }

  it('native → .pt → native: identical weights and outputs; the .pt leaves optional names out', async () => {
    const a = fakeModel({ seed: 11 });
    await saveModel(a, path.join(dir, 'n1'));
    const b = await loadModel<FakeModel>(path.join(dir, 'n1'), fakeRegistry());
    await saveModel(b, path.join(dir, 'm.pt'));
    const pt = readTorchStateDict(new Uint8Array(fs.readFileSync(path.join(dir, 'm.pt'))));
    expect([...pt.keys()]).toEqual(['layers.0.heads.0.w', 'layers.0.heads.0.w_remainder', 'layers.1.heads.0.w']);
    const c = fakeModel({ seed: 99 });
    const report = await loadStateDict(c, path.join(dir, 'm.pt'));
    expect(report.missing).toEqual(['layers.1.heads.0.aux_buffer']);
    await saveModel(c, path.join(dir, 'n2'));
    const d = await loadModel<FakeModel>(path.join(dir, 'n2'), fakeRegistry());
    expect(weights(d)).toEqual(weights(a));
    expect(await outputs(d)).toEqual(await outputs(a));
    [a, b, c, d].forEach((m) => m.dispose());
  });

  it('native → safetensors → native keeps the config in __metadata__', async () => {
    const a = fakeModel({ seed: 5, h: 6 });
    await saveModel(a, path.join(dir, 'x.safetensors'));
    const st = readSafetensors(new Uint8Array(fs.readFileSync(path.join(dir, 'x.safetensors'))));
    expect(JSON.parse(st.metadata.rpn_config!)).toEqual(a.toConfig());
    expect(st.metadata.format).toBe('pt');
    const ck = await loadCheckpoint<FakeModel>(path.join(dir, 'x.safetensors'), fakeRegistry());
    await saveModel(ck.model, path.join(dir, 'n'));
    const b = await loadModel<FakeModel>(`file://${path.join(dir, 'n')}`, fakeRegistry());
    expect(weights(b)).toEqual(weights(a));
    [a, ck.model, b].forEach((m) => m.dispose());
  });

  it('keeps metadata and training state', async () => {
    const a = fakeModel();
    await saveModel(a, path.join(dir, 'c'), { metadata: { author: 'me', tags: ['x'] }, trainingState: { epoch: 3, step: 120 } });
    const ck = await loadCheckpoint(path.join(dir, 'c'), fakeRegistry());
    expect(ck.metadata).toEqual({ author: 'me', tags: ['x'] });
    expect(ck.trainingState).toEqual({ epoch: 3, step: 120 });
    expect(ck.config).toEqual(a.toConfig());
    a.dispose();
    (ck.model as FakeModel).dispose();
  });

  it('saves optimizer state so training resumes exactly', async () => {
    const xs = x();
    const ys = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const step = (m: FakeModel, opt: tf.Optimizer) => { const cost = opt.minimize(() => tf.losses.meanSquaredError(ys, m.forward(xs)) as tf.Scalar, true, m.vars.slice(0, 3)); cost?.dispose(); };
    const a = fakeModel({ seed: 21 });
    const optA = tf.train.adam(0.05);
    for (let i = 0; i < 3; i++) step(a, optA);
    await saveModel(a, path.join(dir, 'o'), { optimizer: optA, trainingState: { step: 3 } });
    const optB = tf.train.adam(0.05);
    const ck = await loadCheckpoint<FakeModel>(path.join(dir, 'o'), fakeRegistry(), { optimizer: optB });
    expect(ck.optimizer?.className).toBe('Adam');
    const b = ck.model;
    // variable names differ between a and b: map b's optimizer slots to b's variables by order
    step(a, optA);
    step(b, optB);
    expect(weights(b)).toEqual(weights(a));
    optA.dispose(); optB.dispose(); a.dispose(); b.dispose(); tf.dispose([xs, ys]);
  });
});

describe('loadStateDict strict / non-strict', () => {
  const sdOf = (m: FakeModel) => new Map(modelStateDict(m));

  it('strict rejects missing, unexpected and mis-shaped names, naming each, and assigns nothing', () => {
    const a = fakeModel({ seed: 1 });
    const sd = sdOf(a);
    sd.delete('layers.0.heads.0.w');
    sd.set('layers.9.heads.0.w', tensorFromValues('float32', [1], [1]));
    sd.set('layers.1.heads.0.w', tensorFromValues('float32', [2, 2], [1, 2, 3, 4]));
    const b = fakeModel({ seed: 2 });
    const before = weights(b);
    let err: unknown;
    try { assignStateDict(b, sd); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(CheckpointError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/missing: layers\.0\.heads\.0\.w/);
    expect(msg).toMatch(/unexpected: layers\.9\.heads\.0\.w/);
    expect(msg).toMatch(/layers\.1\.heads\.0\.w \(model \[1, 15\], file \[2, 2\]\)/);
    expect(weights(b)).toEqual(before);
    a.dispose(); b.dispose();
  });

  it('non-strict loads what fits and reports the rest', () => {
    const a = fakeModel({ seed: 1 });
    const sd = sdOf(a);
    sd.delete('layers.0.heads.0.w');
    sd.set('extra', tensorFromValues('float32', [1], [1]));
    const b = fakeModel({ seed: 2 });
    const r = assignStateDict(b, sd, { strict: false });
    expect(r.missing).toEqual(['layers.0.heads.0.w']);
    expect(r.unexpected).toEqual(['extra']);
    expect(r.loaded).toContain('layers.1.heads.0.w');
    expect(Array.from(b.vars[2]!.dataSync())).toEqual(Array.from(a.vars[2]!.dataSync()));
    a.dispose(); b.dispose();
  });

  it('optional names may be missing in strict mode (tinyBIG files lack them)', () => {
    const a = fakeModel();
    const sd = sdOf(a);
    sd.delete('layers.1.heads.0.aux_buffer');
    const r = assignStateDict(a, sd);
    expect(r.missing).toEqual(['layers.1.heads.0.aux_buffer']);
    a.dispose();
  });

  it('converts float64 / int dtypes into the float32 variables', () => {
    const a = fakeModel({ m: 2, h: 1, n: 1 });
    const sd = new Map<string, RawTensor>([
      ['layers.0.heads.0.w', tensorFromValues('float64', [1, 2], [0.1, 0.2])],
      ['layers.0.heads.0.w_remainder', tensorFromValues('int64', [1, 2], [3, -4])],
      ['layers.1.heads.0.w', tensorFromValues('bfloat16', [1, 1], [1.5])],
    ]);
    assignStateDict(a, sd);
    expect(Array.from(a.vars[0]!.dataSync())).toEqual(Array.from(Float32Array.from([0.1, 0.2])));
    expect(Array.from(a.vars[1]!.dataSync())).toEqual([3, -4]);
    expect(Array.from(a.vars[2]!.dataSync())).toEqual([1.5]);
    a.dispose();
  });
});

describe('atomic saves', () => {
  /** A file system whose writeFile writes `budget` bytes in total, then fails mid-file. */
  async function failingFs(budget: number): Promise<FileSystem> {
    const real = await nodeFileSystem();
    let left = budget;
    return {
      ...real,
      async writeFile(file, data) {
        if (data.length > left) { fs.writeFileSync(file, data.subarray(0, left)); left = 0; throw new Error('disk full (simulated)'); }
        left -= data.length;
        return real.writeFile(file, data);
      },
    };
  }

  for (const target of ['native', 'm.pt', 'm.safetensors']) {
    it(`${target}: a save failing at any byte leaves the previous checkpoint loadable`, async () => {
      const where = path.join(dir, target);
      const a = fakeModel({ seed: 1 });
      await saveModel(a, where);
      const expected = await readStateDict(where);
      const b = fakeModel({ seed: 2 });
      // total bytes a full save writes
      const probe = path.join(dir, 'probe', target);
      await saveModel(b, probe);
      const total = fs.statSync(probe).isDirectory() ? fs.readdirSync(probe).reduce((s, f) => s + fs.statSync(path.join(probe, f)).size, 0) : fs.statSync(probe).size;
      const r = rng(total);
      const cuts = [0, 1, total - 1, ...Array.from({ length: 6 }, () => Math.floor(r() * total))];
      for (const cut of cuts) {
        await expect(saveModel(b, where, { fs: await failingFs(cut) })).rejects.toThrow(/simulated/);
        const got = await readStateDict(where);
        expect([...got.keys()]).toEqual([...expected.keys()]);
        for (const [k, t] of expected) expect(got.get(k)!.data).toEqual(t.data);
        // no temporary files left behind
        const folder = fs.statSync(where).isDirectory() ? where : dir;
        expect(fs.readdirSync(folder).filter((f) => f.includes('.tmp-'))).toEqual([]);
      }
      a.dispose(); b.dispose();
    });
  }
});

describe('corrupt native checkpoints', () => {
  it('weights.bin shorter than the manifest, flipped bytes and broken model.json give typed errors', async () => {
    const a = fakeModel();
    const where = path.join(dir, 'n');
    await saveModel(a, where);
    const wb = fs.readFileSync(path.join(where, 'weights.bin'));
    const mj = fs.readFileSync(path.join(where, 'model.json'));
    const r = rng(5);
    for (let i = 0; i < 20; i++) {
      fs.writeFileSync(path.join(where, 'weights.bin'), wb.subarray(0, Math.floor(r() * wb.length)));
      await expect(readStateDict(where)).rejects.toThrow(/shorter than the manifest/);
    }
    for (let i = 0; i < 20; i++) {
      const b = Buffer.from(wb);
      b[Math.floor(r() * b.length)] ^= 1 + Math.floor(r() * 255);
      fs.writeFileSync(path.join(where, 'weights.bin'), b);
      await expect(readStateDict(where)).rejects.toThrow(CheckpointError);
    }
    fs.writeFileSync(path.join(where, 'weights.bin'), wb);
    for (let cut = 0; cut < mj.length; cut += Math.max(1, Math.floor(mj.length / 25))) {
      fs.writeFileSync(path.join(where, 'model.json'), mj.subarray(0, cut));
      await expect(readStateDict(where)).rejects.toThrow(CheckpointError);
    }
    fs.rmSync(path.join(where, 'model.json'));
    await expect(readStateDict(where)).rejects.toThrow(CheckpointError);
    a.dispose();
  });

  it('a weights path escaping the folder is rejected', async () => {
    const a = fakeModel();
    const where = path.join(dir, 'n');
    await saveModel(a, where);
    const mj = JSON.parse(fs.readFileSync(path.join(where, 'model.json'), 'utf8'));
    mj.weightsManifest[0].paths = ['../../etc/passwd'];
    fs.writeFileSync(path.join(where, 'model.json'), JSON.stringify(mj));
    await expect(readStateDict(where)).rejects.toThrow(/escapes/);
    a.dispose();
  });
});

describe('readStateDict format detection', () => {
  it('reads tinyBIG save_ckpt files without extension by sniffing', async () => {
    fs.writeFileSync(path.join(dir, 'checkpoint'), readGolden('rpn_model_float64.pt'));
    const sd = await readStateDict(path.join(dir, 'checkpoint'));
    expect([...sd.keys()]).toContain('layers.1.heads.0.w_remainder');
    expect((await readStateDict(readGolden('dtype_probe.pt'))).size).toBe(15);
  });

  it('.pt → safetensors → .pt keeps every dtype byte for byte', async () => {
    const sd = readTorchStateDict(readGolden('dtype_probe.pt'));
    await saveStateDict(sd, path.join(dir, 'p.safetensors'));
    await saveStateDict(await readStateDict(path.join(dir, 'p.safetensors')), path.join(dir, 'p.pt'));
    const back = await readStateDict(path.join(dir, 'p.pt'));
    for (const [k, t] of sd) { expect(back.get(k)!.dtype).toBe(t.dtype); expect(back.get(k)!.data).toEqual(t.data); }
  });

  it('.pt → native → .pt keeps names, shapes and dtypes (values at float32/int32 precision)', async () => {
    const sd = readTorchStateDict(readGolden('dtype_probe.pt'));
    sd.forEach((t, k) => { if (k === 'idx_int64') (sd as Map<string, RawTensor>).delete(k); }); // ±1e12 does not fit int32
    await saveStateDict(sd, path.join(dir, 'nat'));
    const back = await readStateDict(path.join(dir, 'nat'));
    for (const [k, t] of sd) {
      expect(back.get(k)!.dtype, k).toBe(t.dtype);
      expect(back.get(k)!.shape, k).toEqual(t.shape);
      expect(Array.from(tensorValues(back.get(k)!)), k).toEqual(Array.from(Float32Array.from(tensorValues(t))));
    }
    await expect(saveStateDict(readTorchStateDict(readGolden('dtype_probe.pt')), path.join(dir, 'nat2'))).rejects.toThrow(/int32/);
  });
});
