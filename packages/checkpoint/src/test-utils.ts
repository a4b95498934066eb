import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `$RPN_GOLDEN_DIR`, else the first `shared/golden` found walking up from this file. */
export function goldenDir(): string {
  if (process.env.RPN_GOLDEN_DIR) return process.env.RPN_GOLDEN_DIR;
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const cand = path.resolve(d, '..', 'shared', 'golden');
    if (fs.existsSync(cand)) return cand;
    d = path.dirname(d);
  }
  throw new Error('shared/golden not found; set RPN_GOLDEN_DIR');
}

export function readGolden(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(goldenDir(), 'checkpoints', name)));
}

export function readGoldenJson<T = any>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(goldenDir(), 'checkpoints', name), 'utf8')) as T;
}

/** Deterministic PRNG (mulberry32) for fuzz loops. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
