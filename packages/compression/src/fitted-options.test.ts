import { describe, expect, it } from 'vitest';
import { ConfigError, ValueError, createRegistry, describeOptions, optionsFromParameters, type BuildContext, type Params } from '@rpn/core';
import { FITTED_COMPRESSION_OPTIONS, LEARNER_OPTIONS, MANIFOLD_LEARNER_OPTIONS, compressionEntries } from './index.js';

const registry = createRegistry(compressionEntries);
const ctx: BuildContext = { registry, build: (c, k) => registry.build(c, k) };
const PCA = { function_class: 'tinybig.koala.machine_learning.dimension_reduction.incremental_PCA', function_parameters: {} };
const VT = { function_class: 'tinybig.koala.machine_learning.feature_selection.incremental_variance_threshold', function_parameters: {} };
const ISOMAP = { function_class: 'tinybig.koala.manifold.isomap_manifold', function_parameters: {} };

/** [class, valid tinyBIG parameters, a mistyped key and value]. */
const CASES: [string, Params, string, unknown][] = [
  ['feature_selection_compression', { D: 2, fs_function_configs: VT }, 'fit_mode', 'sometimes'],
  ['incremental_variance_threshold_based_compression', { D: 2 }, 'D', 0],
  ['incremental_feature_clustering_based_compression', { D: 2 }, 'random_state', -1],
  ['dimension_reduction_compression', { D: 2, dr_function_configs: PCA }, 'seed', 'one'],
  ['incremental_PCA_based_compression', { D: 2 }, 'D', 1.5],
  ['incremental_random_projection_based_compression', { D: 2 }, 'fit_mode', 3],
  ['manifold_compression', { D: 2, manifold_function_configs: ISOMAP }, 'n_neighbors', 0],
  ['isomap_manifold_compression', { D: 2 }, 'n_neighbors', 'five'],
  ['lle_manifold_compression', { D: 2 }, 'n_neighbors', 2.5],
  ['mds_manifold_compression', { D: 2 }, 'D', 'two'],
  ['spectral_embedding_manifold_compression', { D: 2 }, 'seed', -3],
  ['tsne_manifold_compression', { D: 2, perplexity: 3 }, 'perplexity', 0],
];

function thrown(f: () => unknown): { argument?: string } {
  try {
    f();
  } catch (e) {
    return e as { argument?: string };
  }
  throw new Error('did not throw');
}

describe('the fitted (sklearn-style) compressions declare their options', () => {
  it('every one of the 12 has a schema on its registry entry, which describeOptions lists', () => {
    expect(Object.keys(FITTED_COMPRESSION_OPTIONS)).toHaveLength(12);
    for (const cls of Object.keys(FITTED_COMPRESSION_OPTIONS)) {
      const e = compressionEntries.find((x) => x.className === cls)!;
      expect(e.options, cls).toBe(FITTED_COMPRESSION_OPTIONS[cls]);
      expect(describeOptions(e.options!).map((d) => d.configKey), cls).toContain('D');
    }
    const d = describeOptions(FITTED_COMPRESSION_OPTIONS.incremental_random_projection_based_compression);
    expect(d.find((o) => o.key === 'fitMode')).toMatchObject({ configKey: 'fit_mode', type: 'enum', default: 'first_call' });
    expect(d.map((o) => o.configKey)).toEqual(expect.arrayContaining(['density', 'eps', 'random_state', 'seed']));
    expect(describeOptions(FITTED_COMPRESSION_OPTIONS.isomap_manifold_compression).find((o) => o.key === 'nNeighbors')?.default).toBe(1);
    expect(describeOptions(LEARNER_OPTIONS.incremental_variance_threshold).find((o) => o.key === 'tThreshold')?.default).toBe(100);
    expect(Object.keys(MANIFOLD_LEARNER_OPTIONS).sort()).toEqual(['isomap', 'lle', 'mds', 'spectral_embedding', 'tsne']);
  });

  it('from a config a wrong type and an unknown key are ConfigErrors naming the tinyBIG key', () => {
    for (const [cls, params, key, bad] of CASES) {
      const e1 = thrown(() => registry.build({ function_class: cls, function_parameters: { ...params, [key]: bad } }));
      expect(e1, cls).toBeInstanceOf(ConfigError);
      expect(e1.argument, cls).toBe(key);
      const e2 = thrown(() => registry.build({ function_class: cls, function_parameters: { ...params, no_such_key: 1 } }));
      expect(e2, cls).toBeInstanceOf(ConfigError);
      expect(e2.argument, cls).toBe('no_such_key');
    }
  });

  it('in code the same mistakes are ValueErrors naming the camelCase option', () => {
    for (const [cls, params, key, bad] of CASES) {
      const create = compressionEntries.find((x) => x.className === cls)!.create;
      const o = optionsFromParameters({ ...params, [key]: bad });
      const e1 = thrown(() => create(o, ctx));
      expect(e1, cls).toBeInstanceOf(ValueError);
      expect(e1.argument, cls).toBe(Object.keys(optionsFromParameters({ [key]: 1 }))[0]);
      const e2 = thrown(() => create({ ...optionsFromParameters(params), noSuchKey: 1 }, ctx));
      expect(e2, cls).toBeInstanceOf(ValueError);
      expect(e2.argument, cls).toBe('noSuchKey');
    }
  });

  it('a nested learner\'s mistyped parameter is a ConfigError naming its full path', () => {
    const e = thrown(() => registry.build({ function_class: 'feature_selection_compression', function_parameters: { D: 2, fs_function_configs: { ...VT, function_parameters: { t_threshold: 'many' } } } }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.argument).toBe('fs_function_configs.function_parameters.t_threshold');
    const e2 = thrown(() => registry.build({ function_class: 'manifold_compression', function_parameters: { D: 2, manifold_function_configs: { ...ISOMAP, function_parameters: { n_neighbors: 'x' } } } }));
    expect(e2.argument).toBe('manifold_function_configs.function_parameters.n_neighbors');
  });

  it('the valid parameters build', () => {
    for (const [cls, params] of CASES) registry.build({ function_class: cls, function_parameters: params });
  });
});
