import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValueError, CheckpointError, type Registry } from '@rpn/core';
import type { AppModel } from './run.js';

/** Reads prediction inputs: CSV (numbers; a non-numeric first line is a header) or JSON (an array of rows, or {rows: …}). */
export function readRows(file: string): number[][] {
  if (!fs.existsSync(file)) throw new ValueError('input file not found', { argument: '--input', expected: 'a CSV or JSON file of rows', received: file });
  const text = fs.readFileSync(file, 'utf8').trim();
  let rows: unknown;
  if (file.endsWith('.json') || text.startsWith('[') || text.startsWith('{')) {
    try { rows = JSON.parse(text); } catch (e) { throw new ValueError(`input is not valid JSON: ${(e as Error).message}`, { argument: '--input', expected: 'JSON rows', received: file }); }
    if (rows && typeof rows === 'object' && !Array.isArray(rows)) rows = (rows as { rows?: unknown; inputs?: unknown }).rows ?? (rows as { inputs?: unknown }).inputs;
    if (!Array.isArray(rows)) throw new ValueError('JSON input must be an array of rows', { argument: '--input', expected: '[[x1, x2, …], …] or {"rows": […]}', received: typeof rows });
    rows = (rows as unknown[]).map((r) => (typeof r === 'number' ? [r] : r));
  } else {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const parsed = lines.map((l) => l.split(/[,;\t]/).map((c) => c.trim()));
    if (parsed.length && parsed[0].some((c) => c !== '' && !Number.isFinite(Number(c)))) parsed.shift();
    rows = parsed.map((r) => r.map(Number));
  }
  const out = rows as unknown[];
  out.forEach((r, i) => {
    if (!Array.isArray(r) || !r.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new ValueError('input row is not a list of numbers', { argument: `--input row ${i + 1}`, expected: 'finite numbers', received: JSON.stringify(r).slice(0, 80) });
  });
  return out as number[][];
}

/** `rpn predict --checkpoint DIR --input FILE`: the model's outputs per row (and argmax class when n > 1), as JSON lines. */
export async function predictCommand(checkpoint: string, input: string, o: { registry: Registry; print?: (l: string) => void; config?: string }): Promise<number[][]> {
  const print = o.print ?? ((l: string) => console.log(l));
  if (!fs.existsSync(checkpoint)) throw new CheckpointError('checkpoint not found', { argument: '--checkpoint', expected: 'a checkpoint folder written by rpn train (model.json + weights.bin)', received: checkpoint });
  const rows = readRows(input);
  const { loadModel, loadStateDict } = await import('@rpn/checkpoint');
  let model: AppModel;
  if (o.config) {
    const { readYaml } = await import('./run.js');
    const { modelConfigOf } = await import('../config-file.js');
    model = o.registry.build<AppModel>(modelConfigOf(readYaml(o.config), o.config), 'model');
    await loadStateDict(model as never, checkpoint, { strict: true });
  } else {
    model = (await loadModel(checkpoint, o.registry)) as unknown as AppModel;
  }
  try {
    const m = model.m ?? rows[0]?.length ?? 0;
    rows.forEach((r, i) => {
      if (r.length !== m) throw new ShapeError('input row has the wrong width', { argument: `--input row ${i + 1}`, expected: `${m} values (the model's input width)`, received: `${r.length} values` });
    });
    if (rows.length === 0) return [];
    const x = tf.tensor2d(rows.flat(), [rows.length, m]);
    model.eval?.();
    const y = tf.tidy(() => model.forward(x, { training: false }));
    const n = y.shape[y.rank - 1] ?? 1;
    const flat = Array.from(y.dataSync());
    tf.dispose([x, y]);
    const outs = rows.map((_, i) => flat.slice(i * n, (i + 1) * n));
    for (const out of outs) {
      const cls = n > 1 ? out.indexOf(Math.max(...out)) : undefined;
      print(JSON.stringify(cls === undefined ? { output: out } : { output: out, class: cls }));
    }
    return outs;
  } finally {
    model.dispose();
  }
}
