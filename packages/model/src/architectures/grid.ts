import type { RegistryEntry } from '@rpn/core';

/** Registry entries of the RPN 2 architectures for convolution and pooling: grid_interdependence_head / grid_compression_head, their layers, cnn, resnet. */
export const gridEntries: readonly RegistryEntry[] = Object.freeze([]);
