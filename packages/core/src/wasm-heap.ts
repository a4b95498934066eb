/**
 * Small wasm SIMD kernels of our own that run on the tfjs wasm backend's own heap: each imports
 * tfjs's `WebAssembly.Memory` as `env.memory` and takes byte offsets of tensors in it, so no data
 * is copied in or out. Every kernel ships two builds of one WAT source, base64-encoded: one that
 * imports a plain memory (tfjs's SIMD build) and one that imports a shared memory (its
 * threaded-SIMD build, see `@rpn/core/node`).
 */

import * as tf from '@tensorflow/tfjs-core';

/** The two builds of one kernel module, base64. */
export interface HeapKernelSource {
  readonly plain: string;
  readonly shared: string;
}

/** What this reads of tfjs-backend-wasm's BackendWasm: its Emscripten module. */
interface WasmBackendModule {
  wasm?: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
}

const compiled = new Map<string, WebAssembly.Module | null>();
const instances = new WeakMap<WebAssembly.Memory, Map<string, WebAssembly.Exports | null>>();

function decode(base64: string): Uint8Array {
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The wasm backend's heap memory, or undefined when `backend` is not tfjs's wasm backend. */
export function wasmHeapMemory(backend: unknown): WebAssembly.Memory | undefined {
  const w = (backend as WasmBackendModule | null)?.wasm;
  const m = w?.asm?.memory ?? w?.wasmMemory;
  return m instanceof WebAssembly.Memory ? m : undefined;
}

/**
 * The exports of `source` instantiated on `backend`'s heap (cached per heap), or `null` when the
 * backend is not tfjs's wasm backend or this platform cannot run the module (no SIMD, or a
 * memory the module cannot import); callers then take their plain path.
 */
export function wasmHeapKernel<T = WebAssembly.Exports>(source: HeapKernelSource, backend: unknown): T | null {
  const memory = wasmHeapMemory(backend);
  if (!memory) return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = shared ? source.shared : source.plain;
  let perMemory = instances.get(memory);
  if (!perMemory) instances.set(memory, (perMemory = new Map()));
  if (perMemory.has(bytes)) return perMemory.get(bytes) as unknown as T | null;
  let mod = compiled.get(bytes);
  if (mod === undefined) {
    try {
      mod = new WebAssembly.Module(decode(bytes) as BufferSource);
    } catch {
      mod = null;
    }
    compiled.set(bytes, mod);
  }
  let exports: WebAssembly.Exports | null = null;
  if (mod) {
    try {
      exports = new WebAssembly.Instance(mod, { env: { memory } }).exports;
    } catch {
      exports = null;
    }
  }
  perMemory.set(bytes, exports);
  return exports as unknown as T | null;
}

/**
 * A second thread that runs functions of one kernel module on the same shared heap: `start(fn,
 * args)` begins `fn(...args)` there and returns `join`, which waits for it to finish (and throws
 * if it failed). The caller does its own share of the work in between, on disjoint memory.
 */
export interface HeapKernelHelper {
  start(fn: string, args: readonly number[]): () => void;
}

/**
 * Makes a {@link HeapKernelHelper} for a compiled module on a shared memory, or returns null (not
 * ready yet, or unavailable). Installed by `@rpn/core/node`'s `setupNodeBackend({ threads })`.
 */
export type HeapKernelHelperFactory = (module: WebAssembly.Module, memory: WebAssembly.Memory) => HeapKernelHelper | null;

let helperFactory: HeapKernelHelperFactory | null = null;

/** Sets (or with null removes) the factory {@link wasmHeapHelper} uses. */
export function setHeapKernelHelperFactory(factory: HeapKernelHelperFactory | null): void {
  helperFactory = factory;
}

/**
 * A helper thread for `source`'s shared build on `backend`'s heap, or null: the heap is not shared
 * (tfjs's plain SIMD build), no factory is installed (the browser, or Node with 1 thread), or the
 * helper is still starting. Kernels split their work in two disjoint halves when they get one,
 * so their results do not depend on it.
 */
export function wasmHeapHelper(source: HeapKernelSource, backend: unknown): HeapKernelHelper | null {
  if (!helperFactory) return null;
  const memory = wasmHeapMemory(backend);
  if (!memory || typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) return null;
  if (!wasmHeapKernel(source, backend)) return null;
  const mod = compiled.get(source.shared);
  return mod ? helperFactory(mod, memory) : null;
}

/**
 * Registers a table of kernels of our own, `{ backendName: { kernelName: kernelFunc } }`, in tfjs's
 * kernel registry; a kernel already registered for a backend is left as it is (so a second copy of
 * a package, or a user's own registration, wins). Call it lazily, on a kernel's first use.
 */
export function registerKernelTable(table: Readonly<Record<string, Readonly<Record<string, tf.KernelFunc>>>>): void {
  for (const [backendName, kernels] of Object.entries(table)) {
    for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
      if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc });
    }
  }
}

/** What a kernel of our own reads of tfjs's wasm backend (tfjs-backend-wasm's BackendWasm). */
export interface WasmBackendView {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/** What a kernel of our own reads of tfjs's cpu backend (tfjs-backend-cpu's MathBackendCPU). */
export interface CpuBackendView {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}
