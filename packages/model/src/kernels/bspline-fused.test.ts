import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BSPLINE_PRODUCT_KERNEL, bsplineExpansion } from '@rpn/expansion';
import { identityReconciliation } from '@rpn/reconciliation';
import { zeroRemainder } from '@rpn/remainder';
import { rpnHead } from '../head.js';
import { FUSED_PRODUCTS, findFusedProduct } from './fused.js';

describe('the B-spline × identity fused product in the RPN kernel', () => {
  it('is the table entry for (bspline, identity) and equals the plain path in values and gradients, 1 and 2 channels', async () => {
    const kappa = bsplineExpansion({ t: 5, d: 3 });
    expect(findFusedProduct(kappa, identityReconciliation(), FUSED_PRODUCTS)?.expansion).toBe('bspline');
    const x = tf.randomUniform([7, 6], -1.5, 1.5, 'float32', 21);
    for (const C of [1, 2]) {
      const make = (fastPaths: boolean) => rpnHead({ m: 6, n: 5, channelNum: C, expansion: bsplineExpansion({ t: 5, d: 3 }), reconciliation: identityReconciliation({ enableBias: true }), remainder: zeroRemainder(), seed: 3, fastPaths });
      const fused = make(true);
      const plain = make(false);
      const prof = await tf.profile(() => { tf.dispose(fused.forward(x)); });
      expect(prof.kernels.map((k) => k.name)).toContain(BSPLINE_PRODUCT_KERNEL);
      tf.dispose(plain.forward(x)); // both heads warmed (any lazily built state), then no tensor may be left behind
      const before = tf.memory().numTensors;
      const a = fused.forward(x);
      const b = plain.forward(x);
      const av = a.dataSync();
      const bv = b.dataSync();
      for (let i = 0; i < bv.length; i++) expect(Math.abs(av[i] - bv[i])).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(bv[i]));
      // gradients in every parameter and in x (a loss that depends on x through the head)
      const grads = (h: ReturnType<typeof rpnHead>) => {
        const vars = h.trainableVariables();
        const f = (xx: tf.Tensor, ...ws: tf.Tensor[]) => { void ws; return tf.sum(tf.square(h.forward(xx))) as tf.Scalar; };
        const { value, grads: g } = tf.variableGrads(() => f(x), vars);
        const gx = tf.grad((xx: tf.Tensor) => f(xx))(x);
        const out = [...vars.map((v) => Array.from(g[v.name].dataSync())), Array.from(gx.dataSync())];
        tf.dispose([value, ...Object.values(g), gx]);
        return out;
      };
      const ga = grads(fused);
      const gb = grads(plain);
      expect(ga.length).toBe(gb.length);
      ga.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - gb[i][j]), `grad ${i}[${j}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(gb[i][j]))));
      tf.dispose([a, b]);
      expect(tf.memory().numTensors, `tensors left, C = ${C}`).toBe(before);
      fused.dispose();
      plain.dispose();
    }
    x.dispose();
  });
});
