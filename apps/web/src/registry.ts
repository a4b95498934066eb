import { createRegistry, type Registry } from '@rpn/core';
import { expansionEntries } from '@rpn/expansion';
import { compressionEntries } from '@rpn/compression';
import { reconciliationEntries } from '@rpn/reconciliation';
import { remainderEntries } from '@rpn/remainder';
import { interdependenceEntries } from '@rpn/interdependence';
import { modelEntries } from '@rpn/model';

/** Every function, head, layer and model class of the RPN packages (the same table as the `rpn` CLI's). */
export function webRegistry(): Registry {
  return createRegistry(expansionEntries, compressionEntries, reconciliationEntries, remainderEntries, interdependenceEntries, modelEntries);
}
