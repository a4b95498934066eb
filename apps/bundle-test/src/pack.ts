// Packs the library packages (`pnpm pack`, as published) and lays them out in a temporary project:
// each tarball unpacked into node_modules/@rpn/<name>, each third-party dependency linked to the copy
// the workspace installed from the pnpm store. No network, no registry, no install scripts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..', '..');
const packagesDir = path.join(root, 'packages');

interface Manifest { name: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }

/** The library packages' folders. */
export function libraryPackages(): string[] {
  return fs.readdirSync(packagesDir).map((n) => path.join(packagesDir, n)).filter((d) => fs.existsSync(path.join(d, 'package.json')));
}

/** A temporary project with every packed library package; returns its folder. */
export function packedProject(): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-bundle-'));
  const tarballs = path.join(work, 'tarballs');
  const app = path.join(work, 'app');
  fs.mkdirSync(tarballs);
  fs.mkdirSync(path.join(app, 'node_modules', '@rpn'), { recursive: true });
  const linked = new Map<string, string>();
  for (const dir of libraryPackages()) {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
    const before = new Set(fs.readdirSync(tarballs));
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir, stdio: 'pipe' });
    const file = fs.readdirSync(tarballs).find((f) => !before.has(f));
    if (!file) throw new Error(`pnpm pack wrote no tarball for ${pkg.name}`);
    const target = path.join(app, 'node_modules', pkg.name);
    fs.mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(tarballs, file), '-C', target, '--strip-components=1']);
    const packed = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8')) as Manifest;
    for (const dep of Object.keys({ ...packed.dependencies, ...packed.peerDependencies })) {
      if (dep.startsWith('@rpn/')) continue;
      const real = fs.realpathSync(path.join(dir, 'node_modules', dep));
      const prev = linked.get(dep);
      if (prev && prev !== real) throw new Error(`${dep} resolves to two copies: ${prev} and ${real}`);
      if (prev) continue;
      linked.set(dep, real);
      const link = path.join(app, 'node_modules', dep);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(real, link, 'dir');
    }
  }
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'rpn-bundle-app', private: true, type: 'module' }, null, 2));
  return app;
}
