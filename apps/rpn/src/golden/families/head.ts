import type { FamilyAdapter } from '../types.js';

/** Golden adapter for head.json (see shared/golden/README.md). */
export const headAdapter: FamilyAdapter = {
  family: 'head',
  run() {
    throw new Error('head family is not implemented yet');
  },
};
