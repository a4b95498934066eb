import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// With `threads: 2`, our own wasm kernels (the B-spline × identity product and its weight gradient,
// the fused AdamW) split their work with @rpn/core's helper thread. Each case is its own Node
// process (a backend's thread count is fixed when it starts). Config D's model (784→64→10, W of
// 401,408 values: every split applies) trains 4 steps on the same data with 1 and with 2 threads;
// the parameters must be the same bits, and the helper must have run jobs.
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const script = (threads: number) => `
import { readFileSync } from 'node:fs';
import { setupNodeBackend, heapKernelHelperJobs } from '@rpn/core/node';
import { parse } from 'yaml';
import { createHash } from 'node:crypto';
const info = await setupNodeBackend({ threads: ${threads} });
const { prepareExperiment } = await import(${JSON.stringify(path.join(dist, 'bench/config-bench.js'))});
const file = ${JSON.stringify(path.resolve(dist, '../bench-configs/kan_like_mnist_configs.yaml'))};
const p = prepareExperiment(parse(readFileSync(file, 'utf8')), 'kan_like_mnist_configs.yaml', {});
const h = createHash('sha256');
for (let i = 0; i < 4; i++) p.step();
for (const v of p.model.trainableVariables()) h.update(Buffer.from(v.dataSync().buffer));
console.log(JSON.stringify({ jobs: heapKernelHelperJobs(), hash: h.digest("hex"), info }));
p.dispose();
`;

/** This process's environment without the variables that would change the backend, threads or fast paths. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['RPN_BACKEND', 'RPN_THREADS', 'RPN_FAST_PATHS']) delete env[k];
  return env;
}

function run(threads: number): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script(threads)], {
      cwd: dist, timeout: 120_000, env: childEnv(),
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout, err: stderr }));
  });
}

describe('our wasm kernels split across 2 threads', () => {
  it('config D trains to the same bits with 1 and 2 threads, and the helper thread did work', async () => {
    const [one, two] = await Promise.all([run(1), run(2)]);
    expect(one.err).toBe('');
    expect(two.err).toBe('');
    expect([one.code, two.code]).toEqual([0, 0]);
    const r1 = JSON.parse(one.out) as { jobs: number; hash: string };
    const r2 = JSON.parse(two.out) as typeof r1;
    expect(r1.jobs).toBe(0);
    // 4 steps × (forward, weight gradient, AdamW of the 401,408-value W)
    expect(r2.jobs).toBe(12);
    expect(r2.hash).toBe(r1.hash);
  }, 180_000);
});
