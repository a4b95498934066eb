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
    fs.rmSync(artifacts, { recursive: true, force: true }); // so the screenshot check sees this run's files only
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

  it('runs on wasm SIMD, cross-origin isolated (the preview server sends COOP/COEP), with 2+ threads on 2+ cores', async () => {
    const backend = await page.textContent('#backend');
    expect(backend).toContain('wasm SIMD');
    expect(backend).toContain('cross-origin isolated');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = Number(/(\d+) thread/.exec(backend ?? '')?.[1]);
    if (cores >= 2) expect(threads).toBeGreaterThanOrEqual(2);
  });

  /** The summary table's rows: name, shape and count of every parameter. */
  const summaryRows = () => page.$$eval('#summary tbody tr:not(.total)', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  let downloaded = '';
  let downloadedRows: string[][] = [];

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
    downloaded = file;
    await page.click('#nav-load');
    downloadedRows = await summaryRows();
    await page.click('#nav-save');
    const bytes = new Uint8Array(fs.readFileSync(file));
    expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]); // a zip, as torch.save writes
    const sd = readTorchStateDict(bytes);
    const rows = await page.$$eval('#summary tbody tr:not(.total) td:first-child', (tds) => tds.map((td) => td.textContent));
    expect([...sd.keys()].sort()).toEqual([...rows].sort());
    expect([...sd.values()].reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0)).toBe(total);
    await shot('3-save');
  });

  it('loads the downloaded .pt back: the summary shows the same names, shapes and counts', async () => {
    expect(downloaded).not.toBe('');
    await page.click('#nav-load');
    await page.setInputFiles('#file', downloaded);
    await page.waitForFunction((name) => document.querySelector('#load-status')?.textContent?.includes(name), path.basename(downloaded), { timeout: 30_000 });
    const status = (await page.textContent('#load-status')) ?? '';
    expect(status).not.toMatch(/^error/);
    const rows = await summaryRows();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(downloadedRows);
    await shot('3b-load-pt');
  });

  it('trains iris (iris_configs.yaml): the test MSE falls well below the label variance (2/3 for classes 0, 1, 2 in equal shares)', async () => {
    await page.click('#nav-load');
    await page.setInputFiles('#file', path.join(configs, 'iris_configs.yaml'));
    await page.waitForFunction(() => document.querySelector('#load-status')?.textContent?.startsWith('loaded iris'), null, { timeout: 30_000 });
    await page.click('#nav-train');
    await page.fill('#train-target', '');
    await page.fill('#train-epochs', '300');
    const runs = Number((await page.getAttribute('#train-final', 'data-run')) ?? 0);
    await page.click('#train');
    await page.waitForFunction((n) => Number(document.querySelector('#train-final')?.getAttribute('data-run')) > n, runs, { timeout: 120_000 });
    expect(await page.getAttribute('#train-final', 'data-epochs')).toBe('300');
    const final = Number(await page.getAttribute('#train-final', 'data-final'));
    const first = Number(await page.getAttribute('#train-final', 'data-first-loss'));
    const last = Number(await page.getAttribute('#train-final', 'data-last-loss'));
    expect(last).toBeLessThan(first);
    expect(final).toBeLessThan(0.2);
    await shot('3c-train-iris');
    await page.fill('#train-epochs', ''); // later runs take their epochs from their own config
  });

  it('looks inside: the basis functions plot and the W heat map render (one cell per entry of W)', async () => {
    await page.click('#nav-inside');
    await page.fill('#inside-low', '-2');
    await page.fill('#inside-high', '2');
    await page.click('#inside-basis');
    await page.waitForSelector('#chart-basis svg path', { timeout: 30_000 });
    await page.click('#inside-weights');
    await page.waitForSelector('#chart-w svg', { timeout: 30_000 });
    expect(await page.textContent('#inside-status')).toBe('');
    // the head's n and D as the page states them, and the heat map's title: W is n × D
    const dims = /n = (\d+), D = (\d+)/.exec((await page.textContent('section:not([hidden])')) ?? '');
    const title = await page.textContent('#chart-w svg');
    expect(dims).not.toBeNull();
    expect(title).toContain(`${dims![1]} × ${dims![2]}`);
    const cells = await page.$$eval('#chart-w svg g.mark-rect.role-mark path', (ps) => ps.length);
    expect(cells).toBe(Number(dims![1]) * Number(dims![2]));
    const curves = await page.$$eval('#chart-basis svg g.mark-line.role-mark path', (ps) => ps.length);
    expect(curves).toBeGreaterThan(0);
    await shot('3d-inside');
  });

  it('keeps the model in IndexedDB and loads it back after another model replaced it', async () => {
    await page.click('#nav-load');
    const kept = await summaryRows();
    await page.click('#nav-save');
    await page.fill('#store-name', 'e2e-iris');
    await page.click('#store-save');
    await page.waitForFunction(() => document.querySelector('#save-status')?.textContent === 'kept e2e-iris in IndexedDB', null, { timeout: 30_000 });
    expect(await page.$$eval('#stored li', (lis) => lis.map((li) => li.firstChild?.textContent?.trim()))).toContain('e2e-iris');
    // another model replaces it in the page
    await page.click('#nav-load');
    await page.setInputFiles('#file', path.join(configs, 'elementary_configs.yaml'));
    await page.waitForFunction(() => document.querySelector('#load-status')?.textContent?.startsWith('loaded elementary'), null, { timeout: 30_000 });
    expect(await summaryRows()).not.toEqual(kept);
    await page.click('#nav-save');
    await page.click('#stored li:has-text("e2e-iris") button:has-text("load")');
    await page.waitForFunction(() => document.querySelector('#save-status')?.textContent === 'loaded e2e-iris from IndexedDB', null, { timeout: 30_000 });
    await page.click('#nav-load');
    expect(await summaryRows()).toEqual(kept);
    // what IndexedDB holds, read by the page itself
    const names = await page.evaluate(() => new Promise<string[]>((resolve, reject) => {
      const req = indexedDB.open('rpn-models');
      req.onsuccess = () => { const r = req.result.transaction('models').objectStore('models').getAllKeys(); r.onsuccess = () => resolve(r.result.map(String)); r.onerror = () => reject(r.error); };
      req.onerror = () => reject(req.error);
    }));
    expect(names).toContain('e2e-iris');
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

  it('saved a screenshot of every step as a test artifact (PNG files in test-artifacts/)', () => {
    for (const name of ['1-load', '2-train-elementary', '3-save', '3b-load-pt', '3c-train-iris', '3d-inside', '4-compose', '5-train-composed']) {
      const file = path.join(artifacts, `${name}.png`);
      expect(fs.existsSync(file), file).toBe(true);
      expect([...fs.readFileSync(file).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    }
  });
});
