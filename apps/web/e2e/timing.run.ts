import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { build, preview } from 'vite';
import { parse } from 'yaml';
import { setupBackend } from '@rpn/core';
import { timeExperiment, type StepTimings } from '../src/bench.js';
import { webRegistry } from '../src/registry.js';
import { chromiumMissing, launch } from './browser.js';

const appDir = path.resolve(import.meta.dirname, '..');
const config = path.resolve(appDir, '../rpn/configs/mnist_dual_lphm_configs.yaml');
const fmt = (t: StepTimings & { tfjsThreads?: number | null }) => `forward ${t.forwardMs.toFixed(2)} ms, step ${t.stepMs.toFixed(2)} ms (batch ${t.batch}, ${t.parameters} parameters${t.tfjsThreads != null ? `, ${t.tfjsThreads} thread(s)` : ''})`;

async function inBrowser(isolated: boolean, query = ''): Promise<StepTimings & { tfjsThreads: number | null; isolated: boolean }> {
  if (isolated) delete process.env.RPN_WEB_NO_ISOLATION; else process.env.RPN_WEB_NO_ISOLATION = '1';
  const server = await preview({ root: appDir, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const b = await launch();
  try {
    const page = await b.context.newPage();
    await page.goto(`${server.resolvedUrls!.local[0]}${query}`);
    await page.waitForSelector('#backend', { timeout: 60_000 });
    await page.click('#nav-parity');
    await page.click('#bench-run');
    await page.waitForSelector('#bench-status[data-timing]', { timeout: 300_000 });
    return JSON.parse((await page.getAttribute('#bench-status', 'data-timing'))!);
  } finally {
    await b.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');

it('times mnist_dual_lphm in Node and in Chromium, with and without threads', async () => {
  const doc = parse(fs.readFileSync(config, 'utf8'));
  const rows: string[] = [];
  const row = (where: string, threads: string, t: StepTimings) => rows.push(`| ${where} | ${threads} | ${t.forwardMs.toFixed(2)} | ${t.stepMs.toFixed(2)} |`);
  const loadBefore = load();
  const info = await setupBackend();
  const node = await timeExperiment(webRegistry(), doc);
  console.log(`node (${info.backend}${info.simd ? ' simd' : ''}, ${info.threads} thread(s) reported): ${fmt(node)}`);
  row(`Node ${process.versions.node}, wasm${info.simd ? ' SIMD' : ''}`, `${info.threads} (tfjs has no wasm threads in Node)`, node);
  const missing = chromiumMissing();
  if (missing) { console.warn(missing); return; }
  await build({ root: appDir, logLevel: 'warn' });
  const cases: [string, boolean, string][] = [['not isolated', false, ''], ['COOP/COEP, threads: 1', true, '?threads=1'], ["COOP/COEP, threads: 'auto'", true, '']];
  for (const [label, isolated, query] of cases) {
    const t = await inBrowser(isolated, query);
    console.log(`chromium ${label} (crossOriginIsolated ${t.isolated}): ${fmt(t)}`);
    expect(t.isolated).toBe(isolated);
    row(`Chromium, ${label}`, String(t.tfjsThreads), t);
  }
  console.log([
    `mnist_dual_lphm_configs.yaml, batch ${node.batch}, ${node.parameters} parameters; medians of ${node.reps} runs (wall clock, ms); ${os.cpus().length} logical cores; load average (1, 5, 15 min) ${loadBefore} before, ${load()} after`,
    '',
    '| where | threads | forward (ms) | training step (ms) |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n'));
});
