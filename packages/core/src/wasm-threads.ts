/**
 * How many threads the wasm backend computes with, and how to make tfjs 4.22 honour that number.
 *
 * tfjs-backend-wasm 4.22 caps its XNNPACK thread pool at `⌊navigator.hardwareConcurrency / 2⌋`
 * (its C++ `init_with_threads_count`: `min(max(count, 1), 8, num_cores)` with
 * `num_cores = hardwareConcurrency / 2`, a guess at hyper-threading), whatever `setThreadsCount`
 * asked for. On a 2-core machine that is 1 thread even when the page is cross-origin isolated and
 * the threaded binary loads. The cap is read once, while the binary initialises, so
 * {@link shadowHardwareConcurrency} reports `2 × threads` to it for that moment only.
 */
import { ValueError } from './errors.js';

/** The most threads tfjs's wasm backend can use: it creates 8 pthread workers up front and caps its pool there. */
export const MAX_WASM_THREADS = 8;

/** `threads` option of `setupBackend`: a count (1 … 8) or `'auto'` (as many as the page allows). */
export type ThreadsOption = number | 'auto';

/** What decides the thread count: the platform as tfjs sees it. */
export interface ThreadPlatform {
  /** Node (tfjs's `IS_NODE`): the wasm backend has no threads there. */
  readonly node: boolean;
  /** tfjs's `WASM_HAS_MULTITHREAD_SUPPORT`: SharedArrayBuffer can be posted and wasm threads validate. */
  readonly multithread: boolean;
  /** `globalThis.crossOriginIsolated` (browsers; undefined elsewhere). */
  readonly isolated: boolean | undefined;
  /** `navigator.hardwareConcurrency` (logical cores; undefined when unknown). */
  readonly hardwareConcurrency: number | undefined;
}

/** The count to ask tfjs for, and why it is fewer than asked (empty when nothing to say). */
export interface ThreadPlan {
  readonly count: number;
  readonly warnings: readonly string[];
}

const ISOLATION_FIX = 'serve the page cross-origin isolated: headers `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp` on the page (and on its worker scripts)';

function whyNoThreads(p: ThreadPlatform): string {
  if (p.node) return 'tfjs\'s wasm backend starts no threads in Node by itself (WASM_HAS_MULTITHREAD_SUPPORT is false there): use setupNodeBackend({ threads }) from @rpn/core/node';
  if (p.isolated === false) return `the page is not cross-origin isolated (crossOriginIsolated is false), so SharedArrayBuffer and wasm threads are off; ${ISOLATION_FIX}`;
  return 'this platform has no wasm threads (WASM_HAS_MULTITHREAD_SUPPORT is false: no SharedArrayBuffer, or wasm threads do not validate)';
}

/**
 * The `'auto'` count: one thread per physical core as tfjs guesses it (`⌊logical / 2⌋`), but both
 * logical cores of a 2-core machine, at most {@link MAX_WASM_THREADS}: `min(8, max(⌊h/2⌋, min(h, 2)))`.
 */
export function autoThreads(hardwareConcurrency: number | undefined): number {
  const h = hardwareConcurrency && hardwareConcurrency > 0 ? Math.floor(hardwareConcurrency) : 1;
  return Math.min(MAX_WASM_THREADS, Math.max(Math.floor(h / 2), Math.min(h, 2)));
}

/**
 * Decides the thread count. A number is a demand: more than 1 where threads cannot run is a
 * {@link ValueError} (the caller asked for something this page cannot give, and a silent 1 would
 * look like a slow machine). `'auto'` is a wish: it falls back to 1 thread, with a warning in a
 * browser that is not cross-origin isolated (the one case a deployer can fix); in Node it is 1.
 */
export function planThreads(option: ThreadsOption, p: ThreadPlatform): ThreadPlan {
  if (option === 'auto') {
    if (p.multithread) return Object.freeze({ count: autoThreads(p.hardwareConcurrency), warnings: Object.freeze([]) });
    const warnings = p.node ? [] : [`threads: 1 (${whyNoThreads(p)})`];
    return Object.freeze({ count: 1, warnings: Object.freeze(warnings) });
  }
  if (typeof option !== 'number' || !Number.isInteger(option) || option < 1 || option > MAX_WASM_THREADS) {
    throw new ValueError('threads must be a whole number of threads or \'auto\'', { argument: 'threads', expected: `an integer 1 … ${MAX_WASM_THREADS} (tfjs's wasm backend creates ${MAX_WASM_THREADS} workers), or 'auto'`, received: JSON.stringify(option) });
  }
  if (option > 1 && !p.multithread) {
    throw new ValueError(`threads: ${option} asked for, but ${whyNoThreads(p)}`, { argument: 'threads', expected: p.node ? '1 or \'auto\' in Node' : `a cross-origin isolated page (${ISOLATION_FIX}), or threads: 'auto' to fall back to 1 with a warning`, received: String(option) });
  }
  return Object.freeze({ count: option, warnings: Object.freeze([]) });
}

/** The platform as tfjs and the global scope report it. */
export function threadPlatform(node: boolean, multithread: boolean): ThreadPlatform {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return Object.freeze({ node, multithread, isolated: typeof g.crossOriginIsolated === 'boolean' ? g.crossOriginIsolated : undefined, hardwareConcurrency: g.navigator?.hardwareConcurrency });
}

/**
 * Makes `nav.hardwareConcurrency` read at least `2 × threads` (tfjs's cap is half of it) until the
 * returned function is called, which removes the shadowing property again. Does nothing (and
 * returns a no-op) when the real value already allows `threads` or there is no navigator.
 */
export function shadowHardwareConcurrency(nav: { hardwareConcurrency?: number } | undefined, threads: number): () => void {
  if (!nav || threads <= 1) return () => {};
  const real = nav.hardwareConcurrency ?? 1;
  if (Math.floor(real / 2) >= threads) return () => {};
  if (Object.prototype.hasOwnProperty.call(nav, 'hardwareConcurrency')) return () => {};
  Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true, enumerable: true });
  return () => { delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency; };
}
