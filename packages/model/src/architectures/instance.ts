import { ConfigError, any, bool as boolOpt, defineEntry, defineOptions, int, list, num as numOpt, parametersFromOptions, str, type BuildContext, type FunctionConfig, type OptionFields, type OptionSchema, type RegistryEntry } from '@rpn/core';
import { findCloseFactors } from '@rpn/reconciliation';
import { rpnHead, type RpnHead } from '../head.js';
import { rpnLayer, type RpnLayer } from '../layer.js';
import { checkDims, rpnModel, type RpnModel } from '../model.js';
import { subSeed } from '../init.js';
import { requireDim } from '../resolve.js';
import { instanceKernel } from '../kernels/instance.js';
import { perceptronLayer } from '../library.js';
import { PORT_FIELDS, bool, fc, flag, headFlags, needCtx, num, outputs, reconciliationConfig, residual, type O } from '../library-common.js';

/**
 * tinyBIG's RPN 2 heads over an instance axis (graph nodes, attention tokens), their layers and
 * the gcn, gat and transformer models: fixed compositions of registry functions (graph / hybrid /
 * bilinear interdependence, identity or Taylor expansion, identity / lorr / dual_lphm
 * reconciliation, zero or linear remainder) on the {@link instanceKernel}. Layers build `width`
 * INDEPENDENT heads (tinyBIG repeats one shared head object; see docs/tinybig-differences.md).
 */

const FLAG_KEYS = ['withDualLphm', 'withLorr', 'r', 'enableBias', 'withResidual', 'withBatchNorm', 'withRelu', 'withSoftmax', 'withDropout', 'p'] as const;
const BILINEAR_KEYS = ['withDualLphmInterdependence', 'withLorrInterdependence', 'rInterdependence'] as const;
const initMethod = (doc: string) => str({ default: 'xavier_normal', doc });

/** The options every instance head takes (the assembler's and tinyBIG's base head's), with a class's defaults of the `with_*` flags. */
function headOptions<F extends OptionFields>(cls: string, own: F, flagDefaults: Partial<Record<(typeof FLAG_KEYS)[number], boolean | number>>, init = 'parameter initialisation') {
  return defineOptions(cls, {
    m: int({ required: true, min: 1, doc: 'input width m' }),
    n: int({ required: true, min: 1, doc: 'output width n' }),
    name: str({ default: cls, doc: 'instance name' }),
    channelNum: int({ default: 1, min: 1, doc: 'channels C' }),
    ...headFlags(FLAG_KEYS, { withDualLphm: false, withLorr: false, r: 3, enableBias: false, withResidual: false, withBatchNorm: false, ...flagDefaults }),
    parametersInitMethod: initMethod(init),
    ...PORT_FIELDS,
    ...own,
  });
}

/** The node graph and its interdependence A of a graph head (tinyBIG's defaults; `normalization` differs: GCN True, GAT False). */
const graphFields = (normalization: boolean) => ({
  graph: any<O | null>({ nullable: true, doc: '{nodes, links, directed?} (or give nodes and links)' }),
  graphFilePath: any<string | null>({ nullable: true, doc: 'refused: the model core reads no files (give nodes and links)' }),
  nodes: any<readonly unknown[] | null>({ nullable: true, doc: 'node ids' }),
  links: any<readonly unknown[] | null>({ nullable: true, doc: '[source, target] pairs' }),
  directed: boolOpt({ default: false, doc: 'the links are directed' }),
  withMultihop: boolOpt({ default: false, doc: 'A = multihop_graph_interdependence(h, accumulative)' }),
  h: int({ default: 1, min: 1, doc: 'hops of the multihop A' }),
  accumulative: boolOpt({ default: false, doc: 'multihop A sums hops 1…h' }),
  withPagerank: boolOpt({ default: false, doc: 'A = pagerank_multihop_graph_interdependence(c)' }),
  c: numOpt({ default: 0.15, min: 0, max: 1, doc: 'PageRank restart probability c' }),
  requireData: any({ doc: "tinyBIG's flag (accepted, ignored)" }),
  requireParameters: any({ doc: "tinyBIG's flag (accepted, ignored)" }),
  normalization: boolOpt({ default: normalization, doc: 'normalise A' }),
  normalizationMode: str({ default: 'column', doc: 'normalisation of A' }),
  selfDependence: boolOpt({ default: true, doc: 'A includes self loops' }),
});

const GRAPH_OUTPUTS = { withRelu: true, withDropout: true, p: 0.5, withSoftmax: true } as const;

