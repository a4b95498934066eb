import embed from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';

/** Renders a vega-lite spec into `el` (SVG, no action menu), replacing what was there. */
export async function draw(el: HTMLElement | null, spec: TopLevelSpec): Promise<void> {
  if (!el) return;
  const r = await embed(el, spec, { actions: false, renderer: 'svg' });
  el.dataset.rendered = String(Number(el.dataset.rendered ?? 0) + 1);
  void r;
}

type Row = Record<string, number | string | null>;

/** Lines of y over x per series (log scale when every value is positive and `log`). */
export function lines(title: string, rows: readonly Row[], x: string, y: string, series: string, log = false): TopLevelSpec {
  const positive = rows.every((r) => typeof r[y] !== 'number' || (r[y] as number) > 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, width: 360, height: 200,
    data: { values: rows.filter((r) => typeof r[y] === 'number' && Number.isFinite(r[y] as number)) as Row[] },
    mark: { type: 'line', interpolate: 'linear' },
    encoding: {
      x: { field: x, type: 'quantitative' },
      y: { field: y, type: 'quantitative', scale: { type: log && positive ? 'log' : 'linear', zero: false } },
      color: { field: series, type: 'nominal' },
    },
  } as TopLevelSpec;
}

/** A heat map of a row-major n × D matrix. */
export function heatmap(title: string, n: number, D: number, values: readonly number[]): TopLevelSpec {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) rows.push({ row: i, col: j, value: values[i * D + j] });
  const size = Math.max(2, Math.min(12, Math.floor(480 / Math.max(D, 1))));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, width: Math.max(120, size * D), height: Math.max(40, size * n),
    data: { values: rows },
    mark: 'rect',
    encoding: {
      x: { field: 'col', type: 'ordinal', axis: D > 40 ? null : {} , title: 'D (expansion)' },
      y: { field: 'row', type: 'ordinal', axis: n > 40 ? null : {}, title: 'n (output)' },
      color: { field: 'value', type: 'quantitative', scale: { scheme: 'redblue', domainMid: 0, reverse: true } },
    },
  } as TopLevelSpec;
}
