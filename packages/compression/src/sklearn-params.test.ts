import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createRegistry } from '@rpn/core';
import type { Transformation } from '@rpn/core';
import { compressionEntries, seededRandom } from './index.js';

const registry = createRegistry(compressionEntries);
const build = (cls: string, params: Record<string, unknown>) => registry.build({ function_class: cls, function_parameters: params }) as Transformation;

function data(b: number, m: number, seed = 3): number[][] {
  const r = seededRandom(seed);
  return Array.from({ length: b }, () => Array.from({ length: m }, () => 2 * r() - 1));
}
const X = data(12, 4);
function run(f: Transformation): number[] {
  const x = tf.tensor2d(X);
  const y = f.forward(x);
  const out = Array.from(y.dataSync());
  y.dispose();
  x.dispose();
  return out;
}
function errorOf(fn: () => unknown): unknown {
  try { fn(); } catch (e) { return e; }
  return undefined;
}

describe('manifold compressions take tinyBIG\'s and scikit-learn\'s parameters', () => {
  it('spectral_embedding_manifold_compression accepts n_neighbors (and affinity, gamma, random_state, eigen_solver) and records them', () => {
    const f = build('spectral_embedding_manifold_compression', { D: 2, n_neighbors: 3, affinity: 'nearest_neighbors', gamma: 0.5, random_state: 1, eigen_solver: 'arpack' });
    const p = f.toConfig().function_parameters!;
    expect(p).toMatchObject({ D: 2, n_neighbors: 3, affinity: 'nearest_neighbors', gamma: 0.5, random_state: 1, eigen_solver: 'arpack' });
    // tinyBIG builds SpectralEmbedding(n_components=D) only: the numbers are those of the plain call
    expect(run(f)).toEqual(run(build('spectral_embedding_manifold_compression', { D: 2 })));
    const again = registry.build(f.toConfig()) as Transformation;
    expect(again.toConfig()).toEqual(f.toConfig());
  });
  it('isomap honours n_neighbors (tinyBIG passes it to Isomap) and accepts Isomap\'s other parameters', () => {
    const a = run(build('isomap_manifold_compression', { D: 2, n_neighbors: 2 }));
    const b = run(build('isomap_manifold_compression', { D: 2, n_neighbors: 6, path_method: 'D', metric: 'minkowski', p: 2 }));
    expect(a).not.toEqual(b);
    expect(build('isomap_manifold_compression', { D: 2, n_neighbors: 6, path_method: 'D' }).toConfig().function_parameters).toMatchObject({ n_neighbors: 6, path_method: 'D' });
  });
  it('lle, mds and tsne accept their scikit-learn parameters', () => {
    expect(build('lle_manifold_compression', { D: 2, n_neighbors: 4, method: 'standard', reg: 0.001 }).toConfig().function_parameters).toMatchObject({ method: 'standard', reg: 0.001 });
    expect(build('mds_manifold_compression', { D: 2, n_neighbors: 3, n_init: 4, dissimilarity: 'euclidean' }).toConfig().function_parameters).toMatchObject({ n_neighbors: 3, n_init: 4 });
    expect(build('tsne_manifold_compression', { D: 2, perplexity: 3, learning_rate: 'auto', init: 'pca', n_neighbors: 2 }).toConfig().function_parameters).toMatchObject({ perplexity: 3, learning_rate: 'auto', init: 'pca' });
  });
  it('manifold_compression checks and records its learner\'s function_parameters', () => {
    const cfg = { D: 2, manifold_function_configs: { function_class: 'tinybig.koala.manifold.spectral_embedding_manifold', function_parameters: { n_neighbors: 4, affinity: 'rbf' } } };
    const f = build('manifold_compression', cfg);
    expect((f.toConfig().function_parameters!.manifold_function_configs as { function_parameters: unknown }).function_parameters).toMatchObject({ n_neighbors: 4, affinity: 'rbf', n_components: 2 });
    const e = errorOf(() => build('manifold_compression', { D: 2, manifold_function_configs: { function_class: 'tinybig.koala.manifold.isomap_manifold', function_parameters: { perplexity: 3 } } }));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).argument).toBe('manifold_function_configs.function_parameters.perplexity');
  });
  it('still rejects truly unknown keys and an n_components that disagrees with D', () => {
    const e = errorOf(() => build('spectral_embedding_manifold_compression', { D: 2, n_neighbours: 3 }));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).argument).toBe('n_neighbours');
    expect(errorOf(() => build('tsne_manifold_compression', { D: 2, perplexity: 3, n_components: 3 }))).toBeInstanceOf(ConfigError);
  });
});

describe('dimension-reduction compressions take scikit-learn\'s parameters', () => {
  it('incremental_PCA_based_compression accepts IncrementalPCA\'s parameters and records them', () => {
    const f = build('incremental_PCA_based_compression', { D: 2, whiten: false, batch_size: 8 });
    expect(f.toConfig().function_parameters).toMatchObject({ D: 2, whiten: false, batch_size: 8 });
    expect(run(f)).toEqual(run(build('incremental_PCA_based_compression', { D: 2 })));
  });
  it('incremental_random_projection_based_compression takes density and eps, and random_state seeds the projection', () => {
    const f = build('incremental_random_projection_based_compression', { D: 2, density: 'auto', eps: 0.1, random_state: 7 });
    expect(f.toConfig().function_parameters).toMatchObject({ density: 'auto', eps: 0.1, random_state: 7 });
    expect(run(f)).toEqual(run(build('incremental_random_projection_based_compression', { D: 2, random_state: 7 })));
    expect(run(f)).not.toEqual(run(build('incremental_random_projection_based_compression', { D: 2, random_state: 8 })));
  });
  it('dimension_reduction_compression checks dr_function_configs parameters', () => {
    const ok = build('dimension_reduction_compression', { D: 2, dr_function_configs: { function_class: 'tinybig.koala.machine_learning.dimension_reduction.incremental_PCA', function_parameters: { whiten: false } } });
    expect((ok.toConfig().function_parameters!.dr_function_configs as { function_parameters: unknown }).function_parameters).toMatchObject({ n_feature: 2, whiten: false });
    const e = errorOf(() => build('dimension_reduction_compression', { D: 2, dr_function_configs: { function_class: 'tinybig.koala.machine_learning.dimension_reduction.incremental_PCA', function_parameters: { bogus: 1 } } }));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).argument).toBe('dr_function_configs.function_parameters.bogus');
  });
});
