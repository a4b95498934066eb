import * as tf from '@tensorflow/tfjs-core';
import { fastPathsOn, registerKernelTable, wasmHeapHelper, wasmHeapKernel } from '@rpn/core';
import { bsplineBasisGrad, localBases, type BsplineGrid } from './bspline-kernel.js';
import { PLAIN as PRODUCT_PLAIN, SHARED as PRODUCT_SHARED } from './wasm/bspline-product.generated.js';

/** Kernel name of the local product `(x [b, m], w [n·D], win [b, 5m]) → y [b, n]`, y = κ(x)·Wᵀ (wasm, cpu). */
export const BSPLINE_PRODUCT_KERNEL = 'RpnBsplineProduct';
/** Kernel name of its weight gradient `(dy [b, n], win [b, 5m]) → dW [n, D]`, on the forward pass's windows. */
export const BSPLINE_PRODUCT_GRAD_W_KERNEL = 'RpnBsplineProductGradW';

/** Width of an input's window of bases (one 128-bit vector): the fused product takes degrees d ≤ 3 with t + d ≥ 4. */
const WIN = 4;

/**
 * Inputs per chunk of the wasm forward and weight gradient: the chunk of 8 rows of W (or dW),
 * 8·JC·K floats (25 kB for K = 8), stays in cache over the b samples.
 */
const JC = 98;

/**
 * The window of every input: with `i0 = q − d` its first nonzero basis (`q` the knot interval),
 * the window starts at `s = clamp(i0, 0, K − 4)`, `cols[e] = j·K + s`, and `vals[e·4 + l] = B_{s+l}(x_e)`
 * (zero outside the support; all zeros with `s = 0` outside the grid; NaN for a NaN input).
 */
export function windowsInto(x: Float32Array, m: number, g: BsplineGrid, cols: Int32Array, vals: Float32Array): void {
  const K = g.t + g.d;
  const d = g.d;
  const local = new Float64Array(d + 1);
  vals.fill(0);
  for (let e = 0; e < x.length; e++) {
    const base = (e % m) * K;
    const q = localBases(x[e], g, local);
    if (Number.isNaN(q)) {
      cols[e] = base;
      vals.fill(Number.NaN, e * WIN, e * WIN + WIN);
      continue;
    }
    if (q < 0) {
      cols[e] = base;
      continue;
    }
    const i0 = q - d;
    const s = Math.min(Math.max(i0, 0), K - WIN);
    cols[e] = base + s;
    for (let l = 0; l < WIN; l++) {
      const k = s + l - i0;
      if (k >= 0 && k <= d && s + l < K) vals[e * WIN + l] = local[k];
    }
  }
}

/** `y[r, o] = Σ_j Σ_l vals[r, j, l]·W[o, cols[r, j] + l]`: the forward product in plain JS (the cpu kernel). */
export function windowProductInto(w: Float32Array, cols: Int32Array, vals: Float32Array, y: Float32Array, b: number, m: number, n: number, D: number): void {
  for (let r = 0; r < b; r++) {
    for (let o = 0; o < n; o++) {
      let acc = 0;
      const row = o * D;
      for (let j = 0; j < m; j++) {
        const e = r * m + j;
        const c = row + cols[e];
        for (let l = 0; l < WIN; l++) acc += vals[e * WIN + l] * w[c + l];
      }
      y[r * n + o] = acc;
    }
  }
}

/** `dW[o, cols[r, j] + l] = Σ_r dy[r, o]·vals[r, j, l]`, zero elsewhere: the weight gradient in plain JS (the cpu kernel). */
export function windowGradWInto(dy: Float32Array, cols: Int32Array, vals: Float32Array, dw: Float32Array, b: number, m: number, n: number, D: number): void {
  dw.fill(0);
  for (let o = 0; o < n; o++) {
    const row = o * D;
    for (let r = 0; r < b; r++) {
      const g = dy[r * n + o];
      for (let j = 0; j < m; j++) {
        const e = r * m + j;
        const c = row + cols[e];
        for (let l = 0; l < WIN; l++) dw[c + l] += g * vals[e * WIN + l];
      }
    }
  }
}

