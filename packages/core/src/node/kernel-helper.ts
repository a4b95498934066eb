import { Worker } from 'node:worker_threads';
import type { HeapKernelHelper } from '../wasm-heap.js';

// Control words (Int32) of the block shared with the helper thread, then up to MAX_ARGS float64 arguments.
const SEQ = 0; // job number, written by the caller
const DONE = 1; // last job finished, written by the helper
const READY = 2; // 1 once the helper has instantiated the module, -1 if it could not
const FAILED = 3; // 1 when the last job threw
const ARGC = 4;
const FN = 5;
const ARGS_OFFSET = 64;
const MAX_ARGS = 32;
/** How long `join` waits for the helper before it gives up (a helper that died never answers). */
const JOIN_TIMEOUT_MS = 60_000;
/** How long the first use waits for a new helper thread to start; past it the kernel runs alone until it is ready. */
const START_TIMEOUT_MS = 10_000;

// The helper thread: instantiates the module on the shared memory, then runs one export per job.
// Arguments travel as float64 and the call converts them as a call from the main thread does
// (i32 params truncate, f32 params round), so a split kernel computes the same bits.
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl } = workerData;
const c = new Int32Array(ctrl, 0, ${ARGS_OFFSET / 4});
const a = new Float64Array(ctrl, ${ARGS_OFFSET}, ${MAX_ARGS});
const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
let ex = null;
try { ex = new WebAssembly.Instance(module, { env: { memory } }).exports; Atomics.store(c, ${READY}, 1); }
catch { Atomics.store(c, ${READY}, -1); }
Atomics.notify(c, ${READY});
let seen = 0;
while (ex) {
  Atomics.wait(c, ${SEQ}, seen);
  const s = Atomics.load(c, ${SEQ});
  if (s === seen) continue;
  seen = s;
  try {
    const args = [];
    for (let i = 0; i < c[${ARGC}]; i++) args.push(a[i]);
    ex[names[c[${FN}]]](...args);
  } catch { Atomics.store(c, ${FAILED}, 1); }
  Atomics.store(c, ${DONE}, s);
  Atomics.notify(c, ${DONE});
}
`;

interface Helper {
  readonly c: Int32Array;
  readonly a: Float64Array;
  readonly names: readonly string[];
  seq: number;
  busy: boolean;
}

const helpers = new WeakMap<WebAssembly.Memory, WeakMap<WebAssembly.Module, Helper>>();
let jobs = 0;

/** Jobs the helper threads have finished in this process (for tests and diagnostics). */
export function heapKernelHelperJobs(): number {
  return jobs;
}

function spawn(module: WebAssembly.Module, memory: WebAssembly.Memory): Helper {
  const ctrl = new SharedArrayBuffer(ARGS_OFFSET + 8 * MAX_ARGS);
  // execArgv: [] so that the parent's flags (e.g. `--input-type=module` of `node -e`) do not make the
  // helper's CommonJS source an ES module
  const worker = new Worker(HELPER_SOURCE, { eval: true, execArgv: [], workerData: { module, memory, ctrl } });
  worker.unref(); // an idle helper never keeps the process alive
  worker.on('error', () => { /* READY stays 0 or the job times out; the caller then runs alone */ });
  const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
  return { c: new Int32Array(ctrl, 0, ARGS_OFFSET / 4), a: new Float64Array(ctrl, ARGS_OFFSET, MAX_ARGS), names, seq: 0, busy: false };
}

/**
 * The Node helper thread of a kernel module on a shared wasm heap (a `worker_threads` Worker that
 * waits on `Atomics.wait` between jobs, so an idle one costs no CPU). Created on first use, which
 * waits for it to start; null while a job of it is running, and if it could not start.
 * Installed by {@link setupNodeBackend} when it starts more than one thread.
 */
export function nodeHeapKernelHelper(module: WebAssembly.Module, memory: WebAssembly.Memory): HeapKernelHelper | null {
  let perMemory = helpers.get(memory);
  if (!perMemory) helpers.set(memory, (perMemory = new WeakMap()));
  let h = perMemory.get(module);
  if (!h) {
    perMemory.set(module, (h = spawn(module, memory)));
    // wait once for the new thread to instantiate the module (tens of ms), so that a kernel splits
    // its work from its first call on and a run does not depend on how fast the thread started
    Atomics.wait(h.c, READY, 0, START_TIMEOUT_MS);
  }
  const helper = h;
  if (helper.busy || Atomics.load(helper.c, READY) !== 1) return null;
  return Object.freeze({
    start(fn: string, args: readonly number[]): () => void {
      const index = helper.names.indexOf(fn);
      if (index < 0 || args.length > MAX_ARGS || helper.busy) throw new Error(`heap kernel helper: cannot start ${fn} with ${args.length} arguments`);
      helper.busy = true;
      args.forEach((v, i) => { helper.a[i] = v; });
      helper.c[ARGC] = args.length;
      helper.c[FN] = index;
      const seq = ++helper.seq;
      Atomics.store(helper.c, SEQ, seq);
      Atomics.notify(helper.c, SEQ);
      return () => {
        for (let d = Atomics.load(helper.c, DONE); d !== seq; d = Atomics.load(helper.c, DONE)) {
          if (Atomics.wait(helper.c, DONE, d, JOIN_TIMEOUT_MS) === 'timed-out') {
            throw new Error(`heap kernel helper: ${fn} did not finish within ${JOIN_TIMEOUT_MS / 1000} s`);
          }
        }
        helper.busy = false;
        jobs++;
        if (Atomics.exchange(helper.c, FAILED, 0) === 1) throw new Error(`heap kernel helper: ${fn} failed on the helper thread`);
      };
    },
  });
}
