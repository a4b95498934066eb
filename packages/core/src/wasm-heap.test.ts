import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerKernelTable, wasmHeapKernel, wasmHeapMemory } from './wasm-heap.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
type Kernels = { kernelDirs(): string[]; kernelSources(dir: string): string[]; generatedPath(wat: string): string; generate(wat: string): Promise<string> };
const kernels = (await import(path.join(root, 'scripts', 'wasm-kernels.mjs'))) as Kernels;

// A kernel of one function, written here: out[i] = a[i] + b[i] over n float32s at byte offsets.
const ADD_WAT = `(module (import "env" "memory" (memory 1))
  (func (export "add") (param $a i32) (param $b i32) (param $o i32) (param $n i32)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (f32.store (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2)))
        (f32.add (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                 (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))))`;

describe('wasm kernels of our own', () => {
  const sources = kernels.kernelDirs().flatMap((d) => kernels.kernelSources(d));
  it('the repository has kernel sources (learn: adam, expansion: bspline-product)', () => {
    expect(sources.map((s) => path.basename(s)).sort()).toEqual(expect.arrayContaining(['adam.wat', 'bspline-product.wat']));
  });
  for (const wat of sources) {
    it(`${path.relative(root, wat)}: the committed ${path.basename(kernels.generatedPath(wat))} is its build (npm wabt)`, async () => {
      expect(fs.readFileSync(kernels.generatedPath(wat), 'utf8')).toBe(await kernels.generate(wat));
    });
  }

  it('wasmHeapKernel runs a kernel on the wasm backend\'s own heap, in place, and caches it per heap', async () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'rpn-wat-'));
    const wat = path.join(dir, 'add.wat');
    fs.writeFileSync(wat, ADD_WAT);
    const text = await kernels.generate(wat);
    const plain = /PLAIN = '([^']+)'/.exec(text)![1];
    const shared = /SHARED = '([^']+)'/.exec(text)![1];
    expect(tf.getBackend()).toBe('wasm');
    const backend = tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
    expect(wasmHeapMemory(backend)).toBeInstanceOf(WebAssembly.Memory);
    const k = wasmHeapKernel<{ add(a: number, b: number, o: number, n: number): void }>({ plain, shared }, backend);
    expect(k).not.toBeNull();
    expect(wasmHeapKernel({ plain, shared }, backend)).toBe(k);
    const a = tf.tensor1d([1, 2, 3, 4, 5]);
    const b = tf.tensor1d([10, 20, 30, 40, 50]);
    const o = tf.zeros([5]);
    const [va, vb, vo] = [a, b, o].map((t) => backend.typedArrayFromHeap(t as unknown as tf.TensorInfo));
    k!.add(va.byteOffset, vb.byteOffset, vo.byteOffset, 5);
    expect(Array.from(o.dataSync())).toEqual([11, 22, 33, 44, 55]);
    tf.dispose([a, b, o]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives null (the caller\'s plain path) for a backend without a wasm heap, or bytes that are not a module', () => {
    expect(wasmHeapKernel({ plain: 'AAAA', shared: 'AAAA' }, { wasm: {} })).toBeNull();
    expect(wasmHeapKernel({ plain: 'AAAA', shared: 'AAAA' }, null)).toBeNull();
    expect(wasmHeapKernel({ plain: btoa('not wasm'), shared: btoa('not wasm') }, tf.backend())).toBeNull();
  });
});

describe('registerKernelTable', () => {
  it('registers each kernel once per backend and leaves one already registered as it is', () => {
    const mine: tf.KernelFunc = () => { throw new Error('mine'); };
    const theirs: tf.KernelFunc = () => { throw new Error('theirs'); };
    tf.registerKernel({ kernelName: 'RpnTableTestB', backendName: 'cpu', kernelFunc: theirs });
    const table = { cpu: { RpnTableTestA: mine, RpnTableTestB: mine }, wasm: { RpnTableTestA: mine } };
    registerKernelTable(table);
    registerKernelTable(table); // again: no "already registered" error
    expect(tf.getKernel('RpnTableTestA', 'cpu')?.kernelFunc).toBe(mine);
    expect(tf.getKernel('RpnTableTestA', 'wasm')?.kernelFunc).toBe(mine);
    expect(tf.getKernel('RpnTableTestB', 'cpu')?.kernelFunc).toBe(theirs);
    for (const [k, b] of [['RpnTableTestA', 'cpu'], ['RpnTableTestA', 'wasm'], ['RpnTableTestB', 'cpu']]) tf.unregisterKernel(k, b);
  });
});
