#!/usr/bin/env node
// `pnpm start` / `pnpm bench`: build the packages through turbo without turbo's banner and summary.
// Turbo's output is kept and printed only when the build fails; a build that takes more than a
// moment (the first one) says so in one line on stderr, so a long silence is not a hang.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const turbo = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'turbo.cmd' : 'turbo');
const child = spawn(turbo, ['run', 'build', '--output-logs=errors-only', '--ui=stream'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
const chunks = [];
child.stdout.on('data', (c) => chunks.push(c));
child.stderr.on('data', (c) => chunks.push(c));
const started = performance.now();
const notice = setTimeout(() => process.stderr.write('building the packages (turbo; the first build takes a few minutes)…\n'), 2000);
child.on('error', (e) => { clearTimeout(notice); process.stderr.write(`build: cannot run turbo (${e.message}); run pnpm install first\n`); process.exit(1); });
child.on('close', (code) => {
  clearTimeout(notice);
  if (code !== 0) {
    process.stderr.write(Buffer.concat(chunks));
    process.stderr.write(`build failed (turbo exit ${code})\n`);
    process.exit(code ?? 1);
  }
  const s = (performance.now() - started) / 1000;
  if (s > 2) process.stderr.write(`built in ${s.toFixed(0)} s\n`);
});
