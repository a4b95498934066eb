import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, formatShape } from './errors.js';
import type { ForwardContext } from './contracts.js';

/**
 * The instance axis of a layout: the batch rows are not independent samples but the nodes of one
 * graph or the tokens of one sequence group. Such models run full-batch (or on whole groups),
 * never on shuffled rows; `count` is the number of rows one forward must have, when fixed.
 */
export interface InstanceAxis {
  readonly name: 'nodes' | 'tokens';
  readonly count?: number;
}

/** Per-sample flat features `[m]` (tinyBIG's default). */
export interface FlatLayout {
  readonly kind: 'flat';
  readonly m: number;
  readonly instances?: InstanceAxis;
}

/** A chain (sequence) of `L` steps of `m` features, flattened step-major: `x[b, t·m + j]`. */
export interface ChainLayout {
  readonly kind: 'chain';
  readonly L: number;
  readonly m: number;
  readonly instances?: InstanceAxis;
}

/**
 * A grid of `h × w × d` cells with `C` channels, flattened channel-major as tinyBIG does:
 * `x[b, c·(h·w·d) + k + j·d + i·d·w]` for channel c and cell (i, j, k).
 */
export interface GridLayout {
  readonly kind: 'grid';
  readonly h: number;
  readonly w: number;
  readonly d: number;
  readonly C: number;
  readonly instances?: InstanceAxis;
}

/** The per-sample shape of what a head, layer or model reads or writes. Rows are always flat. */
export type Layout = FlatLayout | ChainLayout | GridLayout;

const positive = (v: number, argument: string): number => {
  if (!Number.isInteger(v) || v < 1) throw new ConfigError('a layout size must be a positive integer', { argument, expected: 'an integer ≥ 1', received: JSON.stringify(v) });
  return v;
};

/** `[m]`. */
export function flatLayout(m: number, instances?: InstanceAxis): FlatLayout {
  return Object.freeze({ kind: 'flat', m: positive(m, 'm'), ...(instances ? { instances } : {}) });
}

/** `[L, m]`, flattened step-major. */
export function chainLayout(L: number, m: number, instances?: InstanceAxis): ChainLayout {
  return Object.freeze({ kind: 'chain', L: positive(L, 'chain_length'), m: positive(m, 'm'), ...(instances ? { instances } : {}) });
}

/** `[h, w, d, C]`, flattened channel-major. */
export function gridLayout(h: number, w: number, d: number, C: number, instances?: InstanceAxis): GridLayout {
  return Object.freeze({ kind: 'grid', h: positive(h, 'h'), w: positive(w, 'w'), d: positive(d, 'd'), C: positive(C, 'channel_num'), ...(instances ? { instances } : {}) });
}

/** The flat row width of a layout: m, L·m or h·w·d·C. */
export function layoutWidth(l: Layout): number {
  if (l.kind === 'flat') return l.m;
  if (l.kind === 'chain') return l.L * l.m;
  return l.h * l.w * l.d * l.C;
}

/** A short human description: `[m=4]`, `[L=16, m=8]`, `[h=28, w=28, d=1, C=1]`, plus the instance axis. */
export function describeLayout(l: Layout): string {
  const inst = l.instances ? ` over ${l.instances.count ?? 'any number of'} ${l.instances.name}` : '';
  if (l.kind === 'flat') return `[m=${l.m}]${inst}`;
  if (l.kind === 'chain') return `[L=${l.L}, m=${l.m}]${inst}`;
  return `[h=${l.h}, w=${l.w}, d=${l.d}, C=${l.C}]${inst}`;
}

/**
 * Whether rows of layout `from` can be read as layout `to`. Widths must agree; a flat reader takes
 * any layout of its width (tinyBIG's `x.view(b, -1)`); a structured reader takes flat rows of its
 * width (the data arrive flat) or the same structure with the same sizes.
 */
export function layoutsCompatible(from: Layout, to: Layout): boolean {
  if (layoutWidth(from) !== layoutWidth(to)) return false;
  if (to.kind === 'flat' || from.kind === 'flat') return true;
  if (from.kind === 'chain' && to.kind === 'chain') return from.L === to.L && from.m === to.m;
  if (from.kind === 'grid' && to.kind === 'grid') return from.h === to.h && from.w === to.w && from.d === to.d && from.C === to.C;
  return false;
}

/** Throws a ConfigError naming `argument` when rows of `from` cannot feed a reader of `to`. */
export function assertLayoutsChain(from: Layout, to: Layout, argument: string): void {
  if (!layoutsCompatible(from, to)) {
    throw new ConfigError('layouts do not chain', { argument, expected: `input layout ${describeLayout(to)} (width ${layoutWidth(to)})`, received: `${describeLayout(from)} (width ${layoutWidth(from)})` });
  }
}

