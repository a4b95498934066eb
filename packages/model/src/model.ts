import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, any, assertInt, bool, defineOptions, describeLayout, int, str, type OptionsOf, expandNumAlloc, layoutsCompatible, type BuildContext, type Fusion, type FunctionConfig, type Layout } from '@rpn/core';
import { subSeed, type InitMethod } from './init.js';
import { MODULE_BASE_FIELDS } from './base-options.js';
import { lifecycle, parameterViews, prefixed, type ForwardOptions, type NamedParameter, type RpnModule } from './module.js';
import { rpnLayer, type HeadSpec } from './layer.js';

/** Function choices for one layer of a model built from a dimension list. */
export interface LayerSpec {
  /** One head's functions, or a list expanded with `width`/`widthAlloc`. */
  readonly head?: HeadSpec | readonly HeadSpec[];
  readonly width?: number;
  readonly widthAlloc?: number | readonly number[];
  readonly headFusion?: Fusion | FunctionConfig | null;
  readonly name?: string;
}

/** Options of {@link rpnModel}, declared once (tinyBIG `rpn`'s model_parameters in camelCase, plus TypeScript conveniences). */
export const RPN_MODEL_OPTIONS = defineOptions('rpn', {
  name: str({ default: 'Reconciled_Polynomial_Network', doc: 'instance name' }),
  /** Layer objects, applied in order. */
  layers: any<readonly RpnModule[]>({ check: (v: unknown) => Array.isArray(v), expected: 'a list of layers', doc: 'layer objects' }),
  /** tinyBIG layer configs (one, or a list expanded with `depth`/`depthAlloc`). */
  layerConfigs: any<unknown>({ doc: 'layer configs (one, or a list expanded with depth/depth_alloc)' }),
  depth: int({ nullable: true, doc: 'number of layers' }),
  depthAlloc: any<number | readonly number[] | null>({ doc: 'how the layers repeat the configs' }),
  /** A dimension list `[d0, d1, …, dK]`: K layers with m = d_k, n = d_{k+1}. */
  dims: any<readonly number[]>({ doc: 'dimension list [d0, d1, …, dK]' }),
  /** With `dims`: the functions of every layer (one spec for all, a list of K, or a function of the layer index). */
  layer: any<LayerSpec | readonly LayerSpec[] | ((index: number, m: number, n: number) => LayerSpec)>({ doc: 'with dims: the functions of every layer' }),
  ...MODULE_BASE_FIELDS,
});

/** What {@link rpnModel} takes besides its declared options (code only). */
export interface RpnModelExtras {
  readonly context?: BuildContext;
  /** The tinyBIG config `toConfig` records (library models serialise as their own class). */
  readonly describe?: { readonly modelClass: string; readonly modelParameters: Record<string, unknown> };
}

/** Options of {@link rpnModel} (tinyBIG `rpn`), inferred from {@link RPN_MODEL_OPTIONS}. */
export type RpnModelOptions = OptionsOf<typeof RPN_MODEL_OPTIONS> & RpnModelExtras;

/** A stack of RPN layers (tinyBIG `rpn`). */
export interface RpnModel extends RpnModule {
  readonly kind: 'model';
  readonly layers: readonly RpnModule[];
  /** The dimension list `[m, n_0, n_1, …]`. */
  readonly dims: readonly number[];
}

/**
 * Throws a ConfigError naming the first pair of layers that do not chain: widths must agree and,
 * where both sides are structured (chain, grid), so must their layouts (a flat reader takes any
 * layout of its width, as tinyBIG's `x.view(b, -1)`).
 */
export function checkChain(layers: readonly { m: number; n: number; inLayout?: Layout; outLayout?: Layout }[]): void {
  for (let i = 1; i < layers.length; i++) {
    if (layers[i].m !== layers[i - 1].n) {
      throw new ConfigError('layer dimensions do not chain', { argument: `layers[${i}].m`, expected: `${layers[i - 1].n} (the output width of layers[${i - 1}])`, received: `${layers[i].m}` });
    }
    const from = layers[i - 1].outLayout;
    const to = layers[i].inLayout;
    if (from && to && !layoutsCompatible(from, to)) {
      throw new ConfigError('layer layouts do not chain', { argument: `layers[${i}]`, expected: `${describeLayout(to)} (its input layout)`, received: `${describeLayout(from)} (the output layout of layers[${i - 1}])` });
    }
  }
}

/** Checks a dimension list `[d0, …, dK]` (K ≥ 1, positive integers). */
export function checkDims(dims: unknown): number[] {
  if (!Array.isArray(dims) || dims.length < 2) throw new ConfigError('a dimension list needs at least two entries', { argument: 'dims', expected: '[d0, d1, …, dK] with K ≥ 1', received: JSON.stringify(dims) });
  dims.forEach((d, i) => assertInt(d, `dims[${i}]`));
  return [...dims];
}

