import type { RegistryEntry } from '@rpn/core';

/** Registry entries of every remainder function in this package (pass to `createRegistry`). */
export const remainderEntries: readonly RegistryEntry[] = Object.freeze([]);
