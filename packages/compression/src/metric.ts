import * as tf from '@tensorflow/tfjs-core';
import { defineOptions, str } from '@rpn/core';
import type { OptionsOf, Transformation } from '@rpn/core';
import { COMPRESSION_BASE, defineCompression } from './common.js';

/** Options of {@link metricCompression}. */
export const METRIC_COMPRESSION_OPTIONS = defineOptions('metric_compression', {
  metric: str({ required: true, expected: 'a metric name such as batch_std or tinybig.koala.statistics.batch_std', doc: 'the row metric' }),
}, COMPRESSION_BASE);
/** Options of the fixed-metric compressions (max, min, sum, mean, prod, median). */
export const FIXED_METRIC_COMPRESSION_OPTIONS = defineOptions('max_compression', {}, COMPRESSION_BASE);
import { rowMetric } from './metrics.js';

/**
 * tinyBIG `metric_compression(metric)`: `κ(x) = φ(x)` row by row, `D = 1`. `metric` is a tinyBIG
 * metric name, short or dotted (`batch_std`, `tinybig.koala.statistics.batch_std`, `std`).
 */
export function metricCompression(options: OptionsOf<typeof METRIC_COMPRESSION_OPTIONS>): Transformation {
  const o = METRIC_COMPRESSION_OPTIONS.parse(options);
  return metricBased('metric_compression', o, o.metric, true);
}

function metricBased(className: string, options: OptionsOf<typeof FIXED_METRIC_COMPRESSION_OPTIONS>, name: string, takesMetric: boolean): Transformation {
  const f = rowMetric(name);
  return defineCompression(className, options, {
    own: takesMetric ? { metric: name } : {},
    calculateD: () => 1,
    kappa: (x) => tf.expandDims(f(x), 1),
  });
}

/** tinyBIG `max_compression`: row maximum, `D = 1`. */
export const maxCompression = (options: OptionsOf<typeof FIXED_METRIC_COMPRESSION_OPTIONS> = {}): Transformation => metricBased('max_compression', FIXED_METRIC_COMPRESSION_OPTIONS.named('max_compression').parse(options), 'batch_max', false);
/** tinyBIG `min_compression`: row minimum, `D = 1`. */
export const minCompression = (options: OptionsOf<typeof FIXED_METRIC_COMPRESSION_OPTIONS> = {}): Transformation => metricBased('min_compression', FIXED_METRIC_COMPRESSION_OPTIONS.named('min_compression').parse(options), 'batch_min', false);
/** tinyBIG `sum_compression`: row sum, `D = 1`. */
export const sumCompression = (options: OptionsOf<typeof FIXED_METRIC_COMPRESSION_OPTIONS> = {}): Transformation => metricBased('sum_compression', FIXED_METRIC_COMPRESSION_OPTIONS.named('sum_compression').parse(options), 'batch_sum', false);
/** tinyBIG `mean_compression`: row mean, `D = 1`. */
export const meanCompression = (options: OptionsOf<typeof FIXED_METRIC_COMPRESSION_OPTIONS> = {}): Transformation => metricBased('mean_compression', FIXED_METRIC_COMPRESSION_OPTIONS.named('mean_compression').parse(options), 'batch_mean', false);
/** tinyBIG `prod_compression`: row product, `D = 1`. */
export const prodCompression = (options: OptionsOf<typeof FIXED_METRIC_COMPRESSION_OPTIONS> = {}): Transformation => metricBased('prod_compression', FIXED_METRIC_COMPRESSION_OPTIONS.named('prod_compression').parse(options), 'batch_prod', false);
/** tinyBIG `median_compression`: row lower median (torch.median: for even m the lower middle value), `D = 1`. */
export const medianCompression = (options: OptionsOf<typeof FIXED_METRIC_COMPRESSION_OPTIONS> = {}): Transformation => metricBased('median_compression', FIXED_METRIC_COMPRESSION_OPTIONS.named('median_compression').parse(options), 'batch_median', false);
