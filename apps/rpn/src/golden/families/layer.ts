import type { FamilyAdapter } from '../types.js';

/** Golden adapter for layer.json (see shared/golden/README.md). */
export const layerAdapter: FamilyAdapter = {
  family: 'layer',
  run() {
    throw new Error('layer family is not implemented yet');
  },
};
