import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('the committed wasm kernels are the build of their WAT sources', () => {
  const sources = fs.readdirSync(here).filter((f) => f.endsWith('.wat'));
  it('there is at least one kernel', () => expect(sources.length).toBeGreaterThan(0));
  for (const f of sources) {
    it(`${f}: scripts/build-wasm.mjs gives the committed ${f.replace('.wat', '.generated.ts')}`, async () => {
      const { generate } = (await import(path.join(here, '..', '..', 'scripts', 'build-wasm.mjs'))) as { generate(name: string): Promise<string> };
      const text = await generate(f.slice(0, -4));
      expect(fs.readFileSync(path.join(here, f.replace('.wat', '.generated.ts')), 'utf8')).toBe(text);
    });
  }
});
