import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValueError, CheckpointError, ConfigError, type Registry } from '@rpn/core';
import { applyNormalization, datasetFromConfig, normalizationFrom, readExperiment, type Normalization } from '@rpn/learn';
import type { AppModel } from './run.js';
import { readInputRows } from './predict-input.js';
import { checkLoadedModel, type NonFiniteOptions } from '../weights-check.js';

export { readRows, readInputRows, type InputRows } from './predict-input.js';

/** Options of {@link predictCommand}. */
export interface PredictOptions extends NonFiniteOptions {
  readonly registry: Registry;
  readonly print?: (l: string) => void;
  /** A tinyBIG YAML with the model config (for checkpoints that hold none, e.g. `.pt`); an experiment file also gives the data normalisation. */
  readonly config?: string;
  /** Apply the training data's normalisation to the rows (default true); false: the rows are already normalised. */
  readonly normalize?: boolean;
}

/** Shortest decimal that reads back as the same float32, in exponent form from 1e16 up: always a JSON number. */
export function formatOutput(v: number): string {
  if (!Number.isFinite(v)) throw new ValueError('cannot print a non-finite number', { argument: 'output', expected: 'a finite number', received: String(v) });
  const f = Math.fround(v);
  for (let p = 1; p <= 17; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === f) {
      const n = Number(s);
      return Math.abs(n) >= 1e16 ? n.toExponential() : String(n);
    }
  }
  return String(v);
}

/** The saved data record of a checkpoint written by `rpn train` (see `dataRecord`), if any. */
function savedNormalization(metadata: Readonly<Record<string, unknown>>, width: number, source: string): { normalization: Normalization | null; featureNames: readonly string[] | null } | null {
  let d = metadata.data;
  if (d === undefined) return null;
  if (typeof d === 'string') { try { d = JSON.parse(d); } catch { /* reported below */ } } // safetensors metadata holds strings
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw new CheckpointError('the checkpoint\'s data record is malformed', { argument: `${source} metadata.data`, expected: 'an object written by rpn train', received: JSON.stringify(d)?.slice(0, 80) });
  const r = d as Record<string, unknown>;
  if (r.input_width !== undefined && r.input_width !== width) throw new CheckpointError('the checkpoint\'s data record does not fit its model', { argument: `${source} metadata.data.input_width`, expected: `${width} (the model's input width)`, received: JSON.stringify(r.input_width) });
  const normalization = r.normalization == null ? null : normalizationFrom(r.normalization, width, `${source} metadata.data.normalization`);
  const names = Array.isArray(r.feature_names) && r.feature_names.every((n) => typeof n === 'string') ? (r.feature_names as string[]) : null;
  return { normalization, featureNames: names };
}

/**
 * The normalisation an experiment file's data_configs apply (for checkpoints saved without a data
 * record), its data class looked up in `registry` first (a user's own loader), as `rpn train` does.
 */
async function experimentNormalization(configFile: string, registry: Registry): Promise<Normalization | null | undefined> {
  const { readYaml } = await import('../config-file.js');
  const { withCallerDataPaths } = await import('./run.js');
  const doc = readYaml(configFile, '--config');
  const root = (doc.configurations ?? doc) as Record<string, unknown>;
  if (!root || typeof root !== 'object' || !('data_configs' in root)) return undefined;
  const exp = readExperiment(doc, configFile);
  const data = await datasetFromConfig(withCallerDataPaths(exp.dataConfigs), { seed: exp.seed ?? 0, registry });
  return data.normalization ?? null;
}

/**
 * `rpn predict --checkpoint DIR --input FILE`: the model's outputs per row (and the argmax class
 * when n > 1), one JSON line per row. Raw rows are normalised as the training data were (the
 * record `rpn train` saves in the checkpoint; else the experiment file's data_configs). Nothing is
 * printed unless every output is finite; a non-finite output is a ValueError naming its row.
 */
