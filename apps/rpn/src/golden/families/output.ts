import type { FamilyAdapter } from '../types.js';

/** Golden adapter for output.json (see shared/golden/README.md). */
export const outputAdapter: FamilyAdapter = {
  family: 'output',
  run() {
    throw new Error('output family is not implemented yet');
  },
};
