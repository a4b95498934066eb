import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { packedProject } from './pack.js';
import { buildEsbuild, buildVite, buildWebpack, serveStatic, viteDev, type Served } from './bundlers.js';

// The packed packages in a small page (app/main.ts), bundled by Vite (build and dev server),
// esbuild and webpack, opened in Debian's Chromium: a few training steps on iris must lower the
// loss on wasm SIMD (so tfjs-core's gradients were registered in the one engine, whatever the
// bundler did with side effects). Cross-origin isolated pages must compute with 2 threads on 2
// cores; pages that are not isolated fall back to 1 thread with a warning, or fail when a thread
// count is demanded.
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const require = createRequire(import.meta.url);

interface PageResult {
  error?: string;
  backend?: { backend: string; simd: boolean; threads: number; warnings: string[] };
  isolated?: boolean;
  cores?: number;
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
  let src: string;
  let context: BrowserContext;
  let profile: string;
  const outputs = new Map<string, Promise<string>>();

  beforeAll(async () => {
    app = packedProject();
    src = path.join(app, 'src');
    fs.cpSync(path.join(import.meta.dirname, '..', 'app'), src, { recursive: true });
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  afterAll(async () => {
    await context?.close();
    if (process.env.RPN_BUNDLE_KEEP) console.log(`kept ${app}`);
    else for (const d of [profile, app && path.dirname(app)]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Each bundler's output, built once (the first test that needs it pays for it). */
  function built(bundler: 'vite' | 'esbuild' | 'webpack'): Promise<string> {
    if (!outputs.has(bundler)) {
      const t0 = performance.now();
      const p = bundler === 'vite' ? buildVite(app, src) : bundler === 'esbuild' ? buildEsbuild(app, src) : buildWebpack(app, src, require.resolve('webpack-cli/bin/cli.js'));
      outputs.set(bundler, p.then((out) => { console.log(`${bundler}: built in ${((performance.now() - t0) / 1000).toFixed(1)} s`); return out; }));
    }
    return outputs.get(bundler)!;
  }

  /** Opens a served page and waits for the result it writes to `window.__result`; also lists the .wasm files it fetched. */
  async function open(label: string, served: Served, query = ''): Promise<{ result: PageResult; logs: string[]; wasm: string[] }> {
    const page = await context.newPage();
    const logs: string[] = [];
    const wasm: string[] = [];
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(path.basename(new URL(r.url()).pathname)); });
    try {
      // 'commit', not 'load': Vite's dev server transforms and pre-bundles on the first request,
      // which took over 30 s under load; the wait below bounds the whole run
      await page.goto(`${served.origin}/${query}`, { waitUntil: 'commit', timeout: 90_000 });
      try {
        await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 90_000 });
      } catch (e) {
        throw new Error(`${label}: the page set no result (${(e as Error).message.split('\n')[0]}); its console:\n${logs.join('\n')}`);
      }
      return { result: (await page.evaluate(() => (window as { __result?: unknown }).__result)) as PageResult, logs, wasm };
    } finally {
      await page.close();
      await served.close();
    }
  }

  function expectTrained(label: string, result: PageResult, logs: string[]): void {
    console.log(`${label}: ${JSON.stringify(result)}`);
    expect(result.error, logs.join('\n')).toBeUndefined();
    expect(result.backend).toMatchObject({ backend: 'wasm', simd: true });
    const losses = result.losses!;
    expect(losses.length).toBe(4);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    // the checkpoint package wrote and read back every parameter in the page
    expect(result.tensors).toBe(result.params);
    expect(result.tensors).toBeGreaterThan(0);
    console.log(`${label}: ${result.steps} steps, median ${result.medianStepMs?.toFixed(2)} ms per step, threads ${result.backend!.threads}, losses ${losses.map((l) => l.toFixed(3)).join(' → ')}`);
  }

  /** An isolated page with threads 'auto' runs tfjs's threaded binary with 2 threads on 2 cores (⌊cores/2⌋ on more). */
  function expectThreaded(result: PageResult, wasm: string[]): void {
    expect(result.isolated).toBe(true);
    expect(wasm).toContain('tfjs-backend-wasm-threaded-simd.wasm');
    if (result.cores! >= 2) expect(result.backend!.threads).toBeGreaterThanOrEqual(2);
    expect(result.backend!.threads).toBeLessThanOrEqual(Math.max(2, result.cores!));
    expect(result.backend!.warnings).toEqual([]);
  }

  it('vite build (Vite 8, the threads-safe minifier setting), cross-origin isolated: threads on, the loss falls', async () => {
    const { result, logs, wasm } = await open('vite', await serveStatic(await built('vite'), true));
    expectTrained('vite', result, logs);
    expectThreaded(result, wasm);
  });

  it('vite dev server (pre-bundled dependencies), cross-origin isolated: threads on, the loss falls', async () => {
    const { result, logs, wasm } = await open('vite-dev', await viteDev(app, src));
    expectTrained('vite-dev', result, logs);
    expectThreaded(result, wasm);
  });

  it('esbuild, cross-origin isolated, threads: 2 asked for: 2 threads, the loss falls', async () => {
    const { result, logs, wasm } = await open('esbuild', await serveStatic(await built('esbuild'), true), '?threads=2');
    expectTrained('esbuild', result, logs);
    expectThreaded(result, wasm);
    expect(result.backend!.threads).toBe(2);
  });

  it('webpack 5 (production mode), not isolated: 1 thread, a warning naming COOP/COEP, the loss falls', async () => {
    const { result, logs, wasm } = await open('webpack', await serveStatic(await built('webpack'), false));
    expectTrained('webpack', result, logs);
    expect(result.isolated).toBe(false);
    expect(result.backend!.threads).toBe(1);
    expect(wasm).toEqual(['tfjs-backend-wasm-simd.wasm']);
    expect(result.backend!.warnings.join('\n')).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy/);
  });

  it('threads: 1 on an isolated page loads the plain SIMD binary (no pthread workers)', async () => {
    const { result, logs, wasm } = await open('esbuild threads=1', await serveStatic(await built('esbuild'), true), '?threads=1');
    expect(result.error, logs.join('\n')).toBeUndefined();
    expect(result.isolated).toBe(true);
    expect(result.backend!.threads).toBe(1);
    expect(wasm).toEqual(['tfjs-backend-wasm-simd.wasm']);
  });

  it('threads: 2 on a page that is not isolated is a ValueError naming the headers', async () => {
    const { result } = await open('esbuild not isolated', await serveStatic(await built('esbuild'), false), '?threads=2');
    expect(result.error).toMatch(/^ValueError: threads: 2 asked for, but the page is not cross-origin isolated/);
    expect(result.error).toContain('Cross-Origin-Embedder-Policy: require-corp');
  });

  it('a missing .wasm file fails with an error naming the URL and the fix', async () => {
    const { result } = await open('esbuild missing wasm', await serveStatic(await built('esbuild'), true), '?wasm=/missing/');
    expect(result.error).toMatch(/\/missing\/tfjs-backend-wasm[a-z-]*\.wasm/);
    expect(result.error).toContain('wasmPaths');
  });
});
