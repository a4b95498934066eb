#!/usr/bin/env node
// Packaging check: every library package packs (`pnpm pack`), and the tarballs install and run
// in an empty project that has only @tensorflow/tfjs-core beside them. Prints
// `pack-check: N passed, N failed` and exits non-zero on failure.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const pkgsDir = path.join(root, 'packages');
const names = fs.readdirSync(pkgsDir).filter((n) => fs.existsSync(path.join(pkgsDir, n, 'package.json')));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-pack-'));
const tarDir = path.join(work, 'tarballs');
fs.mkdirSync(tarDir);
const run = (cmd, args, cwd) => spawnSync(cmd, args, { cwd, encoding: 'utf8' });

let passed = 0;
let failed = 0;
const tarballs = {};
for (const n of names) {
  const r = run('pnpm', ['pack', '--pack-destination', tarDir], path.join(pkgsDir, n));
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgsDir, n, 'package.json'), 'utf8'));
  const file = fs.readdirSync(tarDir).find((f) => f.startsWith(pkg.name.replace('@', '').replace('/', '-') + '-'));
  if (r.status !== 0 || !file) {
    console.log(`pack FAIL ${pkg.name}: ${r.stderr || r.stdout}`);
    failed++;
    continue;
  }
  tarballs[pkg.name] = path.join(tarDir, file);
}
const app = path.join(work, 'app');
fs.mkdirSync(app);
const deps = { '@tensorflow/tfjs-core': '4.22.0' };
for (const [name, file] of Object.entries(tarballs)) deps[name] = `file:${file}`;
// Internal workspace dependencies resolve to the same tarballs.
fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'pack-check-app', private: true, type: 'module', dependencies: deps, overrides: Object.fromEntries(Object.entries(tarballs).map(([n, f]) => [n, `file:${f}`])) }, null, 2));
const inst = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
if (inst.status !== 0) {
  console.log(`install FAIL: ${inst.stderr}`);
  console.log(`pack-check: 0 passed, ${names.length} failed`);
  process.exit(1);
}
for (const name of Object.keys(tarballs)) {
  const script = `
    import * as tf from '@tensorflow/tfjs-core';
    import { setupBackend } from '@rpn/core';
    const mod = await import('${name}');
    const info = await setupBackend();
    const exportsCount = Object.keys(mod).length;
    if (exportsCount === 0) throw new Error('no exports');
    const x = tf.ones([2, 3]);
    const y = tf.matMul(x, tf.transpose(x));
    const g = tf.grad((a) => tf.sum(tf.mul(a, a)))(x);
    if (y.dataSync()[0] !== 3 || g.dataSync()[0] !== 2) throw new Error('compute failed');
    console.log('${name}', exportsCount, 'exports on', info.backend);
  `;
  fs.writeFileSync(path.join(app, 'check.mjs'), script);
  const r = run('node', ['check.mjs'], app);
  if (r.status === 0) passed++;
  else {
    failed++;
    console.log(`run FAIL ${name}: ${r.stderr.split('\n').slice(0, 5).join('\n')}`);
  }
}
fs.rmSync(work, { recursive: true, force: true });
console.log(`pack-check: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
