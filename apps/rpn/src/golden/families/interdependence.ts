import type { FamilyAdapter } from '../types.js';

/** Golden adapter for interdependence.json (see shared/golden/README.md). */
export const interdependenceAdapter: FamilyAdapter = {
  family: 'interdependence',
  run() {
    throw new Error('interdependence family is not implemented yet');
  },
};
