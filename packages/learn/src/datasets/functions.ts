import type { EvalFunction, MathJsInstance } from 'mathjs';
import { ValueError } from '@rpn/core';
import { makeSplit, type Dataset } from '../data.js';
import { mt19937 } from '../random.js';
import { sampleCount, splitSize } from './checks.js';
import { COMPOSITE_EQUATIONS, DIMENSIONLESS_FEYNMAN_EQUATIONS, ELEMENTARY_EQUATIONS, FEYNMAN_EQUATIONS } from './equations.js';

let mathjs: Promise<MathJsInstance> | undefined;

/**
 * The mathjs instance, loaded on first use: importing mathjs costs about 80 MB of memory and 0.3 s,
 * which every process that never builds a function dataset (training MNIST, benches, the browser
 * app's other pages) would otherwise pay at start-up.
 */
function loadMath(): Promise<MathJsInstance> {
  mathjs ??= import('mathjs').then(({ create, all }) => create(all, { predictable: true }));
  return mathjs;
}

/** One parsed formula record. */
export interface Equation {
  readonly file: string;
  readonly number: number;
  readonly output: string;
  /** The formula as tinyBIG writes it (Python syntax). */
  readonly formula: string;
  readonly variables: readonly { name: string; low: number; high: number }[];
}

/** Parses tinyBIG's `file,number,output,formula,#vars,name,low,high,…` record. */
export function parseEquation(record: string): Equation {
  const c = record.split(',');
  const variables: { name: string; low: number; high: number }[] = [];
  // Every listed variable is read, up to the first empty name. tinyBIG reads only `#variables` of them,
  // which leaves I.18.12, I.18.14, I.38.12 and III.19.51 with a variable of the formula undefined
  // (their counts are one short); reading the list fixes those and changes nothing else.
  for (let i = 0; 5 + 3 * i < c.length; i++) {
    const name = c[5 + 3 * i];
    if (name === undefined || name === '') break;
    variables.push({ name, low: c[6 + 3 * i] === '' ? 0 : Number(c[6 + 3 * i]), high: c[7 + 3 * i] === '' ? 1 : Number(c[7 + 3 * i]) });
  }
  return Object.freeze({ file: c[0], number: Number(c[1]), output: c[2], formula: c[3], variables: Object.freeze(variables) });
}

/** Python/sympy formula syntax → mathjs syntax (`**` → `^`, `ln` → `log`, `arcsin` → `asin`, …). */
export function toMathjs(formula: string): string {
  return formula.replace(/\*\*/g, '^').replace(/\bln\(/g, 'log(').replace(/\barc(sin|cos|tan)(h?)\(/g, 'a$1$2(');
}

/** Compiles a formula to a function of the variables, in order (mathjs is loaded on the first call). Non-real results are NaN. */
export async function compileEquation(eq: Equation): Promise<(values: readonly number[]) => number> {
  const math = await loadMath();
  let code: EvalFunction;
  try {
    code = math.compile(toMathjs(eq.formula));
  } catch (e) {
    throw new ValueError('cannot parse formula', { argument: 'formula', expected: 'a formula in sympy syntax', received: `${eq.formula} (${(e as Error).message})` });
  }
  const names = eq.variables.map((v) => v.name);
  return (values: readonly number[]) => {
    const scope = new Map<string, number>();
    names.forEach((n, i) => scope.set(n, values[i]));
    const r = code.evaluate(scope);
    return typeof r === 'number' ? r : Number.NaN;
  };
}

/** The formula lists by tinyBIG data class name. */
export const FUNCTION_LISTS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  elementary_function: ELEMENTARY_EQUATIONS,
  composite_function: COMPOSITE_EQUATIONS,
  feynman_function: FEYNMAN_EQUATIONS,
  dimensionless_feynman_function: DIMENSIONLESS_FEYNMAN_EQUATIONS,
});

/** Options of {@link functionDataset} (tinyBIG's `data_parameters` plus `load()` arguments, camelCase). */
export interface FunctionDatasetOptions {
  readonly equationIndex?: number;
  readonly trainBatchSize?: number;
  readonly testBatchSize?: number;
  /** Samples drawn (2000). */
  readonly num?: number;
  /** Share of samples for training, taken from the start (0.5). */
  readonly trainPercentage?: number;
  /** Seed of the uniform samples (the experiment's `random_seed`). */
  readonly seed?: number;
}

/**
 * A function dataset as tinyBIG generates it: `num` samples, each variable uniform in its range
 * (drawn variable by variable), y = f(x) as a [N, 1] target, the first `trainPercentage` train
 * and the rest test (no shuffling).
 */
export async function functionDataset(name: keyof typeof FUNCTION_LISTS | string, o: FunctionDatasetOptions = {}): Promise<Dataset> {
  const list = FUNCTION_LISTS[name];
  if (!list) throw new ValueError('unknown function dataset', { argument: 'data_class', expected: `one of ${Object.keys(FUNCTION_LISTS).join(', ')}`, received: JSON.stringify(name) });
  const index = o.equationIndex ?? 0;
  if (!Number.isInteger(index) || index < 0 || index >= list.length) {
    throw new ValueError('equation_index out of range', { argument: 'data_parameters.equation_index', expected: `an integer from 0 to ${list.length - 1}`, received: JSON.stringify(o.equationIndex) });
  }
  const num = sampleCount(o.num ?? 2000, 'data_parameters.num');
  const nTrain = splitSize(num, o.trainPercentage ?? 0.5, name);
  const eq = parseEquation(list[index]);
  const f = await compileEquation(eq);
  const rng = mt19937(o.seed ?? 1234);
  const m = eq.variables.length;
  const cols = eq.variables.map((v) => Float64Array.from({ length: num }, () => v.low + (v.high - v.low) * rng.random()));
  const x = new Float32Array(num * m);
  const y = new Float32Array(num);
  const row = new Array<number>(m);
  for (let i = 0; i < num; i++) {
    for (let j = 0; j < m; j++) { row[j] = Math.fround(cols[j][i]); x[i * m + j] = row[j]; }
    y[i] = f(row);
  }
  return Object.freeze({
    name,
    train: makeSplit(x.slice(0, nTrain * m), y.slice(0, nTrain), m, 1),
    test: makeSplit(x.slice(nTrain * m), y.slice(nTrain), m, 1),
    trainBatchSize: o.trainBatchSize ?? 64,
    testBatchSize: o.testBatchSize ?? 64,
    task: 'regression' as const,
    description: `${eq.file}: ${eq.output} = ${eq.formula}`,
    trueFunction: f,
    variables: eq.variables,
  });
}
