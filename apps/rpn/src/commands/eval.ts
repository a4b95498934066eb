import * as fs from 'node:fs';
import type { Registry } from '@rpn/core';
import { CheckpointError } from '@rpn/core';
import { evaluateTest, experimentMetric, learnerLoss, type Dataset } from '@rpn/learn';
import { buildModel, formatNumber, loadExperiment, readYaml, type AppModel } from './run.js';
import { checkLoadedModel, type NonFiniteOptions } from '../weights-check.js';

/** Loads checkpoint weights into `model`: a native folder, a safetensors file or a tinyBIG `.pt`; non-finite weights are warned about or refused (see {@link NonFiniteOptions}). */
export async function loadWeights(model: AppModel, checkpoint: string, o: NonFiniteOptions = {}): Promise<void> {
  if (!fs.existsSync(checkpoint)) throw new CheckpointError('checkpoint not found', { argument: '--checkpoint', expected: 'a checkpoint folder (model.json + weights.bin), a .safetensors or a .pt file', received: checkpoint });
  const { loadStateDict } = await import('@rpn/checkpoint');
  await loadStateDict(model as never, checkpoint, { strict: true });
  checkLoadedModel(model as never, checkpoint, o);
}

/** `rpn eval CONFIG --checkpoint DIR`: the experiment's test loss and metric for saved weights. */
export async function evalCommand(file: string, checkpoint: string, o: NonFiniteOptions & { registry: Registry; print?: (l: string) => void; seed?: number }): Promise<{ metric: string; score: number; loss: number | null; data: Dataset }> {
  const print = o.print ?? ((l: string) => console.log(l));
  if (!fs.existsSync(checkpoint)) throw new CheckpointError('checkpoint not found', { argument: '--checkpoint', expected: 'a checkpoint folder (model.json + weights.bin), a .safetensors or a .pt file', received: checkpoint });
  const loaded = await loadExperiment(readYaml(file), file, { seed: o.seed, registry: o.registry });
  const model = buildModel(o.registry, loaded);
  try {
    await loadWeights(model, checkpoint, o);
    const loss = learnerLoss(loaded.exp.learnerConfigs, o.registry);
    const metric = experimentMetric(loaded.exp, loaded.data.task, o.registry);
    const r = evaluateTest(model, loaded.data, { loss, metric, batchSize: loaded.data.testBatchSize });
    print(`data: ${loaded.data.description}; test ${loaded.data.test.count} rows`);
    if (r.loss != null) print(`test loss: ${formatNumber(r.loss)}`);
    print(`final test ${metric.name}: ${formatNumber(r.score)}`);
    return { metric: metric.name, score: r.score ?? Number.NaN, loss: r.loss, data: loaded.data };
  } finally {
    model.dispose();
  }
}
