import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ValueError, ShapeError } from '@rpn/core';
import { datasetFromConfig, embeddedMnist, evaluate, readExperiment, trainTestSplitIndices } from '@rpn/learn';
import { loadModel, saveModel, type CheckpointModel } from '@rpn/checkpoint';
import { appRegistry } from '../registry.js';
import { readYaml } from '../config-file.js';
import { trainCommand } from './train.js';
import { formatOutput, predictCommand, readInputRows } from './predict.js';
import type { AppModel } from './run.js';

const configs = path.resolve(import.meta.dirname, '..', '..', 'configs');
const registry = appRegistry();
const backend = { backend: tf.getBackend(), simd: false, threads: 1 };
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-predict-'));
const csv = (text: string) => { const f = path.join(tmp(), 'in.csv'); fs.writeFileSync(f, text); return f; };
const thrown = (f: () => unknown): Error => { try { f(); } catch (e) { return e as Error; } throw new Error('did not throw'); };

describe('predict input rows', () => {
  it('an empty cell is a typed error naming line and column, never 0', () => {
    const e = thrown(() => readInputRows(csv('0.1,0.2\n0.3,\n')));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/empty input cell.*--input row 2 \(line 2\), column 2/);
    expect(thrown(() => readInputRows(csv('x,y\n0.1, \n'))).message).toMatch(/empty input cell.*row 1 \(line 2\), column 2 \(y\)/);
  });

  it('a first row with some text is a header only when every cell is text', () => {
    expect(readInputRows(csv('x,y\n1,2\n')).rows).toEqual([[1, 2]]);
    expect(readInputRows(csv('1,2\n3,4\n')).rows).toEqual([[1, 2], [3, 4]]);
    const e = thrown(() => readInputRows(csv('1,abc\n3,4\n')));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/first row mixes numbers and text.*row 1 \(line 1\), column 2/);
    expect(thrown(() => readInputRows(csv('x,y\n1,abc\n'))).message).toMatch(/not a number.*row 1 \(line 2\), column 2 \(y\)/);
    expect(thrown(() => readInputRows(csv('1,0x10\n'))).message).toMatch(/mixes numbers and text.*line 1\), column 2/);
  });

  it('empty and header-only files, non-finite values and empty JSON are typed errors', () => {
    expect(() => readInputRows(csv(''))).toThrow(/holds no rows/);
    expect(() => readInputRows(csv('\n  \n'))).toThrow(/holds no rows/);
    expect(() => readInputRows(csv('x,y\n'))).toThrow(/header but no rows/);
    expect(() => readInputRows(csv('1,1e400\n'))).toThrow(/out of range.*row 1 \(line 1\), column 2/);
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'a.json'), '[]');
    expect(() => readInputRows(path.join(dir, 'a.json'))).toThrow(/holds no rows/);
    fs.writeFileSync(path.join(dir, 'b.json'), '[[1, null]]');
    expect(() => readInputRows(path.join(dir, 'b.json'))).toThrow(/row 1, column 2/);
  });

  it("reads tinyBIG's own table layout: the Name_type header's id and label columns are dropped", () => {
    const r = readInputRows(csv('Id_int,SepalLengthCm_float,SepalWidthCm_float,Species_str\n1,5.1,3.5,Iris-setosa\n2,4.9,3,Iris-setosa\n'));
    expect(r.tinybigTable).toBe(true);
    expect(r.featureNames).toEqual(['SepalLengthCm', 'SepalWidthCm']);
    expect(r.rows).toEqual([[5.1, 3.5], [4.9, 3]]);
    expect(() => readInputRows(csv('Id_int,a_float,b_float,L_int\n1,2,3\n'))).toThrow(/header's number of columns/);
  });

  it('prints numbers as JSON numbers: shortest float32 form, exponent from 1e16', () => {
    expect(formatOutput(Math.fround(0.1))).toBe('0.1');
    expect(formatOutput(Math.fround(1e20))).toBe('1e+20');
    expect(JSON.parse(formatOutput(Math.fround(-3.5e30)))).toBeCloseTo(-3.5e30, -24);
    expect(formatOutput(Math.fround(1e-30))).toBe('1e-30');
    expect(() => formatOutput(Number.POSITIVE_INFINITY)).toThrow(ValueError);
  });
});

