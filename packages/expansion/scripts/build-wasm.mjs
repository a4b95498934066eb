// Compiles src/wasm/*.wat (wasm SIMD) with npm `wabt` into src/wasm/<name>-wasm.ts (the bytes, base64).
// `node scripts/build-wasm.mjs` writes; `--check` exits 1 when a committed file differs from a fresh build.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileWat, wasmModuleSource } from './wat.mjs';

const dir = fileURLToPath(new URL('../src/wasm/', import.meta.url));
const check = process.argv.includes('--check');
let stale = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.wat'))) {
  const name = file.slice(0, -4);
  const bytes = await compileWat(file, readFileSync(dir + file, 'utf8'));
  const out = `${dir}${name}-wasm.ts`;
  const text = wasmModuleSource(name, bytes);
  if (check) {
    let old = '';
    try { old = readFileSync(out, 'utf8'); } catch { /* missing */ }
    if (old !== text) { stale++; console.error(`${out} is not the build of ${file}`); }
  } else {
    writeFileSync(out, text);
    console.log(`${out}: ${bytes.length} bytes`);
  }
}
process.exit(stale ? 1 : 0);
