import { describe, expect, it } from 'vitest';
import { planListModules, sharedHeadPrefixes } from './list-modules.js';
import type { GoldenCase, JsonTensor } from '../types.js';

const t = (v: number): JsonTensor => ({ shape: [2], dtype: 'float64', data: [v, v] });
const bnEval = (v: number) => ({ class: 'torch.nn.BatchNorm1d', mode: 'eval', eps: 1e-5, weight: t(v), bias: t(v + 1), running_mean: t(v + 2), running_var: t(v + 3) });
const kase = (fields: Record<string, unknown>): GoldenCase => ({ id: 'x/y/0', family: 'architecture_layer', class: 'y', ...fields });
const bnNames = (prefix: string) => ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'].map((f) => `${prefix}.${f}`);

describe('list_modules plan', () => {
  it('finds the head prefixes of shared parameter groups', () => {
    const c = kase({ shared_parameters: [['heads.0.w', 'heads.1.w', 'heads.2.w'], ['heads.0.w_instance_interdependence', 'heads.1.w_instance_interdependence'], ['layers.1.heads.0.b', 'layers.1.heads.1.b']] });
    const m = sharedHeadPrefixes(c);
    expect([...m.keys()]).toEqual(['heads.0.', 'layers.1.heads.0.']);
    expect([...m.get('heads.0.')!]).toEqual(['heads.1.', 'heads.2.']);
    expect([...m.get('layers.1.heads.0.')!]).toEqual(['layers.1.heads.1.']);
  });
  it('maps an eval BatchNorm to our names and copies it into every head sharing it', () => {
    const c = kase({
      shared_parameters: [['heads.0.w', 'heads.1.w']],
      list_modules: { 'heads.0.output_process_functions.0': bnEval(1), 'heads.0.output_process_functions.1': { class: 'torch.nn.ReLU' } },
    });
    const plan = planListModules(c, [...bnNames('heads.0.output_process_functions.0'), ...bnNames('heads.1.output_process_functions.0'), 'heads.0.w', 'heads.1.w']);
    expect(plan.training).toBe(false);
    expect([...plan.entries.keys()].sort()).toEqual(bnNames('heads.0.output_process_functions.0').slice(0, 4).concat(bnNames('heads.1.output_process_functions.0').slice(0, 4)).sort());
    expect(plan.entries.get('heads.1.output_process_functions.0.running_var')!.data).toEqual([4, 4]);
  });
  it('maps by position within the list when our index differs', () => {
    // tinyBIG: [ReLU, BatchNorm(a), Dropout, BatchNorm(b)]; ours holds the two BatchNorms at 0 and 2
    const c = kase({ list_modules: { 'output_process_functions.0': { class: 'torch.nn.ReLU' }, 'output_process_functions.1': bnEval(10), 'output_process_functions.2': { class: 'torch.nn.Dropout', p: 0.5, mode: 'eval' }, 'output_process_functions.3': bnEval(20) } });
    const plan = planListModules(c, [...bnNames('output_process_functions.0'), ...bnNames('output_process_functions.2')]);
    expect(plan.entries.get('output_process_functions.0.weight')!.data).toEqual([10, 10]);
    expect(plan.entries.get('output_process_functions.2.bias')!.data).toEqual([21, 21]);
  });
  it('fails clearly when we have no BatchNorm for a recorded one', () => {
    const c = kase({ list_modules: { 'output_process_functions.0': bnEval(1) } });
    expect(() => planListModules(c, ['w'])).toThrow(/no counterpart for its weight/);
  });
  it('a train-mode BatchNorm asks for training; with an active Dropout or an eval BatchNorm it is refused', () => {
    const train = { class: 'torch.nn.BatchNorm1d', mode: 'train', eps: 1e-5 };
    expect(planListModules(kase({ list_modules: { 'output_process_functions.0': train, 'output_process_functions.1': { class: 'torch.nn.Dropout', p: 0 } } }), []).training).toBe(true);
    expect(() => planListModules(kase({ list_modules: { 'output_process_functions.0': train, 'output_process_functions.1': { class: 'torch.nn.Dropout', p: 0.5, mode: 'eval' } } }), [])).toThrow(/Dropout/);
    expect(() => planListModules(kase({ list_modules: { 'a.0': train, 'b.0': bnEval(1) } }), bnNames('b.0'))).toThrow(/train mode .* and eval mode/);
  });
});
