import type { RpnModule } from '@rpn/model';
import { expectComputed, toTensor } from '../types.js';
import type { FamilyAdapter, GoldenCase, GoldenEnv, JsonTensor } from '../types.js';
import { loadGoldenStateDict } from './state-dict.js';

/** What the network adapters need from a head, layer or model. */
export type Network = RpnModule;

/**
 * Shared by head/layer/model: builds the network from the case config, loads the state_dict
 * strictly by tinyBIG's names and shapes, runs forward (training mode, as tinyBIG's modules
 * are) and compares the output.
 */
export function runNetwork(c: GoldenCase, env: GoldenEnv, config: unknown, kind: 'head' | 'layer' | 'model'): void {
  const net = env.registry.build<Network>(config, kind);
  try {
    loadGoldenStateDict(net, Object.entries(c.state_dict as Record<string, JsonTensor>));
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
