import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { optimizerFromConfig } from './optimizers.js';
import { schedulerFromConfig } from './schedulers.js';
import { lossFromConfig } from './losses.js';

// Trajectories, schedules and losses computed by real torch (float64) in ../torch-reference/learners.py.
// The committed learners.json is that script's output, so the comparison runs without torch; where
// Debian's python3-torch is installed (.ci/run installs it), the JSON is checked against live torch too.
const dir = fileURLToPath(new URL('../torch-reference/', import.meta.url));
const python = '/usr/bin/python3';
const hasTorch = fs.existsSync(python) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

interface Ref {
  torch: string; p0: number[]; grads: number[][];
  optimizers: { name: string; params: Record<string, unknown>; trajectory: number[][] }[];
  schedulers: { name: string; params: Record<string, unknown>; metrics: number[] | null; lr0: number; lrs: number[] }[];
  losses: ({ name: string; params: Record<string, unknown>; input: number[][]; target: number[][] } & Record<string, unknown>)[];
}
const ref = JSON.parse(fs.readFileSync(`${dir}learners.json`, 'utf8')) as Ref;

/** |a − b| ≤ rtol·|b| + atol, elementwise over nested arrays. */
function expectClose(got: unknown, want: unknown, rtol: number, atol: number, what: string): void {
  if (Array.isArray(want)) {
    expect(Array.isArray(got) && got.length === want.length, `${what}: length`).toBe(true);
    want.forEach((w, i) => expectClose((got as unknown[])[i], w, rtol, atol, `${what}[${i}]`));
    return;
  }
  const g = got as number, w = want as number;
  expect(Math.abs(g - w), `${what}: got ${g}, torch ${w}`).toBeLessThanOrEqual(rtol * Math.abs(w) + atol);
}

const nested = (t: tf.Tensor): unknown => t.arraySync();

describe.runIf(hasTorch)('the committed torch reference is live torch', () => {
  it('learners.py prints what learners.json holds', () => {
    const r = spawnSync(python, [`${dir}learners.py`], { encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(r.status, r.stderr).toBe(0);
    const live = JSON.parse(r.stdout) as Ref;
    expect(live.optimizers.map((o) => o.name)).toEqual(ref.optimizers.map((o) => o.name));
    expectClose(live.optimizers.map((o) => o.trajectory), ref.optimizers.map((o) => o.trajectory), 1e-12, 1e-15, 'optimizers');
    expectClose(live.schedulers.map((o) => o.lrs), ref.schedulers.map((o) => o.lrs), 1e-12, 1e-15, 'schedulers');
    for (const [i, l] of ref.losses.entries()) for (const k of ['none', 'mean', 'sum', 'mean_grad', 'sum_grad']) expectClose(live.losses[i][k], l[k], 1e-12, 1e-15, `${l.name}.${k}`);
  });
});

describe.skipIf(hasTorch)('torch reference (python3-torch absent)', () => {
  it.skip('live torch check skipped: /usr/bin/python3 -c "import torch" fails; the committed learners.json is used', () => {});
});

/**
 * NAdam in float64 from its formula. torch < 2.0 (Debian's 1.13) computes Πₜ₊₁ = Πₜ·μₜ·μₜ₊₁ (μₜ counted
 * twice, fixed in torch 2.0 to Πₜ·μₜ₊₁); `legacy` reproduces that so the oracle itself is checked against torch.
 */
function nadamOracle(p0: number[], grads: number[][], kw: Record<string, unknown>, legacy: boolean): number[][] {
  const lr = (kw.lr as number) ?? 2e-3, [b1, b2] = (kw.betas as number[]) ?? [0.9, 0.999], eps = (kw.eps as number) ?? 1e-8;
  const wd = (kw.weight_decay as number) ?? 0, psi = (kw.momentum_decay as number) ?? 4e-3;
  const p = [...p0], m = p0.map(() => 0), v = p0.map(() => 0);
  let prod = 1;
  return grads.map((g0, k) => {
    const t = k + 1, mu = b1 * (1 - 0.5 * 0.96 ** (t * psi)), mu1 = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi));
    prod *= mu;
    const next = legacy ? prod * mu * mu1 : prod * mu1;
    for (let i = 0; i < p.length; i++) {
      const g = g0[i] + wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      const d = Math.sqrt(v[i] / (1 - b2 ** t)) + eps;
      p[i] += (-lr * (1 - mu) / (1 - prod)) * g / d + (-lr * mu1 / (1 - next)) * m[i] / d;
    }
    return [...p];
  });
}

