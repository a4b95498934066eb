import type { FamilyAdapter } from '../types.js';

/** Golden adapter for model.json (see shared/golden/README.md). */
export const modelAdapter: FamilyAdapter = {
  family: 'model',
  run() {
    throw new Error('model family is not implemented yet');
  },
};
