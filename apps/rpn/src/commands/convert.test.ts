import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '@rpn/core';
import { loadModel, readStateDict, tensorValues } from '@rpn/checkpoint';
import { appRegistry } from '../registry.js';
import { defaultGoldenDir } from '../golden/runner.js';
import { checkpointInfoCommand, convertCommand, isCheckpointPath } from './convert.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-convert-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const ck = path.join(defaultGoldenDir(), 'checkpoints');

describe('rpn convert', () => {
  it('.pt + config → native → safetensors → .pt; the native model reproduces tinyBIG output', async () => {
    const side = JSON.parse(fs.readFileSync(path.join(ck, 'rpn_model_float32.json'), 'utf8'));
    const cfg = path.join(dir, 'model.json.yaml');
    fs.writeFileSync(cfg, JSON.stringify({ model_configs: side.model_configs }));
    const lines: string[] = [];
    const print = (l: string) => lines.push(l);
    const registry = appRegistry();
    await convertCommand(path.join(ck, 'rpn_model_float32.pt'), path.join(dir, 'native'), { registry, config: cfg, print });
    await convertCommand(path.join(dir, 'native'), path.join(dir, 'm.safetensors'), { registry, print });
    await convertCommand(path.join(dir, 'm.safetensors'), path.join(dir, 'back.pt'), { registry, print });
    expect(lines.filter((l) => l.startsWith('converted'))).toHaveLength(3);
    const a = await readStateDict(path.join(ck, 'rpn_model_float32.pt'));
    const b = await readStateDict(path.join(dir, 'back.pt'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, t] of a) expect(b.get(k)!.data).toEqual(t.data);
    const model = await loadModel<any>(path.join(dir, "native"), registry);
    const x = tf.tensor(side.input.data, side.input.shape);
    const y = model.forward(x);
    const got = Array.from(y.dataSync() as Float32Array);
    side.expected_output.data.forEach((e: number, i: number) => expect(Math.abs(got[i]! - e)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(e)));
    tf.dispose([x, y]);
    model.dispose();
  });

  it('.pt without a config → native keeps the weights and says the config is missing', async () => {
    const lines: string[] = [];
    await convertCommand(path.join(ck, 'dtype_probe.pt'), path.join(dir, 'p.safetensors'), { print: (l) => lines.push(l) });
    const sd = await readStateDict(path.join(dir, 'p.safetensors'));
    expect(Array.from(tensorValues(sd.get('idx_int64')!))[0]).toBe(-149556778014);
  });

  it('rejects a checkpoint that does not fit the config, naming the tensors', async () => {
    const side = JSON.parse(fs.readFileSync(path.join(ck, 'rpn_model_float64.json'), 'utf8'));
    side.model_configs.model_parameters.layer_configs[0].layer_parameters.n = 6;
    side.model_configs.model_parameters.layer_configs[1].layer_parameters.m = 6;
    const cfg = path.join(dir, 'c.yaml');
    fs.writeFileSync(cfg, JSON.stringify(side.model_configs));
    await expect(convertCommand(path.join(ck, 'rpn_model_float64.pt'), path.join(dir, 'n'), { registry: appRegistry(), config: cfg, print: () => {} })).rejects.toThrow(/mis-shaped: layers\.0\.heads\.0\.w /);
    await expect(convertCommand(path.join(dir, 'nope.pt'), path.join(dir, 'n'))).rejects.toBeInstanceOf(CheckpointError);
  });

  it('info lists a checkpoint', async () => {
    const lines: string[] = [];
    expect(isCheckpointPath(path.join(ck, 'rpn_model_float64.pt'))).toBe(true);
    await checkpointInfoCommand(path.join(ck, 'rpn_model_float64.pt'), (l) => lines.push(l));
    expect(lines).toEqual(['layers.0.heads.0.w [1,50] float64', 'layers.0.heads.0.w_remainder [5,4] float64', 'layers.1.heads.0.w [1,90] float64', 'layers.1.heads.0.w_remainder [3,5] float64', 'parameters: 175', 'format: torch']);
  });
});

describe('rpn convert and info use the checkpoint codec list', () => {
  it('recognises every codec ending and sniffs extension-less files; a bad rpn_config is a typed error', async () => {
    const { CHECKPOINT_CODECS, writeSafetensors, readSafetensors } = await import('@rpn/checkpoint');
    for (const c of CHECKPOINT_CODECS) for (const e of c.extensions) expect(isCheckpointPath(path.join(dir, `x${e}`)), e).toBe(true);
    fs.copyFileSync(path.join(ck, 'rpn_model_float64.pt'), path.join(dir, 'checkpoint'));
    expect(isCheckpointPath(path.join(dir, 'checkpoint'))).toBe(true);
    fs.writeFileSync(path.join(dir, 'c.yaml'), 'model_configs: {}\n');
    expect(isCheckpointPath(path.join(dir, 'c.yaml'))).toBe(false);
    const sd = await readStateDict(path.join(ck, 'rpn_model_float64.pt'));
    fs.writeFileSync(path.join(dir, 'bad.safetensors'), writeSafetensors(sd, { rpn_config: '{oops' }));
    expect(readSafetensors(new Uint8Array(fs.readFileSync(path.join(dir, 'bad.safetensors')))).tensors.size).toBe(sd.size);
    await expect(checkpointInfoCommand(path.join(dir, 'bad.safetensors'), () => {})).rejects.toThrow(/rpn_config metadata is not JSON/);
  });
});
