import { any, bool, int } from '@rpn/core';
import type { InitMethod } from './init.js';

/**
 * Options rpn_layer and rpn share, declared once: tinyBIG's `parameters_init_method` and `device`,
 * plus this port's `seed`, `fastPaths` and `training`. Internal to @rpn/model.
 */
export const MODULE_BASE_FIELDS = Object.freeze({
  parametersInitMethod: any<InitMethod | null>({ doc: 'initialisation (default xavier_uniform)' }),
  device: any({ doc: "tinyBIG's torch device (ignored)" }),
  seed: int({ doc: 'seed of the initial parameter values' }),
  fastPaths: bool({ doc: 'false forces the plain paths of the heads' }),
  training: bool({ default: true, doc: 'initial train mode' }),
});