/** The exports of `wasm/bspline-product.wat`. */
interface ProductExports {
  forward(w: number, cols: number, vals: number, y: number, b: number, m: number, n: number, D: number, jc: number): void;
  gradW(dy: number, cols: number, vals: number, dw: number, b: number, m: number, n: number, D: number, jc: number, ldy: number): void;
  windows(x: number, cols: number, vals: number, count: number, m: number, lo: number, h: number, t: number, d: number): void;
}

/** What the kernels read of the wasm backend (tfjs-backend-wasm's BackendWasm). */
interface WasmBackendLike {
  wasm: unknown;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array;
}

/** What the kernels read of the cpu backend (tfjs-backend-cpu's MathBackendCPU). */
interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values: Float32Array | Int32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo;
}

const PRODUCT_SOURCE = Object.freeze({ plain: PRODUCT_PLAIN, shared: PRODUCT_SHARED });

/**
 * Windows × outputs (b·m·n) from which the forward product and the weight gradient split their work
 * with the helper thread of `@rpn/core` (Node with `threads ≥ 2`): 4·b·m·n multiply-adds. Below it the
 * helper's wake-up (tens of µs) costs more than half the kernel.
 */
const SPLIT_WORK = 1 << 18;

/**
 * The SIMD kernels instantiated on the wasm backend's own memory (so they work on its tensors in
 * place; the shared-memory build for tfjs's threaded build), or null when the backend exposes no
 * memory or the platform rejects the module (no SIMD).
 */
function wasmExports(backend: unknown): ProductExports | null {
  return wasmHeapKernel<ProductExports>(PRODUCT_SOURCE, backend);
}

interface ProductAttrs extends BsplineGrid { n: number }

const ptr = (a: ArrayBufferView): number => a.byteOffset;

/**
 * The windows of x [b, m] as one int32 tensor info [b, 5m]: `cols` (b·m int32) then `vals`
 * (b·m·4 float32, stored as their bits), see {@link windowsInto}.
 */
function wasmWindows(be: WasmBackendLike, ex: ProductExports, x: tf.TensorInfo, g: BsplineGrid): tf.TensorInfo {
  const [b, m] = x.shape;
  const count = b * m;
  const win = be.makeOutput([b, (1 + WIN) * m], 'int32');
  const cols = ptr(be.typedArrayFromHeap(win));
  ex.windows(ptr(be.typedArrayFromHeap(x)), cols, cols + count * 4, count, m, g.lo, g.h, g.t, g.d);
  return win;
}

/** The `cols` and `vals` byte offsets of a windows tensor info on the wasm heap. */
function winPointers(be: WasmBackendLike, win: tf.TensorInfo): [number, number] {
  const cols = ptr(be.typedArrayFromHeap(win));
  return [cols, cols + win.shape[0] * (win.shape[1] / (1 + WIN)) * 4];
}

const wasmForward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as unknown as WasmBackendLike;
  const { w, win } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as ProductAttrs;
  const [b, m5] = win.shape;
  const m = m5 / (1 + WIN);
  const D = m * (a.t + a.d);
  const ex = wasmExports(backend)!;
  const y = be.makeOutput([b, a.n], 'float32');
  const [cols, vals] = winPointers(be, win);
  const [pw, py] = [ptr(be.typedArrayFromHeap(w)), ptr(be.typedArrayFromHeap(y))];
  const helper = b >= 2 && b * m * a.n >= SPLIT_WORK ? wasmHeapHelper(PRODUCT_SOURCE, backend) : null;
  if (helper) {
    // samples b0.. on the helper thread, 0..b0 here: each sample's row of y is its own sum
    const b0 = b >> 1;
    const join = helper.start('forward', [pw, cols + b0 * m * 4, vals + b0 * m * 4 * WIN, py + b0 * a.n * 4, b - b0, m, a.n, D, JC]);
    try { ex.forward(pw, cols, vals, py, b0, m, a.n, D, JC); } finally { join(); }
  } else {
    ex.forward(pw, cols, vals, py, b, m, a.n, D, JC);
  }
  return y;
};

