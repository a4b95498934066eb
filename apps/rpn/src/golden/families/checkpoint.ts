import { readTorchStateDict, tensorValues, verifyCheckpointSidecar, type CheckpointSidecar } from '@rpn/checkpoint';
import { GoldenMismatch, type FamilyAdapter, type GoldenCase } from '../types.js';

/**
 * One sidecar JSON of the `checkpoints/` folder as a golden case. Model checkpoints
 * (`state_dict_keys`) are read, loaded strictly into the model of `model_configs` and run on
 * `input` against `expected_output`; tensor probes (`tensors`) are compared value by value
 * with their logical values, dtype and shape. `file` is relative to the golden directory.
 */
export function checkpointCase(sidecarFile: string, sidecar: Record<string, unknown>): GoldenCase {
  const stem = sidecarFile.replace(/\.json$/, '');
  return { id: `checkpoint/${stem}`, family: 'checkpoint', class: 'checkpoint', sidecar, file: `checkpoints/${(sidecar.checkpoint_file as string | undefined) ?? `${stem}.pt`}` };
}

export const checkpointAdapter: FamilyAdapter = {
  family: 'checkpoint',
  async run(c, env) {
    const bytes = await env.readBytes(c.file);
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
