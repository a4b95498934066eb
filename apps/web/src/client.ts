import type { Envelope, Request, WorkerEvent } from './protocol.js';

/** The page's side of the training worker: requests answered by promise, events to listeners. */
export interface WorkerClient {
  request<T = unknown>(r: Request, transfer?: Transferable[]): Promise<T>;
  on(listener: (e: WorkerEvent) => void): () => void;
}

/** Starts the worker (a module worker bundled by Vite). */
export function startWorker(): WorkerClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(e: WorkerEvent) => void>();
  let next = 1;
  worker.onmessage = (e: MessageEvent<Envelope>) => {
    const m = e.data;
    if (m.kind === 'event') { for (const l of listeners) l(m.event); return; }
    if (m.kind !== 'response') return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else { const err = new Error(m.error.message); err.name = m.error.name; p.reject(err); }
  };
  worker.onerror = (e) => { for (const p of pending.values()) p.reject(new Error(e.message || 'worker error')); pending.clear(); };
  return {
    request<T>(request: Request, transfer: Transferable[] = []) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ kind: 'request', id, request } satisfies Envelope, transfer);
      });
    },
    on(l) { listeners.add(l); return () => listeners.delete(l); },
  };
}
