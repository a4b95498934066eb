import type { RegistryEntry } from '@rpn/core';
import { optimizerEntries } from './optimizers.js';
import { schedulerEntries } from './schedulers.js';
import { lossEntries } from './losses.js';
import { metricEntries } from './metrics.js';
import { datasetEntries } from './datasets/index.js';

/**
 * Registry entries of every built-in learner part: the torch optimizers (kind `optimizer`),
 * schedulers (`lr_scheduler`), losses (`loss`), tinyBIG's metrics (`metric`) and data classes (`dataset`). An app adds them to
 * its registry (`createRegistry(processingEntries, …, learnEntries, myEntries)`) to list the choices
 * per kind (`registry.listEntries('loss')`) and to pass one registry to {@link learnerFromConfig}.
 */
export const learnEntries: readonly RegistryEntry[] = Object.freeze([...optimizerEntries, ...schedulerEntries, ...lossEntries, ...metricEntries, ...datasetEntries]);
