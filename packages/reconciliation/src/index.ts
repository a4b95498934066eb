import { defineEntry, type Params, type RegistryEntry } from '@rpn/core';
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
export { FUSED_CHUNK_ROWS, RECONCILIATION_MODULE, defineReconciliation, taylor2Contract, taylor2Grid, reshapeUnsaved, type FusedResult, type ReconciliationDefinition } from './common.js';
export { taylor2Info, layerNormStats, taylor2BlockSums, taylor2ToeplitzSums, tileRows, columnSum, cutToeplitz, blockReduce, layerNormProduct, type Taylor2Info } from './taylor.js';
export { outerPsi, outerProduct, outerTaylor2 } from './outer.js';

const MODULE = { module: 'tinybig.reconciliation' };
const entry = (className: string, f: (o: Params) => unknown, aliases: readonly string[] = []): RegistryEntry =>
  defineEntry('reconciliation', className, (o) => f(o), { ...MODULE, aliases });

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
