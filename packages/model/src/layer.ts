import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { ConfigError, any, bool, defineOptions, describeLayout, expandNumAlloc, flatLayout, int, layoutsCompatible, str, type BuildContext, type Fusion, type FunctionConfig, type OptionsOf } from '@rpn/core';
import { initMethodOf, initialValue, subSeed, type InitMethod, type InitTarget } from './init.js';
import { MODULE_BASE_FIELDS } from './base-options.js';
import { initVariable, lifecycle, parameterViews, prefixed, type ForwardOptions, type NamedParameter, type RpnModule } from './module.js';
import { meanFusion } from './fusion.js';
import { rpnHead, type RpnHeadOptions } from './head.js';
import { resolveComponent } from './resolve.js';

/** A head's function choices without its dimensions (the layer supplies m and n). */
export type HeadSpec = Omit<RpnHeadOptions, 'm' | 'n'>;

/**
 * Options of {@link rpnLayer}, declared once (tinyBIG `rpn_layer`'s layer_parameters in camelCase,
 * plus TypeScript conveniences). Heads and fusions are checked where they are built.
 */
export const RPN_LAYER_OPTIONS = defineOptions('rpn_layer', {
  m: int({ required: true, min: 1, doc: 'input width m' }),
  n: int({ required: true, min: 1, doc: 'output width n of every head' }),
  name: str({ default: 'rpn_layer', doc: 'instance name' }),
  /** Head objects (each its own parameters); `width = heads.length`. */
  heads: any<readonly RpnModule[]>({ check: (v: unknown) => Array.isArray(v), expected: 'a list of heads', doc: 'head objects' }),
  /** tinyBIG head configs (one, or a list expanded with `width`/`widthAlloc`); m and n are overwritten. */
  headConfigs: any<unknown>({ doc: 'head configs (one, or a list expanded with width/width_alloc)' }),
  /** Function choices for heads built here (one, or a list expanded with `width`/`widthAlloc`). */
  head: any<HeadSpec | readonly HeadSpec[]>({ doc: 'function choices of heads built here' }),
  width: int({ nullable: true, doc: 'number of heads' }),
  widthAlloc: any<number | readonly number[] | null>({ doc: 'how the heads repeat the configs' }),
  /** Head fusion (default mean when width > 1); concatenation changes the output width. */
  headFusion: any<Fusion | FunctionConfig | null>({ doc: 'fusion of the heads (mean when width > 1)' }),
  headFusionConfigs: any<FunctionConfig | null>({ doc: 'head fusion as a config' }),
  ...MODULE_BASE_FIELDS,
});

/** What {@link rpnLayer} takes besides its declared options (code only). */
export interface RpnLayerExtras {
  readonly context?: BuildContext;
  /** The tinyBIG config `toConfig` records (specialised layers serialise as their own class). */
  readonly describe?: { readonly layerClass: string; readonly layerParameters: Record<string, unknown> };
}

/** Options of {@link rpnLayer} (tinyBIG `rpn_layer`), inferred from {@link RPN_LAYER_OPTIONS}. */
export type RpnLayerOptions = OptionsOf<typeof RPN_LAYER_OPTIONS> & RpnLayerExtras;

/** An RPN layer: several independent heads and their fusion. */
export interface RpnLayer extends RpnModule {
  readonly kind: 'layer';
  readonly width: number;
  readonly heads: readonly RpnModule[];
  readonly headFusion?: Fusion;
}

function clone<T>(v: T): T {
  return v == null ? v : JSON.parse(JSON.stringify(v));
}

