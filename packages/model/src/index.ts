import type { RegistryEntry } from '@rpn/core';

/** Registry entries of every model function in this package (pass to `createRegistry`). */
export const modelEntries: readonly RegistryEntry[] = Object.freeze([]);
