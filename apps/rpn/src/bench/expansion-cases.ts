import * as tf from '@tensorflow/tfjs-core';
import type { Transformation } from '@rpn/core';
import { bsplineExpansion, chebyshevExpansion, fourierExpansion, taylorExpansion } from '@rpn/expansion';
import { median } from './types.js';
import type { BenchCase } from './types.js';

interface Spec {
  readonly name: string;
  readonly b: number;
  readonly m: number;
  readonly make: () => Transformation;
  /** Why the shape differs from the standard 1000 × 784, if it does. */
  readonly note?: string;
}

function forwardCase(spec: Spec): BenchCase {
  return {
    name: spec.name,
    async run({ reps }) {
      const f = spec.make();
      const D = f.calculateD(spec.m);
      const x = tf.randomUniform([spec.b, spec.m], -1, 1, 'float32', 1);
      try {
        f.forward(x).dispose(); // warm-up
        const times: number[] = [];
        for (let r = 0; r < Math.max(1, reps); r++) {
          const t0 = performance.now();
          const y = f.forward(x);
          await y.data(); // make sure the result is materialised (synchronous on wasm/cpu)
          times.push(performance.now() - t0);
          y.dispose();
        }
        const ms = median(times);
        const outBytes = spec.b * D * 4;
        return {
          b: spec.b,
          m: spec.m,
          D,
          out_mb: +(outBytes / 1e6).toFixed(1),
          ms: +ms.toFixed(3),
          out_gb_per_s: +(outBytes / 1e9 / (ms / 1e3)).toFixed(3),
          ...(spec.note ? { note: spec.note } : {}),
        };
      } finally {
        x.dispose();
      }
    },
  };
}

/**
 * Forward-pass benchmarks of the hot expansions on an MNIST-sized batch (1000 × 784), reporting the
 * median time `ms` and the output bandwidth `out_gb_per_s` (float32 bytes of κ(x) per second).
 * Order-2 and order-3 Taylor outputs do not fit in wasm memory at 1000 × 784 (order 2: 615 440
 * columns, 2.5 GB; order 3: 4.8·10⁸ columns per row), so those cases use a smaller batch or width,
 * stated in their `b`, `m` and `note` fields.
 */
export function expansionBenchCases(): BenchCase[] {
  const specs: Spec[] = [
    { name: 'expansion/taylor_d2', b: 100, m: 784, make: () => taylorExpansion({ d: 2 }), note: 'b = 100: at b = 1000 the [1000, 615440] output is 2.5 GB, beyond wasm memory' },
    { name: 'expansion/taylor_d3', b: 1000, m: 32, make: () => taylorExpansion({ d: 3 }), note: 'm = 32 (D = 33 824): at m = 784 order 3 has 4.8e8 columns per row' },
    { name: 'expansion/bspline_t5_d3', b: 1000, m: 784, make: () => bsplineExpansion({ t: 5, d: 3 }) },
    { name: 'expansion/chebyshev_d3', b: 1000, m: 784, make: () => chebyshevExpansion({ d: 3 }) },
    { name: 'expansion/fourier_P10_N5', b: 1000, m: 784, make: () => fourierExpansion({ P: 10, N: 5 }) },
  ];
  return specs.map(forwardCase);
}
