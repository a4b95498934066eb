import type { RegistryEntry } from '@rpn/core';

/** Registry entries of every expansion function in this package (pass to `createRegistry`). */
export const expansionEntries: readonly RegistryEntry[] = Object.freeze([]);
