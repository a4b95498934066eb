import type { FamilyAdapter } from '../types.js';

/** Golden adapter for reconciliation.json (see shared/golden/README.md). */
export const reconciliationAdapter: FamilyAdapter = {
  family: 'reconciliation',
  run() {
    throw new Error('reconciliation family is not implemented yet');
  },
};
