import { defineEntry, type OptionSchema, type RegistryEntry } from '@rpn/core';
import { RPN_HEAD_OPTIONS, headFromOptions } from './head.js';
import { RPN_LAYER_OPTIONS, layerFromOptions } from './layer.js';
import { RPN_MODEL_OPTIONS, modelFromOptions } from './model.js';
import { fusionEntries } from './fusion.js';
import { RPN_OUTPUT_OPTIONS, rpnOutput } from './output.js';
import {
  KAN_HEAD_OPTIONS, KAN_LAYER_OPTIONS, KAN_OPTIONS, MLP_OPTIONS, NAIVE_BAYES_HEAD_OPTIONS, NAIVE_BAYES_LAYER_OPTIONS, NAIVE_BAYES_OPTIONS, PERCEPTRON_HEAD_OPTIONS, PERCEPTRON_LAYER_OPTIONS, PGM_HEAD_OPTIONS, PGM_LAYER_OPTIONS, PGM_OPTIONS, SVM_HEAD_OPTIONS, SVM_LAYER_OPTIONS, SVM_OPTIONS,
  kanHead, kanLayer, kanModel, mlpModel, naiveBayesHead, naiveBayesLayer, naiveBayesModel, perceptronHead, perceptronLayer,
  pgmHead, pgmLayer, pgmModel, svmHead, svmLayer, svmModel,
} from './library.js';
import { gridEntries } from './architectures/grid.js';
import { chainEntries } from './architectures/chain.js';
import { instanceEntries } from './architectures/instance.js';

export * from './init.js';
export * from './module.js';
export * from './fusion.js';
export * from './head.js';
export * from './kernels/rpn.js';
export * from './kernels/fused.js';
export * from './layer.js';
export * from './model.js';
export * from './library.js';
export * from './architectures/grid.js';
export * from './architectures/chain.js';
export * from './architectures/instance.js';
export * from './output.js';
export * from './config.js';
export * from './finite.js';

type O = Record<string, unknown>;

const head = (cls: string, make: (o: never, ctx: never) => unknown, aliases: string[] = [], options?: OptionSchema) => defineEntry('head', cls, (o, ctx) => make(o as never, ctx as never), { module: 'tinybig.head', aliases, options });
const layer = (cls: string, make: (o: never, ctx: never) => unknown, aliases: string[] = [], options?: OptionSchema) => defineEntry('layer', cls, (o, ctx) => make(o as never, ctx as never), { module: 'tinybig.layer', aliases, options });
const model = (cls: string, make: (o: never, ctx: never) => unknown, aliases: string[] = [], options?: OptionSchema) => defineEntry('model', cls, (o, ctx) => make(o as never, ctx as never), { module: 'tinybig.model', aliases, options });

/** Registry entries of every model-core class: heads, layers, models, fusions and rpn_output. */
export const modelEntries: readonly RegistryEntry[] = Object.freeze([
  head('rpn_head', headFromOptions, ['tinybig.module.rpn_head', 'tinybig.module.base_head.head', 'tinybig.module.base_head.rpn_head', 'tinybig.module.head'], RPN_HEAD_OPTIONS),
  head('perceptron_head', perceptronHead, ['tinybig.head.basic_heads.perceptron_head'], PERCEPTRON_HEAD_OPTIONS),
  head('kan_head', kanHead, ['tinybig.head.basic_heads.kan_head'], KAN_HEAD_OPTIONS),
  head('svm_head', svmHead, ['tinybig.head.basic_heads.svm_head'], SVM_HEAD_OPTIONS),
  head('naive_bayes_head', naiveBayesHead, ['tinybig.head.basic_heads.naive_bayes_head'], NAIVE_BAYES_HEAD_OPTIONS),
  head('pgm_head', pgmHead, ['tinybig.head.basic_heads.pgm_head'], PGM_HEAD_OPTIONS),
  layer('rpn_layer', layerFromOptions, ['tinybig.module.rpn_layer', 'tinybig.module.base_layer.layer', 'tinybig.module.base_layer.rpn_layer', 'tinybig.module.layer'], RPN_LAYER_OPTIONS),
  layer('perceptron_layer', perceptronLayer, ['tinybig.layer.basic_layers.perceptron_layer'], PERCEPTRON_LAYER_OPTIONS),
  layer('kan_layer', kanLayer, ['tinybig.layer.basic_layers.kan_layer'], KAN_LAYER_OPTIONS),
  layer('svm_layer', svmLayer, ['tinybig.layer.basic_layers.svm_layer'], SVM_LAYER_OPTIONS),
  layer('naive_bayes_layer', naiveBayesLayer, ['tinybig.layer.basic_layers.naive_bayes_layer'], NAIVE_BAYES_LAYER_OPTIONS),
  layer('pgm_layer', pgmLayer, ['tinybig.layer.basic_layers.pgm_layer'], PGM_LAYER_OPTIONS),
  model('rpn', modelFromOptions, ['tinybig.model.rpn.rpn', 'tinybig.module.base_model.model', 'tinybig.model.rpn_model'], RPN_MODEL_OPTIONS),
  model('mlp', mlpModel, ['tinybig.model.rpn_mlp.mlp'], MLP_OPTIONS),
  model('kan', kanModel, ['tinybig.model.rpn_kan.kan'], KAN_OPTIONS),
  model('svm', svmModel, ['tinybig.model.rpn_svm.svm'], SVM_OPTIONS),
  model('naive_bayes', naiveBayesModel, ['tinybig.model.rpn_naive_bayes.naive_bayes'], NAIVE_BAYES_OPTIONS),
  model('pgm', pgmModel, ['tinybig.model.rpn_pgm.pgm'], PGM_OPTIONS),
  defineEntry('output', 'rpn_output', (o) => rpnOutput(o), { module: 'tinybig.output', aliases: ['tinybig.output.rpn_output.rpn_output'], options: RPN_OUTPUT_OPTIONS }),
  ...fusionEntries,
  ...gridEntries,
  ...chainEntries,
  ...instanceEntries,
]);
