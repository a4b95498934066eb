import type { FamilyAdapter } from '../types.js';

/** Golden adapter for remainder.json (see shared/golden/README.md). */
export const remainderAdapter: FamilyAdapter = {
  family: 'remainder',
  run() {
    throw new Error('remainder family is not implemented yet');
  },
};