/** A bare 1-layer Taylor (order 2) model on 2 inputs: outputs grow like x², so 1e20 overflows float32. */
async function taylorCheckpoint(): Promise<string> {
  const cfg = { model_class: 'tinybig.model.rpn', model_parameters: { layer_configs: [{ layer_class: 'tinybig.module.rpn_layer', layer_parameters: { m: 2, n: 1, head_configs: { head_class: 'tinybig.module.rpn_head', head_parameters: {
    data_transformation_configs: { function_class: 'tinybig.expansion.taylor_expansion', function_parameters: { d: 2 } },
    parameter_fabrication_configs: { function_class: 'tinybig.reconciliation.identity_reconciliation' },
    remainder_configs: { function_class: 'tinybig.remainder.zero_remainder' } } } } }] } };
  const model = registry.build<AppModel>(cfg, 'model');
  const dir = path.join(tmp(), 'ck');
  try { await saveModel(model as never, dir); } finally { model.dispose(); }
  return dir;
}

describe('rpn predict', () => {
  it('a non-finite output is a typed error naming the row, and nothing is printed', async () => {
    const ck = await taylorCheckpoint();
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const run = predictCommand(ck, csv('0.5,0.25\n1e20,1e20\n'), { registry, print: (l) => lines.push(l), warn: () => undefined });
    await expect(run).rejects.toThrow(ValueError);
    await expect(run).rejects.toThrow(/output is not finite.*--input row 2 \(line 2\)/);
    expect(lines).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    // large finite outputs print as numbers with an exponent, not null
    await predictCommand(ck, csv('1e9,1e9\n'), { registry, print: (l) => lines.push(l), warn: () => undefined });
    const out = JSON.parse(lines[0]!).output[0];
    expect(typeof out).toBe('number');
    expect(Number.isFinite(out)).toBe(true);
  });

  it('diabetes (mean_std normalize_X): raw rows in the dataset\'s own CSV layout give the outputs of evaluating the normalised rows', async () => {
    const out = path.join(tmp(), 'run');
    const file = path.join(configs, 'diabetes_normalized_configs.yaml');
    await trainCommand(file, { registry, backend, epochs: 2, out, plots: false, print: () => undefined, progress: false });
    const ck = path.join(out, 'checkpoint');
    // the loader's own normalised test split, evaluated by the trained model
    const exp = readExperiment(readYaml(file), file);
    const data = await datasetFromConfig(exp.dataConfigs, { seed: exp.seed });
    const model = await loadModel<AppModel & CheckpointModel>(ck, registry);
    const want = evaluate(model, data.test, { batchSize: 1000 }).yScore;
    model.dispose();
    // the same test rows, raw, as lines of the shipped diabetes.csv (id, 8 features, label)
    const lines = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', '..', '..', 'packages', 'learn', 'data', 'diabetes.csv'), 'utf8').trim().split('\n');
    const rows = lines.length - 1;
    const { test } = trainTestSplitIndices(rows, rows - data.test.count, 123, true);
    const k = 12;
    const raw = csv([lines[0], ...Array.from(test.subarray(0, k), (i) => lines[1 + i])].join('\n'));
    const printed: string[] = [];
    const got = await predictCommand(ck, raw, { registry, print: (l) => printed.push(l), warn: () => undefined });
    expect(got).toHaveLength(k);
    for (let i = 0; i < k; i++) expect(got[i]![0]).toBeCloseTo(want[i]!, 5);
    expect(printed.map((l) => JSON.parse(l).output[0])).toEqual(got.map((g) => Number(formatOutput(g[0]!))));
    // the same rows without normalisation are what the old predict computed: different outputs
    const unnormalised = await predictCommand(ck, raw, { registry, normalize: false, print: () => undefined, warn: () => undefined });
    expect(unnormalised.some((u, i) => Math.abs(u[0]! - want[i]!) > 1e-3)).toBe(true);
    // a header naming other feature columns is refused
    const other = csv(['Id_int,' + Array.from({ length: 8 }, (_, j) => `f${j}_float`).join(',') + ',Outcome_int', lines[1]].join('\n'));
    await expect(predictCommand(ck, other, { registry, print: () => undefined, warn: () => undefined })).rejects.toThrow(/feature columns/);
  }, 60_000);

  it('MNIST: raw pixels are normalised with the saved mean/std, so the classes are those of the normalised evaluation', async () => {
    const dir = tmp();
    const file = path.join(dir, 'mnist_linear.yaml');
    fs.writeFileSync(file, stringify({ configurations: {
      random_seed: 3,
      data_configs: { data_class: 'tinybig.data.mnist', data_parameters: { train_batch_size: 500, test_batch_size: 1000 } },
      learner_configs: { learner_class: 'tinybig.learner.backward_learner', learner_parameters: { n_epochs: 1,
        optimizer_configs: { optimizer_class: 'torch.optim.AdamW', optimizer_parameters: { lr: 0.01 } },
        loss_configs: { loss_class: 'torch.nn.CrossEntropyLoss' } } },
      model_configs: { model_class: 'tinybig.model.rpn', model_parameters: { layer_configs: [{ layer_class: 'tinybig.module.rpn_layer', layer_parameters: { m: 784, n: 10, head_configs: { head_class: 'tinybig.module.rpn_head', head_parameters: {
        data_transformation_configs: { function_class: 'tinybig.expansion.identity_expansion' },
        parameter_fabrication_configs: { function_class: 'tinybig.reconciliation.identity_reconciliation' },
        remainder_configs: { function_class: 'tinybig.remainder.zero_remainder' } } } } }] } },
      metric_configs: { metric_class: 'tinybig.metric.accuracy' },
    } }));
    const out = path.join(dir, 'run');
    await trainCommand(file, { registry, backend, out, plots: false, print: () => undefined, progress: false });
    const ck = path.join(out, 'checkpoint');
    const [norm, raw] = [await embeddedMnist(), await embeddedMnist({ normalize: false })];
    const k = 10;
    const model = await loadModel<AppModel & CheckpointModel>(ck, registry);
    const want = evaluate(model, { ...norm.test, x: norm.test.x.subarray(0, k * 784), y: norm.test.y.subarray(0, k), count: k }, { batchSize: k }).yScore;
    model.dispose();
    const rows = Array.from({ length: k }, (_, i) => Array.from(raw.test.x.subarray(i * 784, (i + 1) * 784)));
    const input = path.join(dir, 'raw.json');
    fs.writeFileSync(input, JSON.stringify(rows));
    const printed: string[] = [];
    const got = await predictCommand(ck, input, { registry, print: (l) => printed.push(l), warn: () => undefined });
    for (let i = 0; i < k; i++) {
      for (let c = 0; c < 10; c++) expect(got[i]![c]).toBeCloseTo(want[i * 10 + c]!, 3);
      const cls = want.subarray(i * 10, (i + 1) * 10).indexOf(Math.max(...want.subarray(i * 10, (i + 1) * 10)));
      expect(JSON.parse(printed[i]!).class).toBe(cls);
    }
  }, 120_000);

  it('a row of the wrong width after dropping id and label says so', async () => {
    const ck = await taylorCheckpoint();
    const e = predictCommand(ck, csv('Id_int,a_float,b_float,c_float,L_int\n1,2,3,4,0\n'), { registry, print: () => undefined, warn: () => undefined });
    await expect(e).rejects.toThrow(ShapeError);
    await expect(e).rejects.toThrow(/after dropping the table's id and label columns/);
  });

  it('non-finite weights: a warning by default, refused with allowNonFinite: false', async () => {
    const ck = await taylorCheckpoint();
    const model = await loadModel<AppModel & CheckpointModel>(ck, registry);
    const v = model.namedParameters()[0]!.variable;
    const t = tf.fill(v.shape, Number.NaN);
    v.assign(t); t.dispose();
    const bad = path.join(tmp(), 'nan');
    await saveModel(model as never, bad);
    model.dispose();
    const warnings: string[] = [];
    const input = csv('0.5,0.25\n');
    // NaN weights give a NaN output: the warning comes first, then the typed output error
    await expect(predictCommand(bad, input, { registry, print: () => undefined, warn: (l) => warnings.push(l) })).rejects.toThrow(/output is not finite/);
    expect(warnings.join('\n')).toMatch(/warning: non-finite weights in .*nan: layers\.0\.heads\.0\.w: \d+ NaN/);
    await expect(predictCommand(bad, input, { registry, allowNonFinite: false, print: () => undefined, warn: () => undefined })).rejects.toThrow(/hold non-finite values/);
  });
});
