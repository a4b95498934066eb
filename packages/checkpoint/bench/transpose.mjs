// Bench note (not a test): time to read a .pt holding a 2048×2048 float32 transposed view.
// Usage: node bench/transpose.mjs [path/to/checkpoint/dist/index.js]  (default: this package's dist)
import { performance } from 'node:perf_hooks';
const here = new URL('../dist/index.js', import.meta.url).href;
const { writeTorchViews } = await import(here);
const { readTorchStateDict } = await import(process.argv[2] ? new URL(process.argv[2], `file://${process.cwd()}/`).href : here);
const n = 2048;
const bytes = new Uint8Array(Float32Array.from({ length: n * n }, (_, i) => i).buffer);
const pt = writeTorchViews([{ name: 'w', dtype: 'float32', storage: '0', bytes, offset: 0, size: [n, n], stride: [1, n] }]);
const times = [];
for (let k = 0; k < 7; k++) { const t0 = performance.now(); readTorchStateDict(pt); times.push(performance.now() - t0); }
times.sort((a, b) => a - b);
console.log(`2048×2048 transpose read: median ${times[3].toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[6].toFixed(1)})`);