/** Options of {@link graphInterdependenceHead} (tinyBIG `graph_interdependence_head`). */
export const GRAPH_INTERDEPENDENCE_HEAD_OPTIONS = headOptions('graph_interdependence_head', graphFields(true), GRAPH_OUTPUTS, 'accepted; fanout_std_uniform is forced, as in tinyBIG');
/** Options of {@link graphBilinearInterdependenceHead} (tinyBIG `graph_bilinear_interdependence_head`). */
export const GRAPH_BILINEAR_INTERDEPENDENCE_HEAD_OPTIONS = headOptions('graph_bilinear_interdependence_head', {
  ...graphFields(false),
  ...headFlags(BILINEAR_KEYS, { withDualLphmInterdependence: false, withLorrInterdependence: false, rInterdependence: 3 }),
}, GRAPH_OUTPUTS, 'accepted; fanout_std_uniform is forced, as in tinyBIG');
/** Options of {@link bilinearInterdependenceHead} (tinyBIG `bilinear_interdependence_head`). */
export const BILINEAR_INTERDEPENDENCE_HEAD_OPTIONS = headOptions('bilinear_interdependence_head', {
  batchNum: int({ min: 1, nullable: true, doc: 'rows every forward must hold (None: any)' }),
  ...headFlags([...BILINEAR_KEYS, 'withTaylor', 'd'], { withDualLphmInterdependence: false, withLorrInterdependence: false, rInterdependence: 3, withTaylor: false, d: 2 }),
}, { withRelu: true, withDropout: false, p: 0.25, withSoftmax: true });

/** The options of an instance layer: its head's, plus `width` and the head fusion. */
function layerOptions<F extends OptionFields>(cls: string, name: string, head: OptionSchema<F>) {
  return defineOptions(cls, {
    name: str({ default: name, doc: 'instance name' }),
    width: int({ default: 1, min: 1, doc: 'number of independent heads' }),
    headFusion: any<FunctionConfig | null>({ nullable: true, doc: 'fusion of the heads (mean when width > 1)' }),
    headFusionConfigs: any<FunctionConfig | null>({ nullable: true, doc: 'head fusion as a config' }),
  }, head);
}

/** Options of the instance layers (tinyBIG `graph_interdependence_layer`, `graph_bilinear_interdependence_layer`, `bilinear_interdependence_layer`). */
export const GRAPH_INTERDEPENDENCE_LAYER_OPTIONS = layerOptions('graph_interdependence_layer', 'graph_interdependence_layer', GRAPH_INTERDEPENDENCE_HEAD_OPTIONS);
export const GRAPH_BILINEAR_INTERDEPENDENCE_LAYER_OPTIONS = layerOptions('graph_bilinear_interdependence_layer', 'graph_bilinear_interdependence_layer', GRAPH_BILINEAR_INTERDEPENDENCE_HEAD_OPTIONS);
export const BILINEAR_INTERDEPENDENCE_LAYER_OPTIONS = layerOptions('bilinear_interdependence_layer', 'attention_layer', BILINEAR_INTERDEPENDENCE_HEAD_OPTIONS);

/** The options of a model over instance layers: its layer's without `m`, `n`, plus `dims` and its own defaults. */
function modelOptions<F extends OptionFields>(cls: string, layer: OptionSchema<F>, own: OptionFields) {
  const { m: _m, n: _n, headFusion: _f, headFusionConfigs: _c, ...fields } = layer.fields as OptionFields;
  return defineOptions(cls, { ...fields, dims: list(int({ min: 1 }), { required: true, minLength: 2, doc: 'dimension list [d0, d1, …, dK]' }), ...own });
}