describe('optimizers follow torch over a fixed 10-step trajectory (float32, rtol 1e-5)', () => {
  for (const c of ref.optimizers.filter((o) => o.name === 'NAdam')) {
    it(`NAdam ${JSON.stringify(c.params)}: the float64 oracle is torch ${ref.torch}'s rule`, () => {
      expectClose(nadamOracle(ref.p0, ref.grads, c.params, ref.torch.startsWith('1.')), c.trajectory, 1e-12, 1e-15, 'NAdam oracle');
    });
  }
  for (const c of ref.optimizers) {
    it(`${c.name} ${JSON.stringify(c.params)}`, () => {
      // NAdam follows torch ≥ 2.0; against a torch 1.x reference it is compared with the oracle of the 2.x rule
      const want = c.name === 'NAdam' && ref.torch.startsWith('1.') ? nadamOracle(ref.p0, ref.grads, c.params, false) : c.trajectory;
      const before = tf.memory().numTensors;
      const v = tf.tidy(() => tf.variable(tf.tensor1d(ref.p0), true));
      const opt = optimizerFromConfig({ optimizer_class: `torch.optim.${c.name}`, optimizer_parameters: c.params }, [v]);
      const got: number[][] = [];
      for (const g of ref.grads) {
        const gt = tf.tensor1d(g);
        opt.step([gt]);
        gt.dispose();
        got.push(Array.from(v.dataSync()));
      }
      expectClose(got, want, 1e-5, 0, c.name);
      opt.dispose(); v.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('schedulers follow torch over 10 steps', () => {
  for (const c of ref.schedulers) {
    it(`${c.name} ${JSON.stringify(c.params)}`, () => {
      const v = tf.variable(tf.tensor1d(ref.p0), true);
      const opt = optimizerFromConfig({ optimizer_class: 'torch.optim.SGD', optimizer_parameters: { lr: c.lr0 } }, [v]);
      const s = schedulerFromConfig({ lr_scheduler_class: `torch.optim.lr_scheduler.${c.name}`, lr_scheduler_parameters: c.params }, opt);
      const lrs = [opt.lr];
      for (let k = 0; k < 10; k++) { s.step(c.metrics ? c.metrics[k] : undefined); lrs.push(opt.lr); }
      expectClose(lrs, c.lrs, 1e-9, 1e-12, c.name);
      expect(s.epoch).toBe(10);
      opt.dispose(); v.dispose();
    });
  }
});

describe('losses match torch: values for every reduction and gradients (float32, rtol 1e-5)', () => {
  for (const c of ref.losses) {
    it(`${c.name} ${JSON.stringify(c.params)}`, () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor2d(c.input), y = tf.tensor2d(c.target);
      const reductions = ['mean', 'sum', ...(c.name === 'KLDivLoss' ? ['batchmean'] : [])];
      for (const r of reductions) {
        const loss = lossFromConfig({ loss_class: `torch.nn.${c.name}`, loss_parameters: { ...c.params, reduction: r } });
        const v = loss(x, y);
        expectClose(v.dataSync()[0], c[r], 1e-5, 0, `${c.name} ${r}`);
        const g = tf.grad((xx: tf.Tensor) => loss(xx, y))(x);
        expectClose(nested(g), c[`${r}_grad`], 1e-5, 1e-7, `${c.name} ${r} grad`);
        tf.dispose([v, g]);
        if (r === 'mean') {
          const e = loss.elementwise(x, y);
          expectClose(nested(e), c.none, 1e-5, 1e-7, `${c.name} none`);
          e.dispose();
        }
      }
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
