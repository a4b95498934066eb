import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Registry } from '@rpn/core';
import { ADAPTERS } from './families/index.js';
import { DOCUMENTED_DIFFERENCES, documentedRule } from './differences.js';
import type { GoldenCase } from './types.js';
import { checkpointCases } from './families/checkpoint.js';

export type CaseStatus = 'passed' | 'failed' | 'documented';

export interface CaseResult {
  readonly id: string;
  readonly family: string;
  readonly status: CaseStatus;
  readonly message?: string;
}

/** The families the suite knows, in report order. */
export const FAMILIES: readonly string[] = ADAPTERS.map((a) => a.family);

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

/**
 * Runs one case: passes, fails (with a message) or is a documented difference. Never skipped.
 * Listed ids are documented whatever the run gives; a generic rule (differences.ts) documents a
 * case only when its adapted check passed.
 */
export async function runCase(c: GoldenCase, registry: Registry, dir: string): Promise<CaseResult> {
  const adapter = ADAPTERS.find((a) => a.family === c.family);
  const before = tf.memory().numTensors;
  let status: CaseStatus = 'passed';
  let message: string | undefined;
  try {
    if (!adapter) throw new Error(`no adapter for family ${c.family}`);
    await adapter.run(c, { registry, dir });
    const leaked = tf.memory().numTensors - before;
    if (leaked > 0) throw new Error(`leaked ${leaked} tensors`);
  } catch (e) {
    status = 'failed';
    message = e instanceof Error ? e.message : String(e);
  }
  const doc = DOCUMENTED_DIFFERENCES[c.id];
  if (doc) return { id: c.id, family: c.family, status: 'documented', message: `${doc}${status === 'passed' ? '' : ` [run: ${message}]`}` };
  // A generic rule documents a case only when the adapter's adapted check passed.
  const rule = documentedRule(c);
  if (rule && status === 'passed') return { id: c.id, family: c.family, status: 'documented', message: `${rule.name}: ${rule.reason}` };
  return { id: c.id, family: c.family, status, message };
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

/** Summary lines: one per family, then `golden: N passed, F failed, K documented differences`. */
export function summarize(results: readonly CaseResult[], families: readonly string[]): string[] {
  const lines: string[] = [];
  for (const f of families) {
    const rs = results.filter((r) => r.family === f);
    const p = rs.filter((r) => r.status === 'passed').length;
    const fl = rs.filter((r) => r.status === 'failed').length;
    const d = rs.filter((r) => r.status === 'documented').length;
    lines.push(`${f}: ${p} passed, ${fl} failed${d ? `, ${d} documented differences` : ''}`);
  }
  const p = results.filter((r) => r.status === 'passed').length;
  const fl = results.filter((r) => r.status === 'failed').length;
  const d = results.filter((r) => r.status === 'documented').length;
  lines.push(`golden: ${p} passed, ${fl} failed, ${d} documented differences`);
  return lines;
}