/** gcn/gat's per-layer flags (see {@link lastLayerFlags}) and dropout p. */
const GRAPH_MODEL_FLAGS = headFlags(['withBatchNorm', 'withRelu', 'withDropout', 'withSoftmax', 'p'], { withBatchNorm: false, withRelu: true, withDropout: false, withSoftmax: true, p: 0.25 });
/** Options of {@link gcnModel} (tinyBIG `gcn`). */
export const GCN_OPTIONS = modelOptions('gcn', GRAPH_INTERDEPENDENCE_LAYER_OPTIONS, { ...GRAPH_MODEL_FLAGS, name: str({ default: 'rpn_gcn', doc: 'instance name' }) });
/** Options of {@link gatModel} (tinyBIG `gat`; the model passes normalization=True). */
export const GAT_OPTIONS = modelOptions('gat', GRAPH_BILINEAR_INTERDEPENDENCE_LAYER_OPTIONS, { ...GRAPH_MODEL_FLAGS, name: str({ default: 'rpn_gcn', doc: 'instance name' }), normalization: boolOpt({ default: true, doc: 'normalise A' }) });
/** Options of {@link transformerModel} (tinyBIG `transformer`). */
export const TRANSFORMER_OPTIONS = modelOptions('transformer', BILINEAR_INTERDEPENDENCE_LAYER_OPTIONS, {
  name: str({ default: 'rpn_transformer', doc: 'instance name' }),
  fcDims: list(int({ min: 1 }), { required: true, minLength: 1, doc: 'widths of the fc perceptron layers' }),
  ...headFlags(['withTaylor', 'd', 'withDualLphm', 'withLorr', 'r', 'enableBias', 'withResidual', 'p', 'withBatchNorm', 'withRelu', 'withDropout', 'withSoftmax', ...BILINEAR_KEYS], {
    withTaylor: false, d: 2, withDualLphm: false, withLorr: false, r: 3, enableBias: true, withResidual: true, p: 0.25,
    withBatchNorm: true, withRelu: true, withDropout: true, withSoftmax: true,
    withDualLphmInterdependence: false, withLorrInterdependence: true, rInterdependence: 3,
  }),
});

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
  const v = GRAPH_INTERDEPENDENCE_HEAD_OPTIONS.parse(o) as O;
  const a = assembler(v, ctx);
  const g = readGraph(v, 'graph_interdependence_head');
  return rpnHead({
    ...a,
    name: v.name as string,
    instanceInterdependence: graphInterdependenceConfig(v, g, a.m, true),
    dataTransformation: fc('tinybig.expansion.identity_expansion'),
    parameterFabrication: reconciliationConfig(v, false),
    remainder: residual(v),
    outputProcessFunctions: outputs(a.n, v, { relu: true, dropout: true, p: 0.5, softmax: true }, 'torch.nn.LogSoftmax'),
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
  const v = GRAPH_BILINEAR_INTERDEPENDENCE_HEAD_OPTIONS.parse(o) as O;
  const a = assembler(v, ctx);
  const g = readGraph(v, 'graph_bilinear_interdependence_head');
  const N = g.nodes.length;
  return rpnHead({
    ...a,
    name: v.name as string,
    instanceInterdependence: fc('tinybig.interdependence.hybrid_interdependence', {
      b: N, m: a.m, interdependence_type: 'instance',
      interdependence_function_configs: [graphInterdependenceConfig(v, g, a.m, false), bilinearConfig(v, a.m, N)],
      fusion_function_config: fc('tinybig.fusion.prod_fusion', { dims: [N, N] }),
    }),
    dataTransformation: fc('tinybig.expansion.identity_expansion'),
    parameterFabrication: reconciliationConfig(v, false),
    remainder: residual(v),
    outputProcessFunctions: outputs(a.n, v, { relu: true, dropout: true, p: 0.5, softmax: true }, 'torch.nn.LogSoftmax'),
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
  const v = BILINEAR_INTERDEPENDENCE_HEAD_OPTIONS.parse(o) as O;
  const a = assembler(v, ctx);
  const batchNum = (v.batchNum as number | null) ?? undefined;
  return rpnHead({
    ...a,
    name: v.name as string,
    instanceInterdependence: bilinearConfig(v, a.m, batchNum),
    dataTransformation: v.withTaylor ? fc('tinybig.expansion.taylor_expansion', { d: v.d }) : fc('tinybig.expansion.identity_expansion'),
    parameterFabrication: reconciliationConfig(v, false),
    remainder: residual(v),
    outputProcessFunctions: outputs(a.n, v, { relu: true, dropout: false, p: 0.25, softmax: true }),
    parametersInitMethod: v.parametersInitMethod as 'xavier_normal',
    kernel: instanceKernel({ axis: 'tokens', count: batchNum, normalization: { rescale: Math.sqrt(a.n), maskZeros: true, mode: 'column' } }),
    describe: { headClass: 'tinybig.head.bilinear_heads.bilinear_interdependence_head', headParameters: described(o) },
  });
}

type HeadMaker = (o: O, ctx?: BuildContext) => RpnHead;

/**
 * A specialised layer: `width` independent heads (tinyBIG repeats one object), fused by mean
 * (default when width > 1, or the given head fusion) or by `fusion(n, width)` when the class fixes it.
 */
function instanceLayer(make: HeadMaker, layerClass: string, schema: OptionSchema, fusion?: (n: number, width: number) => FunctionConfig) {
  return (o: O, context?: BuildContext): RpnLayer => {
    const v = schema.parse(o) as O;
    const ctx = needCtx(context, schema.className);
    const m = v.m as number;
    const n = v.n as number;
    const width = v.width as number;
    const { width: _w, headFusion, headFusionConfigs, name, seed, ...rest } = o;
    const heads: RpnHead[] = [];
    try {
      for (let j = 0; j < width; j++) heads.push(make({ ...rest, m, n, seed: subSeed(seed as number | undefined, `heads.${j}`) }, ctx));
      const given = (headFusion ?? headFusionConfigs) as FunctionConfig | undefined;
      return rpnLayer({
        m, n, name: (name as string | undefined) ?? (v.name as string), heads, headFusion: fusion ? fusion(n, width) : given,
        parametersInitMethod: v.parametersInitMethod as 'xavier_normal',
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
export const graphInterdependenceLayer = instanceLayer(graphInterdependenceHead, 'tinybig.layer.graph_based_layers.graph_interdependence_layer', GRAPH_INTERDEPENDENCE_LAYER_OPTIONS);
/** `graph_bilinear_interdependence_layer`: `width` GAT heads, mean fusion. */
export const graphBilinearInterdependenceLayer = instanceLayer(graphBilinearInterdependenceHead, 'tinybig.layer.graph_based_layers.graph_bilinear_interdependence_layer', GRAPH_BILINEAR_INTERDEPENDENCE_LAYER_OPTIONS);
/**
 * `bilinear_interdependence_layer`: `width` attention heads, ALWAYS fused by
 * `parameterized_concatenation_fusion(dims = [n]·width)`: `w_head_fusion [1, n·width·n]`,
 * `out = concat(heads) · Wᵀ`, W = reshape(w, [n, width·n]).
 */
export const bilinearInterdependenceLayer = instanceLayer(bilinearInterdependenceHead, 'tinybig.layer.bilinear_layers.bilinear_interdependence_layer', BILINEAR_INTERDEPENDENCE_LAYER_OPTIONS,
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

function graphModel(make: LayerMaker, modelClass: string, schema: OptionSchema, layerDefaults: O) {
  return (o: O, context?: BuildContext): RpnModel => {
    const v = schema.parse(o) as O;
    const ctx = needCtx(context, schema.className);
    const dims = checkDims(v.dims);
    const { dims: _d, name, seed, withBatchNorm: _b, withRelu: _r, withDropout: _p, withSoftmax: _s, ...rest } = o;
    const layers: RpnLayer[] = [];
    try {
      for (let i = 0; i + 1 < dims.length; i++) {
        const [m, n] = [dims[i], dims[i + 1]];
        layers.push(make({ ...layerDefaults, ...rest, ...lastLayerFlags(v, m, n, dims, { dropout: false }), p: v.p, m, n, seed: subSeed(seed as number | undefined, `layers.${i}`) }, ctx));
      }
      return rpnModel({ name: v.name as string, layers, training: o.training as boolean | undefined, describe: { modelClass, modelParameters: described(o) } });
    } catch (e) {
      layers.forEach((l) => l.dispose());
      throw e;
    }
  };
}

/** `gcn(dims)`: a graph_interdependence_layer per consecutive pair; ReLU on all but the last layer, LogSoftmax on the last only. */
export const gcnModel = graphModel(graphInterdependenceLayer, 'tinybig.model.rpn_gcn.gcn', GCN_OPTIONS, {});
/** `gat(dims)`: a graph_bilinear_interdependence_layer per pair, as gcn; the model passes normalization=True (column) to its layers. */
export const gatModel = graphModel(graphBilinearInterdependenceLayer, 'tinybig.model.rpn_gat.gat', GAT_OPTIONS, { normalization: true });

/**
 * `transformer(dims, fc_dims)`: per consecutive pair of `dims` a bilinear_interdependence_layer (m→n)
 * and a perceptron_layer (n→n); then perceptron layers over `[dims[-1]] + fc_dims` with BatchNorm,
 * ReLU and Dropout where `n ≠ fc[-1]` and Softmax where `m = fc[-2]`, `n = fc[-1]` (by value, as
 * tinyBIG). Defaults: with_lorr_interdependence, enable_bias, with_residual, with_batch_norm,
 * with_dropout (p = 0.25), with_relu and with_softmax all True.
 */
export function transformerModel(o: O, context?: BuildContext): RpnModel {
  const ctx = needCtx(context, 'transformer');
  const v = TRANSFORMER_OPTIONS.parse(o) as O;
  const dims = checkDims(v.dims);
  const fcDims = [dims[dims.length - 1], ...(v.fcDims as number[])];
  const seed = o.seed as number | undefined;
  const shared: O = {
    channelNum: o.channelNum, width: o.width, withTaylor: v.withTaylor, d: v.d,
    withDualLphm: v.withDualLphm, withLorr: v.withLorr, r: v.r,
    enableBias: v.enableBias, withResidual: v.withResidual, p: v.p,
    fastPaths: o.fastPaths, training: o.training,
  };
  const flags = { withBatchNorm: v.withBatchNorm as boolean, withRelu: v.withRelu as boolean, withDropout: v.withDropout as boolean, withSoftmax: v.withSoftmax as boolean };
  const layers: RpnLayer[] = [];
  const add = (make: LayerMaker, p: O) => layers.push(make({ ...p, seed: subSeed(seed, `layers.${layers.length}`) }, ctx));
  try {
    for (let i = 0; i + 1 < dims.length; i++) {
      const [m, n] = [dims[i], dims[i + 1]];
      add(bilinearInterdependenceLayer, {
        ...shared, ...flags, m, n, batchNum: o.batchNum ?? undefined,
        withDualLphmInterdependence: v.withDualLphmInterdependence, withLorrInterdependence: v.withLorrInterdependence, rInterdependence: v.rInterdependence,
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
    return rpnModel({ name: v.name as string, layers, training: o.training as boolean | undefined, describe: { modelClass: 'tinybig.model.rpn_transformer.transformer', modelParameters: described(o) } });
  } catch (e) {
    layers.forEach((l) => l.dispose());
    throw e;
  }
}

type Make = (o: O, ctx: never) => unknown;
const entry = (kind: 'head' | 'layer' | 'model', cls: string, make: Make, dotted: string, options: OptionSchema) =>
  defineEntry(kind, cls, (o, ctx) => make(o, ctx as never), { module: `tinybig.${kind}`, aliases: [dotted], options });

/** Registry entries of the RPN 2 architectures for graphs and attention: graph_interdependence_head (GCN), graph_bilinear_interdependence_head (GAT), bilinear_interdependence_head (attention), their layers, gcn, gat, transformer. */
export const instanceEntries: readonly RegistryEntry[] = Object.freeze([
  entry('head', 'graph_interdependence_head', graphInterdependenceHead, 'tinybig.head.graph_based_heads.graph_interdependence_head', GRAPH_INTERDEPENDENCE_HEAD_OPTIONS),
  entry('head', 'graph_bilinear_interdependence_head', graphBilinearInterdependenceHead, 'tinybig.head.graph_based_heads.graph_bilinear_interdependence_head', GRAPH_BILINEAR_INTERDEPENDENCE_HEAD_OPTIONS),
  entry('head', 'bilinear_interdependence_head', bilinearInterdependenceHead, 'tinybig.head.bilinear_heads.bilinear_interdependence_head', BILINEAR_INTERDEPENDENCE_HEAD_OPTIONS),
  entry('layer', 'graph_interdependence_layer', graphInterdependenceLayer, 'tinybig.layer.graph_based_layers.graph_interdependence_layer', GRAPH_INTERDEPENDENCE_LAYER_OPTIONS),
  entry('layer', 'graph_bilinear_interdependence_layer', graphBilinearInterdependenceLayer, 'tinybig.layer.graph_based_layers.graph_bilinear_interdependence_layer', GRAPH_BILINEAR_INTERDEPENDENCE_LAYER_OPTIONS),
  entry('layer', 'bilinear_interdependence_layer', bilinearInterdependenceLayer, 'tinybig.layer.bilinear_layers.bilinear_interdependence_layer', BILINEAR_INTERDEPENDENCE_LAYER_OPTIONS),
  entry('model', 'gcn', gcnModel, 'tinybig.model.rpn_gcn.gcn', GCN_OPTIONS),
  entry('model', 'gat', gatModel, 'tinybig.model.rpn_gat.gat', GAT_OPTIONS),
  entry('model', 'transformer', transformerModel, 'tinybig.model.rpn_transformer.transformer', TRANSFORMER_OPTIONS),
]);