export async function predictCommand(checkpoint: string, input: string, o: PredictOptions): Promise<number[][]> {
  const print = o.print ?? ((l: string) => console.log(l));
  const warn = o.warn ?? ((l: string) => console.error(l));
  if (!fs.existsSync(checkpoint)) throw new CheckpointError('checkpoint not found', { argument: '--checkpoint', expected: 'a checkpoint folder written by rpn train (model.json + weights.bin)', received: checkpoint });
  const inputs = readInputRows(input);
  const { loadCheckpoint, assignStateDict } = await import('@rpn/checkpoint');
  let model: AppModel;
  let metadata: Readonly<Record<string, unknown>> = {};
  if (o.config) {
    const { readYaml, modelConfigOf } = await import('../config-file.js');
    const { readAnyCheckpoint } = await import('./convert.js');
    const src = await readAnyCheckpoint(checkpoint);
    metadata = src.metadata;
    model = o.registry.build<AppModel>(modelConfigOf(readYaml(o.config, '--config'), o.config), 'model');
    try { assignStateDict(model as never, src.stateDict, { strict: true }); } catch (e) { model.dispose(); throw e; }
  } else {
    const ck = await loadCheckpoint(checkpoint, o.registry);
    model = ck.model as unknown as AppModel;
    metadata = ck.metadata;
  }
  try {
    checkLoadedModel(model as never, checkpoint, { allowNonFinite: o.allowNonFinite, warn });
    const m = model.m ?? inputs.rows[0]!.length;
    const saved = savedNormalization(metadata, m, checkpoint);
    if (saved?.featureNames && inputs.featureNames && saved.featureNames.join('\u0000') !== inputs.featureNames.join('\u0000')) {
      throw new ConfigError('the input table\'s feature columns are not the ones the model was trained on', { argument: '--input header', expected: saved.featureNames.join(', '), received: inputs.featureNames.join(', ') });
    }
    inputs.rows.forEach((r, i) => {
      if (r.length !== m) throw new ShapeError('input row has the wrong width', { argument: `--input ${inputs.where[i]}`, expected: `${m} values (the model's input width)${inputs.tinybigTable ? ', after dropping the table\'s id and label columns' : ''}`, received: `${r.length} values` });
    });
    let normalization: Normalization | null = null;
    if (o.normalize ?? true) {
      if (saved) normalization = saved.normalization;
      else {
        const fromConfig = o.config ? await experimentNormalization(o.config, o.registry) : undefined;
        if (fromConfig === undefined) warn(`note: ${checkpoint} records no input normalisation${o.config ? ' and --config has no data_configs' : ''}; the rows are used as given`);
        normalization = fromConfig ?? null;
      }
    }
    const flatIn = Float64Array.from(inputs.rows.flat());
    if (normalization) applyNormalization(normalization, flatIn, m);
    const x = tf.tensor2d(Float32Array.from(flatIn), [inputs.rows.length, m]);
    model.eval?.();
    let flat: Float32Array;
    let n: number;
    try {
      const y = tf.tidy(() => tf.reshape(model.forward(x, { training: false }), [inputs.rows.length, -1]));
      n = y.shape[1] ?? 1;
      flat = y.dataSync() as Float32Array;
      y.dispose();
    } finally {
      x.dispose();
    }
    const outs = inputs.rows.map((_, i) => Array.from(flat.subarray(i * n, (i + 1) * n)));
    outs.forEach((out, i) => {
      const k = out.findIndex((v) => !Number.isFinite(v));
      if (k >= 0) throw new ValueError('the model\'s output is not finite', { argument: `--input ${inputs.where[i]}`, expected: 'finite outputs (the inputs or weights overflow float32)', received: `${out[k]} at output ${k + 1}` });
    });
    for (const out of outs) {
      const values = `[${out.map(formatOutput).join(',')}]`;
      print(n > 1 ? `{"output":${values},"class":${out.indexOf(Math.max(...out))}}` : `{"output":${values}}`);
    }
    return outs;
  } finally {
    model.dispose();
  }
}
