import { fileURLToPath } from 'node:url';
import { readYaml } from '../config-file.js';
import { runExperiment, type TrainCommandOptions, type TrainRun } from './train.js';

/** The embedded default experiment (`configs/start_mnist_dual_lphm.yaml`, shipped with the app). */
export function startConfigPath(): string {
  return fileURLToPath(new URL('../../configs/start_mnist_dual_lphm.yaml', import.meta.url));
}

/**
 * `rpn start` (`pnpm start`): tinyBIG's MNIST dual-LPHM model (784→64→64→10, Taylor d=2 with
 * LayerNorm, dual_lphm, 9,330 parameters; AdamW lr 2e-3, wd 2e-4, ExponentialLR 0.9, batch 64)
 * on the embedded MNIST split for 3 epochs, printing the test accuracy per epoch.
 */
export async function startCommand(o: TrainCommandOptions): Promise<TrainRun> {
  const file = startConfigPath();
  const doc = readYaml(file);
  return runExperiment(doc, file, 'start_mnist_dual_lphm', { ...o, out: o.out === undefined ? null : o.out });
}
