import { ConfigError, defineEntry, parametersFromOptions, type BuildContext, type FunctionConfig, type RegistryEntry } from '@rpn/core';
import { findCloseFactors } from '@rpn/reconciliation';
import { rpnHead, type RpnHead } from '../head.js';
import { rpnLayer, type RpnLayer } from '../layer.js';
import { checkDims, rpnModel, type RpnModel } from '../model.js';
import { subSeed } from '../init.js';
import { rejectUnknown, requireDim } from '../resolve.js';
import { instanceKernel } from '../kernels/instance.js';
import { perceptronLayer } from '../library.js';
import { bool, fc, flag, needCtx, num, outputs, reconciliationConfig, residual, type O } from '../library-common.js';

/**
 * tinyBIG's RPN 2 heads over an instance axis (graph nodes, attention tokens), their layers and
 * the gcn, gat and transformer models: fixed compositions of registry functions (graph / hybrid /
 * bilinear interdependence, identity or Taylor expansion, identity / lorr / dual_lphm
 * reconciliation, zero or linear remainder) on the {@link instanceKernel}. Layers build `width`
 * INDEPENDENT heads (tinyBIG repeats one shared head object; see docs/tinybig-differences.md).
 */

/** Keys every instance head accepts besides its own (options of the assembler and tinyBIG's base head). */
const HEAD_COMMON = ['m', 'n', 'name', 'channelNum', 'withDualLphm', 'withLorr', 'r', 'enableBias', 'withResidual', 'withBatchNorm', 'withRelu', 'withSoftmax', 'withDropout', 'p', 'parametersInitMethod', 'device', 'seed', 'fastPaths', 'training'];
const GRAPH_KEYS = [
  ...HEAD_COMMON, 'graph', 'graphFilePath', 'nodes', 'links', 'directed', 'withMultihop', 'h', 'accumulative', 'withPagerank', 'c',
  'requireData', 'requireParameters', 'normalization', 'normalizationMode', 'selfDependence',
];
const GAT_KEYS = [...GRAPH_KEYS, 'withDualLphmInterdependence', 'withLorrInterdependence', 'rInterdependence'];
const ATTENTION_KEYS = [...HEAD_COMMON, 'batchNum', 'withDualLphmInterdependence', 'withLorrInterdependence', 'rInterdependence', 'withTaylor', 'd'];

/** A graph given as `graph: {nodes, links, directed?}` or as `nodes` + `links`. */
interface GraphSpec {
  readonly nodes: readonly unknown[];
  readonly links: readonly (readonly [unknown, unknown])[];
  readonly directed: boolean;
}

/** Reads and checks the graph of a graph head: every link must join two listed nodes (ConfigError naming links). */
export function readGraph(o: O, what: string): GraphSpec {
  if (o.graphFilePath != null) {
    throw new ConfigError(`${what}: graph_file_path is not read here (the model core does no file I/O)`, { argument: 'graph_file_path', expected: 'nodes and links (or graph: {nodes, links, directed}) read by the caller', received: JSON.stringify(o.graphFilePath) });
  }
  const g = (o.graph ?? {}) as O;
  if (o.graph != null && (typeof o.graph !== 'object' || Array.isArray(o.graph))) {
    throw new ConfigError(`${what}: graph must be {nodes, links, directed?}`, { argument: 'graph', expected: '{nodes: [...], links: [[a, b], ...], directed?: boolean}', received: JSON.stringify(o.graph)?.slice(0, 80) });
  }
  const nodes = (o.graph != null ? g.nodes : o.nodes) as unknown;
  const links = (o.graph != null ? g.links : o.links) as unknown;
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new ConfigError(`${what} needs a graph: nodes and links`, { argument: o.graph != null ? 'graph.nodes' : 'nodes', expected: 'a non-empty list of node ids', received: JSON.stringify(nodes)?.slice(0, 80) ?? 'nothing' });
  }
  const ids = new Set(nodes.map((v) => JSON.stringify(v)));
  if (ids.size !== nodes.length) throw new ConfigError(`${what}: node ids must be distinct`, { argument: 'nodes', expected: 'distinct node ids', received: `${nodes.length} ids, ${ids.size} distinct` });
  if (!Array.isArray(links)) throw new ConfigError(`${what} needs a graph: nodes and links`, { argument: 'links', expected: 'a list of [source, target] pairs', received: JSON.stringify(links) ?? 'nothing' });
  links.forEach((l, i) => {
    if (!Array.isArray(l) || l.length !== 2) throw new ConfigError(`${what}: a link must be a [source, target] pair`, { argument: `links[${i}]`, expected: '[source, target]', received: JSON.stringify(l) });
    for (const end of l) {
      if (!ids.has(JSON.stringify(end))) throw new ConfigError(`${what}: link ${i} refers to an unknown node`, { argument: 'links', expected: `links between the ${nodes.length} listed nodes`, received: `${JSON.stringify(l)} (node ${JSON.stringify(end)} is not listed)` });
    }
  });
  const directed = flag(o.graph != null && g.directed != null ? g.directed : o.directed, 'directed', false);
  return { nodes, links: links as [unknown, unknown][], directed };
}

