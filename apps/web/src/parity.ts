import type { Registry } from '@rpn/core';
// the golden harness of the `rpn` CLI, without its file-system part (apps/rpn/src/golden/run-case.ts)
import { FAMILIES, runCaseIn, type CaseResult } from '../../rpn/src/golden/run-case.js';
import { checkpointCase } from '../../rpn/src/golden/families/checkpoint.js';
import type { GoldenCase } from '../../rpn/src/golden/types.js';

let base = './';
/** Where the vendored `golden/` folder is served (the page's base URL + `golden/`). */
export function setGoldenBase(url: string): void { base = url; }

async function fetchOk(file: string): Promise<Response> {
  const r = await fetch(new URL(file, base));
  if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
  return r;
}

/** The cases of one family, from the served golden JSON (or, for `checkpoint`, the sidecars of `checkpoints/`). */
async function casesOf(family: string, files: readonly string[]): Promise<GoldenCase[]> {
  if (family === 'checkpoint') {
    const sidecars = files.filter((f) => /^checkpoints\/[^/]+\.json$/.test(f)).sort();
    return Promise.all(sidecars.map(async (f) => checkpointCase(f.slice('checkpoints/'.length), await (await fetchOk(f)).json())));
  }
  if (!files.includes(`${family}.json`)) return [];
  return ((await (await fetchOk(`${family}.json`)).json()).cases ?? []) as GoldenCase[];
}

/** Per-family counts of a parity run. */
export interface ParityCounts { readonly family: string; readonly passed: number; readonly failed: number; readonly documented: number }

/** Runs the golden suite in this page's backend, family by family, reporting each case. */
export async function runParity(registry: Registry, families: readonly string[] | undefined, onCase: (r: CaseResult) => void): Promise<{ families: ParityCounts[]; backend: string }> {
  const files = (await (await fetchOk('index.json')).json()) as string[];
  const env = { registry, dir: base, readBytes: async (file: string) => new Uint8Array(await (await fetchOk(file)).arrayBuffer()) };
  const counts: ParityCounts[] = [];
  for (const family of families ?? FAMILIES) {
    const c = { family, passed: 0, failed: 0, documented: 0 };
    for (const gc of await casesOf(family, files)) {
      const r = await runCaseIn(gc, env);
      c[r.status]++;
      onCase(r);
    }
    counts.push(c);
  }
  const { getBackend } = await import('@tensorflow/tfjs-core');
  return { families: counts, backend: getBackend() };
}
