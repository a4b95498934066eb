import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { appRegistry } from '../registry.js';
import { defaultGoldenDir, loadCases, runCase, unknownFamilies, vendoredGoldenDir } from './runner.js';

// The families the project declares complete (golden-families.json at the repository root):
// every one of their cases must pass here; the list only grows.
const root = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const declared: string[] = JSON.parse(fs.readFileSync(path.join(root, 'golden-families.json'), 'utf8')).complete;
const dir = defaultGoldenDir();
const registry = appRegistry();

describe('golden suite (declared families)', () => {
  it('finds the golden directory', () => {
    expect(fs.existsSync(dir)).toBe(true);
  });
  for (const family of declared) {
    describe(family, () => {
      const cases = loadCases(dir, family);
      it(`has cases in ${family}.json`, () => expect(cases.length).toBeGreaterThan(0));
      for (const c of cases) {
        it(c.id, async () => {
          const r = await runCase(c, registry, dir);
          if (r.status === 'failed') throw new Error(r.message);
          expect(['passed', 'documented']).toContain(r.status);
        });
      }
    });
  }
});

// The vendored copy (golden/) and the team's shared copy (../shared/golden) must not drift apart.
const shared = path.resolve(root, '..', 'shared', 'golden');
const filesOf = (d: string): string[] => [
  ...fs.readdirSync(d).filter((f) => f.endsWith('.json')),
  ...(fs.existsSync(path.join(d, 'checkpoints')) ? fs.readdirSync(path.join(d, 'checkpoints')).map((f) => `checkpoints/${f}`) : []),
].sort();

describe('vendored golden vectors', () => {
  const vendored = vendoredGoldenDir();
  it('are in the repository (golden/ at the root)', () => {
    expect(vendored).toBe(path.join(root, 'golden'));
    expect(fs.existsSync(path.join(vendored, 'index.json'))).toBe(true);
  });
  it('every family file in the directory is known to the suite', () => {
    expect(unknownFamilies(vendored)).toEqual([]);
  });
  it.runIf(fs.existsSync(shared))('equal ../shared/golden byte for byte (refresh with pnpm golden:sync)', () => {
    expect(filesOf(vendored)).toEqual(filesOf(shared));
    const differ = filesOf(shared).filter((f) => !fs.readFileSync(path.join(shared, f)).equals(fs.readFileSync(path.join(vendored, f))));
    expect(differ).toEqual([]);
  });
});
