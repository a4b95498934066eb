import type { FamilyAdapter } from '../types.js';

/** Golden adapter for compression.json (see shared/golden/README.md). */
export const compressionAdapter: FamilyAdapter = {
  family: 'compression',
  run() {
    throw new Error('compression family is not implemented yet');
  },
};
