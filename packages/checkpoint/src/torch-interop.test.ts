import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry } from '@rpn/core';
import { expansionEntries } from '@rpn/expansion';
import { reconciliationEntries } from '@rpn/reconciliation';
import { remainderEntries } from '@rpn/remainder';
import { modelEntries } from '@rpn/model';
import { readTorchStateDict, writeTorchStateDict } from './torch.js';
import { modelStateDict, saveModel, loadStateDict } from './model-io.js';
import { tensorValues } from './dtypes.js';
import { goldenDir, readGolden, readGoldenJson } from './test-utils.js';

// Cross-checks with real PyTorch (Debian's python3-torch, which .ci/run installs): files we write
// must load with torch.load and hold exactly our values, and files torch writes must load here.
const python = '/usr/bin/python3';
const hasTorch = fs.existsSync(python) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

function py(script: string, ...args: string[]): string {
  const r = spawnSync(python, ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

/** torch.load a file and dump name → {dtype, shape, values (float64 list)} as JSON. */
const DUMP = `
import sys, json, torch
sd = torch.load(sys.argv[1], map_location='cpu')
out = {}
for k, v in sd.items():
    out[k] = {'dtype': str(v.dtype).replace('torch.', ''), 'shape': list(v.shape), 'values': v.double().flatten().tolist(), 'type': type(sd).__name__}
print(json.dumps(out))
`;

const DTYPE_NAMES: Record<string, string> = { float32: 'float32', float64: 'float64', float16: 'float16', bfloat16: 'bfloat16', int64: 'int64', int32: 'int32', int8: 'int8', uint8: 'uint8', bool: 'bool' };

describe.runIf(hasTorch)('PyTorch interoperability (torch.load on files we write)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-torch-'));

  it('re-exported tinyBIG checkpoints and the dtype probe load in torch with identical tensors', () => {
    for (const name of ['rpn_model_float64.pt', 'rpn_model_float32.pt', 'dtype_probe.pt']) {
      const sd = readTorchStateDict(readGolden(name));
      const file = path.join(tmp, `re-${name}`);
      fs.writeFileSync(file, writeTorchStateDict(sd, `re-${name.replace('.pt', '')}`));
      const ours = JSON.parse(py(DUMP, file));
      const theirs = JSON.parse(py(DUMP, path.join(goldenDir(), 'checkpoints', name)));
      expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      for (const k of Object.keys(theirs)) {
        expect(ours[k].dtype, k).toBe(theirs[k].dtype);
        expect(ours[k].shape, k).toEqual(theirs[k].shape);
        expect(ours[k].values, k).toEqual(theirs[k].values);
      }
    }
  });

  it("a model built here saves as .pt that torch loads, load_state_dict(strict=True) accepts, and torch's re-save loads back strictly", async () => {
    const registry = createRegistry(expansionEntries, reconciliationEntries, remainderEntries, modelEntries);
    const side = readGoldenJson('rpn_model_float64.json');
    const before = tf.memory().numTensors;
    const model = registry.build<any>(side.model_configs, 'model');
    try {
      const file = path.join(tmp, 'ours.pt');
      await saveModel(model, file);
      const dumped = JSON.parse(py(DUMP, file));
      const sd = modelStateDict(model);
      expect(Object.keys(dumped)).toEqual([...sd.keys()]);
      for (const [k, t] of sd) {
        expect(dumped[k].dtype).toBe(DTYPE_NAMES[t.dtype]);
        expect(dumped[k].shape).toEqual([...t.shape]);
        expect(dumped[k].values).toEqual(Array.from(tensorValues(t)));
      }
      // torch's own nn.Module loader with strict=True: register every name as a parameter of
      // a module tree shaped like tinyBIG's (layers.i.heads.j.<param>), then load_state_dict.
      const strict = py(`
import sys, torch
sd = torch.load(sys.argv[1])
root = torch.nn.Module()
for name, t in sd.items():
    *path, leaf = name.split('.')
    m = root
    for p in path:
        if not hasattr(m, p):
            m.add_module(p, torch.nn.Module())
        m = getattr(m, p)
    m.register_parameter(leaf, torch.nn.Parameter(torch.zeros_like(t)))
res = root.load_state_dict(sd, strict=True)
print('ok', len(sd))
`, file);
      expect(strict.trim()).toBe(`ok ${sd.size}`);
      // and back: torch re-saves it, we load it strictly
      const back = path.join(tmp, 'torch-resaved.pt');
      py(`import sys, torch; torch.save(torch.load(sys.argv[1]), sys.argv[2])`, file, back);
      const report = await loadStateDict(model, back, { strict: true });
      expect(report.missing).toEqual([]);
      expect(report.unexpected).toEqual([]);
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
