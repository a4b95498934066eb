import * as tf from '@tensorflow/tfjs-core';
import { ADAPTERS } from './families/index.js';
import { DOCUMENTED_DIFFERENCES, documentedRule } from './differences.js';
import type { GoldenCase, GoldenEnv } from './types.js';

// The golden harness without the file system: the CLI (runner.ts) and the browser's parity page both run cases with it.

export type CaseStatus = 'passed' | 'failed' | 'documented';

export interface CaseResult {
  readonly id: string;
  readonly family: string;
  readonly status: CaseStatus;
  readonly message?: string;
}

/** The families the suite knows, in report order. */
export const FAMILIES: readonly string[] = ADAPTERS.map((a) => a.family);

/**
 * Runs one case: passes, fails (with a message) or is a documented difference. Never skipped.
 * Listed ids are documented whatever the run gives; a generic rule (differences.ts) documents a
 * case only when its adapted check passed.
 */
export async function runCaseIn(c: GoldenCase, env: GoldenEnv): Promise<CaseResult> {
  const adapter = ADAPTERS.find((a) => a.family === c.family);
  const before = tf.memory().numTensors;
  let status: CaseStatus = 'passed';
  let message: string | undefined;
  try {
    if (!adapter) throw new Error(`no adapter for family ${c.family}`);
    await adapter.run(c, env);
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
