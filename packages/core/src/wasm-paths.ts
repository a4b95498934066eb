/**
 * Where the wasm backend's `.wasm` binaries come from, and an error that says which URL failed.
 * tfjs picks one of three binaries (plain, SIMD, threaded SIMD) by what the platform supports.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from './errors.js';

/** The three binaries of `@tensorflow/tfjs-backend-wasm`. */
export const WASM_BINARIES = Object.freeze(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const);

/** One of {@link WASM_BINARIES}. */
export type WasmBinaryName = (typeof WASM_BINARIES)[number];

/**
 * What tfjs's `setWasmPaths` accepts: a folder prefix (`'/wasm/'`, a CDN URL) or a URL per binary
 * (what Vite's `?url` imports give; tfjs needs all three).
 */
export type WasmPaths = string | { readonly [K in WasmBinaryName]?: string };

/** Checks a per-file map names every binary (tfjs throws a plain Error otherwise). */
export function checkWasmPaths(paths: WasmPaths): void {
  if (typeof paths === 'string') return;
  const missing = WASM_BINARIES.filter((n) => typeof paths[n] !== 'string' || !paths[n]);
  if (missing.length) throw new ValueError('wasmPaths must give a URL for every binary', { argument: 'wasmPaths', expected: `a folder prefix, or URLs for ${WASM_BINARIES.join(', ')}`, received: `no URL for ${missing.join(', ')}` });
}

/** The binary tfjs loads here (SIMD and threads as the platform reports them) and the URL it fetches. */
export async function wasmBinaryUrl(paths: WasmPaths | undefined): Promise<{ binary: WasmBinaryName; url: string }> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const binary: WasmBinaryName = simd && threads ? 'tfjs-backend-wasm-threaded-simd.wasm' : simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  if (paths === undefined) return { binary, url: `${binary} next to the script that bundles @tensorflow/tfjs-backend-wasm (no wasmPaths given)` };
  return { binary, url: typeof paths === 'string' ? `${paths}${binary}` : paths[binary]! };
}

/** The error for a wasm backend that did not initialise: the URL tried and the fix. */
export async function wasmInitError(paths: WasmPaths | undefined): Promise<ValueError> {
  const { url } = await wasmBinaryUrl(paths);
  return new ValueError(`the wasm backend failed to initialise: could not load ${url}`, {
    argument: 'wasmPaths',
    expected: 'the .wasm files of @tensorflow/tfjs-backend-wasm (node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm) served at that URL: copy them next to the page and pass their folder (setupBackend({ wasmPaths: \'/wasm/\' })), or a URL per file (with Vite, `import simd from \'@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url\'`)',
    received: url,
  });
}
