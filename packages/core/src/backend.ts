import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from './errors.js';
import { checkWasmPaths, wasmInitError, type WasmPaths } from './wasm-paths.js';
import { planThreads, shadowHardwareConcurrency, threadPlatform, type ThreadsOption } from './wasm-threads.js';

export { WASM_BINARIES, type WasmBinaryName, type WasmPaths } from './wasm-paths.js';
export { MAX_WASM_THREADS, autoThreads, planThreads, type ThreadsOption, type ThreadPlatform, type ThreadPlan } from './wasm-threads.js';

/** What {@link setupBackend} chose. */
export interface BackendInfo {
  readonly backend: string;
  /** WASM SIMD in use (wasm backend only). */
  readonly simd: boolean;
  /** Threads the backend computes with (wasm: the count tfjs's thread pool reports; else 1). */
  readonly threads: number;
  /**
   * Why fewer threads run than asked or than `threads: 'auto'` could use (e.g. a page that is not
   * cross-origin isolated); empty otherwise. Always set by {@link setupBackend} (optional in the
   * type so that code building a `BackendInfo` by hand, as tests do, keeps compiling).
   */
  readonly warnings?: readonly string[];
}

/** Options for {@link setupBackend}. */
export interface BackendOptions {
  /** `wasm` (default), `cpu`, or any registered tfjs backend (`webgl`, `webgpu`). Env `RPN_BACKEND` overrides the default. */
  readonly backend?: string;
  /** Browser only: where the `.wasm` files are served, a folder prefix or a URL per binary (passed to tfjs's `setWasmPaths`). */
  readonly wasmPaths?: WasmPaths;
  /** Fetch the `.wasm` with the platform's fetch (tfjs's `usePlatformFetch`; for environments whose `fetch` is not the global one). */
  readonly usePlatformFetch?: boolean;
  /**
   * wasm only: threads of tfjs's XNNPACK pool, 1 … 8 or `'auto'` (default). `'auto'` uses
   * `min(8, max(⌊cores/2⌋, min(cores, 2)))` where the threaded binary can run (a cross-origin
   * isolated page) and 1 elsewhere, with a `warnings` entry in a browser page that is not
   * isolated. A count above 1 where threads cannot run (Node, a page without COOP/COEP) is a
   * `ValueError`. Applies when the backend first initialises (tfjs fixes its pool then).
   */
  readonly threads?: ThreadsOption;
}

let gradientsReady: Promise<void> | null = null;

function envBackend(): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = p?.env?.RPN_BACKEND;
  return v && v.length > 0 ? v : undefined;
}

/**
 * Registers tfjs-core's gradients (not loaded by its Node entry) in the app's one tfjs engine,
 * then replaces the MatMul/BatchMatMul gradient with one that uses explicit transposes instead of
 * the transpose flags, which are about 10× slower on wasm. `#tfjs-gradients` (package.json
 * `imports`) is tfjs-core's `register_all_gradients` for bundlers and browsers, and a build of it
 * that imports tfjs-core's package entry for Node (see README, "Gradients"). Idempotent.
 */
export function registerGradients(): Promise<void> {
  if (!gradientsReady) {
    gradientsReady = (async () => {
      await import('#tfjs-gradients');
      tf.registerGradient(batchMatMulGrad);
      tf.registerGradient(sumGrad);
      tf.registerGradient(meanGrad);
    })();
  }
  return gradientsReady;
}

function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  const r = t.rank;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(t, perm);
}

function reduceTo(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (g.rank === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  // Broadcast batch dims: sum over leading axes, then reshape.
  const lead = g.rank - 2;
  const target = shape.slice(0, -2);
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) {
    const ti = i - (lead - target.length);
    if (ti < 0 || target[ti] === 1) axes.push(i);
  }
  const s = axes.length ? tf.sum(g, axes, true) : g;
  return tf.reshape(s, shape as number[]);
}

/**
 * `dy` with the reduced axes of `x` restored as size-1 axes, times a ones tensor of x's shape, then
 * divided by `divisor` when given: tfjs's own arithmetic for the Sum and Mean gradients, with the
 * ones made by the backend's `Fill` kernel (a native fill of its buffer) instead of in JavaScript.
 * (A broadcast by `Tile` instead was 100× slower on wasm: 259 ms for [65, 64, 1] → [65, 64, 785].)
 */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axis: number | number[] | undefined, divisor?: number): tf.Tensor {
  const axes = tf.util.parseAxisParam((axis ?? null) as number[], x.shape);
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  const full = tf.mul(tf.reshape(dy, shape), tf.fill(x.shape, 1, 'float32'));
  return divisor === undefined ? full : tf.div(full, divisor);
}

/**
 * `Sum` gradient `∂/∂x Σ_axes x = dy` over the reduced axes: tfjs's `dy·ones(x.shape)`, whose
 * ones it fills in JavaScript and copies to the backend on every backward pass (13 MB per step
 * for the first layer of the MNIST identity model); here the backend fills them. Same values.
 */
const sumGrad: tf.GradConfig = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [x] = saved;
    const { axis } = attrs as unknown as { axis: number | number[] };
    return { x: () => expandReduced(dy as tf.Tensor, x, axis) };
  },
};

/** `Mean` gradient `dy·ones(x.shape) / |reduced|`, the ones filled by the backend (as for `Sum`). */
const meanGrad: tf.GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [x] = saved;
    const { axis } = attrs as unknown as { axis: number | number[] };
    // |reduced| = x's size over the mean's (dy has the mean's elements, with or without keepDims)
    return { x: () => expandReduced(dy as tf.Tensor, x, axis, x.size / (dy as tf.Tensor).size) };
  },
};

