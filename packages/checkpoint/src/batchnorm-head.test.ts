import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, createRegistry } from '@rpn/core';
import { expansionEntries } from '@rpn/expansion';
import { reconciliationEntries } from '@rpn/reconciliation';
import { remainderEntries } from '@rpn/remainder';
import { modelEntries } from '@rpn/model';
import { assignStateDict, loadStateDict, modelStateDict, type CheckpointModel } from './model-io.js';
import { writeTorchStateDict } from './torch.js';
import { tensorFromValues, tensorValues, type RawTensor } from './dtypes.js';

const registry = createRegistry(expansionEntries, reconciliationEntries, remainderEntries, modelEntries);
type Built = CheckpointModel & { dispose?: () => void };

/** tinyBIG's state_dict of a model: only its registered parameters (no BatchNorm buffers of list members). */
function tinybigStateDict(model: Built, fill: (name: string, i: number) => number): Map<string, RawTensor> {
  const sd = new Map<string, RawTensor>();
  for (const p of model.namedParameters()) {
    if (p.optional) continue;
    const n = p.variable.size;
    sd.set(p.name, tensorFromValues('float32', p.variable.shape, Array.from({ length: n }, (_, i) => fill(p.name, i))));
  }
  return sd;
}
const values = (model: Built, name: string): number[] => Array.from(model.namedParameters().find((p) => p.name === name)!.variable.dataSync());

describe('perceptron_head / mlp with BatchNorm: tinyBIG state dicts (without BN buffers) load strictly', () => {
  it('perceptron_head(with_batch_norm) keeps its BN buffers as optional and loads a tinyBIG state dict strictly', async () => {
    const head = registry.build<Built>({ head_class: 'tinybig.head.perceptron_head', head_parameters: { m: 4, n: 3, with_batch_norm: true, with_dropout: false } }, 'head');
    const names = head.namedParameters().map((p) => p.name);
    const bn = names.filter((n) => n.startsWith('output_process_functions.0.'));
    expect(bn).toEqual(['output_process_functions.0.weight', 'output_process_functions.0.bias', 'output_process_functions.0.running_mean', 'output_process_functions.0.running_var', 'output_process_functions.0.num_batches_tracked']);
    const sd = tinybigStateDict(head, (name, i) => (name === 'b' ? -0.5 + i : 0.01 * (i + 1)));
    expect([...sd.keys()]).toEqual(['w', 'b']);
    const before = tf.memory().numTensors;
    const report = await loadStateDict(head, sd, { strict: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(report.loaded).toEqual(['w', 'b']);
    expect(report.unexpected).toEqual([]);
    expect([...report.missing].sort()).toEqual([...bn].sort());
    const w = values(head, 'w');
    w.forEach((v, i) => expect(v).toBeCloseTo(0.01 * (i + 1), 7));
    expect(values(head, 'b')).toEqual([-0.5, 0.5, 1.5]);
    // the BN buffers keep torch's initial running statistics
    expect(values(head, 'output_process_functions.0.running_mean')).toEqual([0, 0, 0]);
    expect(values(head, 'output_process_functions.0.running_var')).toEqual([1, 1, 1]);
  });

  it('the same state dict written as a tinyBIG .pt file loads strictly', async () => {
    const head = registry.build<Built>({ head_class: 'tinybig.head.perceptron_head', head_parameters: { m: 4, n: 3, with_batch_norm: true } }, 'head');
    const sd = tinybigStateDict(head, (_, i) => 0.1 * i);
    const bytes = writeTorchStateDict(sd);
    await loadStateDict(head, bytes, { strict: true });
    values(head, 'w').forEach((v, i) => expect(v).toBeCloseTo(0.1 * i, 6));
  });

  it('strict load still rejects a missing required parameter or an unexpected name', () => {
    const head = registry.build<Built>({ head_class: 'tinybig.head.perceptron_head', head_parameters: { m: 4, n: 3, with_batch_norm: true } }, 'head');
    const sd = tinybigStateDict(head, () => 0);
    const noW = new Map(sd);
    noW.delete('w');
    expect(() => assignStateDict(head, noW, { strict: true })).toThrow(CheckpointError);
    const extra = new Map(sd);
    extra.set('output_process_functions.0.momentum', tensorFromValues('float32', [3], [1, 1, 1]));
    expect(() => assignStateDict(head, extra, { strict: true })).toThrow(CheckpointError);
  });

  it('mlp(with_batch_norm): tinyBIG state dict loads strictly; our own state dict (with buffers) round trips them', () => {
    const cfg = { model_class: 'tinybig.model.mlp', model_parameters: { dims: [4, 3, 2], with_batch_norm: true } };
    const a = registry.build<Built>(cfg, 'model');
    const sd = tinybigStateDict(a, (name, i) => (name.startsWith('layers.1') ? -0.02 * i : 0.03 * i));
    expect([...sd.keys()]).toEqual(['layers.0.heads.0.w', 'layers.1.heads.0.w']);
    const report = assignStateDict(a, sd, { strict: true });
    expect(report.missing.length).toBe(10); // per layer: BatchNorm weight, bias (fixed affine of a list BatchNorm), running_mean, running_var, num_batches_tracked
    values(a, 'layers.1.heads.0.w').forEach((v, i) => expect(v).toBeCloseTo(-0.02 * i, 7));
    // ours keeps the running statistics: set them, save with buffers, load into a fresh model
    a.namedParameters().find((p) => p.name === 'layers.0.heads.0.output_process_functions.0.running_mean')!.variable.assign(tf.tensor1d([0.5, -1, 2]));
    const ours = modelStateDict(a);
    expect(ours.has('layers.0.heads.0.output_process_functions.0.running_var')).toBe(true);
    const b = registry.build<Built>(cfg, 'model');
    assignStateDict(b, ours, { strict: true });
    expect(values(b, 'layers.0.heads.0.output_process_functions.0.running_mean')).toEqual([0.5, -1, 2]);
    expect(Array.from(tensorValues(ours.get('layers.0.heads.0.w')!))).toEqual(values(a, 'layers.0.heads.0.w'));
    // and a tinyBIG-loadable export leaves them out
    expect([...modelStateDict(a, { includeOptional: false }).keys()]).toEqual(['layers.0.heads.0.w', 'layers.1.heads.0.w']);
  });
});
