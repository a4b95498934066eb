/**
 * The sklearn-style learners tinyBIG's `koala.machine_learning` and `koala.manifold` wrap, on
 * ml-matrix (SVD, symmetric eigen-decomposition), ml-kmeans and druidjs. They work on plain
 * float64 row arrays; the compressions turn their fitted state into tensor ops.
 */
import { EVD, Matrix, SVD } from 'ml-matrix';
import { kmeans } from 'ml-kmeans';
import { ISOMAP, LLE, SMACOF, TSNE } from '@saehrimnir/druidjs';
import { ValueError } from '@rpn/core';
import type { Random } from './common.js';

/** Unbiased (n − 1) variance of each column. */
export function columnVariance(rows: readonly (readonly number[])[]): number[] {
  const n = rows.length, m = rows[0]?.length ?? 0;
  const out = new Array<number>(m).fill(0);
  for (let j = 0; j < m; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += rows[i][j];
    mean /= n;
    let s = 0;
    for (let i = 0; i < n; i++) s += (rows[i][j] - mean) ** 2;
    out[j] = n > 1 ? s / (n - 1) : NaN;
  }
  return out;
}

/** Indices of the `n` largest values, in ascending order of value (numpy `argsort(v)[-n:]`). */
export function topIndicesAscending(v: readonly number[], n: number): number[] {
  const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b] || a - b);
  return idx.slice(Math.max(0, idx.length - n));
}

/** Euclidean distances between the columns of `rows` (`[m, m]`). */
export function columnDistances(rows: readonly (readonly number[])[]): number[][] {
  const n = rows.length, m = rows[0]?.length ?? 0;
  const D = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let a = 0; a < m; a++) {
    for (let c = a + 1; c < m; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (rows[i][a] - rows[i][c]) ** 2;
      D[a][c] = D[c][a] = Math.sqrt(s);
    }
  }
  return D;
}

/**
 * sklearn `spectral_embedding(affinity, n_components, norm_laplacian=True, drop_first)`: eigenvectors of
 * the normalised Laplacian `I − D^{−½} A D^{−½}` for its smallest eigenvalues (ml-matrix symmetric EVD),
 * divided by `√deg`, each signed so its largest-magnitude entry is positive. Returns `[n, n_components]`.
 */
