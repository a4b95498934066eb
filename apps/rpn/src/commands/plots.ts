import * as vl from 'vega-lite';
import * as vega from 'vega';
import { Resvg } from '@resvg/resvg-js';
// @ts-ignore asciichart ships no types
import asciichart from 'asciichart';
import { nodeOutputFs, writeFileAtomic, type OutputFs } from '../output-files.js';

/** Renders a Vega-Lite spec to `<base>.svg` and `<base>.png`, each written atomically. Returns the written paths. */
export async function writeChart(spec: Record<string, unknown>, base: string, fs: OutputFs = nodeOutputFs): Promise<string[]> {
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', ...spec } as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { background: 'white', font: { loadSystemFonts: true } }).render().asPng();
  writeFileAtomic(`${base}.svg`, svg, fs);
  writeFileAtomic(`${base}.png`, png, fs);
  return [`${base}.svg`, `${base}.png`];
}

/** Line chart of named series over epochs. */
export function curveSpec(title: string, yTitle: string, series: Record<string, readonly (number | null)[]>, logScale: boolean): Record<string, unknown> {
  const values: { epoch: number; value: number; series: string }[] = [];
  for (const [name, ys] of Object.entries(series)) ys.forEach((v, i) => { if (v != null && Number.isFinite(v) && (!logScale || v > 0)) values.push({ epoch: i + 1, value: v, series: name }); });
  return {
    title, width: 520, height: 300, data: { values }, mark: { type: 'line', point: values.length <= 60 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: logScale ? { type: 'log' } : { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** Learned against true function values along one sweep. */
export function functionSpec(title: string, xs: readonly number[], truth: readonly number[], learned: readonly number[], xTitle: string): Record<string, unknown> {
  const values = [
    ...xs.map((x, i) => ({ x, y: truth[i], series: 'true' })),
    ...xs.map((x, i) => ({ x, y: learned[i], series: 'learned' })),
  ];
  return {
    title, width: 520, height: 300, data: { values }, mark: 'line',
    encoding: { x: { field: 'x', type: 'quantitative', title: xTitle }, y: { field: 'y', type: 'quantitative', title: 'f', scale: { zero: false } }, color: { field: 'series', type: 'nominal', title: null }, strokeDash: { field: 'series', type: 'nominal' } },
  };
}

/** A small terminal chart (asciichart), at most `width` points. */
export function terminalChart(ys: readonly number[], width = 60, height = 8): string {
  const clean = ys.filter((v) => Number.isFinite(v));
  if (clean.length < 2) return '';
  const step = Math.max(1, Math.ceil(clean.length / width));
  const pts: number[] = [];
  for (let i = 0; i < clean.length; i += step) pts.push(clean[i]);
  if (pts[pts.length - 1] !== clean[clean.length - 1]) pts.push(clean[clean.length - 1]);
  return asciichart.plot(pts, { height, format: (v: number) => v.toExponential(2).padStart(10) });
}
