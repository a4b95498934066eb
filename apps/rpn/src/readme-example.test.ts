import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

// Keeps the README honest: its "Composing a model" example is extracted and run as written.
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README example', () => {
  it('composes a model from functions of several packages and runs it', async () => {
    const section = readme.slice(readme.indexOf('## Composing a model'));
    const m = /```ts\n([\s\S]*?)```/.exec(section);
    expect(m).not.toBeNull();
    const dir = path.join(import.meta.dirname, '..', '.readme-example');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'example.ts');
    const logs: unknown[][] = [];
    const orig = console.log;
    fs.writeFileSync(file, `${m![1]}\nexport { model, y };\n`);
    console.log = (...a: unknown[]) => void logs.push(a);
    try {
      const mod = await import(file);
      expect(mod.y.shape).toEqual([8, 3]);
      const total = mod.model.summary().total;
      // layer 1: lorr r=2 on n=5, D=4+16=20 → 2·(5+20)=50, w_remainder 5·4=20; layer 2: identity 3·(5·(4+2))=90
      expect(total).toBe(50 + 20 + 90);
      expect(logs[0]).toEqual([total, 'parameters']);
      mod.y.dispose();
      mod.model.dispose();
    } finally {
      console.log = orig;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds an RPN 2 architecture from a tinyBIG config, as the second example shows', async () => {
    const section = readme.slice(readme.indexOf('## Composing a model'));
    const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)];
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const dir = path.join(import.meta.dirname, '..', '.readme-example-2');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'example.ts');
    const logs: unknown[][] = [];
    const orig = console.log;
    fs.writeFileSync(file, `${blocks[1][1]}\nexport { cnn };\n`);
    console.log = (...a: unknown[]) => void logs.push(a);
    try {
      const mod = await import(file);
      expect(mod.cnn.inLayout).toEqual({ kind: 'grid', h: 28, w: 28, d: 1, C: 1 });
      expect(logs[0]).toEqual([mod.cnn.inLayout]);
      expect(mod.cnn.n).toBe(10);
      mod.cnn.dispose();
    } finally {
      console.log = orig;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