/** The graph / multihop / pagerank interdependence config of a graph head (instance type, b = node count). */
function graphInterdependenceConfig(o: O, g: GraphSpec, m: number, normalizationDefault: boolean): FunctionConfig {
  const base = {
    b: g.nodes.length, m, interdependence_type: 'instance', nodes: g.nodes, links: g.links, directed: g.directed,
    normalization: bool(o, 'normalization', normalizationDefault), normalization_mode: (o.normalizationMode as string | undefined) ?? 'column',
    self_dependence: bool(o, 'selfDependence', true),
  };
  if (bool(o, 'withPagerank', false)) return fc('tinybig.interdependence.pagerank_multihop_graph_interdependence', { ...base, c: num(o, 'c', 0.15) });
  if (bool(o, 'withMultihop', false)) return fc('tinybig.interdependence.multihop_graph_interdependence', { ...base, h: num(o, 'h', 1), accumulative: bool(o, 'accumulative', false) });
  return fc('tinybig.interdependence.graph_interdependence', base);
}

/** The parameterised bilinear interdependence `x W_a xᵀ` (W_a full m×m, lorr, or dual_lphm with p = find_close_factors(m)). */
function bilinearConfig(o: O, m: number, b: number | undefined): FunctionConfig {
  const common = { ...(b !== undefined ? { b } : {}), m, interdependence_type: 'instance' };
  const r = num(o, 'rInterdependence', 3);
  if (bool(o, 'withLorrInterdependence', false)) return fc('tinybig.interdependence.lowrank_parameterized_bilinear_interdependence', { ...common, r });
  if (bool(o, 'withDualLphmInterdependence', false)) return fc('tinybig.interdependence.dual_lphm_parameterized_bilinear_interdependence', { ...common, p: findCloseFactors(m), r });
  return fc('tinybig.interdependence.parameterized_bilinear_interdependence', common);
}

/** camelCase options → tinyBIG head/layer/model parameters for `toConfig` (the registry context dropped). */
const described = (o: O): Record<string, unknown> => {
  const { context: _c, ...rest } = o;
  return parametersFromOptions(rest);
};

const assembler = (o: O, ctx: BuildContext) => ({
  m: requireDim(o.m, 'm'),
  n: requireDim(o.n, 'n'),
  channelNum: (o.channelNum as number | undefined) ?? 1,
  seed: o.seed as number | undefined,
  fastPaths: o.fastPaths as boolean | undefined,
  training: o.training as boolean | undefined,
  context: ctx,
});

/**
 * `graph_interdependence_head` (GCN): `out = σ(Aᵀ x ψ(w)ᵀ + b [+ x w_remainderᵀ])` with A the graph /
 * multihop (h, accumulative) / pagerank (c) interdependence of the node graph (defaults:
 * undirected, self loops, column-normalised), κ = identity, ψ = identity / lorr / dual_lphm; outputs
 * [BatchNorm1d?, ReLU, Dropout(p = 0.5), LogSoftmax(dim=-1)]; init `fanout_std_uniform` (forced, as tinyBIG).
 * One forward holds every node (b = node count).
 */
