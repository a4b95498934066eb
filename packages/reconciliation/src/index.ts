import type { RegistryEntry } from '@rpn/core';

/** Registry entries of every reconciliation function in this package (pass to `createRegistry`). */
export const reconciliationEntries: readonly RegistryEntry[] = Object.freeze([]);
