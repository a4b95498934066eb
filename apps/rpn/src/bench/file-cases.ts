import { fileURLToPath } from 'node:url';
import { readYaml } from '../config-file.js';
import { benchExperiment, type ConfigBenchOptions } from './config-bench.js';
import type { BenchCase } from './types.js';

/** tinyBIG's experiment files shipped with the app (`apps/rpn/configs/`). */
export const CONFIG_DIR = new URL('../../configs/', import.meta.url);
/** The bench-only experiment files (`apps/rpn/bench-configs/`): config D and the RPN 2 models. */
export const BENCH_CONFIG_DIR = new URL('../../bench-configs/', import.meta.url);

/** The path of an experiment file in {@link CONFIG_DIR} or {@link BENCH_CONFIG_DIR}. */
export const configPath = (dir: URL, file: string): string => fileURLToPath(new URL(file, dir));

/** A bench case that runs {@link benchExperiment} on one experiment file (its optimizer, loss and batch size). */
export function fileCase(name: string, dir: URL, file: string, o: ConfigBenchOptions = {}): BenchCase {
  return {
    name,
    async run({ reps }) {
      const p = configPath(dir, file);
      // --reps raises the number of timed steps above the automatic choice, never lowers it
      return benchExperiment(readYaml(p), file, { ...o, ...(o.steps === undefined && reps > 5 ? { steps: reps } : {}) });
    },
  };
}

/** κ(x) of the first layer is b × 615,440 floats: the materialised path cannot run b = 1000 in a wasm heap. */
const MATERIALISED_B1000_NOTE = 'b = 1000 skipped: the materialised path builds κ(x) of 1000 × 615,440 floats (2.5 GB), beyond the wasm heap';

/**
 * The configs A–D (and their fast paths off, `…_materialized`), each run from its experiment
 * file with that file's optimizer (AdamW), loss and batch size:
 * A `mnist_dual_lphm` (mnist_dual_lphm_configs.yaml), B `mnist_identity` (mnist_configs.yaml),
 * C `elementary` (elementary_configs.yaml), D `kan_784_64_10` (bench-configs/kan_like_mnist_configs.yaml:
 * B-spline t=5 d=3, identity reconciliation, zero remainder).
 */
export function configCases(): BenchCase[] {
  return [
    fileCase('elementary', CONFIG_DIR, 'elementary_configs.yaml', { fastPaths: true }),
    fileCase('elementary_materialized', CONFIG_DIR, 'elementary_configs.yaml', { fastPaths: false }),
    fileCase('kan_784_64_10', BENCH_CONFIG_DIR, 'kan_like_mnist_configs.yaml', { fastPaths: true }),
    fileCase('kan_784_64_10_materialized', BENCH_CONFIG_DIR, 'kan_like_mnist_configs.yaml', { fastPaths: false }),
    fileCase('mnist_dual_lphm', CONFIG_DIR, 'mnist_dual_lphm_configs.yaml', { fastPaths: true }),
    fileCase('mnist_dual_lphm_materialized', CONFIG_DIR, 'mnist_dual_lphm_configs.yaml', { fastPaths: false, inferB1000: MATERIALISED_B1000_NOTE }),
    fileCase('mnist_identity', CONFIG_DIR, 'mnist_configs.yaml', { fastPaths: true }),
    fileCase('mnist_identity_materialized', CONFIG_DIR, 'mnist_configs.yaml', { fastPaths: false, inferB1000: MATERIALISED_B1000_NOTE }),
  ];
}

/** The RPN 2 bench files (cnn, gcn, rnn, transformer) in tinyBIG's config format. */
export function rpn2FileCases(): BenchCase[] {
  return [
    fileCase('file_cnn_mnist', BENCH_CONFIG_DIR, 'cnn_mnist_bench_configs.yaml'),
    fileCase('file_gcn_cora', BENCH_CONFIG_DIR, 'gcn_cora_bench_configs.yaml'),
    fileCase('file_rnn_sp500', BENCH_CONFIG_DIR, 'rnn_sp500_bench_configs.yaml'),
    fileCase('file_transformer_mnist', BENCH_CONFIG_DIR, 'transformer_mnist_bench_configs.yaml'),
  ];
}
