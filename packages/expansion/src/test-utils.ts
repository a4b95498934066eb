/** Runs `fn` with `RPN_FAST_PATHS` set to on or off, restoring the previous value after. */
export async function withFast<T>(fast: boolean, fn: () => Promise<T> | T): Promise<T> {
  const prev = process.env.RPN_FAST_PATHS;
  process.env.RPN_FAST_PATHS = fast ? '1' : '0';
  try {
    return await fn();
  } finally {
    if (prev === undefined) delete process.env.RPN_FAST_PATHS; else process.env.RPN_FAST_PATHS = prev;
  }
}
