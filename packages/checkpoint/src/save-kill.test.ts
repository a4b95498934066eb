import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNative } from './model-io.js';
import { readSafetensors } from './safetensors.js';
import { rng } from './test-utils.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'hostile', 'save-child.mjs');
const N = 1 << 20; // 1 M float32 = 4 MB per save (a few hundred write and fsync calls wide)
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-kill-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Child { proc: ChildProcess; ready: Promise<void>; saving(j: number): Promise<void>; saved: number[]; starts: number[]; exited: Promise<void> }

function spawnChild(mode: string, target: string, start: number, env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, [CHILD, mode, target, String(start), String(N)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const saved: number[] = [];
  let onReady!: () => void;
  const ready = new Promise<void>((r) => { onReady = r; });
  const starts: number[] = []; // when each save began
  const waiters: [number, () => void][] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { const l = buf.slice(0, i); buf = buf.slice(i + 1); if (l === 'ready') onReady(); else if (l.startsWith('saving ')) { starts.push(Date.now()); for (const [j, w] of waiters) if (starts.length > j) w(); } else if (l.startsWith('saved ')) saved.push(Number(l.slice(6))); }
  });
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  const saving = (j: number) => new Promise<void>((r) => { if (starts.length > j) r(); else waiters.push([j, r]); });
  return { proc, ready, saving, saved, starts, exited };
}

const ours = (dir: string) => fs.readdirSync(dir).filter((f) => f.includes('.tmp-') || /^weights.*\.bin$/.test(f));

async function loadedVersion(mode: string, target: string): Promise<number> {
  if (mode === 'native') {
    const ck = await readNative(target); // checks the weights' digest against model.json
    const w = new Float32Array(ck.stateDict.get('w')!.data.slice().buffer);
    const v = Number(ck.metadata.version);
    for (const i of [0, 1, N >> 1, N - 1]) expect(w[i]).toBe(v);
    return v;
  }
  const st = readSafetensors(new Uint8Array(fs.readFileSync(target)));
  const w = new Float32Array(st.tensors.get('w')!.data.slice().buffer);
  const v = Number(st.metadata.version);
  for (const i of [0, 1, N >> 1, N - 1]) expect(w[i]).toBe(v);
  return v;
}

describe('SIGKILL at random points of a large save (item 7)', () => {
  for (const [mode, kills] of [['native', 24], ['safetensors', 6]] as const) {
    it(`${mode}: ${kills} kills never leave the target without a loadable checkpoint, old or new; the next save removes stale temp files`, async () => {
      const dir = path.join(root, mode);
      fs.mkdirSync(dir);
      const target = mode === 'native' ? path.join(dir, 'ck') : path.join(dir, 'm.safetensors');
      const first = spawnChild(mode, target, 0, { SAVE_ONCE: '1' });
      await first.ready;
      const s0 = Date.now();
      first.proc.stdin!.write('go\n');
      await first.exited;
      let saveMs = Date.now() - s0; // running estimate of one save's duration
      let last = await loadedVersion(mode, target);
      expect(last).toBe(0);
      const r = rng(mode === 'native' ? 13 : 14);
      const t0 = Date.now();
      const pool = [spawnChild(mode, target, 1000), spawnChild(mode, target, 2000)];
      let midSave = 0;
      const outcomes = { old: 0, new: 0 };
      let maxStale = 0;
      for (let k = 0; k < kills; k++) {
        const c = pool.shift()!;
        pool.push(spawnChild(mode, target, (k + 3) * 1000)); // warm children start while this one saves
        await c.ready;
        c.proc.stdin!.write('go\n');
        // let 0 or 1 saves complete, then kill at a random point of the next one
        const j = Math.floor(r() * 2);
        await c.saving(j);
        const delay = Math.floor(r() * saveMs);
        await new Promise((res) => setTimeout(res, delay));
        c.proc.kill('SIGKILL');
        await c.exited;
        if (c.starts.length > 1) saveMs = Math.round(0.5 * saveMs + 0.5 * (c.starts[1]! - c.starts[0]!));
        const v = await loadedVersion(mode, target);
        // old or new: the last committed version before the kill, or one this child saved or was saving
        expect(v === last || (v >= (k + 1) * 1000 && v <= (k + 1) * 1000 + c.saved.length), `kill ${k}: loaded ${v}, last ${last}, saved ${c.saved}`).toBe(true);
        if (v === last) outcomes.old++; else outcomes.new++;
        if (v === (k + 1) * 1000 + c.saved.length) midSave++;
        last = v;
        maxStale = Math.max(maxStale, ours(mode === 'native' ? target : dir).filter((f) => f.includes('.tmp-')).length);
      }
      for (const c of pool) { c.proc.kill('SIGKILL'); await c.exited; }
      // one complete save afterwards: no stale temp files, one weights file
      const done = spawnChild(mode, target, 99_000, { SAVE_ONCE: '1' });
      await done.ready; done.proc.stdin!.write('go\n'); await done.exited;
      expect(await loadedVersion(mode, target)).toBe(99_000);
      const left = ours(mode === 'native' ? target : dir);
      expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
      if (mode === 'native') expect(left).toHaveLength(1);
      expect(maxStale).toBeLessThanOrEqual(2);
      expect(outcomes.old + outcomes.new).toBe(kills);
      console.log(`${mode}: ${kills} kills in ${Date.now() - t0} ms; loaded the previous version ${outcomes.old}×, a version the killed child committed ${outcomes.new}× (${midSave}× its last save, killed after the commit); at most ${maxStale} stale temp file(s) left by a kill`);
    }, 120_000);
  }
});
