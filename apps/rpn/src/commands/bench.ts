import * as path from 'node:path';
import { ValueError, type BackendInfo } from '@rpn/core';
import { allBenchCases, benchExperiment } from '../bench/index.js';
import { profileExperiment } from '../bench/profile.js';
import { readYaml } from '../config-file.js';

/**
 * `rpn bench [--case NAME]`: one JSON line per case with `case`, `backend`, `simd`, `threads` and the
 * case's medians (`train_samples_per_s`, `infer_samples_per_s_b1`, `infer_samples_per_s_b1000`,
 * `peak_rss_mb`, …). Peak RSS is the process's peak so far: run one case per process for its own.
 * `rpn bench --config FILE [--steps N --batch N]`: one JSON line for the model of that experiment file
 * (see `benchExperiment`); with `--profile`, one training step's kernel profile instead (see `profileExperiment`).
 */
export async function benchCommand(o: { backend: BackendInfo; cases?: readonly string[]; reps?: number; print?: (l: string) => void; list?: boolean; config?: string; steps?: number; batch?: number; profile?: boolean }): Promise<Record<string, unknown>[]> {
  const print = o.print ?? ((l: string) => console.log(l));
  const head = { backend: o.backend.backend, simd: o.backend.simd, threads: o.backend.threads };
  if (o.config !== undefined) {
    if (o.cases?.length) throw new ValueError('--config and --case cannot be combined', { argument: '--config', expected: 'either --config FILE or --case NAMES', received: `--case ${o.cases.join(',')}` });
    const doc = readYaml(o.config, '--config');
    const fields = o.profile ? await profileExperiment(doc, path.basename(o.config), { batch: o.batch }) : await benchExperiment(doc, path.basename(o.config), { steps: o.steps, batch: o.batch });
    const line = { case: `config:${path.basename(o.config)}`, ...head, ...fields };
    print(JSON.stringify(line));
    return [line];
  }
  if (o.profile) throw new ValueError('--profile needs --config', { argument: '--profile', expected: '--config FILE', received: 'no --config' });
  if (o.steps !== undefined || o.batch !== undefined) throw new ValueError('--steps and --batch need --config', { argument: o.steps !== undefined ? '--steps' : '--batch', expected: '--config FILE', received: 'no --config' });
  const all = allBenchCases();
  if (o.list) { for (const c of all) print(c.name); return []; }
  const names = all.map((c) => c.name);
  for (const n of o.cases ?? []) {
    if (!names.includes(n)) throw new ValueError('unknown bench case', { argument: '--case', expected: `one of ${names.join(', ')}`, received: JSON.stringify(n) });
  }
  const chosen = o.cases?.length ? all.filter((c) => o.cases!.includes(c.name)) : all;
  const out: Record<string, unknown>[] = [];
  for (const c of chosen) {
    let fields: Record<string, unknown>;
    try {
      fields = await c.run({ reps: o.reps ?? 5 });
    } catch (e) {
      fields = { error: (e as Error).message };
    }
    const line = { case: c.name, ...head, ...fields };
    out.push(line);
    print(JSON.stringify(line));
  }
  return out;
}
