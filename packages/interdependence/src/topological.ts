import { ValueError, degreeNormalize, type OptionsOf, type ValuesOf } from '@rpn/core';
import { constMatrix, makeInterdependence, parseType, type InterdependenceFunction } from './common.js';
import { CHAIN_OPTIONS, GRAPH_OPTIONS } from './options.js';

type ChainValues = ValuesOf<typeof CHAIN_OPTIONS>;
type GraphValues = ValuesOf<typeof GRAPH_OPTIONS>;

type Mat = Float64Array;

function matmul(a: Mat, b: Mat, n: number): Mat {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const v = a[i * n + k];
    if (v === 0) continue;
    for (let j = 0; j < n; j++) out[i * n + j] += v * b[k * n + j];
  }
  return out;
}
const eye = (n: number): Mat => { const e = new Float64Array(n * n); for (let i = 0; i < n; i++) e[i * n + i] = 1; return e; };
const add = (a: Mat, b: Mat, s = 1): Mat => a.map((v, i) => v + s * b[i]);
function power(a: Mat, n: number, h: number): Mat { let r = a; for (let i = 1; i < h; i++) r = matmul(r, a, n); return r; }
function accPower(a: Mat, n: number, h: number): Mat { let p = a, s = a; for (let i = 2; i <= h; i++) { p = matmul(a, p, n); s = add(s, p); } return s; }
/** Gauss–Jordan inverse with partial pivoting (float64; structural matrices only). */
function inverse(a: Mat, n: number): Mat {
  const m = Float64Array.from(a), inv = eye(n);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (m[p * n + c] === 0) throw new ValueError('matrix is singular', { argument: 'A', expected: 'an invertible I − A', received: 'a singular matrix' });
    for (const t of [m, inv]) for (let j = 0; j < n; j++) { const x = t[c * n + j]; t[c * n + j] = t[p * n + j]; t[p * n + j] = x; }
    const d = m[c * n + c];
    for (let j = 0; j < n; j++) { m[c * n + j] /= d; inv[c * n + j] /= d; }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) { m[r * n + j] -= f * m[c * n + j]; inv[r * n + j] -= f * inv[c * n + j]; }
    }
  }
  return inv;
}
/** Matrix exponential by scaling and squaring with a Taylor series (float64). */
function expm(a: Mat, n: number): Mat {
  let norm = 0;
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += Math.abs(a[i * n + j]); norm = Math.max(norm, s); }
  const sq = Math.max(0, Math.ceil(Math.log2(norm || 1)) + 1);
  const scaled = a.map((v) => v / 2 ** sq);
  let term = eye(n), sum = eye(n);
  for (let k = 1; k <= 30; k++) { term = matmul(term, scaled, n).map((v) => v / k); sum = add(sum, term); }
  for (let i = 0; i < sq; i++) sum = matmul(sum, sum, n);
  return sum;
}

interface TopoBase {
  nodes: unknown[];
  links: [unknown, unknown][];
  directed: boolean;
}

function adjacency(t: TopoBase): { adj: Mat; n: number } {
  const n = t.nodes.length;
  const index = new Map(t.nodes.map((v, i) => [JSON.stringify(v), i]));
  const adj = new Float64Array(n * n);
  for (const [s, d] of t.links) {
    const i = index.get(JSON.stringify(s)), j = index.get(JSON.stringify(d));
    if (i === undefined || j === undefined) throw new ValueError('link refers to an unknown node', { argument: 'links', expected: 'links between listed nodes', received: JSON.stringify([s, d]) });
    adj[i * n + j] = 1;
    if (!t.directed) adj[j * n + i] = 1;
  }
  return { adj, n };
}

type Variant = 'plain' | 'multihop' | 'inverse' | 'exponential' | 'pagerank';

function topological(className: string, o: ChainValues | GraphValues, topo: TopoBase, variant: Variant, defaults: { selfDependence: boolean; isChain: boolean }): InterdependenceFunction {
  const type = parseType(o.interdependenceType, 'instance');
  const { b, m, normalization, normalizationMode, selfScaling, h, accumulative, c } = o;
  const selfDependence = o.selfDependence ?? defaults.selfDependence;
  const { adj, n } = adjacency(topo);
  const d = type === 'attribute' ? m : b;
  if (d !== undefined && d !== n) {
    throw new ValueError(`${className}: the ${defaults.isChain ? 'chain' : 'graph'} size must equal ${type === 'attribute' ? 'm' : 'b'}`, { argument: defaults.isChain ? 'chain_length' : 'nodes', expected: `${d} nodes`, received: `${n} nodes` });
  }
  const norm = (a: Mat) => (normalization ? degreeNormalize(a, n, n, normalizationMode) : a);
  const build = (): Mat => {
    switch (variant) {
      case 'plain': return norm(selfDependence ? add(adj, eye(n), selfScaling) : adj);
      case 'multihop': {
        const base = norm(selfDependence ? add(adj, eye(n)) : adj);
        const r = accumulative ? accPower(base, n, h) : power(base, n, h);
        return defaults.isChain && accumulative && !topo.directed ? degreeNormalize(r, n, n, 'column') : r;
      }
      case 'inverse':
        if (topo.directed) return inverse(add(eye(n), norm(adj), -1), n);
        return degreeNormalize(accPower(norm(adj), n, n - 1), n, n, 'column');
      case 'exponential': return expm(norm(adj), n);
      case 'pagerank': return inverse(add(eye(n), norm(adj), -(1 - c)), n).map((v) => c * v);
    }
  };
  let memo: Mat | null = null;
  const options: Record<string, unknown> = { b, m, interdependenceType: type, normalization, normalizationMode };
  if (defaults.isChain) Object.assign(options, { chainLength: n, biDirectional: !topo.directed });
  else Object.assign(options, { nodes: topo.nodes, links: topo.links, directed: topo.directed });
  if (variant === 'plain' || variant === 'multihop') Object.assign(options, { selfDependence, selfScaling });
  if (variant === 'multihop') Object.assign(options, { h, accumulative });
  if (variant === 'pagerank') Object.assign(options, { c });
  return makeInterdependence({
    className, name: o.name, type, b, m, options,
    requireData: false, requireParameters: false, l: 0,
    calculateMPrime: (mm) => (type === 'attribute' ? n : (mm ?? m ?? 0)),
    calculateBPrime: (bb) => (type === 'instance' ? n : (bb ?? b ?? 0)),
    compute: () => { memo ??= build(); return constMatrix(memo, n, n); },
  });
}