const wasmGradW: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as unknown as WasmBackendLike;
  const { dy, win } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as ProductAttrs;
  const [b, m5] = win.shape;
  const m = m5 / (1 + WIN);
  const D = m * (a.t + a.d);
  const ex = wasmExports(backend)!;
  const dw = be.makeOutput([a.n, D], 'float32');
  const [cols, vals] = winPointers(be, win);
  const [pdy, pdw] = [ptr(be.typedArrayFromHeap(dy)), ptr(be.typedArrayFromHeap(dw))];
  const helper = a.n >= 16 && b * m * a.n >= SPLIT_WORK ? wasmHeapHelper(PRODUCT_SOURCE, backend) : null;
  if (helper) {
    // rows o0.. of dW on the helper thread, 0..o0 here (a multiple of 8: whole blocks of the kernel)
    const o0 = 8 * Math.ceil(a.n / 16);
    const join = helper.start('gradW', [pdy + o0 * 4, cols, vals, pdw + o0 * D * 4, b, m, a.n - o0, D, JC, a.n]);
    try { ex.gradW(pdy, cols, vals, pdw, b, m, o0, D, JC, a.n); } finally { join(); }
  } else {
    ex.gradW(pdy, cols, vals, pdw, b, m, a.n, D, JC, a.n);
  }
  return dw;
};

/** The windows of x [b, m] as one int32 tensor info [b, 5m] on the cpu backend (`cols`, then the bits of `vals`). */
function cpuWindows(be: CpuBackendLike, x: tf.TensorInfo, g: BsplineGrid): tf.TensorInfo {
  const [b, m] = x.shape;
  const data = new Int32Array(b * m * (1 + WIN));
  const { cols, vals } = cpuWinViews(data, b * m);
  windowsInto(be.data.get(x.dataId).values as Float32Array, m, g, cols, vals);
  return be.makeTensorInfo([b, (1 + WIN) * m], 'int32', data);
}

/** `cols` and `vals` views of a windows tensor's int32 data (count = b·m). */
function cpuWinViews(data: Int32Array, count: number): { cols: Int32Array; vals: Float32Array } {
  return { cols: data.subarray(0, count), vals: new Float32Array(data.buffer, data.byteOffset + count * 4, count * WIN) };
}

const cpuForward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as unknown as CpuBackendLike;
  const { w, win } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as ProductAttrs;
  const [b, m5] = win.shape;
  const m = m5 / (1 + WIN);
  const D = m * (a.t + a.d);
  const { cols, vals } = cpuWinViews(be.data.get(win.dataId).values as Int32Array, b * m);
  const y = new Float32Array(b * a.n);
  windowProductInto(be.data.get(w.dataId).values as Float32Array, cols, vals, y, b, m, a.n, D);
  return be.makeTensorInfo([b, a.n], 'float32', y);
};

const cpuGradW: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as unknown as CpuBackendLike;
  const { dy, win } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as ProductAttrs;
  const [b, m5] = win.shape;
  const m = m5 / (1 + WIN);
  const D = m * (a.t + a.d);
  const { cols, vals } = cpuWinViews(be.data.get(win.dataId).values as Int32Array, b * m);
  const dw = new Float32Array(a.n * D);
  windowGradWInto(be.data.get(dy.dataId).values as Float32Array, cols, vals, dw, b, m, a.n, D);
  return be.makeTensorInfo([a.n, D], 'float32', dw);
};

/**
 * The windows of x as a tensor made outside the tape (called on the backend directly, not through
 * `runKernel`): for the tape it is a constant, so no kernel output gets a zero gradient tensor and
 * the product's gradient owes it none. Its x dependence is the product's own `dx` (it takes x too).
 */
