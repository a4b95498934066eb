import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '@rpn/core';
import type { Params, Transformation } from '@rpn/core';
import { checkKeys, defineCompression } from './common.js';
import { rowMetric } from './metrics.js';

/**
 * tinyBIG `metric_compression(metric)`: `κ(x) = φ(x)` row by row, `D = 1`. `metric` is a tinyBIG
 * metric name, short or dotted (`batch_std`, `tinybig.koala.statistics.batch_std`, `std`).
 */
export function metricCompression(options: Params & { metric: string }): Transformation {
  return metricBased('metric_compression', options, true);
}

function metricBased(className: string, options: Params, takesMetric: boolean, fixed?: string): Transformation {
  checkKeys(options, takesMetric ? ['metric'] : [], className);
  const name = takesMetric ? options.metric : fixed;
  if (takesMetric && typeof name !== 'string') {
    throw new ValueError('metric_compression needs a metric', { argument: 'metric', expected: 'a metric name such as batch_std or tinybig.koala.statistics.batch_std', received: JSON.stringify(options.metric) });
  }
  const f = rowMetric(name);
  return defineCompression(className, options, {
    own: takesMetric ? { metric: name } : {},
    calculateD: () => 1,
    kappa: (x) => tf.expandDims(f(x), 1),
  });
}

/** tinyBIG `max_compression`: row maximum, `D = 1`. */
export const maxCompression = (options: Params = {}): Transformation => metricBased('max_compression', options, false, 'batch_max');
/** tinyBIG `min_compression`: row minimum, `D = 1`. */
export const minCompression = (options: Params = {}): Transformation => metricBased('min_compression', options, false, 'batch_min');
/** tinyBIG `sum_compression`: row sum, `D = 1`. */
export const sumCompression = (options: Params = {}): Transformation => metricBased('sum_compression', options, false, 'batch_sum');
/** tinyBIG `mean_compression`: row mean, `D = 1`. */
export const meanCompression = (options: Params = {}): Transformation => metricBased('mean_compression', options, false, 'batch_mean');
/** tinyBIG `prod_compression`: row product, `D = 1`. */
export const prodCompression = (options: Params = {}): Transformation => metricBased('prod_compression', options, false, 'batch_prod');
/** tinyBIG `median_compression`: row lower median (torch.median: for even m the lower middle value), `D = 1`. */
export const medianCompression = (options: Params = {}): Transformation => metricBased('median_compression', options, false, 'batch_median');
