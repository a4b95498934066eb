import { ValueError, defineEntry, defineOptions, oneOf, str, type OptionSchema, type Registry, type RegistryEntry } from '@rpn/core';
import { buildPart, type PartLookup } from './lookup.js';

/**
 * A metric over a whole split: true targets and the model's scores (row-major, `width` per row).
 * Classification metrics predict argmax of the scores; with a single output column they
 * round the score (tinyBIG's argmax there always gives 0; the docs report "rounded accuracy").
 */
export interface Metric {
  readonly name: string;
  /** `accuracy`, `f1` or `mse`: whether larger is better. */
  readonly higherIsBetter: boolean;
  evaluate(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, width: number): number;
  toConfig(): { metric_class: string; metric_parameters: Record<string, unknown> };
}

/** argmax of each row (width > 1) or the rounded score (width 1). */
export function predictions(yScore: ArrayLike<number>, width: number): Int32Array {
  const n = Math.floor(yScore.length / width);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (width === 1) { out[i] = Math.round(yScore[i]); continue; }
    let best = 0;
    let bv = -Infinity;
    for (let j = 0; j < width; j++) { const v = yScore[i * width + j]; if (v > bv) { bv = v; best = j; } }
    out[i] = best;
  }
  return out;
}

function labels(yTrue: ArrayLike<number>, n: number): Int32Array {
  if (yTrue.length !== n) throw new ValueError('targets and scores have different lengths', { argument: 'yTrue', expected: `${n} labels`, received: `${yTrue.length}` });
  return Int32Array.from(yTrue as ArrayLike<number>, (v) => Math.round(v));
}

/** `tinybig.metric.accuracy`: share of rows whose prediction equals the label. */
export function accuracy(): Metric {
  return Object.freeze({
    name: 'accuracy', higherIsBetter: true,
    evaluate(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, width: number) {
      const p = predictions(yScore, width);
      const t = labels(yTrue, p.length);
      let ok = 0;
      for (let i = 0; i < p.length; i++) if (p[i] === t[i]) ok++;
      return p.length ? ok / p.length : NaN;
    },
    toConfig: () => ({ metric_class: 'tinybig.metric.accuracy', metric_parameters: { name: 'accuracy' } }),
  });
}

/** `tinybig.metric.f1` (sklearn `f1_score`): average `binary` (positive class 1), `macro`, `micro` or `weighted`. */
export function f1(o: { average?: 'binary' | 'macro' | 'micro' | 'weighted' } = {}): Metric {
  const average = METRIC_OPTIONS.f1.parse(o).average as 'binary' | 'macro' | 'micro' | 'weighted';
  return Object.freeze({
    name: 'f1', higherIsBetter: true,
    evaluate(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, width: number) {
      const p = predictions(yScore, width);
      const t = labels(yTrue, p.length);
      const classes = [...new Set([...t, ...p])].sort((a, b) => a - b);
      const f1Of = (c: number) => {
        let tp = 0, fp = 0, fn = 0;
        for (let i = 0; i < p.length; i++) { if (p[i] === c && t[i] === c) tp++; else if (p[i] === c) fp++; else if (t[i] === c) fn++; }
        return { f: tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn), support: tp + fn, tp, fp, fn };
      };
      if (average === 'binary') return f1Of(1).f;
      const per = classes.map(f1Of);
      if (average === 'micro') { const tp = per.reduce((a, x) => a + x.tp, 0), fp = per.reduce((a, x) => a + x.fp, 0), fn = per.reduce((a, x) => a + x.fn, 0); return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn); }
      if (average === 'macro') return per.reduce((a, x) => a + x.f, 0) / per.length;
      const tot = per.reduce((a, x) => a + x.support, 0);
      return per.reduce((a, x) => a + x.f * x.support, 0) / tot;
    },
    toConfig: () => ({ metric_class: 'tinybig.metric.f1', metric_parameters: { name: 'f1', average } }),
  });
}

/** `tinybig.metric.mse` (sklearn `mean_squared_error(y_true, y_score)`). */
export function mse(): Metric {
  return Object.freeze({
    name: 'mse', higherIsBetter: false,
    evaluate(yTrue: ArrayLike<number>, yScore: ArrayLike<number>) {
      if (yTrue.length !== yScore.length) throw new ValueError('targets and scores have different lengths', { argument: 'yTrue', expected: `${yScore.length} values`, received: `${yTrue.length}` });
      let s = 0;
      for (let i = 0; i < yTrue.length; i++) { const d = yTrue[i] - yScore[i]; s += d * d; }
      return s / yTrue.length;
    },
    toConfig: () => ({ metric_class: 'tinybig.metric.mse', metric_parameters: { name: 'mse' } }),
  });
}

const NAME = { name: str({ doc: "the metric's name (as toConfig writes it)" }) } as const;
/** tinyBIG's metrics' options (core's option schema), by class name: only f1 takes one (`average`). */
export const METRIC_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze({
  accuracy: defineOptions('accuracy', NAME),
  f1: defineOptions('f1', { ...NAME, average: oneOf(['binary', 'macro', 'micro', 'weighted'], { default: 'binary', doc: "sklearn's f1_score average" }) }),
  mse: defineOptions('mse', NAME),
});

const metric = (name: string, make: (o: Record<string, unknown>) => Metric) => defineEntry('metric', name, (o) => make(o), { module: 'tinybig.metric', options: METRIC_OPTIONS[name] });

/** Registry entries (kind `metric`) of tinyBIG's metrics, `tinybig.metric.<name>` or `<name>`: each makes a {@link Metric}. */
export const metricEntries: readonly RegistryEntry[] = Object.freeze([
  metric('accuracy', () => accuracy()),
  metric('f1', (o) => f1({ average: METRIC_OPTIONS.f1.parse(o).average as 'binary' })),
  metric('mse', () => mse()),
]);

/** Metric class names accepted in configs (`tinybig.metric.<name>` or bare). */
export const METRIC_NAMES: readonly string[] = Object.freeze(metricEntries.map((e) => e.className));

const PART: PartLookup = {
  kind: 'metric', builtins: metricEntries, argument: 'metric_configs', what: 'metric',
  made: (v) => v != null && typeof (v as Metric).evaluate === 'function', expected: 'a metric with evaluate(yTrue, yScore, width)',
};

/** Builds a metric from tinyBIG's `metric_configs` (a `metric` entry of `registry`, or a built-in). */
export function metricFromConfig(config: unknown, registry?: Registry): Metric {
  return buildPart<Metric>(config, PART, registry);
}