/** Builds an RPN model: from layer objects, tinyBIG layer configs, or a dimension list with per-layer function choices. */
export function rpnModel(options: RpnModelOptions): RpnModel {
  const { context: ctx, describe, ...declared } = options;
  const o = RPN_MODEL_OPTIONS.parse(declared);
  const name = o.name;
  const layers: RpnModule[] = [];
  const owns = !o.layers;
  try {
    if (o.layers) {
      layers.push(...o.layers);
    } else if (o.layerConfigs != null) {
      if (!ctx) throw new ConfigError('layer_configs need a registry to build them', { argument: 'layer_configs', expected: 'pass `context` (a registry BuildContext) or layer objects', received: 'no context' });
      const configs = expandNumAlloc<unknown>(o.depth, o.depthAlloc, o.layerConfigs as unknown, 'layer_configs');
      configs.forEach((cfg, i) => {
        const c = cfg as Record<string, unknown>;
        if (!c || typeof c !== 'object' || typeof c.layer_class !== 'string') {
          throw new ConfigError('a layer config needs layer_class', { argument: `layer_configs[${i}]`, expected: '{layer_class, layer_parameters}', received: JSON.stringify(cfg) });
        }
        const p = JSON.parse(JSON.stringify((c.layer_parameters as Record<string, unknown>) ?? {}));
        if (o.seed != null && p.seed == null) p.seed = subSeed(o.seed, `layers.${i}`);
        if (o.fastPaths === false) p.fast_paths = false;
        layers.push(ctx.build<RpnModule>({ layer_class: c.layer_class, layer_parameters: p }, 'layer'));
      });
    } else if (o.dims) {
      const dims = checkDims(o.dims);
      for (let i = 0; i + 1 < dims.length; i++) {
        const spec: LayerSpec = typeof o.layer === 'function' ? o.layer(i, dims[i], dims[i + 1]) : Array.isArray(o.layer) ? (o.layer as LayerSpec[])[i] : ((o.layer as LayerSpec | undefined) ?? {});
        if (!spec) throw new ConfigError('missing function choices for a layer', { argument: `layer[${i}]`, expected: `${dims.length - 1} layer specs`, received: `${(o.layer as LayerSpec[]).length}` });
        layers.push(rpnLayer({ m: dims[i], n: dims[i + 1], head: spec.head ?? {}, width: spec.width, widthAlloc: spec.widthAlloc, headFusion: spec.headFusion, name: spec.name, parametersInitMethod: o.parametersInitMethod, seed: subSeed(o.seed, `layers.${i}`), fastPaths: o.fastPaths, context: ctx }));
      }
    } else {
      throw new ConfigError('missing layer_configs: a model needs layers', { argument: 'layer_configs', expected: 'layers, layer_configs or dims', received: 'none of them' });
    }
    if (layers.length === 0) throw new ConfigError('a model needs at least one layer', { argument: 'layers', expected: 'a non-empty list', received: '[]' });
    checkChain(layers);
  } catch (e) {
    if (owns) layers.forEach((l) => l.dispose());
    throw e;
  }
  const life = lifecycle('model', o.training, layers);
  const { state, checkAlive } = life;

  const model: RpnModel = {
    kind: 'model',
    name,
    m: layers[0].m,
    n: layers[layers.length - 1].n,
    inLayout: layers[0].inLayout,
    outLayout: layers[layers.length - 1].outLayout,
    layers: Object.freeze([...layers]),
    dims: Object.freeze([layers[0].m, ...layers.map((l) => l.n)]),
    get training() {
      return state.training;
    },
    get disposed() {
      return state.disposed;
    },
    forward(x: Tensor, fo?: ForwardOptions): Tensor {
      const training = life.begin(x, layers[0].inLayout, fo);
      return tf.tidy(() => layers.reduce((h, l, i) => l.forward(h, { training, seed: fo?.seed == null ? undefined : fo.seed + 1000 * i }), x));
    },
    namedParameters(): NamedParameter[] {
      checkAlive();
      return layers.flatMap((l, i) => prefixed(`layers.${i}.`, l.namedParameters()));
    },
    ...parameterViews(() => model.namedParameters()),
    train: life.train,
    eval: life.eval,
    toConfig() {
      if (describe) return { model_class: describe.modelClass, model_parameters: { ...describe.modelParameters } };
      return { model_class: 'tinybig.model.rpn', model_parameters: { name, depth: layers.length, layer_configs: layers.map((l) => l.toConfig()) } };
    },
    dispose() {
      if (state.disposed) return;
      layers.forEach((l) => l.dispose());
      state.disposed = true;
    },
    initializeParameters(initMethod?: InitMethod, seed?: number) {
      checkAlive();
      layers.forEach((l, i) => l.initializeParameters(initMethod, subSeed(seed, `layers.${i}`)));
    },
  };
  return Object.freeze(model);
}

/** Keys accepted in `rpn` model_parameters (camelCase), from {@link RPN_MODEL_OPTIONS}. */
export const MODEL_KEYS: readonly string[] = RPN_MODEL_OPTIONS.keys;

/** Builds an `rpn` model from registry options (checked as a config). */
export function modelFromOptions(options: Record<string, unknown>, ctx: BuildContext): RpnModel {
  const declared = RPN_MODEL_OPTIONS.parse(options, 'config');
  return rpnModel({ ...declared, context: ctx });
}
