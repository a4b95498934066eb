import { defineEntry, type RegistryEntry } from '@rpn/core';
import { gridCompressionHead, gridCompressionLayer, gridInterdependenceHead, gridInterdependenceLayer } from './grid-heads.js';
import { cnnModel, resnetModel } from './grid-models.js';

export * from './grid-heads.js';
export * from './grid-models.js';
export { gridKernel } from '../kernels/grid.js';
export { poolKernel, poolingMetric, POOLING_METRICS, type PoolingMetric } from '../kernels/pool.js';
export { gridGeometry, gatherColumns, gatherPlan, convGatherIndex, poolGatherIndex, type GridGeometry, type GridGeometryOptions, type GatherPlan } from '../kernels/patches.js';

type Make = (o: Record<string, unknown>, ctx: never) => unknown;
const entry = (kind: 'head' | 'layer' | 'model', cls: string, file: string, make: Make) =>
  defineEntry(kind, cls, (o, ctx) => make(o, ctx as never), { module: `tinybig.${kind}`, aliases: [`tinybig.${kind}.${file}.${cls}`] });

/** Registry entries of the RPN 2 architectures for convolution and pooling: grid_interdependence_head / grid_compression_head, their layers, cnn, resnet. */
export const gridEntries: readonly RegistryEntry[] = Object.freeze([
  entry('head', 'grid_interdependence_head', 'grid_based_heads', gridInterdependenceHead),
  entry('head', 'grid_compression_head', 'grid_based_heads', gridCompressionHead),
  entry('layer', 'grid_interdependence_layer', 'grid_based_layers', gridInterdependenceLayer),
  entry('layer', 'grid_compression_layer', 'grid_based_layers', gridCompressionLayer),
  entry('model', 'cnn', 'rpn_cnn', cnnModel),
  entry('model', 'resnet', 'rpn_cnn', resnetModel),
]);