export function graphInterdependenceHead(o: O, context?: BuildContext): RpnHead {
  const ctx = needCtx(context, 'graph_interdependence_head');
  rejectUnknown(o, GRAPH_KEYS, 'graph_interdependence_head');
  const a = assembler(o, ctx);
  const g = readGraph(o, 'graph_interdependence_head');
  return rpnHead({
    ...a,
    name: (o.name as string | undefined) ?? 'graph_interdependence_head',
    instanceInterdependence: graphInterdependenceConfig(o, g, a.m, true),
    dataTransformation: fc('tinybig.expansion.identity_expansion'),
    parameterFabrication: reconciliationConfig(o, false),
    remainder: residual(o),
    outputProcessFunctions: outputs(a.n, o, { relu: true, dropout: true, p: 0.5, softmax: true }, 'torch.nn.LogSoftmax'),
    parametersInitMethod: 'fanout_std_uniform',
    kernel: instanceKernel({ axis: 'nodes', count: g.nodes.length }),
    describe: { headClass: 'tinybig.head.graph_based_heads.graph_interdependence_head', headParameters: described(o) },
  });
}

/**
 * `graph_bilinear_interdependence_head` (GAT): A = column softmax over the non-zeros of
 * `adj ⊙ (x W_a xᵀ)` (tinyBIG: hybrid of the graph interdependence and a parameterised bilinear one,
 * prod fusion, `operator_based_normalize_matrix(mask_zeros, softmax, column)`); adj from the node
 * graph with self loops, NOT normalised by default (the `gat` model passes normalization=True);
 * W_a = w_instance_interdependence.reshape(m, m), or lorr (with_lorr_interdependence,
 * r_interdependence) / dual_lphm. Then as GCN: `out = σ(Aᵀ x ψ(w)ᵀ + b [+ x w_remainderᵀ])`,
 * outputs [BatchNorm1d?, ReLU, Dropout(0.5), LogSoftmax(dim=-1)], init `fanout_std_uniform`.
 */
export function graphBilinearInterdependenceHead(o: O, context?: BuildContext): RpnHead {
  const ctx = needCtx(context, 'graph_bilinear_interdependence_head');
  rejectUnknown(o, GAT_KEYS, 'graph_bilinear_interdependence_head');
  const a = assembler(o, ctx);
  const g = readGraph(o, 'graph_bilinear_interdependence_head');
  const N = g.nodes.length;
  return rpnHead({
    ...a,
    name: (o.name as string | undefined) ?? 'graph_bilinear_interdependence_head',
    instanceInterdependence: fc('tinybig.interdependence.hybrid_interdependence', {
      b: N, m: a.m, interdependence_type: 'instance',
      interdependence_function_configs: [graphInterdependenceConfig(o, g, a.m, false), bilinearConfig(o, a.m, N)],
      fusion_function_config: fc('tinybig.fusion.prod_fusion', { dims: [N, N] }),
    }),
    dataTransformation: fc('tinybig.expansion.identity_expansion'),
    parameterFabrication: reconciliationConfig(o, false),
    remainder: residual(o),
    outputProcessFunctions: outputs(a.n, o, { relu: true, dropout: true, p: 0.5, softmax: true }, 'torch.nn.LogSoftmax'),
    parametersInitMethod: 'fanout_std_uniform',
    kernel: instanceKernel({ axis: 'nodes', count: N, normalization: { rescale: 1, maskZeros: true, mode: 'column' } }),
    describe: { headClass: 'tinybig.head.graph_based_heads.graph_bilinear_interdependence_head', headParameters: described(o) },
  });
}

/**
 * `bilinear_interdependence_head` (attention; tinyBIG crashes on a keyword typo, we do what it
 * means): the rows are the tokens; `A = M ⊙ softmax_col(S')` with `S = √n · x W_a xᵀ` (multiplied by
 * √n, as tinyBIG codes it), S' = S with exact zeros set to −1e9, M = (S ≠ 0); W_a full / lorr /
 * dual_lphm; `out = Aᵀ κ(x) ψ(w)ᵀ (+ b) (+ x w_remainderᵀ)`, κ = taylor(d) with `with_taylor`, else
 * identity; outputs [BatchNorm1d?, ReLU, Dropout(p = 0.25)?, Softmax(dim=-1)]. With `batch_num`
 * every forward must hold exactly that many rows.
 */