function windowsTensor(x: tf.Tensor, g: BsplineGrid): tf.Tensor {
  const backend = tf.backend();
  const info = tf.getBackend() === 'wasm'
    ? wasmWindows(backend as unknown as WasmBackendLike, wasmExports(backend)!, x, g)
    : cpuWindows(backend as unknown as CpuBackendLike, x, g);
  return tf.engine().makeTensorFromTensorInfo(info, backend);
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerKernelTable({
    wasm: { [BSPLINE_PRODUCT_KERNEL]: wasmForward, [BSPLINE_PRODUCT_GRAD_W_KERNEL]: wasmGradW },
    cpu: { [BSPLINE_PRODUCT_KERNEL]: cpuForward, [BSPLINE_PRODUCT_GRAD_W_KERNEL]: cpuGradW },
  });
  tf.registerGradient({
    kernelName: BSPLINE_PRODUCT_KERNEL,
    inputsToSave: ['x', 'w', 'win'],
    gradFunc: (dys, saved, attrs) => {
      const dy = Array.isArray(dys) ? dys[0] : dys;
      const [x, w, win] = saved;
      const a = attrs as unknown as ProductAttrs;
      const m = x.shape[1] as number;
      const D = m * (a.t + a.d);
      return {
        // dx = Σ_i B_i′(x)·(dy·W)[:, j·K + i]; W = w viewed [n, D] (no transpose)
        x: () => bsplineBasisGrad(x, tf.matMul(dy, tf.reshape(w, [a.n, D])), a),
        w: () => tf.reshape(tf.engine().runKernel(BSPLINE_PRODUCT_GRAD_W_KERNEL, { dy, win } as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor, w.shape),
      };
    },
  });
}

/** True when {@link bsplineIdentityProduct} runs: fast paths on, wasm (with SIMD) or cpu, float32, d ≤ 3 and t + d ≥ 4. */
export function bsplineProductAvailable(x: tf.Tensor, w: tf.Tensor, g: BsplineGrid): boolean {
  if (!fastPathsOn() || x.dtype !== 'float32' || w.dtype !== 'float32' || x.rank !== 2) return false;
  if (g.d < 1 || g.d > WIN - 1 || g.t + g.d < WIN) return false;
  const name = tf.getBackend();
  if (name === 'cpu') return true;
  return name === 'wasm' && wasmExports(tf.backend()) !== null;
}

/**
 * `κ(x)·Wᵀ` for tinyBIG's `bspline_expansion` κ (d ≤ 3) and `identity_reconciliation`
 * W = reshape(w, [n, D]), without building κ(x) [b, m·(t + d)]: each input's d + 1 nonzero bases
 * lie in one window of 4 columns, so `y[r, o] = Σ_j ⟨vals[r, j], W[o, cols[r, j] .. +4]⟩` (half the
 * multiply-adds of the dense product, in wasm SIMD on the tensors in place). The windows are
 * computed once per call, as a tensor made outside the tape, and read by the forward kernel and
 * by the weight gradient. Gradients: `dW` scatters `dy[r, o]·vals[r, j]` into the windows;
 * `dx = Σ_i B_i′(x)·(dy·W)[:, j·K + i]`, only when x needs a gradient. Returns null when
 * {@link bsplineProductAvailable} is false.
 */
export function bsplineIdentityProduct(x: tf.Tensor, w: tf.Tensor, n: number, g: BsplineGrid): tf.Tensor | null {
  if (!bsplineProductAvailable(x, w, g)) return null;
  const m = x.shape[1] as number;
  if (w.size !== n * m * (g.t + g.d)) return null;
  register();
  const attrs = { lo: g.lo, h: g.h, t: g.t, d: g.d, n } as unknown as tf.NamedAttrMap;
  const win = windowsTensor(x, g);
  try {
    // x is an input only for its gradient (the saved x); the kernels read the windows
    return tf.engine().runKernel(BSPLINE_PRODUCT_KERNEL, { x, w, win } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor;
  } finally {
    win.dispose(); // the tape keeps its own reference when it saves it for the gradient
  }
}
