import type { RegistryEntry } from '@rpn/core';

/** Registry entries of every interdependence function in this package (pass to `createRegistry`). */
export const interdependenceEntries: readonly RegistryEntry[] = Object.freeze([]);
