import * as tf from '@tensorflow/tfjs-core';
import { GoldenMismatch, expectComputed, toTensor } from '../types.js';
import type { FamilyAdapter, GoldenCase, GoldenEnv, JsonTensor } from '../types.js';

/** What the network adapters need from a head, layer or model. */
export interface Network {
  forward(x: tf.Tensor, options?: { training?: boolean }): tf.Tensor;
  namedParameters(): { name: string; variable: tf.Variable; optional?: boolean }[];
  dispose(): void;
}

/**
 * Shared by head/layer/model: builds the network from the case config, checks that its parameter
 * names and shapes are exactly the state_dict's, assigns every state_dict tensor to the variable
 * of that name, runs forward (training mode, as tinyBIG's modules are) and compares the output.
 */
export function runNetwork(c: GoldenCase, env: GoldenEnv, config: unknown, kind: 'head' | 'layer' | 'model'): void {
  const net = env.registry.build<Network>(config, kind);
  try {
    const params = new Map(net.namedParameters().map((p) => [p.name, p]));
    const sd = c.state_dict as Record<string, JsonTensor>;
    for (const [name, t] of Object.entries(sd)) {
      const p = params.get(name);
      if (!p) throw new GoldenMismatch(`state_dict entry ${name} has no parameter (ours: ${[...params.keys()].join(', ')})`);
      if (p.variable.shape.join() !== t.shape.join()) throw new GoldenMismatch(`${name}: shape [${p.variable.shape.join(', ')}], expected [${t.shape.join(', ')}]`);
      const v = toTensor(t);
      p.variable.assign(v);
      v.dispose();
    }
    for (const [name, p] of params) if (!p.optional && !(name in sd)) throw new GoldenMismatch(`parameter ${name} is not in tinyBIG's state_dict`);
    const x = toTensor(c.input);
    try {
      expectComputed('output', () => net.forward(x, { training: true }), c.output, c);
    } finally {
      x.dispose();
    }
  } finally {
    net.dispose();
  }
}

/** Golden adapter for head.json: build from the config, load the state_dict, compare the forward output. */
export const headAdapter: FamilyAdapter = {
  family: 'head',
  run(c, env) {
    runNetwork(c, env, c.config, 'head');
  },
};