/** Builds an RPN layer of independent heads fused by `headFusion` (mean by default when width > 1). */
export function rpnLayer(options: RpnLayerOptions): RpnLayer {
  const { context: ctx, describe, ...declared } = options;
  const o = RPN_LAYER_OPTIONS.parse(declared);
  const { m, n, name } = o;
  const method = initMethodOf(o.parametersInitMethod, 'xavier_uniform');
  const heads: RpnModule[] = [];
  const ownsHeads = !o.heads;
  try {
    if (o.heads) {
      if (o.heads.length === 0) throw new ConfigError('a layer needs at least one head', { argument: 'heads', expected: 'a non-empty list', received: '[]' });
      heads.push(...o.heads);
    } else if (o.headConfigs != null) {
      if (!ctx) throw new ConfigError('head_configs need a registry to build them', { argument: 'head_configs', expected: 'pass `context` (a registry BuildContext) or head objects', received: 'no context' });
      const configs = expandNumAlloc<unknown>(o.width, o.widthAlloc, o.headConfigs as unknown, 'head_configs');
      configs.forEach((cfg, j) => {
        const c = clone(cfg) as Record<string, unknown>;
        if (!c || typeof c !== 'object' || typeof c.head_class !== 'string') {
          throw new ConfigError('a head config needs head_class', { argument: `head_configs[${j}]`, expected: '{head_class, head_parameters}', received: JSON.stringify(cfg) });
        }
        const p = { ...((c.head_parameters as Record<string, unknown>) ?? {}) };
        p.m = m;
        p.n = n;
        p.parameters_init_method = method;
        if (o.seed != null) p.seed = subSeed(o.seed, `heads.${j}`);
        if (o.fastPaths === false) p.fast_paths = false;
        heads.push(ctx.build<RpnModule>({ head_class: c.head_class, head_parameters: p }, 'head'));
      });
    } else if (o.head) {
      const specs = expandNumAlloc<HeadSpec>(o.width, o.widthAlloc, o.head as HeadSpec | HeadSpec[], 'head');
      specs.forEach((s, j) => heads.push(rpnHead({ fastPaths: o.fastPaths, parametersInitMethod: method, seed: subSeed(o.seed, `heads.${j}`), context: ctx, ...s, m, n })));
    } else {
      throw new ConfigError('missing head_configs: a layer needs heads', { argument: 'head_configs', expected: 'heads, head_configs or head (function choices)', received: 'none of them' });
    }
    heads.forEach((h, j) => {
      if (h.m !== m || h.n !== n) throw new ConfigError('head dimensions do not match the layer', { argument: `heads[${j}]`, expected: `m = ${m}, n = ${n}`, received: `m = ${h.m}, n = ${h.n}` });
      if (j > 0 && !layoutsCompatible(heads[0].inLayout, h.inLayout)) {
        throw new ConfigError('the heads of a layer must read one layout', { argument: `heads[${j}]`, expected: describeLayout(heads[0].inLayout), received: describeLayout(h.inLayout) });
      }
    });
  } catch (e) {
    if (ownsHeads) heads.forEach((h) => h.dispose());
    throw e;
  }
  const width = heads.length;
  const givenFusion = resolveComponent<Fusion>(o.headFusion ?? o.headFusionConfigs, 'fusion', 'head_fusion', ctx);
  const fusion = givenFusion ?? (width > 1 ? meanFusion({ dims: heads.map((h) => h.n) }) : undefined);
  const outN = fusion ? fusion.calculateN(heads.map((h) => h.n)) : n;
  let wFusion: Variable | null = null;
  let wTarget: InitTarget | null = null;
  if (fusion && fusion.requireParameters) {
    wTarget = { shape: [1, fusion.calculateL()], n: outN };
    wFusion = initVariable(method, wTarget, subSeed(o.seed, 'w_head_fusion'));
  }
  const life = lifecycle('layer', o.training, heads);
  const { state, checkAlive } = life;

  const layer: RpnLayer = {
    kind: 'layer',
    name,
    m,
    n: outN,
    inLayout: heads[0].inLayout,
    outLayout: outN === heads[0].n ? heads[0].outLayout : flatLayout(outN),
    width,
    heads: Object.freeze([...heads]),
    headFusion: fusion,
    get training() {
      return state.training;
    },
    get disposed() {
      return state.disposed;
    },
    forward(x: Tensor, fo?: ForwardOptions): Tensor {
      const training = life.begin(x, heads[0].inLayout, fo);
      return tf.tidy(() => {
        const outs = heads.map((h, j) => h.forward(x, { training, seed: fo?.seed == null ? undefined : fo.seed + j }));
        return fusion ? fusion.forward(outs, wFusion) : outs[0];
      });
    },
    namedParameters(): NamedParameter[] {
      checkAlive();
      const own: NamedParameter[] = wFusion ? [Object.freeze({ name: 'w_head_fusion', variable: wFusion, trainable: true })] : [];
      return [...own, ...heads.flatMap((h, j) => prefixed(`heads.${j}.`, h.namedParameters()))];
    },
    ...parameterViews(() => layer.namedParameters()),
    train: life.train,
    eval: life.eval,
    toConfig() {
      if (describe) return { layer_class: describe.layerClass, layer_parameters: { ...describe.layerParameters } };
      const p: Record<string, unknown> = { name, m, n, width, head_configs: heads.map((h) => h.toConfig()) };
      if (givenFusion) p.head_fusion_configs = givenFusion.toConfig();
      p.parameters_init_method = method;
      return { layer_class: 'tinybig.module.rpn_layer', layer_parameters: p };
    },
    dispose() {
      if (state.disposed) return;
      wFusion?.dispose();
      heads.forEach((h) => h.dispose());
      state.disposed = true;
    },
    initializeParameters(initMethod?: InitMethod, seed?: number) {
      checkAlive();
      heads.forEach((h, j) => h.initializeParameters(initMethod, subSeed(seed, `heads.${j}`)));
      if (wFusion && wTarget) {
        const v = tf.tidy(() => initialValue(initMethodOf(initMethod ?? method), wTarget!, subSeed(seed, 'w_head_fusion')));
        wFusion.assign(v);
        v.dispose();
      }
    },
  };
  return Object.freeze(layer);
}

/** Keys accepted in `rpn_layer` layer_parameters (camelCase), from {@link RPN_LAYER_OPTIONS}. */
export const LAYER_KEYS: readonly string[] = RPN_LAYER_OPTIONS.keys;

/** Builds an `rpn_layer` from registry options (checked as a config). */
export function layerFromOptions(options: Record<string, unknown>, ctx: BuildContext): RpnLayer {
  const declared = RPN_LAYER_OPTIONS.parse(options, 'config');
  return rpnLayer({ ...declared, context: ctx });
}
