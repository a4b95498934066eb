#!/usr/bin/env node
// `pnpm test`: build, typecheck, unit tests and the golden suite of the declared families
// (through turbo), then one closing line `N passed, N failed` summed over every vitest run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dirs = ['packages', 'apps'].flatMap((d) => (fs.existsSync(path.join(root, d)) ? fs.readdirSync(path.join(root, d)).map((n) => path.join(root, d, n)) : []));
for (const d of dirs) fs.rmSync(path.join(d, 'test-results.json'), { force: true });

const extra = process.argv.slice(2);
const r = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', 'typecheck', 'test', '--output-logs=new-only', '--concurrency=1', '--continue', ...extra], { cwd: root, stdio: 'inherit' });

let passed = 0;
let failed = 0;
let files = 0;
for (const d of dirs) {
  const f = path.join(d, 'test-results.json');
  if (!fs.existsSync(f)) continue;
  try {
    const j = JSON.parse(fs.readFileSync(f, 'utf8'));
    passed += j.numPassedTests ?? 0;
    failed += (j.numFailedTests ?? 0) + (j.numTotalTestSuites && j.success === false && !j.numFailedTests ? 1 : 0);
    files++;
  } catch {
    failed++;
  }
}
// Packaging check: each library package packs and runs from its tarball in an empty project.
const pc = spawnSync('node', [path.join(root, 'scripts', 'pack-check.mjs')], { cwd: root, encoding: 'utf8' });
process.stdout.write(pc.stdout ?? '');
const m = /pack-check: (\d+) passed, (\d+) failed/.exec(pc.stdout ?? '');
if (m) { passed += Number(m[1]); failed += Number(m[2]); } else failed++;
let status = r.status ?? 1;
if (pc.status !== 0 && status === 0) status = 1;
if (status !== 0 && failed === 0) failed = 1; // a build/typecheck failure counts as a failure
console.log(`test reports: ${files}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(status);
