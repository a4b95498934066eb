import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { appRegistry } from '../registry.js';
import { defaultGoldenDir, loadCases, runCase } from './runner.js';

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
