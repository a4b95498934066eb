// The bundle test's page: the packed @rpn packages, bundled (Vite or esbuild), train a small RPN
// model on iris (embedded in @rpn/learn) with wasm SIMD, and write what happened to window.__result.
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { taylorExpansion } from '@rpn/expansion';
import { lorrReconciliation, identityReconciliation } from '@rpn/reconciliation';
import { linearRemainder, zeroRemainder } from '@rpn/remainder';
import { rpnHead, rpnLayer, rpnModel } from '@rpn/model';
import { adam, crossEntropyLoss, datasetFromConfig, train } from '@rpn/learn';
import { modelStateDict, readSafetensors, writeSafetensors } from '@rpn/checkpoint';

declare global { interface Window { __result?: unknown } }

async function main() {
  // ?wasm=<folder> points the backend elsewhere (the test of the error for missing .wasm files);
  // ?threads=<n> asks for a thread count (default 'auto')
  const query = new URLSearchParams(location.search);
  const threads = query.get('threads');
  const backend = await setupBackend({ wasmPaths: query.get('wasm') ?? '/wasm/', threads: threads ? Number(threads) : 'auto' });
  const data = await datasetFromConfig({ data_class: 'iris', data_parameters: { train_batch_size: 16 } });
  const model = rpnModel({
    layers: [
      rpnLayer({ m: 4, n: 8, heads: [rpnHead({ m: 4, n: 8, expansion: taylorExpansion({ d: 2 }), reconciliation: lorrReconciliation({ r: 2 }), remainder: linearRemainder() })] }),
      rpnLayer({ m: 8, n: 3, heads: [rpnHead({ m: 8, n: 3, expansion: taylorExpansion({ d: 1 }), reconciliation: identityReconciliation(), remainder: zeroRemainder() })] }),
    ],
  });
  const steps: number[] = [];
  let last = performance.now();
  const result = await train(model, {
    data, optimizer: adam(model.trainableVariables(), { lr: 0.01 }), loss: crossEntropyLoss(), epochs: 4, testEachEpoch: false, seed: 1,
    onBatchEnd: () => { const now = performance.now(); steps.push(now - last); last = now; },
  });
  const losses = result.records.map((r) => r.trainLoss);
  // the checkpoint package's bytes-in/bytes-out writer and reader, in the page
  const bytes = writeSafetensors(modelStateDict(model), {});
  const back = readSafetensors(bytes);
  const sorted = steps.slice(2).sort((a, b) => a - b);
  window.__result = { backend, isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency, losses, steps: steps.length, medianStepMs: sorted[Math.floor(sorted.length / 2)], tensors: back.tensors.size, params: new Set(model.namedParameters().map((p) => p.name)).size, numTensors: tf.memory().numTensors };
  model.dispose?.();
}

main().catch((e: Error) => { window.__result = { error: `${e.name}: ${e.message}` }; });
