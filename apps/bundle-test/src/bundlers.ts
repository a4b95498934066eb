// The bundle test's four ways of bundling app/ with the packed packages: Vite build, Vite's dev
// server, esbuild and webpack (through its CLI), each with settings a user would write.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build as esbuild, transform } from 'esbuild';
import { build as viteBuild, createServer } from 'vite';
import { serve } from './serve.js';

/** A page to open: its origin and how to stop serving it. */
export interface Served { origin: string; close: () => Promise<void> }

/** COOP/COEP: what makes a page cross-origin isolated (and lets tfjs load its threaded binary). */
export const ISOLATION_HEADERS = Object.freeze({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });

/**
 * The minifier setting that keeps tfjs's threaded wasm worker working under Vite 8: mangle names
 * but keep `_scriptDir` (the factory's one free variable), and do not compress (Oxc's compressor
 * drops the `typeof _scriptDir !== "undefined"` guard, so the factory, which tfjs hands to its
 * pthread workers as source text, throws `_scriptDir is not defined` there). See core's README.
 */
export const VITE_THREADS_MINIFY = Object.freeze({ compress: false, mangle: { reserved: ['_scriptDir'] } });

function copyWasm(app: string, out: string): void {
  const wasmDir = path.join(fs.realpathSync(path.join(app, 'node_modules', '@tensorflow', 'tfjs-backend-wasm')), 'dist');
  fs.mkdirSync(path.join(out, 'wasm'), { recursive: true });
  for (const f of fs.readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, f), path.join(out, 'wasm', f));
}

function page(src: string, script: string, type = 'module'): string {
  return fs.readFileSync(path.join(src, 'index.html'), 'utf8').replace('<script type="module" src="./main.ts">', `<script type="${type}" src="${script}">`);
}

/** `vite build` (Vite 8, Rolldown, Oxc) with {@link VITE_THREADS_MINIFY}; returns the output folder. */
export async function buildVite(app: string, src: string): Promise<string> {
  const out = path.join(app, 'out-vite');
  await viteBuild({ root: src, configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 100_000, minify: false, rolldownOptions: { output: { minify: VITE_THREADS_MINIFY } } } });
  copyWasm(app, out);
  return out;
}

/** esbuild, ESM with code splitting, platform browser, no minification (esbuild's default). */
export async function buildEsbuild(app: string, src: string): Promise<string> {
  const out = path.join(app, 'out-esbuild');
  await esbuild({ entryPoints: [path.join(src, 'main.ts')], bundle: true, splitting: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: out, absWorkingDir: app, logLevel: 'error' });
  fs.writeFileSync(path.join(out, 'index.html'), page(src, './main.js'));
  copyWasm(app, out);
  return out;
}

/**
 * webpack 5 through webpack-cli, `mode: 'production'` (sideEffects, usedExports and module
 * concatenation on: what decides whether gradient registration survives) but not minified
 * (Terser took 1–2.5 min of the test on 2 cores). The page is transpiled from TypeScript first
 * (esbuild's transform, no bundling), as a TS loader would.
 */
export async function buildWebpack(app: string, src: string, cli: string): Promise<string> {
  const out = path.join(app, 'out-webpack');
  const entry = path.join(app, 'webpack-entry', 'main.js');
  fs.mkdirSync(path.dirname(entry), { recursive: true });
  fs.writeFileSync(entry, (await transform(fs.readFileSync(path.join(src, 'main.ts'), 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' })).code);
  const config = path.join(app, 'webpack.config.cjs');
  fs.writeFileSync(config, `module.exports = ${JSON.stringify({ mode: 'production', entry, output: { path: out, filename: 'main.js', publicPath: '/', clean: true }, optimization: { minimize: false }, performance: { hints: false }, stats: 'errors-warnings' })};\n`);
  execFileSync(process.execPath, [cli, '--config', config], { cwd: app, stdio: 'pipe' });
  fs.writeFileSync(path.join(out, 'index.html'), page(src, './main.js', 'text/javascript'));
  copyWasm(app, out);
  return out;
}

/** Vite's dev server on app/ (pre-bundled dependencies, no minification), cross-origin isolated. */
export async function viteDev(app: string, src: string): Promise<Served> {
  copyWasm(app, path.join(src, 'public'));
  const server = await createServer({ root: src, configFile: false, logLevel: 'warn', cacheDir: path.join(app, '.vite-cache'), server: { host: '127.0.0.1', port: 0, strictPort: false, headers: ISOLATION_HEADERS, fs: { strict: false }, hmr: false, watch: null } });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the Vite dev server reported no local URL');
  return { origin: url.replace(/\/$/, ''), close: () => server.close() };
}

/** Serves a built folder, cross-origin isolated or not. */
export function serveStatic(dir: string, isolated: boolean): Promise<Served> {
  return serve(dir, isolated);
}
