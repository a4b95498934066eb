import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');
const pkg = JSON.parse(read('package.json')) as { sideEffects: string[]; imports: Record<string, Record<string, string>> };
const specifiers = (code: string) => [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);

describe('gradient registration files', () => {
  it('the Node build carries no copy of tfjs-core\'s engine, tensor class or flags (only gradient code)', () => {
    const code = read('dist/tfjs-gradients.node.js');
    for (const cls of ['class Engine', 'class Tensor ', 'class Variable ', 'class Environment', 'getGlobalNamespace']) expect(code).not.toContain(cls);
    expect(new Set(specifiers(code))).toEqual(new Set(['@tensorflow/tfjs-core']));
    expect(code.length).toBeLessThan(160_000);
  });
  it('the bundler/browser file imports tfjs-core\'s own register_all_gradients and nothing else', () => {
    expect(specifiers(read('dist/tfjs-gradients.browser.js'))).toEqual(['@tensorflow/tfjs-core/dist/register_all_gradients.js']);
  });
  it('sideEffects lists exactly the two gradient files, the ones #tfjs-gradients maps to', () => {
    const map = pkg.imports['#tfjs-gradients'];
    expect([...pkg.sideEffects].sort()).toEqual([map.default, map.node].sort());
    for (const f of pkg.sideEffects) expect(fs.existsSync(path.join(root, f))).toBe(true);
  });
  it('in a fresh Node process, #tfjs-gradients registers into the one engine: tf.grad of a mean works', () => {
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      import '@tensorflow/tfjs-backend-cpu';
      const before = tf.engine();
      const had = tf.getGradient('Mean') !== undefined;
      await import('#tfjs-gradients');
      await tf.setBackend('cpu');
      const g = tf.grad((x) => tf.mean(tf.square(x)))(tf.tensor1d([1, 2, 3]));
      console.log(JSON.stringify({ had, same: tf.engine() === before, grad: Array.from(g.dataSync()) }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!);
    expect(out.had).toBe(false);
    expect(out.same).toBe(true);
    // d/dx mean(x²) = 2x / n
    [1, 2, 3].forEach((x, i) => expect(out.grad[i]).toBeCloseTo((2 * x) / 3, 6));
  });
});
