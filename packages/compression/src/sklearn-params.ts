/**
 * The scikit-learn constructor parameters of the learners tinyBIG's manifold and
 * dimension-reduction compressions wrap. tinyBIG's constructors take them (its base `function`
 * swallows `**kwargs`) but pass only `n_components`, `n_neighbors` (Isomap, LLE) and `perplexity`
 * (TSNE) on to scikit-learn, so the others do not change tinyBIG's numbers. We accept them, record
 * them in `toConfig`, and compute what tinyBIG computes.
 */
import { ConfigError, any, camelToSnake, snakeToCamel } from '@rpn/core';
import type { Option, Params } from '@rpn/core';

const SKLEARN: Readonly<Record<string, readonly string[]>> = Object.freeze({
  isomap: ['n_neighbors', 'radius', 'n_components', 'eigen_solver', 'tol', 'max_iter', 'path_method', 'neighbors_algorithm', 'n_jobs', 'metric', 'p', 'metric_params'],
  lle: ['n_neighbors', 'n_components', 'reg', 'eigen_solver', 'tol', 'max_iter', 'method', 'hessian_tol', 'modified_tol', 'neighbors_algorithm', 'random_state', 'n_jobs'],
  mds: ['n_components', 'metric', 'n_init', 'max_iter', 'verbose', 'eps', 'n_jobs', 'random_state', 'dissimilarity', 'normalized_stress'],
  spectral_embedding: ['n_components', 'affinity', 'gamma', 'random_state', 'eigen_solver', 'eigen_tol', 'n_neighbors', 'n_jobs'],
  tsne: ['n_components', 'perplexity', 'early_exaggeration', 'learning_rate', 'max_iter', 'n_iter', 'n_iter_without_progress', 'min_grad_norm',
    'metric', 'metric_params', 'init', 'verbose', 'random_state', 'method', 'angle', 'n_jobs'],
  incremental_PCA: ['n_components', 'whiten', 'copy', 'batch_size'],
  incremental_random_projection: ['n_components', 'density', 'eps', 'dense_output', 'compute_inverse_components', 'random_state'],
});

/** The camelCase option keys of a learner's scikit-learn parameters (`spectral_embedding` → `affinity`, `gamma`, `randomState`, …). */
export function sklearnKeys(learner: string): string[] {
  return (SKLEARN[learner] ?? []).map(snakeToCamel);
}

/** A learner's scikit-learn parameters as option fields (accepted unchecked and recorded, as tinyBIG passes them nowhere). */
export function sklearnFields(learner: string): Readonly<Record<string, Option<unknown, unknown, false>>> {
  return Object.freeze(Object.fromEntries(sklearnKeys(learner).map((k) => [k, any({ doc: `scikit-learn ${learner} parameter ${camelToSnake(k)} (accepted and recorded; tinyBIG does not pass it on)` })])));
}

/**
 * The scikit-learn parameters present in `options` (camelCase keys, values as given), for `toConfig`.
 * `n_components`, when given, must equal `D` (tinyBIG asserts it).
 */
export function recordedSklearn(options: Params, learner: string, D: number, argumentPrefix = ''): Params {
  const out: Params = {};
  for (const k of sklearnKeys(learner)) if (options[k] !== undefined) out[k] = options[k];
  if (out.nComponents !== undefined && out.nComponents !== D) {
    throw new ConfigError('n_components disagrees with D', { argument: `${argumentPrefix}n_components`, expected: String(D), received: JSON.stringify(out.nComponents) });
  }
  return out;
}
