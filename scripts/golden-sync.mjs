#!/usr/bin/env node
// `pnpm golden:sync [--from DIR]`: refresh the vendored golden vectors (golden/) from the team's
// shared copy (../shared/golden by default). Copies every *.json family file and checkpoints/;
// files that disappeared upstream are removed here. Writes each file to a temporary name first,
// then renames, so an interrupted sync never leaves a half-written file.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const i = args.indexOf('--from');
const from = path.resolve(i >= 0 ? args[i + 1] ?? '' : path.join(root, '..', 'shared', 'golden'));
const to = path.join(root, 'golden');
if (!fs.existsSync(path.join(from, 'index.json'))) {
  console.error(`golden:sync: no golden set at ${from} (expected index.json there); pass --from DIR`);
  process.exit(1);
}

/** The files a golden set is made of, relative to its folder (README excluded: ours is our own). */
export function goldenFiles(dir) {
  const top = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  const cp = fs.existsSync(path.join(dir, 'checkpoints')) ? fs.readdirSync(path.join(dir, 'checkpoints')).map((f) => `checkpoints/${f}`) : [];
  return [...top, ...cp].sort();
}

let copied = 0;
let same = 0;
fs.mkdirSync(path.join(to, 'checkpoints'), { recursive: true });
const wanted = goldenFiles(from);
for (const rel of wanted) {
  const src = fs.readFileSync(path.join(from, rel));
  const dst = path.join(to, rel);
  if (fs.existsSync(dst) && fs.readFileSync(dst).equals(src)) { same++; continue; }
  fs.writeFileSync(`${dst}.tmp`, src);
  fs.renameSync(`${dst}.tmp`, dst);
  copied++;
}
let removed = 0;
for (const rel of goldenFiles(to)) if (!wanted.includes(rel)) { fs.rmSync(path.join(to, rel)); removed++; }
console.log(`golden:sync: ${copied} updated, ${same} unchanged, ${removed} removed (from ${from})`);