export function bilinearInterdependenceHead(o: O, context?: BuildContext): RpnHead {
  const ctx = needCtx(context, 'bilinear_interdependence_head');
  rejectUnknown(o, ATTENTION_KEYS, 'bilinear_interdependence_head');
  const a = assembler(o, ctx);
  const batchNum = o.batchNum == null ? undefined : requireDim(o.batchNum, 'batch_num');
  return rpnHead({
    ...a,
    name: (o.name as string | undefined) ?? 'bilinear_interdependence_head',
    instanceInterdependence: bilinearConfig(o, a.m, batchNum),
    dataTransformation: bool(o, 'withTaylor', false) ? fc('tinybig.expansion.taylor_expansion', { d: num(o, 'd', 2) }) : fc('tinybig.expansion.identity_expansion'),
    parameterFabrication: reconciliationConfig(o, false),
    remainder: residual(o),
    outputProcessFunctions: outputs(a.n, o, { relu: true, dropout: false, p: 0.25, softmax: true }),
    parametersInitMethod: ((o.parametersInitMethod as string | undefined) ?? 'xavier_normal') as 'xavier_normal',
    kernel: instanceKernel({ axis: 'tokens', count: batchNum, normalization: { rescale: Math.sqrt(a.n), maskZeros: true, mode: 'column' } }),
    describe: { headClass: 'tinybig.head.bilinear_heads.bilinear_interdependence_head', headParameters: described(o) },
  });
}

type HeadMaker = (o: O, ctx?: BuildContext) => RpnHead;

/**
 * A specialised layer: `width` independent heads (tinyBIG repeats one object), fused by mean
 * (default when width > 1, or the given head fusion) or by `fusion(n, width)` when the class fixes it.
 */
function instanceLayer(make: HeadMaker, layerClass: string, layerName: string, keys: readonly string[], fusion?: (n: number, width: number) => FunctionConfig) {
  const extra = ['width', 'headFusion', 'headFusionConfigs'];
  return (o: O, context?: BuildContext): RpnLayer => {
    const ctx = needCtx(context, layerName);
    rejectUnknown(o, [...keys, ...extra], layerName);
    const m = requireDim(o.m, 'm');
    const n = requireDim(o.n, 'n');
    const width = o.width == null ? 1 : requireDim(o.width, 'width');
    const { width: _w, headFusion, headFusionConfigs, name, seed, ...rest } = o;
    const heads: RpnHead[] = [];
    try {
      for (let j = 0; j < width; j++) heads.push(make({ ...rest, m, n, seed: subSeed(seed as number | undefined, `heads.${j}`) }, ctx));
      const given = (headFusion ?? headFusionConfigs) as FunctionConfig | undefined;
      return rpnLayer({
        m, n, name: (name as string | undefined) ?? layerName, heads, headFusion: fusion ? fusion(n, width) : given,
        parametersInitMethod: ((o.parametersInitMethod as string | undefined) ?? 'xavier_normal') as 'xavier_normal',
        seed: seed as number | undefined, context: ctx, training: o.training as boolean | undefined,
        describe: { layerClass, layerParameters: described(o) },
      });
    } catch (e) {
      heads.forEach((h) => h.dispose());
      throw e;
    }
  };
}

/** `graph_interdependence_layer`: `width` GCN heads, mean fusion. */
export const graphInterdependenceLayer = instanceLayer(graphInterdependenceHead, 'tinybig.layer.graph_based_layers.graph_interdependence_layer', 'graph_interdependence_layer', GRAPH_KEYS);
/** `graph_bilinear_interdependence_layer`: `width` GAT heads, mean fusion. */
export const graphBilinearInterdependenceLayer = instanceLayer(graphBilinearInterdependenceHead, 'tinybig.layer.graph_based_layers.graph_bilinear_interdependence_layer', 'graph_bilinear_interdependence_layer', GAT_KEYS);
/**
 * `bilinear_interdependence_layer`: `width` attention heads, ALWAYS fused by
 * `parameterized_concatenation_fusion(dims = [n]·width)`: `w_head_fusion [1, n·width·n]`,
 * `out = concat(heads) · Wᵀ`, W = reshape(w, [n, width·n]).
 */
export const bilinearInterdependenceLayer = instanceLayer(bilinearInterdependenceHead, 'tinybig.layer.bilinear_layers.bilinear_interdependence_layer', 'attention_layer', ATTENTION_KEYS,
  (n, width) => fc('tinybig.fusion.parameterized_concatenation_fusion', { dims: Array(width).fill(n) }));

type LayerMaker = (o: O, ctx?: BuildContext) => RpnLayer;

