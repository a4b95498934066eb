import type { FamilyAdapter } from '../types.js';

/** Golden adapter for expansion.json (see shared/golden/README.md). */
export const expansionAdapter: FamilyAdapter = {
  family: 'expansion',
  run() {
    throw new Error('expansion family is not implemented yet');
  },
};
