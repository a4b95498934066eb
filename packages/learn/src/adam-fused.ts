import * as tf from '@tensorflow/tfjs-core';
import { jsKernelsAvailable, registerKernelTable, wasmHeapHelper, wasmHeapKernel, type WasmBackendView, type CpuBackendView } from '@rpn/core';
import { PLAIN as ADAM_PLAIN, SHARED as ADAM_SHARED } from './wasm/adam.generated.js';

/** The kernel name of the fused Adam/AdamW update (registered for the wasm and cpu backends). */
export const FUSED_ADAM_KERNEL = 'RpnFusedAdam';

/** Attributes of {@link FUSED_ADAM_KERNEL}: the step scalars of `adamScalars` and the rule's flags. */
interface FusedAdamAttrs {
  /** 0: no weight decay; 1: decoupled (AdamW, p·(1 − lr·λ)); 2: coupled (Adam, g + λ·p). */
  mode: number;
  kb1: number; k1b1: number; kb2: number; k1b2: number; kwd: number; keps: number; kstep: number;
}

const fr = Math.fround;

/**
 * The update of one tensor in one pass, each operation rounded to float32 in the order of the
 * plain path's kernels (so the result is the same bits): p ← p·kwd (decoupled) or g ← g + p·kwd
 * (coupled); m ← m·β₁ + g·(1−β₁); v ← v·β₂ + g²·(1−β₂); p ← p − (m/(√v + ε·s))·(lr·s/(1−β₁ᵗ)).
 * A double operation on float32 operands rounded once to float32 is the correctly rounded float32
 * operation (53 ≥ 2·24 + 2 bits), as the wasm and cpu kernels compute it.
 */
function update(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, po: Float32Array, mo: Float32Array, vo: Float32Array, a: FusedAdamAttrs): void {
  const kb1 = fr(a.kb1), k1b1 = fr(a.k1b1), kb2 = fr(a.kb2), k1b2 = fr(a.k1b2), kwd = fr(a.kwd), keps = fr(a.keps), kstep = fr(a.kstep);
  const mode = a.mode;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let pi = p[i];
    let gi = g[i];
    if (mode === 1) pi = fr(pi * kwd);
    else if (mode === 2) gi = fr(gi + fr(pi * kwd));
    const m1 = fr(fr(m[i] * kb1) + fr(gi * k1b1));
    const v1 = fr(fr(v[i] * kb2) + fr(fr(gi * gi) * k1b2));
    const den = fr(fr(Math.sqrt(v1)) + keps);
    po[i] = fr(pi - fr(fr(m1 / den) * kstep));
    mo[i] = m1;
    vo[i] = v1;
  }
}


/** The wasm SIMD build of {@link update} (src/wasm/adam.wat): same operations, same order, in float32. */
interface AdamExports {
  adam(p: number, g: number, m: number, v: number, po: number, mo: number, vo: number, n: number, mode: number,
    kb1: number, k1b1: number, kb2: number, k1b2: number, kwd: number, keps: number, kstep: number): void;
}

const ADAM_SOURCE = Object.freeze({ plain: ADAM_PLAIN, shared: ADAM_SHARED });

/** Elements from which an update splits its work with `@rpn/core`'s helper thread (Node with `threads ≥ 2`). */
const SPLIT_ELEMENTS = 1 << 17;

const wasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WasmBackendView;
  const { p, g, m, v } = inputs as Record<string, tf.TensorInfo>;
  const shape = [...p.shape];
  const a = attrs as unknown as FusedAdamAttrs;
  // allocate every output before taking views: a malloc may grow the heap and detach older views
  const outs = [b.makeOutput(shape, 'float32'), b.makeOutput(shape, 'float32'), b.makeOutput(shape, 'float32')];
  const [pi, gi, mi, vi, po, mo, vo] = [p, g, m, v, ...outs].map((t) => b.typedArrayFromHeap(t));
  const simd = wasmHeapKernel<AdamExports>(ADAM_SOURCE, backend);
  if (simd) {
    const n = pi.length;
    // the kernel's arguments for elements from..from+count (element-wise: any split gives the same bits)
    const args = (from: number, count: number): number[] => [...[pi, gi, mi, vi, po, mo, vo].map((t) => t.byteOffset + from * 4), count,
      a.mode, a.kb1, a.k1b1, a.kb2, a.k1b2, a.kwd, a.keps, a.kstep];
    const run = (from: number, count: number) => (simd.adam as (...v: number[]) => void)(...args(from, count));
    const helper = n >= SPLIT_ELEMENTS ? wasmHeapHelper(ADAM_SOURCE, backend) : null;
    if (helper) {
      const h = (n >> 1) & ~3; // elements h.. on the helper thread, 0..h here
      const join = helper.start('adam', args(h, n - h));
      try { run(0, h); } finally { join(); }
    } else {
      run(0, n);
    }
  } else {
    update(pi, gi, mi, vi, po, mo, vo, a);
  }
  return outs;
};

/** True when the wasm backend runs {@link FUSED_ADAM_KERNEL} as our wasm SIMD kernel (no size limit then). */
export function fusedAdamSimd(): boolean {
  return tf.getBackend() === 'wasm' && wasmHeapKernel<AdamExports>(ADAM_SOURCE, tf.backend()) !== null;
}

const cpuKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as CpuBackendView;
  const { p, g, m, v } = inputs as Record<string, tf.TensorInfo>;
  const n = p.shape.reduce((x, y) => x * y, 1);
  const [po, mo, vo] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const read = (t: tf.TensorInfo) => b.data.get(t.dataId).values;
  update(read(p), read(g), read(m), read(v), po, mo, vo, attrs as unknown as FusedAdamAttrs);
  return [po, mo, vo].map((vals) => b.makeTensorInfo([...p.shape], 'float32', vals));
};

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerKernelTable({ wasm: { [FUSED_ADAM_KERNEL]: wasmKernel }, cpu: { [FUSED_ADAM_KERNEL]: cpuKernel } });
}

/**
 * Largest tensor (elements) the scalar JS update takes (the cpu backend, or a wasm platform that
 * cannot run our SIMD kernel). Measured on wasm (one thread, Node 20, CPU time per step, JS pass vs
 * the 13 kernels): 1k elements 0.034 vs 0.105 ms, 10k 0.24 vs 0.30, 100k 1.16 vs 1.54, 1M 25 vs 10 —
 * tfjs's SIMD loops win on large tensors, the single scalar pass on small ones. Our wasm SIMD kernel
 * has no limit: one pass over p, g, m, v beats 13 passes at every size.
 */
export const FUSED_ADAM_MAX_SIZE = 131_072;

/** True when the fused update runs: a wasm or cpu backend, float32 tensors, fast paths on (`@rpn/core` `fastPathsOn`), and either our wasm SIMD kernel or tensors of at most {@link FUSED_ADAM_MAX_SIZE} elements. */
export function fusedAdamAvailable(...ts: readonly tf.Tensor[]): boolean {
  if (!jsKernelsAvailable(...ts)) return false;
  return ts.every((t) => t.size <= FUSED_ADAM_MAX_SIZE) || fusedAdamSimd();
}

/**
 * One Adam/AdamW step of one tensor as a single kernel (torch.optim.Adam / AdamW, amsgrad off):
 * returns the new p, m, v (fresh tensors, to be assigned to the variables; the inputs are not
 * changed, so views and cached operands of the old values stay valid). Same bits as the plain
 * 13-kernel path.
 */
export function fusedAdamStep(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: FusedAdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  register();
  return tf.engine().runKernel(FUSED_ADAM_KERNEL, { p, g, m, v } as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

export type { FusedAdamAttrs };
