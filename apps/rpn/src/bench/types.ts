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
