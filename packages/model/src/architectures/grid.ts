import { defineEntry, type OptionSchema, type RegistryEntry } from '@rpn/core';
import { GRID_COMPRESSION_HEAD_OPTIONS, GRID_COMPRESSION_LAYER_OPTIONS, GRID_INTERDEPENDENCE_HEAD_OPTIONS, GRID_INTERDEPENDENCE_LAYER_OPTIONS, gridCompressionHead, gridCompressionLayer, gridInterdependenceHead, gridInterdependenceLayer } from './grid-heads.js';
import { CNN_OPTIONS, cnnModel, resnetModel } from './grid-models.js';

export * from './grid-heads.js';
export * from './grid-models.js';
export { gridKernel } from '../kernels/grid.js';
export { poolKernel, poolingMetric, POOLING_METRICS, type PoolingMetric } from '../kernels/pool.js';
export { gridGeometry, gatherColumns, gatherPlan, convGatherIndex, poolGatherIndex, type GridGeometry, type GridGeometryOptions, type GatherPlan } from '../kernels/patches.js';

type Make = (o: Record<string, unknown>, ctx: never) => unknown;
const entry = (kind: 'head' | 'layer' | 'model', cls: string, file: string, make: Make, options: OptionSchema) =>
  defineEntry(kind, cls, (o, ctx) => make(o, ctx as never), { module: `tinybig.${kind}`, aliases: [`tinybig.${kind}.${file}.${cls}`], options });

/** Registry entries of the RPN 2 architectures for convolution and pooling: grid_interdependence_head / grid_compression_head, their layers, cnn, resnet. */
export const gridEntries: readonly RegistryEntry[] = Object.freeze([
  entry('head', 'grid_interdependence_head', 'grid_based_heads', gridInterdependenceHead, GRID_INTERDEPENDENCE_HEAD_OPTIONS),
  entry('head', 'grid_compression_head', 'grid_based_heads', gridCompressionHead, GRID_COMPRESSION_HEAD_OPTIONS),
  entry('layer', 'grid_interdependence_layer', 'grid_based_layers', gridInterdependenceLayer, GRID_INTERDEPENDENCE_LAYER_OPTIONS),
  entry('layer', 'grid_compression_layer', 'grid_based_layers', gridCompressionLayer, GRID_COMPRESSION_LAYER_OPTIONS),
  entry('model', 'cnn', 'rpn_cnn', cnnModel, CNN_OPTIONS),
  entry('model', 'resnet', 'rpn_cnn', resnetModel, CNN_OPTIONS.named('resnet')),
]);
