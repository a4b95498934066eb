import { createRegistry, processingEntries, type Registry, type RegistryEntry } from '@rpn/core';
import { expansionEntries } from '@rpn/expansion';
import { compressionEntries } from '@rpn/compression';
import { reconciliationEntries } from '@rpn/reconciliation';
import { remainderEntries } from '@rpn/remainder';
import { interdependenceEntries } from '@rpn/interdependence';
import { modelEntries } from '@rpn/model';
import { learnEntries } from '@rpn/learn';

/**
 * The app's registry: every processing function, function, head, layer and model class of the RPN
 * packages, every optimizer, scheduler, loss, metric and data class of @rpn/learn, and `extra` (a
 * user's own entries, which configs can then name).
 */
export function appRegistry(...extra: readonly (readonly RegistryEntry[])[]): Registry {
  return createRegistry(processingEntries, expansionEntries, compressionEntries, reconciliationEntries, remainderEntries, interdependenceEntries, modelEntries, learnEntries, ...extra);
}
