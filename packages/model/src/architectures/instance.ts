import type { RegistryEntry } from '@rpn/core';

/** Registry entries of the RPN 2 architectures for graphs and attention: graph_interdependence_head (GCN), graph_bilinear_interdependence_head (GAT), bilinear_interdependence_head (attention), their layers, gcn, gat, transformer. */
export const instanceEntries: readonly RegistryEntry[] = Object.freeze([]);
