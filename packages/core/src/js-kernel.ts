import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendView, CpuBackendView } from './wasm-heap.js';

/**
 * What a JS kernel computes: it reads the float32 `inputs` and fills the preallocated `outputs`
 * (fresh arrays, zero-filled on cpu, uninitialised on wasm: write every element).
 */
export type JsKernelCompute = (inputs: Float32Array[], outputs: Float32Array[], attrs: Record<string, number>) => void;


const registered = new Set<string>();

/**
 * Registers a kernel written in plain JS for the wasm and cpu backends: one dispatch in place of
 * a group of small tfjs kernels (each costs ~10–40 µs of dispatch for a few hundred floats).
 * On wasm it reads and writes the tensors on the wasm heap directly (the outputs are allocated
 * before any view is taken: a malloc may grow the heap and detach older views). The kernel gets
 * its inputs in the order of `inputNames`; `outShapes` gives the output shapes from the input
 * shapes and the attributes. Registering the same name twice is a no-op.
 */
export function registerJsKernel(name: string, inputNames: readonly string[], outShapes: (shapes: number[][], attrs: Record<string, number>) => number[][], compute: JsKernelCompute): void {
  if (registered.has(name)) return;
  registered.add(name);
  const wasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const b = backend as unknown as WasmBackendView;
    const ins = inputNames.map((k) => (inputs as Record<string, tf.TensorInfo>)[k]);
    const a = (attrs ?? {}) as Record<string, number>;
    const outs = outShapes(ins.map((t) => [...t.shape]), a).map((s) => b.makeOutput(s, 'float32'));
    compute(ins.map((t) => b.typedArrayFromHeap(t)), outs.map((o) => b.typedArrayFromHeap(o)), a);
    return outs;
  };
  const cpuKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const b = backend as unknown as CpuBackendView;
    const ins = inputNames.map((k) => (inputs as Record<string, tf.TensorInfo>)[k]);
    const a = (attrs ?? {}) as Record<string, number>;
    const shapes = outShapes(ins.map((t) => [...t.shape]), a);
    const outs = shapes.map((s) => new Float32Array(s.reduce((p, v) => p * v, 1)));
    compute(ins.map((t) => b.data.get(t.dataId).values), outs, a);
    return outs.map((v, i) => b.makeTensorInfo(shapes[i], 'float32', v));
  };
  for (const [backendName, kernelFunc] of [['wasm', wasmKernel], ['cpu', cpuKernel]] as const) {
    if (!tf.getKernel(name, backendName)) tf.registerKernel({ kernelName: name, backendName, kernelFunc });
  }
}

/**
 * False when fast paths are switched off with env `RPN_FAST_PATHS` = `0`, `false`, `no` or `off`
 * (any case): then every fused kernel and structured product of this project steps aside for its
 * plain tfjs-op path. The one switch that the heads, the reconciliation, expansion and learn kernels read.
 */
export function fastPathsOn(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.RPN_FAST_PATHS;
  return env === undefined || !/^(0|false|no|off)$/i.test(env.trim());
}

/**
 * True when the JS kernels can run on these tensors: the active backend is wasm or cpu, every
 * tensor is float32, and fast paths are on ({@link fastPathsOn}). Otherwise the callers use their
 * plain tfjs-op path (the same mathematics in several kernels).
 */
export function jsKernelsAvailable(...ts: readonly tf.Tensor[]): boolean {
  if (!fastPathsOn()) return false;
  const name = tf.getBackend();
  return (name === 'wasm' || name === 'cpu') && ts.every((t) => t.dtype === 'float32');
}

/** Runs a registered JS kernel (several outputs). */
export function runJsKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap);
  return (Array.isArray(out) ? out : [out]) as tf.Tensor[];
}
