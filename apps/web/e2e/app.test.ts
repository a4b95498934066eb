import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { readTorchStateDict } from '@rpn/checkpoint';
import { chromiumMissing, launch } from './browser.js';

const appDir = path.resolve(import.meta.dirname, '..');
const configs = path.resolve(appDir, '../rpn/configs');
const artifacts = path.join(appDir, 'test-artifacts');
const missing = chromiumMissing();
if (missing && !process.env.CI) console.warn(`skipping the web end-to-end test: ${missing}`);

describe.skipIf(missing !== null && !process.env.CI)('apps/web in headless Chromium', () => {
  let server: PreviewServer | null = null;
  let url = '';
  let page: Page;
  let close: (() => Promise<void>) | null = null;
  const errors: string[] = [];

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    fs.mkdirSync(artifacts, { recursive: true });
    await build({ root: appDir, logLevel: 'warn' });
    server = await preview({ root: appDir, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
    url = server.resolvedUrls?.local[0] ?? '';
    const b = await launch();
    close = b.close;
    page = await b.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('#backend', { timeout: 60_000 });
  });

  afterAll(async () => {
    await close?.();
    await new Promise<void>((r) => (server ? server.httpServer.close(() => r()) : r()));
  });

  const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

  it('runs on wasm SIMD, cross-origin isolated (the preview server sends COOP/COEP)', async () => {
    const backend = await page.textContent('#backend');
    expect(backend).toContain('wasm SIMD');
    expect(backend).toContain('cross-origin isolated');
  });

  it('loads elementary_configs.yaml, trains it to a test MSE below 1e-3, and the downloaded .pt loads in Node', async () => {
    await page.setInputFiles('#file', path.join(configs, 'elementary_configs.yaml'));
    await page.waitForFunction(() => document.querySelector('#load-status')?.textContent?.startsWith('loaded'), null, { timeout: 30_000 });
    const total = Number((await page.textContent('#summary-total'))?.replace(/\D/g, ''));
    expect(total).toBeGreaterThan(0);
    await shot('1-load');
    await page.click('#nav-train');
    await page.fill('#train-target', '1e-3');
    await page.click('#train');
    await page.waitForSelector('#train-final', { timeout: 100_000 });
    const final = Number(await page.getAttribute('#train-final', 'data-final'));
    expect(final).toBeLessThan(1e-3);
    await page.waitForSelector('#chart-function svg', { timeout: 10_000 });
    await shot('2-train-elementary');

    await page.click('#nav-save');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-torch')]);
    const file = path.join(artifacts, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = new Uint8Array(fs.readFileSync(file));
    expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]); // a zip, as torch.save writes
    const sd = readTorchStateDict(bytes);
    const rows = await page.$$eval('#summary tbody tr:not(.total) td:first-child', (tds) => tds.map((td) => td.textContent));
    expect([...sd.keys()].sort()).toEqual([...rows].sort());
    expect([...sd.values()].reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0)).toBe(total);
    await shot('3-save');
  });

  it('composes a two-layer model in the form and trains it: stop, then resume the same model; the loss falls', async () => {
    await page.click('#nav-compose');
    await page.fill('#compose-dims', '2, 3, 1');
    await page.selectOption('#compose-expansion', 'taylor_expansion');
    await page.fill('#compose-expansion-d', '2');
    await page.selectOption('#compose-reconciliation', 'lorr_reconciliation');
    await page.fill('#compose-epochs', '400');
    await page.click('#compose-apply');
    await page.waitForFunction(() => document.querySelector('#compose-status')?.textContent?.startsWith('built'), null, { timeout: 30_000 });
    await shot('4-compose');
    await page.click('#nav-train');
    await page.fill('#train-target', '');
    const runEnd = async (click: string) => {
      const runs = Number(await page.getAttribute('#train-final', 'data-run'));
      await page.click(click);
      return async () => {
        await page.waitForFunction((n) => Number(document.querySelector('#train-final')?.getAttribute('data-run')) > n, runs, { timeout: 60_000 });
        return { epochs: Number(await page.getAttribute('#train-final', 'data-epochs')), cancelled: await page.getAttribute('#train-final', 'data-cancelled') };
      };
    };
    // stop after a few epochs of 400
    const stopped = await runEnd('#train');
    await page.waitForFunction(() => document.querySelector('#train-start')?.textContent?.endsWith('1…400') && Number(document.querySelector('#train-epoch')?.getAttribute('data-epoch')) >= 3, null, { timeout: 60_000 });
    await page.click('#stop');
    const s = await stopped();
    expect(s.cancelled).toBe('true');
    expect(s.epochs).toBeGreaterThanOrEqual(3);
    expect(s.epochs).toBeLessThan(400);
    // resume: the same model and optimizer continue at the next epoch, up to 5 more
    await page.fill('#train-epochs', String(s.epochs + 5));
    const resumed = await runEnd('#train');
    const r = await resumed();
    expect(r).toEqual({ epochs: s.epochs + 5, cancelled: 'false' });
    expect(await page.getAttribute('#train-start', 'data-start-epoch')).toBe(String(s.epochs + 1));
    const first = Number(await page.getAttribute('#train-final', 'data-first-loss'));
    const last = Number(await page.getAttribute('#train-final', 'data-last-loss'));
    expect(last).toBeLessThan(first);
    await shot('5-train-composed');
    expect(errors).toEqual([]);
  });
});
