import { createRegistry, type Registry } from '@rpn/core';
import { expansionEntries } from '@rpn/expansion';
import { compressionEntries } from '@rpn/compression';
import { reconciliationEntries } from '@rpn/reconciliation';
import { remainderEntries } from '@rpn/remainder';
import { interdependenceEntries } from '@rpn/interdependence';
import { modelEntries } from '@rpn/model';

/** The app's registry: every function, head, layer and model class of the RPN packages. */
export function appRegistry(): Registry {
  return createRegistry(expansionEntries, compressionEntries, reconciliationEntries, remainderEntries, interdependenceEntries, modelEntries);
}
