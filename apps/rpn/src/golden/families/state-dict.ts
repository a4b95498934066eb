import { assignStateDict, tensorFromValues, type DType, type RawTensor, type StateDict } from '@rpn/checkpoint';
import type { RpnModule } from '@rpn/model';
import { jsonNumbers, type JsonTensor } from '../types.js';

/** Golden tensors by name as a checkpoint state dict (their recorded dtype, row-major values). */
export function goldenStateDict(entries: Iterable<readonly [string, JsonTensor]>): StateDict {
  const out = new Map<string, RawTensor>();
  for (const [name, t] of entries) out.set(name, tensorFromValues(t.dtype as DType, t.shape, jsonNumbers(t), name));
  return out;
}

/**
 * Loads golden tensors into a network strictly by name (@rpn/checkpoint `assignStateDict`): every
 * non-optional parameter of ours must be given, every given name must be ours, shapes equal.
 */
export function loadGoldenStateDict(net: RpnModule, entries: Iterable<readonly [string, JsonTensor]>): void {
  assignStateDict(net, goldenStateDict(entries), { strict: true });
}
