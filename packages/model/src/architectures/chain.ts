import type { RegistryEntry } from '@rpn/core';

/** Registry entries of the RPN 2 architectures for recurrence: chain_interdependence_head, its layer, rnn, regression_rnn. */
export const chainEntries: readonly RegistryEntry[] = Object.freeze([]);
