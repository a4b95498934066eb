import type { BenchCase } from './types.js';
import { expansionBenchCases } from './expansion-cases.js';
import { mnistBenchCases } from './mnist-cases.js';
import { matMulBenchCase, trainBenchCases } from './train-cases.js';
import { gcnKarateBenchCase } from './graph-cases.js';
import { rnnBenchCases } from './rnn-cases.js';

export type { BenchCase } from './types.js';

/** Every case of `pnpm bench`, in the order they run. */
export function allBenchCases(): BenchCase[] {
  return [matMulBenchCase(), ...trainBenchCases(), gcnKarateBenchCase(), ...mnistBenchCases(), ...expansionBenchCases(), ...rnnBenchCases()];
}
