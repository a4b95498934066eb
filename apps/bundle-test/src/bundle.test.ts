import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { chromium, type BrowserContext } from 'playwright-core';
import { packedProject } from './pack.js';
import { serve } from './serve.js';

// The packed packages in a small page (app/main.ts), bundled by Vite and by esbuild (default
// settings), opened in Debian's Chromium: a few training steps on iris must lower the loss on wasm
// SIMD. The esbuild page is served cross-origin isolated (COOP/COEP), so tfjs loads its threaded
// binary; the Vite page is not: Vite's default minifier breaks the threaded binary's worker, which
// tfjs builds from its factory's source text (see README, "In the browser").
const ISOLATED: Record<string, boolean> = { vite: false, esbuild: true };
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface PageResult {
  error?: string;
  backend?: { backend: string; simd: boolean; threads: number };
  losses?: number[];
  steps?: number;
  medianStepMs?: number;
  tensors?: number;
  params?: number;
  numTensors?: number;
}

if (!haveChromium && process.env.CI) {
  describe('bundle test', () => {
    it('needs Chromium', () => {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium; .ci/run does it)`);
    });
  });
}

describe.skipIf(!haveChromium)('packed packages bundled for the browser', () => {
  let app: string;
  let context: BrowserContext;
  let profile: string;
  const builds: Record<string, string> = {};

  beforeAll(async () => {
    app = packedProject();
    const src = path.join(app, 'src');
    fs.cpSync(path.join(import.meta.dirname, '..', 'app'), src, { recursive: true });
    const wasmDir = path.join(fs.realpathSync(path.join(app, 'node_modules', '@tensorflow', 'tfjs-backend-wasm')), 'dist');
    const copyWasm = (out: string) => {
      fs.mkdirSync(path.join(out, 'wasm'), { recursive: true });
      for (const f of fs.readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, f), path.join(out, 'wasm', f));
    };
    builds.vite = path.join(app, 'out-vite');
    await viteBuild({ root: src, configFile: false, logLevel: 'warn', build: { outDir: builds.vite, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 100_000} });
    copyWasm(builds.vite);
    builds.esbuild = path.join(app, 'out-esbuild');
    await esbuild({ entryPoints: [path.join(src, 'main.ts')], bundle: true, splitting: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: builds.esbuild, absWorkingDir: app, logLevel: 'error' });
    fs.writeFileSync(path.join(builds.esbuild, 'index.html'), fs.readFileSync(path.join(src, 'index.html'), 'utf8').replace('./main.ts', './main.js'));
    copyWasm(builds.esbuild);
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  afterAll(async () => {
    await context?.close();
    if (process.env.RPN_BUNDLE_KEEP) console.log(`kept ${app}`);
    else for (const d of [profile, app && path.dirname(app)]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  async function open(build: string, query = ''): Promise<{ result: PageResult; logs: string[] }> {
    const server = await serve(builds[build], ISOLATED[build]);
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    try {
      await page.goto(`${server.origin}/${query}`);
      try {
        await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 });
      } catch (e) {
        throw new Error(`${build}: the page set no result (${(e as Error).message.split('\n')[0]}); its console:\n${logs.join('\n')}`);
      }
      return { result: (await page.evaluate(() => (window as { __result?: unknown }).__result)) as PageResult, logs };
    } finally {
      await page.close();
      await server.close();
    }
  }

  for (const build of (process.env.RPN_BUNDLERS ?? 'vite,esbuild').split(',')) {
    it(`${build}: trains on wasm SIMD in Chromium and the loss falls`, async () => {
      const { result, logs } = await open(build);
      console.log(`${build}: ${JSON.stringify(result)}`);
      expect(result.error, logs.join('\n')).toBeUndefined();
      expect(result.backend).toMatchObject({ backend: 'wasm', simd: true });
      expect(result.backend!.threads).toBeGreaterThanOrEqual(1);
      const losses = result.losses!;
      expect(losses.length).toBe(4);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
      // the checkpoint package wrote and read back every parameter in the page
      expect(result.tensors).toBe(result.params);
      expect(result.tensors).toBeGreaterThan(0);
      console.log(`${build}: ${result.steps} steps, median ${result.medianStepMs?.toFixed(2)} ms per step, threads ${result.backend!.threads}, losses ${losses.map((l) => l.toFixed(3)).join(' → ')}`);
    });
  }

  it('a missing .wasm file fails with an error naming the URL and the fix', async () => {
    const { result } = await open('esbuild', '?wasm=/missing/');
    expect(result.error).toMatch(/\/missing\/tfjs-backend-wasm[a-z-]*\.wasm/);
    expect(result.error).toContain('wasmPaths');
  });
});
