import { modelStateDict, readSafetensors, writeSafetensors, assignStateDict, type CheckpointModel } from '@rpn/checkpoint';
import type { Registry } from '@rpn/core';

const DB = 'rpn-models';
const STORE = 'models';

/** The IndexedDB database of saved models (safetensors bytes with the config in the metadata). */
function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => { req.result.createObjectStore(STORE); };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const r = f(db.transaction(STORE, mode).objectStore(STORE));
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  } finally {
    db.close();
  }
}

/** Saves a model under `name` (weights and config). */
export async function saveStored(name: string, model: CheckpointModel): Promise<void> {
  const bytes = writeSafetensors(modelStateDict(model), { format: 'pt', rpn_config: JSON.stringify(model.toConfig()), saved_at: new Date().toISOString() });
  await tx('readwrite', (s) => s.put(bytes, name));
}

/** The saved models' names. */
export async function listStored(): Promise<string[]> {
  return (await tx('readonly', (s) => s.getAllKeys())).map(String).sort();
}

export async function removeStored(name: string): Promise<void> {
  await tx('readwrite', (s) => s.delete(name));
}

/** Rebuilds a saved model from its config and loads its weights strictly. */
export async function loadStored<M extends CheckpointModel & { dispose(): void }>(name: string, registry: Registry): Promise<M> {
  const bytes = await tx<Uint8Array | undefined>('readonly', (s) => s.get(name));
  if (!bytes) throw new Error(`no saved model named ${name}`);
  const st = readSafetensors(new Uint8Array(bytes));
  const model = registry.build<M>(JSON.parse(st.metadata.rpn_config ?? 'null'), 'model');
  try {
    assignStateDict(model, st.tensors, { strict: true });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
