import type { FamilyAdapter } from '../types.js';

/** The RPN 2 architecture families (specialised heads, layers and library models, with gradients). */
export const ARCHITECTURE_FAMILIES = ['architecture_head', 'architecture_layer', 'architecture_model'] as const;

const pending = (family: string): FamilyAdapter => ({
  family,
  run(c) {
    throw new Error(`${c.class}: the ${family} family is not implemented yet (no architecture kernels)`);
  },
});

/** Until the architecture kernels land, every case of these families fails with a clear reason. */
export const architectureAdapters: readonly FamilyAdapter[] = ARCHITECTURE_FAMILIES.map(pending);
