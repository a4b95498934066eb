import { defineEntry, type OptionSchema, type Params, type RegistryEntry } from '@rpn/core';
import { BASE_RECONCILIATION_OPTIONS } from './common.js';
import { CONSTANT_RECONCILIATION_OPTIONS, PADDING_RECONCILIATION_OPTIONS } from './basic.js';
import { HM_RECONCILIATION_OPTIONS, LORR_RECONCILIATION_OPTIONS, LPHM_RECONCILIATION_OPTIONS } from './lowrank.js';
import { HYPERNET_RECONCILIATION_OPTIONS, MASKING_RECONCILIATION_OPTIONS, RANDOM_MATRIX_ADAPTION_OPTIONS, RANDOM_MATRIX_HYPERNET_OPTIONS } from './random.js';
import {
  constantEyeReconciliation,
  constantReconciliation,
  duplicatedDiagonalPaddingReconciliation,
  duplicatedPaddingReconciliation,
  identityReconciliation,
  oneReconciliation,
  zeroReconciliation,
} from './basic.js';
import { dualLphmReconciliation, hmReconciliation, lorrReconciliation, lphmReconciliation } from './lowrank.js';
import { hypernetReconciliation, maskingReconciliation, randomMatrixAdaptionReconciliation, randomMatrixHypernetReconciliation } from './random.js';

export * from './basic.js';
export * from './lowrank.js';
export * from './random.js';
export { BASE_RECONCILIATION_OPTIONS, RECONCILIATION_BASE, FUSED_CHUNK_ROWS, RECONCILIATION_MODULE, defineReconciliation, taylor2Contract, taylor2Grid, reshapeUnsaved, type FusedResult, type ReconciliationDefinition } from './common.js';
export { taylor2Info, layerNormStats, taylor2BlockSums, taylor2ToeplitzSums, tileRows, columnSum, cutToeplitz, blockReduce, layerNormProduct, type Taylor2Info } from './taylor.js';
export { outerPsi, outerProduct, outerTaylor2 } from './outer.js';

const MODULE = { module: 'tinybig.reconciliation' };
/** Every reconciliation's declared options by its tinyBIG class name. */
export const RECONCILIATION_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze(Object.fromEntries(([
  ['constant_reconciliation', CONSTANT_RECONCILIATION_OPTIONS], ['zero_reconciliation', BASE_RECONCILIATION_OPTIONS],
  ['one_reconciliation', BASE_RECONCILIATION_OPTIONS], ['constant_eye_reconciliation', BASE_RECONCILIATION_OPTIONS],
  ['identity_reconciliation', BASE_RECONCILIATION_OPTIONS], ['masking_reconciliation', MASKING_RECONCILIATION_OPTIONS],
  ['duplicated_padding_reconciliation', PADDING_RECONCILIATION_OPTIONS], ['duplicated_diagonal_padding_reconciliation', PADDING_RECONCILIATION_OPTIONS],
  ['lorr_reconciliation', LORR_RECONCILIATION_OPTIONS], ['hm_reconciliation', HM_RECONCILIATION_OPTIONS],
  ['lphm_reconciliation', LPHM_RECONCILIATION_OPTIONS], ['dual_lphm_reconciliation', LPHM_RECONCILIATION_OPTIONS],
  ['hypernet_reconciliation', HYPERNET_RECONCILIATION_OPTIONS], ['random_matrix_adaption_reconciliation', RANDOM_MATRIX_ADAPTION_OPTIONS],
  ['random_matrix_hypernet_reconciliation', RANDOM_MATRIX_HYPERNET_OPTIONS],
] as [string, OptionSchema][]).map(([c, s]) => [c, s.named(c)])));

const entry = (className: string, f: (o: Params) => unknown, aliases: readonly string[] = []): RegistryEntry =>
  defineEntry('reconciliation', className, (o) => f(o), { ...MODULE, aliases, options: RECONCILIATION_OPTIONS[className] });

/** Registry entries of every reconciliation function in this package (pass to `createRegistry`). */
export const reconciliationEntries: readonly RegistryEntry[] = Object.freeze([
  entry('constant_reconciliation', (o) => constantReconciliation(o)),
  entry('zero_reconciliation', (o) => zeroReconciliation(o)),
  entry('one_reconciliation', (o) => oneReconciliation(o)),
  entry('constant_eye_reconciliation', (o) => constantEyeReconciliation(o)),
  entry('identity_reconciliation', (o) => identityReconciliation(o)),
  entry('masking_reconciliation', (o) => maskingReconciliation(o)),
  entry('duplicated_padding_reconciliation', (o) => duplicatedPaddingReconciliation(o)),
  entry('duplicated_diagonal_padding_reconciliation', (o) => duplicatedDiagonalPaddingReconciliation(o)),
  entry('lorr_reconciliation', (o) => lorrReconciliation(o)),
  entry('hm_reconciliation', (o) => hmReconciliation(o)),
  entry('lphm_reconciliation', (o) => lphmReconciliation(o)),
  entry('dual_lphm_reconciliation', (o) => dualLphmReconciliation(o)),
  entry('hypernet_reconciliation', (o) => hypernetReconciliation(o)),
  entry('random_matrix_adaption_reconciliation', (o) => randomMatrixAdaptionReconciliation(o)),
  entry('random_matrix_hypernet_reconciliation', (o) => randomMatrixHypernetReconciliation(o)),
]);
