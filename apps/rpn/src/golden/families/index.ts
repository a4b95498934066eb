import type { FamilyAdapter } from '../types.js';
import { expansionAdapter } from './expansion.js';
import { compressionAdapter } from './compression.js';
import { reconciliationAdapter } from './reconciliation.js';
import { remainderAdapter } from './remainder.js';
import { interdependenceAdapter } from './interdependence.js';
import { fusionAdapter } from './fusion.js';
import { outputAdapter } from './output.js';
import { headAdapter } from './head.js';
import { layerAdapter } from './layer.js';
import { modelAdapter } from './model.js';
import { checkpointAdapter } from './checkpoint.js';
import { architectureAdapters } from './architecture.js';

/** Every golden family, in the order the suite reports them. */
export const ADAPTERS: readonly FamilyAdapter[] = [
  expansionAdapter,
  compressionAdapter,
  reconciliationAdapter,
  remainderAdapter,
  interdependenceAdapter,
  fusionAdapter,
  outputAdapter,
  headAdapter,
  layerAdapter,
  modelAdapter,
  checkpointAdapter,
  ...architectureAdapters,
];
