import * as tf from '@tensorflow/tfjs-core';
import type { Registry } from '@rpn/core';
import { batchTensors, learnerFromConfig, makeSplit, modelConfigOf, readExperiment, type ExperimentModel } from '@rpn/learn';

/** Median milliseconds of a forward pass and of a training step. */
export interface StepTimings { readonly forwardMs: number; readonly stepMs: number; readonly batch: number; readonly parameters: number; readonly reps: number }

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const now = () => performance.now();

/**
 * Times an experiment's model on one batch of its train batch size: a forward pass (inference,
 * result read back) and a training step (forward, loss, gradients, the file's optimizer step).
 * The batch is random (timings do not depend on the values), so no dataset is loaded. Leaks no tensors.
 */
export async function timeExperiment(registry: Registry, doc: unknown, o: { reps?: number; warmup?: number } = {}): Promise<StepTimings> {
  const exp = readExperiment(doc, 'bench');
  const params = (exp.dataConfigs.data_parameters ?? {}) as Record<string, unknown>;
  const b = Number(params.train_batch_size ?? 64);
  const mc = modelConfigOf(doc) as { model_parameters?: Record<string, unknown> };
  const model = registry.build<ExperimentModel>({ ...mc, model_parameters: { seed: exp.seed ?? 0, ...(mc.model_parameters ?? {}) } }, 'model');
  const learner = learnerFromConfig(exp.learnerConfigs, model.trainableVariables());
  const m = model.m ?? 1;
  const n = model.n ?? 1;
  const x = new Float32Array(b * m).map(() => Math.random());
  const y = Int32Array.from({ length: b }, (_, i) => i % n);
  const { x: xt, y: yt } = batchTensors(makeSplit(x, y, m, 1), null, 0, b);
  const reps = o.reps ?? 20;
  const warm = o.warmup ?? 3;
  const vars = model.trainableVariables() as tf.Variable[];
  const forward = () => { const out = tf.tidy(() => model.forward(xt, { training: false })); out.dataSync(); out.dispose(); };
  const step = () => {
    const { value, grads } = tf.variableGrads(() => learner.loss(model.forward(xt, { training: true }), yt), vars);
    learner.optimizer.step(vars.map((v) => grads[v.name]));
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  try {
    const time = async (f: () => void) => {
      for (let i = 0; i < warm; i++) f();
      const ts: number[] = [];
      for (let i = 0; i < reps; i++) { const t0 = now(); f(); ts.push(now() - t0); if (i % 5 === 4) await new Promise((r) => setTimeout(r, 0)); }
      return median(ts);
    };
    model.eval?.();
    const forwardMs = await time(forward);
    model.train?.();
    const stepMs = await time(step);
    return { forwardMs, stepMs, batch: b, parameters: model.summary().total, reps };
  } finally {
    tf.dispose([xt, yt]);
    learner.optimizer.dispose();
    model.dispose();
  }
}
