import type { FamilyAdapter } from '../types.js';

/** Golden adapter for fusion.json (see shared/golden/README.md). */
export const fusionAdapter: FamilyAdapter = {
  family: 'fusion',
  run() {
    throw new Error('fusion family is not implemented yet');
  },
};
