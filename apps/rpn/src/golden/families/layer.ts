import type { FamilyAdapter } from '../types.js';
import { runNetwork } from './head.js';

/** Golden adapter for layer.json: build from the config, load the state_dict, compare the forward output. */
export const layerAdapter: FamilyAdapter = {
  family: 'layer',
  run(c, env) {
    runNetwork(c, env, c.config, 'layer');
  },
};
