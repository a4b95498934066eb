import * as tf from '@tensorflow/tfjs-core';
import { prepareExperiment, type ConfigBenchOptions } from './config-bench.js';

/** One kernel class of a profiled step. */
export interface KernelClass {
  readonly kernel: string;
  readonly count: number;
  readonly ms: number;
  /** Floating-point operations (matrix products only: 2·batch·M·K·N), else 0. */
  readonly gflop: number;
}

/** Custom-gradient op scopes (`tf.customGrad`): their time is that of the kernels inside, which the profile lists too. */
const isScope = (name: string): boolean => name === 'unnamed scope' || name.endsWith('__op');

/** Matrix-product kernels whose FLOPs the profile counts. */
const MATMULS = new Set(['BatchMatMul', '_FusedMatMul']);

/** 2·batch·M·K·N of a matMul from its input and output shapes (inner size K from a's last two axes and the output's M). */
export function matMulFlop(inputShapes: readonly (readonly number[] | null)[], outputShape: readonly number[]): number {
  const a = inputShapes[0];
  if (!a || a.length < 2) return 0;
  const M = outputShape[outputShape.length - 2];
  const K = a[a.length - 1] === M && a[a.length - 2] !== M ? a[a.length - 2] : a[a.length - 1];
  const out = outputShape.reduce((p, v) => p * v, 1);
  return 2 * out * K;
}

/**
 * `rpn bench --config FILE --profile`: one training step of the file's model under `tf.profile`
 * after `warm` steps: kernels per step (custom-gradient scopes not counted: their kernels are), time and count per kernel class (sorted by time), matMul
 * GFLOP and their rate against the ~47 GFLOP/s per-core wasm SIMD ceiling, the peak tensor bytes,
 * and how many matMuls ran with a transpose flag (about 10× slower on wasm; should be 0).
 */
export async function profileExperiment(doc: unknown, file: string, o: ConfigBenchOptions & { warm?: number } = {}): Promise<Record<string, unknown>> {
  const p = prepareExperiment(doc, file, o);
  // count transpose-flag matMuls by wrapping the backend's kernel for the duration of the profile
  const backend = tf.getBackend();
  const kernel = tf.getKernel('BatchMatMul', backend) as { kernelFunc: tf.KernelFunc } | undefined;
  const original = kernel?.kernelFunc;
  let flagged = 0;
  try {
    p.model.train?.();
    for (let i = 0; i < (o.warm ?? 3); i++) p.step();
    if (kernel && original) {
      kernel.kernelFunc = (args) => {
        const at = args.attrs as { transposeA?: boolean; transposeB?: boolean } | undefined;
        if (at?.transposeA || at?.transposeB) flagged++;
        return original(args);
      };
    }
    const t0 = performance.now();
    const info = await tf.profile(() => p.step());
    const wallMs = performance.now() - t0;
    const classes = new Map<string, { count: number; ms: number; flop: number }>();
    let total = 0;
    let scopes = 0;
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      // custom-gradient ops appear as scopes around the kernels they run (which are listed too)
      if (isScope(k.name)) { scopes++; continue; }
      total += ms;
      const c = classes.get(k.name) ?? { count: 0, ms: 0, flop: 0 };
      c.count++;
      c.ms += ms;
      if (MATMULS.has(k.name)) c.flop += matMulFlop(k.inputShapes, k.outputShapes[0] ?? []);
      classes.set(k.name, c);
    }
    const rows: KernelClass[] = [...classes].map(([kernel, c]) => ({ kernel, count: c.count, ms: +c.ms.toFixed(3), gflop: +(c.flop / 1e9).toFixed(4) })).sort((a, b) => b.ms - a.ms);
    const mm = rows.filter((r) => MATMULS.has(r.kernel));
    const mmMs = mm.reduce((a, r) => a + r.ms, 0);
    const mmGflop = mm.reduce((a, r) => a + r.gflop, 0);
    return {
      config: file,
      batch: p.batch,
      kernels_per_step: info.kernels.length - scopes,
      custom_gradient_scopes: scopes,
      kernel_ms_total: +total.toFixed(3),
      profiled_wall_ms: +wallMs.toFixed(3),
      matmul_gflop: +mmGflop.toFixed(4),
      matmul_ms: +mmMs.toFixed(3),
      matmul_gflop_per_s: mmMs > 0 ? +(mmGflop / (mmMs / 1000)).toFixed(2) : null,
      matmul_share_of_ceiling: mmMs > 0 ? +(mmGflop / (mmMs / 1000) / 47).toFixed(3) : null,
      step_gflop_per_s_vs_47_ceiling: total > 0 ? +((mmGflop / (total / 1000)) / 47).toFixed(3) : null,
      transpose_flag_matmuls: flagged,
      peak_tensor_mb: +(info.peakBytes / 2 ** 20).toFixed(2),
      classes: rows,
    };
  } finally {
    if (kernel && original) kernel.kernelFunc = original;
    p.dispose();
  }
}
