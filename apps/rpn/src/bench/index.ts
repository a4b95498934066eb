import type { BenchCase } from './types.js';
import { expansionBenchCases } from './expansion-cases.js';
import { cnnBenchCases } from './cnn-cases.js';
import { matMulBenchCase } from './train-cases.js';
import { gcnKarateBenchCase } from './graph-cases.js';
import { rnnBenchCases } from './rnn-cases.js';
import { configCases, rpn2FileCases } from './file-cases.js';

export type { BenchCase } from './types.js';
export { benchExperiment, type ConfigBenchOptions } from './config-bench.js';

/** Every case of `pnpm bench`, in the order they run. */
export function allBenchCases(): BenchCase[] {
  return [matMulBenchCase(), ...configCases(), gcnKarateBenchCase(), ...cnnBenchCases(), ...rpn2FileCases(), ...expansionBenchCases(), ...rnnBenchCases()];
}
