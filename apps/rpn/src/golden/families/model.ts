import type { FamilyAdapter } from '../types.js';
import { runNetwork } from './head.js';

/** Golden adapter for model.json: build from `config.model_configs`, load the state_dict, compare the forward output. */
export const modelAdapter: FamilyAdapter = {
  family: 'model',
  run(c, env) {
    runNetwork(c, env, c.config.model_configs, 'model');
  },
};
