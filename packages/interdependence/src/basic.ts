import * as tf from '@tensorflow/tfjs-core';
import { ValueError, type OptionsOf, type ValuesOf } from '@rpn/core';
import { constMatrix, makeInterdependence, parseType, readMatrix, type InterdependenceFunction } from './common.js';
import { CONSTANT_C_OPTIONS, CONSTANT_OPTIONS, FIXED_OPTIONS } from './options.js';

type FixedValues = ValuesOf<typeof FIXED_OPTIONS>;

/** Resolves `(d, d')` of a fixed matrix: `(m, m')` for attribute, `(b, b')` for instance. */
function dims(type: 'attribute' | 'instance', o: FixedValues): { b?: number; m?: number; bPrime?: number; mPrime?: number } {
  const { b, m } = o;
  const bPrime = o.bPrime ?? b, mPrime = o.mPrime ?? m;
  const [d, dp, dn, dpn] = type === 'attribute' ? [m, mPrime, 'm', 'm_prime'] : [b, bPrime, 'b', 'b_prime'];
  if (d === undefined || dp === undefined) throw new ValueError(`${type} interdependence needs its dimensions`, { argument: `${dn}/${dpn}`, expected: 'positive integers', received: `${d}, ${dp}` });
  return { b, m, bPrime, mPrime };
}

/** constant_interdependence: A is the given matrix (`[m, m']` or `[b, b']`). */
export function constantInterdependence(options: OptionsOf<typeof CONSTANT_OPTIONS>): InterdependenceFunction {
  const o = CONSTANT_OPTIONS.parse(options);
  const type = parseType(o.interdependenceType);
  const { values, rows, cols } = readMatrix(o.A, 'A');
  const { b, m } = o;
  const d = type === 'attribute' ? m : b;
  if (d !== undefined && d !== rows) throw new ValueError('A does not fit the interdependence dimension', { argument: 'A', expected: `${rows === undefined ? '' : ''}${d} rows (${type === 'attribute' ? 'm' : 'b'})`, received: `${rows} rows` });
  const nested: number[][] = [];
  for (let i = 0; i < rows; i++) nested.push(values.slice(i * cols, (i + 1) * cols));
  return makeInterdependence({
    className: 'constant_interdependence', name: o.name, type, b, m,
    options: { b, m, interdependenceType: type, A: nested },
    requireData: false, requireParameters: false, l: 0,
    fixedRows: rows,
    calculateMPrime: (mm) => (type === 'attribute' ? cols : (mm ?? m ?? 0)),
    calculateBPrime: (bb) => (type === 'instance' ? cols : (bb ?? b ?? 0)),
    compute: () => constMatrix(values, rows, cols),
  });
}

function constantC(className: string, o: FixedValues, c: number, withC: boolean): InterdependenceFunction {
  const type = parseType(o.interdependenceType);
  const { b, m, bPrime, mPrime } = dims(type, o);
  const [rows, cols] = type === 'attribute' ? [m!, mPrime!] : [b!, bPrime!];
  return makeInterdependence({
    className, name: o.name, type, b, m,
    options: { b, m, bPrime: o.bPrime ?? undefined, mPrime: o.mPrime ?? undefined, ...(withC ? { c } : {}), interdependenceType: type },
    requireData: false, requireParameters: false, l: 0,
    calculateMPrime: (mm) => (type === 'attribute' ? mPrime! : (mm ?? m ?? 0)),
    calculateBPrime: (bb) => (type === 'instance' ? bPrime! : (bb ?? b ?? 0)),
    compute: () => tf.fill([rows, cols], c),
  });
}

/** constant_c_interdependence: A = c·1 (`[m, m']` or `[b, b']`). */
export const constantCInterdependence = (options: OptionsOf<typeof CONSTANT_C_OPTIONS>) => {
  const o = CONSTANT_C_OPTIONS.parse(options);
  return constantC('constant_c_interdependence', o, o.c, true);
};
const ZERO = FIXED_OPTIONS.named('zero_interdependence');
const ONE = FIXED_OPTIONS.named('one_interdependence');
/** zero_interdependence: A = 0. */
export const zeroInterdependence = (o: OptionsOf<typeof FIXED_OPTIONS>) => constantC('zero_interdependence', ZERO.parse(o), 0, false);
/** one_interdependence: A = 1. */
export const oneInterdependence = (o: OptionsOf<typeof FIXED_OPTIONS>) => constantC('one_interdependence', ONE.parse(o), 1, false);

function eye(className: string, options: OptionsOf<typeof FIXED_OPTIONS>): InterdependenceFunction {
  const o = FIXED_OPTIONS.named(className).parse(options);
  const type = parseType(o.interdependenceType);
  const { b, m, bPrime, mPrime } = dims(type, o);
  const [rows, cols] = type === 'attribute' ? [m!, mPrime!] : [b!, bPrime!];
  return makeInterdependence({
    className, name: o.name, type, b, m,
    options: { b, m, bPrime: o.bPrime ?? undefined, mPrime: o.mPrime ?? undefined, interdependenceType: type },
    requireData: false, requireParameters: false, l: 0,
    calculateMPrime: (mm) => (type === 'attribute' ? mPrime! : (mm ?? m ?? 0)),
    calculateBPrime: (bb) => (type === 'instance' ? bPrime! : (bb ?? b ?? 0)),
    compute: () => tf.eye(rows, cols),
  });
}

/** identity_interdependence: A = I (`torch.eye(d, d')`). */
export const identityInterdependence = (o: OptionsOf<typeof FIXED_OPTIONS>) => eye('identity_interdependence', o);
/** eye_interdependence: alias of identity. */
export const eyeInterdependence = (o: OptionsOf<typeof FIXED_OPTIONS>) => eye('eye_interdependence', o);