/**
 * tinyBIG's gcn/gat flags per layer (compared by VALUE, as tinyBIG codes it): BatchNorm, ReLU and
 * Dropout where `n ≠ dims[-1]`, the (Log)Softmax where `m = dims[-2]` and `n = dims[-1]`.
 */
function lastLayerFlags(o: O, m: number, n: number, dims: readonly number[], d: { dropout: boolean }): O {
  const last = dims[dims.length - 1];
  return {
    withBatchNorm: bool(o, 'withBatchNorm', false) && n !== last,
    withRelu: bool(o, 'withRelu', true) && n !== last,
    withDropout: bool(o, 'withDropout', d.dropout) && n !== last,
    withSoftmax: bool(o, 'withSoftmax', true) && m === dims[dims.length - 2] && n === last,
  };
}

const MODEL_EXTRA = ['dims', 'width', 'name', 'seed', 'training', 'fastPaths', 'device', 'channelNum'];

function graphModel(make: LayerMaker, modelClass: string, modelName: string, keys: readonly string[], layerDefaults: O) {
  return (o: O, context?: BuildContext): RpnModel => {
    const ctx = needCtx(context, modelName);
    rejectUnknown(o, [...new Set([...keys.filter((k) => !['m', 'n'].includes(k)), ...MODEL_EXTRA])], modelName);
    const dims = checkDims(o.dims);
    const { dims: _d, name, seed, withBatchNorm: _b, withRelu: _r, withDropout: _p, withSoftmax: _s, ...rest } = o;
    const layers: RpnLayer[] = [];
    try {
      for (let i = 0; i + 1 < dims.length; i++) {
        const [m, n] = [dims[i], dims[i + 1]];
        layers.push(make({ ...layerDefaults, ...rest, ...lastLayerFlags(o, m, n, dims, { dropout: false }), p: num(o, 'p', 0.25), m, n, seed: subSeed(seed as number | undefined, `layers.${i}`) }, ctx));
      }
      return rpnModel({ name: (name as string | undefined) ?? 'rpn_gcn', layers, training: o.training as boolean | undefined, describe: { modelClass, modelParameters: described(o) } });
    } catch (e) {
      layers.forEach((l) => l.dispose());
      throw e;
    }
  };
}

/** `gcn(dims)`: a graph_interdependence_layer per consecutive pair; ReLU on all but the last layer, LogSoftmax on the last only. */
export const gcnModel = graphModel(graphInterdependenceLayer, 'tinybig.model.rpn_gcn.gcn', 'gcn', GRAPH_KEYS, {});
/** `gat(dims)`: a graph_bilinear_interdependence_layer per pair, as gcn; the model passes normalization=True (column) to its layers. */
export const gatModel = graphModel(graphBilinearInterdependenceLayer, 'tinybig.model.rpn_gat.gat', 'gat', GAT_KEYS, { normalization: true });

const TRANSFORMER_KEYS = [...new Set([...ATTENTION_KEYS.filter((k) => !['m', 'n', 'name'].includes(k)), 'fcDims', ...MODEL_EXTRA])];

/**
 * `transformer(dims, fc_dims)`: per consecutive pair of `dims` a bilinear_interdependence_layer (m→n)
 * and a perceptron_layer (n→n); then perceptron layers over `[dims[-1]] + fc_dims` with BatchNorm,
 * ReLU and Dropout where `n ≠ fc[-1]` and Softmax where `m = fc[-2]`, `n = fc[-1]` (by value, as
 * tinyBIG). Defaults: with_lorr_interdependence, enable_bias, with_residual, with_batch_norm,
 * with_dropout (p = 0.25), with_relu and with_softmax all True.
 */
