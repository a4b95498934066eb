import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
/** The wasm binaries of the tfjs wasm backend (the one @rpn/core uses). */
const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
/** The vendored golden vectors (JSON and the checkpoint files), served under /golden/. */
const goldenDir = path.join(root, 'golden');

/** Cross-origin isolation (so the threaded wasm build can use SharedArrayBuffer); `RPN_WEB_NO_ISOLATION=1` leaves it out (timings without threads). */
const ISOLATION: Record<string, string> = process.env.RPN_WEB_NO_ISOLATION ? {} : { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));

/** Serves /wasm/* and /golden/* in dev and emits them into the build: files only the app reads at run time. */
function staticAssets(): Plugin {
  const mounts: [string, string, string[]][] = [
    ['/wasm/', wasmDir, WASM_FILES],
    ['/golden/', goldenDir, files(goldenDir).filter((f) => /\.(json|pt|safetensors)$/.test(f))],
  ];
  return {
    name: 'rpn-static-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0];
        for (const [prefix, dir, list] of mounts) {
          if (!url.startsWith(prefix)) continue;
          const rel = decodeURIComponent(url.slice(prefix.length));
          if (prefix === '/golden/' && rel === 'index.json') { res.setHeader('Content-Type', 'application/json'); res.end(JSON.stringify(list)); return; }
          if (!list.includes(rel)) break;
          res.setHeader('Content-Type', rel.endsWith('.wasm') ? 'application/wasm' : rel.endsWith('.json') ? 'application/json' : 'application/octet-stream');
          res.end(fs.readFileSync(path.join(dir, rel)));
          return;
        }
        next();
      });
    },
    generateBundle() {
      for (const [prefix, dir, list] of mounts) {
        for (const f of list) this.emitFile({ type: 'asset', fileName: `${prefix.slice(1)}${f}`, source: fs.readFileSync(path.join(dir, f)) });
      }
      this.emitFile({ type: 'asset', fileName: 'golden/index.json', source: JSON.stringify(mounts[1][2]) });
    },
  };
}

/** Minify without breaking tfjs's threaded wasm worker (see `build` below and packages/core/README.md, "Threads"). */
const THREADS_SAFE_MINIFY = { compress: false, mangle: { reserved: ['_scriptDir'] } };

export default defineConfig({
  base: './',
  plugins: [staticAssets()],
  server: { headers: ISOLATION, fs: { allow: [root] } },
  preview: { headers: ISOLATION },
  worker: { format: 'es', rolldownOptions: { output: { minify: THREADS_SAFE_MINIFY } } },
  // tfjs-backend-wasm hands its threaded module factory to the pthread workers as source text
  // (Function.toString). Vite's default minifier breaks it twice: mangling renames `_scriptDir`,
  // the factory's one free variable, and Oxc's compressor drops its `typeof _scriptDir !==
  // "undefined"` guard; the workers then throw `_scriptDir is not defined` (or `e is not
  // defined`) under cross-origin isolation. Mangle everything else, do not compress.
  build: { target: 'es2022', chunkSizeWarningLimit: 8000, minify: false, rolldownOptions: { output: { minify: THREADS_SAFE_MINIFY } } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
