import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { adamW, fullBatch, disposeFullBatch, lossOnRows, makeSplit, nllLoss } from '@rpn/learn';
import { appRegistry } from '../registry.js';
import { peakRssMb, timeIt, type BenchModel } from './types.js';
import type { BenchCase } from './types.js';

/** Zachary's karate club (34 nodes, 78 undirected edges, 2 clubs), the data file `karate_club.json` of @rpn/learn. */
export interface KarateClub {
  readonly nodes: number[];
  readonly links: [number, number][];
  readonly labels: number[];
  readonly classes: string[];
}

/** Reads the karate club fixture. */
export function karateClub(): KarateClub {
  const learnRoot = path.dirname(createRequire(import.meta.url).resolve('@rpn/learn/package.json'));
  return JSON.parse(fs.readFileSync(path.join(learnRoot, 'data', 'karate_club.json'), 'utf8')) as KarateClub;
}


/**
 * `gcn_karate`: tinyBIG's `gcn(dims = [34, 16, 2])` on Zachary's karate club, features one-hot node
 * ids, semi-supervised (the two leaders and two members of each club labelled). One full-batch
 * step (forward over all 34 nodes, NLL on the labelled rows, gradients, AdamW) is what
 * `rpn train` does per epoch; samples are nodes.
 */
export function gcnKarateBenchCase(): BenchCase {
  return {
    name: 'gcn_karate',
    async run({ reps }) {
      const g = karateClub();
      const N = g.nodes.length;
      const model = appRegistry().build<BenchModel>({ model_class: 'gcn', model_parameters: { dims: [N, 16, 2], nodes: g.nodes, links: g.links } }, 'model');
      const eye = new Float32Array(N * N);
      for (let i = 0; i < N; i++) eye[i * N + i] = 1;
      const split = makeSplit(eye, Int32Array.from(g.labels), N, 0);
      const batch = fullBatch(split, Int32Array.from([0, 1, 2, 33, 32, 31]));
      const vars = model.trainableVariables();
      const opt = adamW(vars, { lr: 1e-2, weightDecay: 5e-4 });
      const loss = nllLoss();
      const step = () => {
        const { value, grads } = tf.variableGrads(() => lossOnRows(loss, model.forward(batch.x, { training: true }), batch.y, batch.rows), vars);
        opt.step(vars.map((v) => grads[v.name]));
        value.dataSync();
        tf.dispose([value, ...Object.values(grads)]);
      };
      const infer = () => { const r = tf.tidy(() => model.forward(batch.x, { training: false })); r.dataSync(); r.dispose(); };
      try {
        const n = Math.max(50, reps);
        for (let i = 0; i < 20; i++) step();
        const trainMs = timeIt(step, n);
        for (let i = 0; i < 20; i++) infer();
        const inferMs = timeIt(infer, n);
        return {
          parameters: model.summary().total,
          batch: N,
          train_ms_per_step: +trainMs.toFixed(3),
          train_samples_per_s: +(N / (trainMs / 1000)).toFixed(1),
          infer_ms_full_batch: +inferMs.toFixed(3),
          infer_samples_per_s_b1: null,
          infer_samples_per_s_full_batch: +(N / (inferMs / 1000)).toFixed(1),
          peak_rss_mb: peakRssMb(),
        };
      } finally {
        opt.dispose();
        disposeFullBatch(batch);
        model.dispose();
      }
    },
  };
}