export function spectralEmbedding(affinity: readonly (readonly number[])[], nComponents: number, dropFirst: boolean): number[][] {
  const n = affinity.length;
  const deg = affinity.map((row, i) => row.reduce((s, v, j) => s + (i === j ? 0 : v), 0));
  const dd = deg.map((d) => Math.sqrt(d > 0 ? d : 1));
  // S = D^{-1/2} A D^{-1/2} with a unit diagonal (sklearn sets the Laplacian diagonal to 1 → S diag 0... L = I − S).
  const S = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S.set(i, j, i === j ? 0 : affinity[i][j] / (dd[i] * dd[j]));
  const L = Matrix.eye(n).sub(S);
  const evd = new EVD(L, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const take = order.slice(dropFirst ? 1 : 0, (dropFirst ? 1 : 0) + nComponents);
  const out = Array.from({ length: n }, () => new Array<number>(take.length).fill(0));
  take.forEach((c, t) => {
    let sign = 1, best = -1;
    for (let i = 0; i < n; i++) {
      const v = V.get(i, c) / dd[i];
      if (Math.abs(v) > best) { best = Math.abs(v); sign = v < 0 ? -1 : 1; }
    }
    for (let i = 0; i < n; i++) out[i][t] = (sign * V.get(i, c)) / dd[i];
  });
  return out;
}

/** State of sklearn `IncrementalPCA.partial_fit`. */
export interface PcaState {
  nSeen: number;
  mean: number[];
  /** `[k, m]` principal axes (rows orthonormal). */
  components: number[][];
  singularValues: number[];
}

/**
 * One sklearn `IncrementalPCA.partial_fit` step (Ross et al. 2008): stack the previous
 * `diag(S)·V`, the centred batch and the mean correction, take the SVD (ml-matrix), keep the first
 * `k` right singular vectors with sklearn's `svd_flip(u_based_decision=False)` signs.
 */
export function pcaPartialFit(state: PcaState | null, rows: readonly (readonly number[])[], k: number): PcaState {
  const b = rows.length, m = rows[0].length;
  if (k > m) throw new ValueError('more components than features', { argument: 'D', expected: `≤ m = ${m}`, received: String(k) });
  if (!state && k > b) throw new ValueError('the first batch has fewer rows than components', { argument: 'x', expected: `at least D = ${k} rows (sklearn IncrementalPCA)`, received: `${b} rows` });
  const batchMean = new Array<number>(m).fill(0);
  for (const r of rows) r.forEach((v, j) => { batchMean[j] += v / b; });
  const centred = rows.map((r) => r.map((v, j) => v - batchMean[j]));
  let stacked: number[][];
  let mean: number[];
  const nTotal = (state?.nSeen ?? 0) + b;
  if (!state) {
    stacked = centred;
    mean = batchMean;
  } else {
    mean = state.mean.map((mu, j) => (mu * state.nSeen + batchMean[j] * b) / nTotal);
    const corr = Math.sqrt((state.nSeen / nTotal) * b);
    stacked = [
      ...state.components.map((row, i) => row.map((v) => v * state.singularValues[i])),
      ...centred,
      state.mean.map((mu, j) => corr * (mu - batchMean[j])),
    ];
  }
  const svd = new SVD(stacked, { computeLeftSingularVectors: false, computeRightSingularVectors: true, autoTranspose: true });
  const V = svd.rightSingularVectors;
  const sv = svd.diagonal;
  const order = sv.map((_, i) => i).sort((a, c) => sv[c] - sv[a] || a - c).slice(0, k);
  const components = order.map((c) => {
    const row = Array.from({ length: m }, (_, j) => V.get(j, c));
    let best = 0;
    for (let j = 1; j < m; j++) if (Math.abs(row[j]) > Math.abs(row[best])) best = j;
    return row[best] < 0 ? row.map((v) => -v) : row;
  });
  return { nSeen: nTotal, mean, components, singularValues: order.map((c) => sv[c]) };
}

/**
 * sklearn `SparseRandomProjection(n_components=k, density='auto')` components `[k, m]`: density
 * `s = 1/√m`; each entry is `±√(1/s)/√k` with probability `s/2` each, else 0.
 */
export function sparseRandomProjection(m: number, k: number, random: Random): number[][] {
  const density = 1 / Math.sqrt(m);
  const v = Math.sqrt(1 / density) / Math.sqrt(k);
  return Array.from({ length: k }, () => Array.from({ length: m }, () => {
    const u = random();
    return u < density / 2 ? -v : u < density ? v : 0;
  }));
}

/**
 * tinyBIG's `incremental_feature_clustering` fit: Gaussian similarity `exp(−D²/2)` of the averaged
 * column distances, sklearn `SpectralClustering(affinity='precomputed')`: spectral embedding with
 * `k` components (no drop) then k-means (ml-kmeans, k-means++, seeded). Returns a label per column.
 */
export function spectralClusterColumns(distances: readonly (readonly number[])[], k: number, seed: number): number[] {
  const affinity = distances.map((row) => row.map((d) => Math.exp(-(d * d) / 2)));
  const maps = spectralEmbedding(affinity, k, false);
  if (k >= maps.length) return maps.map((_, i) => i);
  const res = kmeans(maps, k, { initialization: 'kmeans++', seed, maxIterations: 300 });
  return res.clusters;
}

/** Manifold learners of tinyBIG's `koala.manifold` (sklearn there; druidjs or ml-matrix here). */
export type ManifoldKind = 'isomap' | 'lle' | 'mds' | 'spectral_embedding' | 'tsne';

/** Options of {@link manifoldEmbed}. */
export interface ManifoldOptions {
  readonly kind: ManifoldKind;
  readonly nComponents: number;
  readonly nNeighbors: number;
  readonly perplexity: number;
  readonly seed: number;
}

/** k-nearest-neighbour connectivity (self included, like sklearn's `kneighbors_graph(include_self=True)`), symmetrised `½(A + Aᵀ)`. */
function knnAffinity(rows: readonly (readonly number[])[], k: number): number[][] {
  const n = rows.length;
  const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const d = rows.map((r, j) => ({ j, d: r.reduce((s, v, t) => s + (v - rows[i][t]) ** 2, 0) }));
    d.sort((a, b) => a.d - b.d || (a.j === i ? -1 : b.j === i ? 1 : a.j - b.j));
    for (const { j } of d.slice(0, Math.min(k, n))) A[i][j] = 1;
  }
  return A.map((row, i) => row.map((v, j) => 0.5 * (v + A[j][i])));
}

/**
 * Fits a manifold learner on the rows and returns the embedding `[n, nComponents]` (fit_transform):
 * isomap → druidjs ISOMAP; lle → druidjs LLE; mds → druidjs SMACOF (metric MDS by stress
 * majorisation, sklearn's algorithm); tsne → druidjs TSNE (1000 iterations, sklearn's default);
 * spectral_embedding → sklearn's Laplacian eigenmaps on a symmetrised kNN graph
 * (`n_neighbors = max(⌊n/10⌋, 1)`), eigenvectors from ml-matrix.
 */
export function manifoldEmbed(rows: number[][], o: ManifoldOptions): number[][] {
  const n = rows.length;
  const d = o.nComponents;
  const toRows = (Y: unknown): number[][] => Array.from(Y as ArrayLike<ArrayLike<number>>, (r) => Array.from(r));
  switch (o.kind) {
    case 'isomap':
      return toRows(new ISOMAP(rows, { neighbors: Math.min(o.nNeighbors, n - 1), d, seed: o.seed }).transform());
    case 'lle':
      return toRows(new LLE(rows, { neighbors: Math.min(o.nNeighbors, n - 1), d, seed: o.seed }).transform());
    case 'mds':
      return toRows(new SMACOF(rows, { d, seed: o.seed, iterations: 300 }).transform());
    case 'tsne':
      if (!(o.perplexity < n)) throw new ValueError('perplexity must be less than the number of samples', { argument: 'perplexity', expected: `< ${n}`, received: String(o.perplexity) });
      return toRows(new TSNE(rows, { d, perplexity: o.perplexity, seed: o.seed }).transform(1000));
    case 'spectral_embedding':
      return spectralEmbedding(knnAffinity(rows, Math.max(Math.floor(n / 10), 1)), d, true);
  }
}
