import * as tf from '@tensorflow/tfjs-core';
import type { Transformation } from '@rpn/core';
import { GoldenMismatch, decodeParams, expectClose, expectShape, jsonNumbers, toTensor } from '../types.js';
import type { FamilyAdapter, GoldenCase, JsonTensor } from '../types.js';

type WithWeights = Transformation & { samplingWeights?: (x: tf.Tensor, r?: number) => tf.Tensor; normalizedInput?: (x: tf.Tensor) => tf.Tensor; combinations?: (x: tf.Tensor, r: number) => tf.Tensor };

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-5 + 1e-4 * Math.abs(b);

/** Checks the exact aux tensors of a probabilistic case (`sampling_weights`, `normalized_input`). */
function checkProbabilisticAux(f: WithWeights, x: tf.Tensor, c: GoldenCase): void {
  if (c.aux?.sampling_weights) {
    if (!f.samplingWeights) throw new GoldenMismatch(`${c.class} exposes no sampling weights`);
    const w = f.samplingWeights(x);
    try { expectClose('aux.sampling_weights', w, null, c.aux.sampling_weights, c); } finally { w.dispose(); }
  }
  if (c.aux?.normalized_input) {
    if (!f.normalizedInput) throw new GoldenMismatch(`${c.class} exposes no normalized input`);
    const u = f.normalizedInput(x);
    try { expectClose('aux.normalized_input', u, null, c.aux.normalized_input, c); } finally { u.dispose(); }
  }
}

/** Each output row is the input row restricted to k distinct indices in increasing order. */
function checkRestriction(out: tf.Tensor, input: JsonTensor, what: string): void {
  const [b, m] = input.shape;
  const k = out.shape[1] as number;
  const xs = jsonNumbers(input);
  const ys = out.dataSync();
  for (let i = 0; i < b; i++) {
    let last = -1;
    for (let j = 0; j < k; j++) {
      const y = ys[i * k + j];
      let idx = -1;
      for (let t = last + 1; t < m; t++) if (close(y, xs[i * m + t])) { idx = t; break; }
      if (idx < 0) throw new GoldenMismatch(`${what}: row ${i} column ${j} (${y}) is not an input value after index ${last}`);
      last = idx;
    }
  }
}

/** Per r: exact combinations and weights; output slots are combinations with increasing indices per r. */
function checkCombinatorial(f: WithWeights, x: tf.Tensor, out: tf.Tensor, c: GoldenCase): void {
  const d = (c.params?.d as number | undefined) ?? 1;
  const k = (c.params?.k as number | undefined) ?? 1;
  const b = x.shape[0] as number;
  const blocks: { r: number; combos: Float32Array | Int32Array | Uint8Array; C: number }[] = [];
  for (let r = 1; r <= d; r++) {
    const cr = c.aux?.[`combinations_r${r}`] as JsonTensor | undefined;
    const wr = c.aux?.[`sampling_weights_r${r}`] as JsonTensor | undefined;
    if (!cr || !wr || !f.combinations || !f.samplingWeights) throw new GoldenMismatch(`combinations/weights for r=${r} missing`);
    const combos = f.combinations(x, r);
    const w = f.samplingWeights(x, r);
    try {
      expectClose(`aux.combinations_r${r}`, combos, null, cr, c);
      expectClose(`aux.sampling_weights_r${r}`, w, null, wr, c);
      blocks.push({ r, combos: combos.dataSync().slice(), C: combos.shape[1] as number });
    } finally { combos.dispose(); w.dispose(); }
  }
  const sumR = (d * (d + 1)) / 2;
  expectShape('output', out, [b, k * sumR]);
  const ys = out.dataSync();
  for (let i = 0; i < b; i++) {
    const last = blocks.map(() => -1);
    for (let j = 0; j < k; j++) {
      let off = j * sumR;
      blocks.forEach(({ r, combos, C }, bi) => {
        let found = -1;
        for (let ci = last[bi] + 1; ci < C && found < 0; ci++) {
          let ok = true;
          for (let t = 0; t < r && ok; t++) ok = close(ys[i * k * sumR + off + t], combos[(i * C + ci) * r + t]);
          if (ok) found = ci;
        }
        if (found < 0) throw new GoldenMismatch(`output row ${i} slot ${j}: values for r=${r} are not a combination after index ${last[bi]}`);
        last[bi] = found;
        off += r;
      });
    }
  }
}

/** Golden adapter for compression.json (format: golden/README.md). */
export const compressionAdapter: FamilyAdapter = {
  family: 'compression',
  run(c: GoldenCase, env) {
    const f = env.registry.build<WithWeights>({ function_class: c.class, function_parameters: decodeParams(c.params ?? {}, c) });
    const x = toTensor(c.input);
    try {
      const m = c.input.shape[1];
      if (typeof c.D === 'number' && f.calculateD(m) !== c.D) throw new GoldenMismatch(`calculateD(${m}) = ${f.calculateD(m)}, expected ${c.D}`);
      const out = f.forward(x);
      try {
        if (c.deterministic !== false) {
          expectClose('output', out, null, c.output, c);
          checkProbabilisticAux(f, x, c);
          return;
        }
        const check = String(c.check ?? '');
        if (check.startsWith('shape_only')) {
          expectShape('output', out, c.output.shape);
          if (Array.from(out.dataSync()).some((v) => !Number.isFinite(v))) throw new GoldenMismatch('output has non-finite values');
        } else if (check.includes('sampling_weights_r')) {
          checkCombinatorial(f, x, out, c);
        } else if (check.includes('restricted to k distinct indices')) {
          expectShape('output', out, c.output.shape);
          checkRestriction(out, c.input, 'output');
          checkProbabilisticAux(f, x, c);
        } else {
          throw new GoldenMismatch(`unknown check "${check}"`);
        }
      } finally {
        out.dispose();
      }
    } finally {
      x.dispose();
    }
  },
};
