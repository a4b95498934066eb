import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (installed by `.ci/run` with apt). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet, offline headless Chromium. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Whether the browser tests can run: with `CI` set a missing Chromium is an error (the test fails
 * with this message); locally the tests are skipped and the message printed.
 */
export function chromiumMissing(): string | null {
  if (fs.existsSync(CHROMIUM)) return null;
  return `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run the browser end-to-end test`;
}

/** A fresh Chromium profile (its own --user-data-dir) that accepts downloads. */
export async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-web-e2e-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, acceptDownloads: true });
  return { context, close: async () => { await context.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}