function chainTopo(o: ChainValues): TopoBase {
  const type = parseType(o.interdependenceType, 'instance');
  const len = o.chainLength ?? (type === 'attribute' ? o.m : o.b);
  if (len === undefined) throw new ValueError('chain needs a length', { argument: 'chain_length', expected: 'a positive integer (or m / b)', received: 'nothing' });
  const nodes = [...Array(len).keys()];
  return { nodes, links: nodes.slice(0, -1).map((i) => [i, i + 1] as [number, number]), directed: !o.biDirectional };
}
function graphTopo(o: GraphValues): TopoBase {
  const links = o.links as unknown[];
  links.forEach((l, i) => {
    if (!Array.isArray(l) || l.length !== 2) throw new ValueError('a link must be a [source, target] pair', { argument: `links[${i}]`, expected: 'a pair [source, target]', received: JSON.stringify(l) });
  });
  const pairs = links as [unknown, unknown][];
  const nodes = o.nodes ?? [...new Set(pairs.flat().map((v) => JSON.stringify(v)))].map((s) => JSON.parse(s));
  return { nodes, links: pairs.map((l) => [l[0], l[1]]), directed: o.directed };
}

const chainDefaults = { selfDependence: true, isChain: true };
const graphDefaults = { selfDependence: false, isChain: false };

/** chain_interdependence: path graph 0→1→…, self loops `self_scaling·I` by default, optional degree normalisation. */
export const chainInterdependence = (options: OptionsOf<typeof CHAIN_OPTIONS>) => { const o = CHAIN_OPTIONS.named('chain_interdependence').parse(options); return topological('chain_interdependence', o, chainTopo(o), 'plain', chainDefaults); };
/** multihop_chain_interdependence: (adj + I)^h or Σ_{i≤h}(adj + I)^i (column-normalised when accumulative and bi-directional). */
export const multihopChainInterdependence = (options: OptionsOf<typeof CHAIN_OPTIONS>) => { const o = CHAIN_OPTIONS.named('multihop_chain_interdependence').parse(options); return topological('multihop_chain_interdependence', o, chainTopo(o), 'multihop', chainDefaults); };
/** inverse_approx_multihop_chain_interdependence: (I − adj)⁻¹, or column-normalised Σ_{i<L} adj^i when bi-directional. */
export const inverseApproxMultihopChainInterdependence = (options: OptionsOf<typeof CHAIN_OPTIONS>) => { const o = CHAIN_OPTIONS.named('inverse_approx_multihop_chain_interdependence').parse(options); return topological('inverse_approx_multihop_chain_interdependence', o, chainTopo(o), 'inverse', chainDefaults); };
/** exponential_approx_multihop_chain_interdependence: exp(adj). */
export const exponentialApproxMultihopChainInterdependence = (options: OptionsOf<typeof CHAIN_OPTIONS>) => { const o = CHAIN_OPTIONS.named('exponential_approx_multihop_chain_interdependence').parse(options); return topological('exponential_approx_multihop_chain_interdependence', o, chainTopo(o), 'exponential', chainDefaults); };
/** graph_interdependence: adjacency of the node/link lists (+ self_scaling·I when self_dependence). */
export const graphInterdependence = (options: OptionsOf<typeof GRAPH_OPTIONS>) => { const o = GRAPH_OPTIONS.named('graph_interdependence').parse(options); return topological('graph_interdependence', o, graphTopo(o), 'plain', graphDefaults); };
/** multihop_graph_interdependence: (adj [+ I])^h or Σ_{i≤h}. */
export const multihopGraphInterdependence = (options: OptionsOf<typeof GRAPH_OPTIONS>) => { const o = GRAPH_OPTIONS.named('multihop_graph_interdependence').parse(options); return topological('multihop_graph_interdependence', o, graphTopo(o), 'multihop', graphDefaults); };
/** pagerank_multihop_graph_interdependence: c·(I − (1−c)·adj)⁻¹. */
export const pagerankMultihopGraphInterdependence = (options: OptionsOf<typeof GRAPH_OPTIONS>) => { const o = GRAPH_OPTIONS.named('pagerank_multihop_graph_interdependence').parse(options); return topological('pagerank_multihop_graph_interdependence', o, graphTopo(o), 'pagerank', graphDefaults); };