export function transformerModel(o: O, context?: BuildContext): RpnModel {
  const ctx = needCtx(context, 'transformer');
  rejectUnknown(o, TRANSFORMER_KEYS, 'transformer');
  const dims = checkDims(o.dims);
  if (!Array.isArray(o.fcDims) || o.fcDims.length < 1) throw new ConfigError('transformer needs at least one fc dimension', { argument: 'fc_dims', expected: 'a list [d1, …] with at least one entry', received: JSON.stringify(o.fcDims) });
  const fcDims = [dims[dims.length - 1], ...checkDims([1, ...(o.fcDims as number[])]).slice(1)];
  const seed = o.seed as number | undefined;
  const shared: O = {
    channelNum: o.channelNum, width: o.width, withTaylor: bool(o, 'withTaylor', false), d: num(o, 'd', 2),
    withDualLphm: bool(o, 'withDualLphm', false), withLorr: bool(o, 'withLorr', false), r: num(o, 'r', 3),
    enableBias: bool(o, 'enableBias', true), withResidual: bool(o, 'withResidual', true), p: num(o, 'p', 0.25),
    fastPaths: o.fastPaths, training: o.training,
  };
  const flags = { withBatchNorm: bool(o, 'withBatchNorm', true), withRelu: bool(o, 'withRelu', true), withDropout: bool(o, 'withDropout', true), withSoftmax: bool(o, 'withSoftmax', true) };
  const layers: RpnLayer[] = [];
  const add = (make: LayerMaker, p: O) => layers.push(make({ ...p, seed: subSeed(seed, `layers.${layers.length}`) }, ctx));
  try {
    for (let i = 0; i + 1 < dims.length; i++) {
      const [m, n] = [dims[i], dims[i + 1]];
      add(bilinearInterdependenceLayer, {
        ...shared, ...flags, m, n, batchNum: o.batchNum ?? undefined,
        withDualLphmInterdependence: bool(o, 'withDualLphmInterdependence', false), withLorrInterdependence: bool(o, 'withLorrInterdependence', true), rInterdependence: num(o, 'rInterdependence', 3),
      });
      add(perceptronLayer as LayerMaker, { ...shared, ...flags, m: n, n });
    }
    const last = fcDims[fcDims.length - 1];
    for (let i = 0; i + 1 < fcDims.length; i++) {
      const [m, n] = [fcDims[i], fcDims[i + 1]];
      add(perceptronLayer as LayerMaker, {
        ...shared, m, n,
        withBatchNorm: flags.withBatchNorm && n !== last, withRelu: flags.withRelu && n !== last, withDropout: flags.withDropout && n !== last,
        withSoftmax: flags.withSoftmax && m === fcDims[fcDims.length - 2] && n === last,
      });
    }
    return rpnModel({ name: (o.name as string | undefined) ?? 'rpn_transformer', layers, training: o.training as boolean | undefined, describe: { modelClass: 'tinybig.model.rpn_transformer.transformer', modelParameters: described(o) } });
  } catch (e) {
    layers.forEach((l) => l.dispose());
    throw e;
  }
}

type Make = (o: O, ctx: never) => unknown;
const entry = (kind: 'head' | 'layer' | 'model', cls: string, make: Make, dotted: string) =>
  defineEntry(kind, cls, (o, ctx) => make(o, ctx as never), { module: `tinybig.${kind}`, aliases: [dotted] });

/** Registry entries of the RPN 2 architectures for graphs and attention: graph_interdependence_head (GCN), graph_bilinear_interdependence_head (GAT), bilinear_interdependence_head (attention), their layers, gcn, gat, transformer. */
export const instanceEntries: readonly RegistryEntry[] = Object.freeze([
  entry('head', 'graph_interdependence_head', graphInterdependenceHead, 'tinybig.head.graph_based_heads.graph_interdependence_head'),
  entry('head', 'graph_bilinear_interdependence_head', graphBilinearInterdependenceHead, 'tinybig.head.graph_based_heads.graph_bilinear_interdependence_head'),
  entry('head', 'bilinear_interdependence_head', bilinearInterdependenceHead, 'tinybig.head.bilinear_heads.bilinear_interdependence_head'),
  entry('layer', 'graph_interdependence_layer', graphInterdependenceLayer, 'tinybig.layer.graph_based_layers.graph_interdependence_layer'),
  entry('layer', 'graph_bilinear_interdependence_layer', graphBilinearInterdependenceLayer, 'tinybig.layer.graph_based_layers.graph_bilinear_interdependence_layer'),
  entry('layer', 'bilinear_interdependence_layer', bilinearInterdependenceLayer, 'tinybig.layer.bilinear_layers.bilinear_interdependence_layer'),
  entry('model', 'gcn', gcnModel, 'tinybig.model.rpn_gcn.gcn'),
  entry('model', 'gat', gatModel, 'tinybig.model.rpn_gat.gat'),
  entry('model', 'transformer', transformerModel, 'tinybig.model.rpn_transformer.transformer'),
]);
