/**
 * One benchmark case of `pnpm bench`. `run` returns the measured fields (medians over
 * repetitions); the harness adds `case`, `backend`, `simd`, `threads` and prints one JSON line.
 */
export interface BenchCase {
  readonly name: string;
  run(opts: { readonly reps: number }): Promise<Record<string, unknown>>;
}

/** Median of the given numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

/** The median of `n` timed calls of `f`, in milliseconds. */
export function timeIt(f: () => void, n: number): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/** The process's peak resident memory so far, in MB. */
export const peakRssMb = (): number => +(process.resourceUsage().maxRSS / 1024).toFixed(1);

/** What the bench cases read of a built model. */
export interface BenchModel {
  forward(x: import('@tensorflow/tfjs-core').Tensor, o?: { training?: boolean }): import('@tensorflow/tfjs-core').Tensor;
  trainableVariables(): import('@tensorflow/tfjs-core').Variable[];
  summary(): { total: number };
  dispose(): void;
}