/** Throws a ShapeError unless `x` is a batch of rows of `layout` (and, with a fixed instance count, has that many rows). */
export function assertLayout(x: Tensor, layout: Layout, argument = 'x'): void {
  if (x == null || !Array.isArray(x.shape) || x.rank !== 2) {
    throw new ShapeError('input must be a 2-D batch of flat rows', { argument, expected: `a rank-2 tensor [b, ${layoutWidth(layout)}] (rows of ${describeLayout(layout)})`, received: x == null || !Array.isArray(x.shape) ? String(x) : `shape ${formatShape(x.shape)}` });
  }
  const width = layoutWidth(layout);
  if (x.shape[1] !== width) {
    const of = layout.kind === 'flat' ? '' : ` (rows of ${describeLayout(layout)})`;
    throw new ShapeError(layout.kind === 'flat' ? 'input has the wrong width' : 'input has the wrong width for its layout', { argument, expected: `shape [b, ${width}]${of}`, received: `shape ${formatShape(x.shape)}` });
  }
  const count = layout.instances?.count;
  if (count !== undefined && x.shape[0] !== count) {
    throw new ShapeError(`the batch must hold every one of the ${count} ${layout.instances!.name} (full batch)`, { argument, expected: `shape [${count}, ${width}]`, received: `shape ${formatShape(x.shape)}` });
  }
}

/** True when rows are interdependent instances (graph nodes, tokens): train full-batch, never shuffle rows. */
export function hasInstanceAxis(l: Layout): boolean {
  return l.instances !== undefined;
}

/**
 * One channel's parameters, as the head assembler hands them to its kernel. `w`, `wAttribute` and
 * `wInstance` are channel c's rows (`[1, l]`); `wFlat()` is the same row as `[l]` through one
 * custom-gradient op (a plain slice on the tape would save a copy of the whole parameter).
 */
export interface KernelParameters {
  readonly w: Tensor | null;
  wFlat(): Tensor | null;
  readonly b: Variable | null;
  readonly wAttribute: Tensor | null;
  readonly wInstance: Tensor | null;
}

/** What a kernel's forward knows: the channel, the mode, whether fast paths are on, and a per-forward cache. */
export interface KernelContext {
  readonly channel: number;
  readonly channelNum: number;
  readonly training: boolean;
  readonly fastPaths: boolean;
  /** The forward context of the head's function at `prefix` (`data_transformation.`, …). */
  context(prefix: string): ForwardContext;
  /** Values shared between the channels of one forward (e.g. κ(x) when no channel has its own ξ parameters). */
  readonly cache: Map<string, Tensor>;
}

/**
 * The part of a head that differs between architectures: how the (processed) input meets the
 * reconciled parameters. The head assembler owns everything else (slots and tinyBIG names,
 * processing, channel fusion, remainder, lifecycle, toConfig). tinyBIG: a head's
 * `calculate_inner_product` with what it reads (`calculate_kappa_xi_x`, `calculate_phi_w`).
 */
export interface HeadKernel {
  /** `rpn`, `grid`, `pool`, `chain`, `instance`, … (for summaries and errors). */
  readonly kind: string;
  readonly inLayout: Layout;
  /** The layout of one channel's output (before channel fusion). */
  readonly outLayout: Layout;
  /** Width after attribute interdependence (m'). */
  readonly mPrime: number;
  /** Width of the expansion ψ is reconciled against (D). */
  readonly D: number;
  /** Reconciliation parameters per channel (`w` is `[C, l]`); 0 for none. */
  readonly l: number;
  /** Parameters of the attribute / instance interdependence per channel; 0 for none. */
  readonly lAttribute: number;
  readonly lInstance: number;
  /** Shape of the bias `b`, when the reconciliation enables one (tinyBIG: `[n]` of the head's n). */
  readonly biasShape: readonly number[];
  /**
   * How the remainder π meets the rows: `w_remainder` is `[n, m]`, applied to `x.view(b·steps, m)`
   * and viewed back as `[b, steps·n]` (steps = 1 for flat and grid heads, L for chain heads).
   */
  readonly remainder: { readonly m: number; readonly n: number; readonly steps: number };
  /** Channel c's product, bias included: processed rows `[b, width(inLayout)]` → `[b, width(outLayout)]`. */
  forward(x: Tensor, p: KernelParameters, ctx: KernelContext): Tensor;
}
