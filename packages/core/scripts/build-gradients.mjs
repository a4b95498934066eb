// Builds dist/tfjs-gradients.node.js: tfjs-core's own gradient registrations
// (dist/register_all_gradients.js and the gradients/*_grad.js files it imports) for Node, which
// cannot import those extension-less ESM files itself. Every import of a tfjs-core module whose
// names the package entry also exports is rewritten to that entry (kept external), and `ENGINE` to
// `engine()`, so the output carries no copy of tfjs-core's engine, tensor class or registries: only
// the gradient functions and the few stateless helpers (shape and conv arithmetic) the package
// entry does not export. See packages/core/README.md, "Gradients".
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const coreEntry = require.resolve('@tensorflow/tfjs-core');
const coreDist = path.dirname(coreEntry);
const tfc = require('@tensorflow/tfjs-core');
const exported = new Set(Object.keys(tfc));
const STATEFUL = ['engine.js', 'tensor.js', 'environment.js', 'global_util.js', 'kernel_registry.js', 'flags.js', 'base_side_effects.js', 'index.js', 'base.js'];

const CONVERT_TO_TENSOR = `import { Tensor, tensor } from '@tensorflow/tfjs-core';
export function convertToTensor(x, argName, functionName, dtype = 'numeric') {
  if (x instanceof Tensor) return x;
  return tensor(x, undefined, dtype === 'numeric' || dtype === 'string_or_numeric' ? undefined : dtype);
}`;

const names = (clause) => clause.split(',').map((s) => s.trim()).filter(Boolean).map((s) => s.split(/\s+as\s+/)[0].trim());

/** Rewrites one tfjs-core file's imports: to the package entry where it exports every name. */
function rewrite(source) {
  return source
    .replace(/import\s*\{([^}]*)\}\s*from\s*'(\.[^']*)';/g, (all, clause, spec) => {
      const want = names(clause);
      if (want.length === 1 && want[0] === 'ENGINE' && /engine$/.test(spec)) return "import { engine as __rpnEngine } from '@tensorflow/tfjs-core'; const ENGINE = __rpnEngine();";
      if (want.every((n) => exported.has(n))) return `import {${clause}} from '@tensorflow/tfjs-core';`;
      // names of a helper module the entry exports as a namespace (`util`, `backend_util`, …)
      const ns = path.basename(spec);
      if (exported.has(ns) && want.every((n) => tfc[ns] && n in tfc[ns])) {
        const pattern = clause.split(',').map((x) => x.trim()).filter(Boolean).map((x) => x.replace(/\s+as\s+/, ': ')).join(', ');
        return `import { ${ns} as __rpn_${ns} } from '@tensorflow/tfjs-core'; const { ${pattern} } = __rpn_${ns};`;
      }
      return all;
    })
    .replace(/import\s*\*\s*as\s+(\w+)\s+from\s*'(\.[^']*)';/g, (all, ns) => (exported.has(ns) ? `import { ${ns} } from '@tensorflow/tfjs-core';` : all));
}

const outfile = process.argv[2] ?? 'dist/tfjs-gradients.node.js';
const result = await build({
  entryPoints: [path.join(coreDist, 'register_all_gradients.js')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  outfile,
  external: ['@tensorflow/tfjs-core'],
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [{
    name: 'tfjs-core-entry',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        if (!args.importer.startsWith(coreDist)) return undefined;
        const p = path.resolve(path.dirname(args.importer), args.path);
        return { path: p.endsWith('.js') ? p : `${p}.js` };
      });
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(coreDist)) return undefined;
        // convertToTensor (not exported) keeps the four pooling-gradient ops from pulling in tensor.js:
        // gradients always pass tensors, which it returns as they are
        if (args.path === path.join(coreDist, 'tensor_util_env.js')) return { contents: CONVERT_TO_TENSOR, loader: 'js' };
        return { contents: rewrite(readFileSync(args.path, 'utf8')), loader: 'js' };
      });
    },
  }],
});
const inputs = Object.keys(result.metafile.inputs).map((f) => path.relative(coreDist, path.resolve(f)));
const bad = inputs.filter((f) => STATEFUL.includes(f));
if (bad.length) { console.error(`build-gradients: the bundle would carry tfjs-core's stateful modules: ${bad.join(', ')}`); process.exit(1); }