/** MatMul gradient without transpose flags (`BatchMatMul` is the kernel `tf.matMul` dispatches to). */
const batchMatMulGrad: tf.GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const d = dy as tf.Tensor;
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const mm = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y);
    let da: () => tf.Tensor;
    let db: () => tf.Tensor;
    if (!transposeA && !transposeB) {
      da = () => mm(d, swapLast(b));
      db = () => mm(swapLast(a), d);
    } else if (!transposeA && transposeB) {
      da = () => mm(d, b);
      db = () => mm(swapLast(d), a);
    } else if (transposeA && !transposeB) {
      da = () => mm(b, swapLast(d));
      db = () => mm(a, d);
    } else {
      da = () => mm(swapLast(b), swapLast(d));
      db = () => mm(swapLast(d), swapLast(a));
    }
    return { a: () => reduceTo(da(), a.shape), b: () => reduceTo(db(), b.shape) };
  },
};

/**
 * Makes the wasm backend's `Identity` kernel share its input's buffer (one more reference, as its
 * own `Reshape` and the cpu and webgl backends' `Identity` do) instead of copying it. tfjs runs
 * `Identity` for `tf.clone` and, above all, for every tensor a taped kernel saves for the backward
 * pass: on wasm each of those was a full copy (A: 67 per training step; B: a 157 MB copy of the first
 * layer's W). No kernel writes into its inputs, so a shared buffer cannot change under a clone.
 * String tensors keep tfjs's path. Idempotent; applied by {@link setupBackend}.
 */
export function shareIdentityData(): void {
  const k = tf.getKernel('Identity', 'wasm');
  if (!k || SHARING.has(k.kernelFunc)) return;
  const copy = k.kernelFunc as (a: unknown) => tf.TensorInfo;
  const kernelFunc = ((args: { inputs: { x: tf.TensorInfo }; backend: { incRef(id: unknown): void } }) => {
    const x = args.inputs.x;
    if (x.dtype === 'string') return copy(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }) as unknown as tf.KernelFunc;
  SHARING.add(kernelFunc);
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc });
}

/** The sharing `Identity` kernels {@link shareIdentityData} registered (the registry says whether it is in place). */
const SHARING = new WeakSet<tf.KernelFunc>();

/**
 * Sets up the compute backend: WASM with SIMD by default, `cpu` as the portable fallback, or
 * any registered tfjs backend by name; honours `RPN_BACKEND`; registers gradients; sizes the
 * wasm thread pool (`threads`, see {@link planThreads}). Call once before building models.
 * Returns what was chosen, with the thread count tfjs reports and any `warnings`.
 */
export async function setupBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const name = options.backend ?? envBackend() ?? 'wasm';
  const threadsOption = options.threads ?? 'auto';
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm') | undefined;
  let warnings: readonly string[] = [];
  let restore = () => {};
  if (name === 'wasm') {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
    // tfjs keeps an initialised backend in its registry (also while another one is active): the
    // wasm paths and the thread pool can only be chosen before the first initialisation
    const fresh = tf.engine().registry.wasm === undefined;
    if (options.wasmPaths !== undefined) {
      checkWasmPaths(options.wasmPaths);
      if (fresh) wasm.setWasmPaths(options.wasmPaths as Parameters<typeof wasm.setWasmPaths>[0], options.usePlatformFetch ?? false);
    }
    const platform = threadPlatform(tf.env().getBool('IS_NODE'), Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')));
    const plan = planThreads(threadsOption, platform);
    warnings = plan.warnings;
    if (fresh) {
      // 1 thread: load the plain SIMD binary, not the threaded one with its 8 idle workers (and
      // its worker, built from source text, which minifiers break; see README, "Threads")
      if (plan.count === 1 && platform.multithread) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasm.setThreadsCount(plan.count);
      restore = shadowHardwareConcurrency((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator, plan.count);
    }
  } else {
    if (threadsOption !== 'auto' && threadsOption !== 1) throw new ValueError('threads apply to the wasm backend only', { argument: 'threads', expected: `'auto' or 1 with backend ${JSON.stringify(name)}`, received: JSON.stringify(threadsOption) });
    if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  }
  try {
    await registerGradients();
    if (tf.findBackendFactory(name) == null) {
      throw new ValueError('unknown tfjs backend', { argument: 'backend', expected: `one of ${['wasm', 'cpu', ...Object.keys(tf.engine().registryFactory)].filter((v, i, a) => a.indexOf(v) === i).join(', ')}`, received: JSON.stringify(name) });
    }
    if (tf.getBackend() !== name) {
      const ok = await tf.setBackend(name);
      if (!ok) {
        if (name === 'wasm') throw await wasmInitError(options.wasmPaths);
        throw new ValueError('backend failed to initialise', { argument: 'backend', expected: 'a backend that initialises on this platform', received: name });
      }
    }
    await tf.ready();
    if (name === 'wasm') shareIdentityData();
  } finally {
    restore();
  }
  const simd = name === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm ? wasm.getThreadsCount() : 1;
  if (wasm && typeof threadsOption === 'number' && threads !== threadsOption) {
    warnings = [...warnings, `threads: ${threadsOption} asked for, but the wasm backend was already initialised with ${threads} (tfjs fixes its thread pool when it first initialises)`];
  }
  return Object.freeze({ backend: name, simd, threads, warnings: Object.freeze([...warnings]) });
}
