import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Registry } from '@rpn/core';
import { FAMILIES, runCaseIn, type CaseResult } from './run-case.js';
import type { GoldenCase } from './types.js';
import { checkpointCase } from './families/checkpoint.js';

export { FAMILIES, runCaseIn, summarize, type CaseResult, type CaseStatus } from './run-case.js';

/** The `checkpoints/` folder of a golden directory as cases, one per sidecar JSON. */
export function checkpointCases(dir: string): GoldenCase[] {
  const folder = path.join(dir, 'checkpoints');
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort().map((f) => checkpointCase(f, JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8'))));
}

/** Reads the cases of one family file (`<dir>/<family>.json`). */
export function loadCases(dir: string, family: string): GoldenCase[] {
  if (family === 'checkpoint') return checkpointCases(dir);
  const file = path.join(dir, `${family}.json`);
  if (!fs.existsSync(file)) return [];
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  return (doc.cases ?? []) as GoldenCase[];
}

/** Files of a golden directory that are not families (summary and tinyBIG failure lists). */
const NOT_FAMILIES = new Set(['index', 'failures']);

/** The repository root: the first folder above this module that holds `golden-families.json`. */
export function repositoryRoot(from: string = import.meta.dirname): string | undefined {
  let d = from;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(d, 'golden-families.json'))) return d;
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return undefined;
}

/** The repository's own vendored copy of the golden vectors (`<root>/golden`). */
export function vendoredGoldenDir(): string {
  const root = repositoryRoot();
  return root ? path.join(root, 'golden') : path.resolve('golden');
}

/** The default golden directory: `$RPN_GOLDEN_DIR`, else the vendored `golden/` of the repository. */
export function defaultGoldenDir(): string {
  return process.env.RPN_GOLDEN_DIR ? path.resolve(process.env.RPN_GOLDEN_DIR) : vendoredGoldenDir();
}

/** Family files in `dir` (`<family>.json`) that the suite has no adapter for. */
export function unknownFamilies(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .filter((f) => !NOT_FAMILIES.has(f) && !FAMILIES.includes(f))
    .sort();
}

/** Runs one case of the golden directory `dir` (checkpoint files read with node:fs). */
export function runCase(c: GoldenCase, registry: Registry, dir: string): Promise<CaseResult> {
  return runCaseIn(c, { registry, dir, readBytes: (file) => new Uint8Array(fs.readFileSync(path.join(dir, file))) });
}

/** Runs every case of the given families. */
export async function runGolden(opts: { dir: string; families?: readonly string[]; registry: Registry; onResult?: (r: CaseResult) => void }): Promise<CaseResult[]> {
  const families = opts.families ?? FAMILIES;
  const results: CaseResult[] = [];
  for (const family of families) {
    for (const c of loadCases(opts.dir, family)) {
      const r = await runCase(c, opts.registry, opts.dir);
      results.push(r);
      opts.onResult?.(r);
    }
  }
  return results;
}

