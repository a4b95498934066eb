import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ConfigError, UnknownNameError, defineEntry, type ProcessingFunction, type RegistryEntry } from '@rpn/core';
import { learnerFromConfig, makeLoss, readExperiment } from '@rpn/learn';
import { appRegistry } from './registry.js';
import { runExperiment } from './commands/train.js';

// A user's activation, y = scale·tanh(x), and a user's loss, mean |s − y|³: formulas no built-in computes.
let lossCalls = 0;
const scaledTanh: RegistryEntry = defineEntry('processing', 'scaled_tanh', (o): ProcessingFunction => {
  const scale = (o.scale as number | undefined) ?? 1;
  return Object.freeze({
    name: 'scaled_tanh', kind: 'processing' as const, className: 'scaled_tanh',
    forward: (x: tf.Tensor) => tf.tidy(() => tf.mul(tf.tanh(x), scale)),
    toConfig: () => ({ function_class: 'my.activations.scaled_tanh', function_parameters: { scale } }),
  });
}, { module: 'my.activations' });
const meanAbsCubed: RegistryEntry = defineEntry('loss', 'mean_abs_cubed', () => makeLoss('mean_abs_cubed', { reduction: 'mean' }, (s, y) => {
  lossCalls += 1;
  return tf.pow(tf.abs(tf.sub(s, tf.reshape(y, s.shape))), 3);
}), { module: 'my.losses' });

const SCALE = 3;
const LR = 0.1;
const YAML_TEXT = `
configurations:
  random_seed: 5
  data_configs:
    data_class: tinybig.data.elementary_function
    data_parameters: { train_batch_size: 1000, test_batch_size: 1000, equation_index: 14 }
  learner_configs:
    learner_class: tinybig.learner.backward_learner
    learner_parameters:
      n_epochs: 1
      optimizer_configs: { optimizer_class: torch.optim.SGD, optimizer_parameters: { lr: ${LR} } }
      loss_configs: { loss_class: my.losses.mean_abs_cubed, loss_parameters: {} }
  model_configs:
    model_class: rpn
    model_parameters:
      depth: 1
      layer_configs:
        - layer_class: rpn_layer
          layer_parameters:
            m: 2
            n: 1
            head_configs:
              - head_class: rpn_head
                head_parameters:
                  data_transformation_configs: { function_class: identity_expansion }
                  parameter_fabrication_configs: { function_class: identity_reconciliation }
                  remainder_configs: { function_class: zero_remainder }
                  output_process_function_configs:
                    function_class: my.activations.scaled_tanh
                    function_parameters: { scale: ${SCALE} }
  metric_configs: { metric_class: tinybig.metric.mse }
`;

interface Model { forward(x: tf.Tensor): tf.Tensor; trainableVariables(): tf.Variable[]; dispose(): void }

describe('a user\'s own activation and loss, registered from code, named in a YAML config', () => {
  const doc = YAML.parse(YAML_TEXT);
  const exp = readExperiment(doc);
  const X = [[0.5, -1], [1.5, 0.25], [-0.75, 2], [0.1, 0.3]];
  const Y = [0.2, -0.4, 1.1, 0.05];

  it('builds the model and the learner through the registry and trains one step as the formulas say', () => {
    const registry = appRegistry([scaledTanh, meanAbsCubed]);
    expect(registry.listEntries('processing')).toContain(scaledTanh);
    expect(registry.listEntries('loss')).toContain(meanAbsCubed);
    const before = tf.memory().numTensors;
    const model = registry.build<Model>(exp.modelConfigs, 'model');
    const learner = learnerFromConfig(exp.learnerConfigs, model.trainableVariables(), registry);
    expect(learner.loss.name).toBe('mean_abs_cubed');
    const [w] = model.trainableVariables();
    const w0 = Array.from(w.dataSync());
    expect(w0).toHaveLength(2);
    // by hand, in float64: z = x·wᵀ, p = s·tanh z, d = p − y, L = mean |d|³,
    // ∂L/∂w_j = mean(3|d|d · s(1 − tanh² z) · x_j), one SGD step w ← w − lr·∂L/∂w
    const z = X.map((r) => r[0] * w0[0] + r[1] * w0[1]);
    const p = z.map((v) => SCALE * Math.tanh(v));
    const d = p.map((v, i) => v - Y[i]);
    const lossHand = d.reduce((a, v) => a + Math.abs(v) ** 3, 0) / X.length;
    const grad = [0, 1].map((j) => X.reduce((a, r, i) => a + 3 * Math.abs(d[i]) * d[i] * SCALE * (1 - Math.tanh(z[i]) ** 2) * r[j], 0) / X.length);
    const x = tf.tensor2d(X);
    const y = tf.tensor1d(Y);
    const out = model.forward(x);
    Array.from(out.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(p[i], 5));
    out.dispose();
    lossCalls = 0;
    const { value, grads } = tf.variableGrads(() => learner.loss(model.forward(x), y), [w]);
    expect(lossCalls).toBe(1);
    expect(value.dataSync()[0]).toBeCloseTo(lossHand, 5);
    learner.optimizer.step([grads[w.name]]);
    Array.from(w.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(w0[j] - LR * grad[j], 5));
    tf.dispose([value, grads[w.name], x, y]);
    learner.optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs the experiment file with the app\'s runner (one epoch of one batch)', async () => {
    lossCalls = 0;
    const lines: string[] = [];
    const backend = { backend: tf.getBackend(), simd: false, threads: 1 };
    const run = await runExperiment(doc, 'custom.yaml', 'custom', { registry: appRegistry([scaledTanh, meanAbsCubed]), backend, out: null, print: (l) => lines.push(l), progress: false });
    expect(run.records).toHaveLength(1);
    expect(lines.some((l) => /loss mean_abs_cubed/.test(l))).toBe(true);
    expect(lossCalls).toBeGreaterThan(0);
  });

  it('without the entries, the unknown names are ConfigErrors listing the known names of their kind', () => {
    let err: unknown;
    try { appRegistry().build(exp.modelConfigs, 'model'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UnknownNameError);
    expect((err as UnknownNameError).message).toMatch(/unknown processing function name "my\.activations\.scaled_tanh"/);
    expect((err as UnknownNameError).known).toContain('torch.nn.functional.relu');
    const registry = appRegistry([scaledTanh]);
    const model = registry.build<Model>(exp.modelConfigs, 'model');
    err = undefined;
    try { learnerFromConfig(exp.learnerConfigs, model.trainableVariables(), registry); } catch (e) { err = e; }
    model.dispose();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as UnknownNameError).argument).toBe('loss_configs.loss_class');
    expect((err as UnknownNameError).known).toContain('MSELoss');
    expect((err as UnknownNameError).known).not.toContain('AdamW');
  });
});
