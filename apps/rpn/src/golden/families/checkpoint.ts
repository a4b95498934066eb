import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTorchStateDict, tensorValues, verifyCheckpointSidecar, type CheckpointSidecar } from '@rpn/checkpoint';
import { GoldenMismatch, type FamilyAdapter, type GoldenCase } from '../types.js';

/**
 * The `checkpoints/` folder as golden cases: one case per sidecar JSON. Model checkpoints
 * (`state_dict_keys`) are read, loaded strictly into the model of `model_configs` and run on
 * `input` against `expected_output`; tensor probes (`tensors`) are compared value by value
 * with their logical values, dtype and shape.
 */
export function checkpointCases(dir: string): GoldenCase[] {
  const folder = path.join(dir, 'checkpoints');
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const sidecar = JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8'));
      return { id: `checkpoint/${f.replace(/\.json$/, '')}`, family: 'checkpoint', class: 'checkpoint', sidecar, file: path.join(folder, sidecar.checkpoint_file ?? f.replace(/\.json$/, '.pt')) };
    });
}

export const checkpointAdapter: FamilyAdapter = {
  family: 'checkpoint',
  run(c, env) {
    const bytes = new Uint8Array(fs.readFileSync(c.file));
    const sidecar = c.sidecar as CheckpointSidecar & { tensors?: Record<string, { shape: number[]; dtype: string; data: (number | boolean)[] }> };
    if (sidecar.state_dict_keys) {
      verifyCheckpointSidecar(sidecar, bytes, env.registry);
      return;
    }
    if (!sidecar.tensors) throw new GoldenMismatch('sidecar has neither state_dict_keys nor tensors');
    const sd = readTorchStateDict(bytes);
    for (const [name, t] of Object.entries(sidecar.tensors)) {
      const got = sd.get(name);
      if (!got) throw new GoldenMismatch(`${name}: missing from the checkpoint`);
      if (got.dtype !== t.dtype || got.shape.join() !== t.shape.join()) throw new GoldenMismatch(`${name}: ${got.dtype} [${got.shape}], expected ${t.dtype} [${t.shape}]`);
      const v = tensorValues(got, name);
      t.data.forEach((e, i) => {
        if (v[i] !== Number(e)) throw new GoldenMismatch(`${name}: element ${i} is ${v[i]}, expected ${e}`);
      });
    }
  },
};
