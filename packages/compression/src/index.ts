import type { RegistryEntry } from '@rpn/core';

/** Registry entries of every compression function in this package (pass to `createRegistry`). */
export const compressionEntries: readonly RegistryEntry[] = Object.freeze([]);
