/**
 * Checks a PyTorch checkpoint against a tinyBIG golden sidecar (the `checkpoints/*.json`
 * format of the golden set): state-dict names/shapes/dtypes, then a forward pass of the model
 * built from `model_configs` with the loaded weights, compared with `expected_output`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, type Registry } from '@rpn/core';
import { assignStateDict, type CheckpointModel } from './model-io.js';
import { readTorchStateDict } from './torch.js';

/** The fields of a checkpoint sidecar this check reads. */
export interface CheckpointSidecar {
  readonly checkpoint_file: string;
  readonly dtype?: string;
  readonly model_configs?: unknown;
  readonly state_dict_keys: Record<string, { shape: number[]; dtype: string }>;
  readonly input?: { shape: number[]; data: (number | string)[] };
  readonly expected_output?: { shape: number[]; data: (number | string)[] };
  readonly tolerance?: { rtol?: number; atol?: number };
}

/** Result of {@link verifyCheckpointSidecar}. */
export interface SidecarResult {
  readonly names: number;
  /** Largest `|got − expected| − (atol + rtol·|expected|)` (≤ 0 when passing), or null without a forward check. */
  readonly worst: number | null;
  readonly rtol: number;
  readonly atol: number;
}

const num = (v: number | string) => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v));

/**
 * Verifies `bytes` (the `.pt`) against its sidecar; throws CheckpointError on any mismatch.
 * Tolerance: a float32 file at the sidecar's own tolerance; otherwise (float64) DESIGN.md's
 * float32 rule: rtol = max(rtol, 1e-4), atol = max(atol, 1e-5·max(1, max|expected|)).
 */
export function verifyCheckpointSidecar(sidecar: CheckpointSidecar, bytes: Uint8Array, registry: Registry | null): SidecarResult {
  const sd = readTorchStateDict(bytes);
  const keys = Object.keys(sidecar.state_dict_keys);
  const got = [...sd.keys()];
  if (got.join('\n') !== keys.join('\n')) throw new CheckpointError('state-dict names differ from the sidecar', { argument: sidecar.checkpoint_file, expected: keys.join(', '), received: got.join(', ') });
  for (const k of keys) {
    const s = sidecar.state_dict_keys[k]!;
    const t = sd.get(k)!;
    if (t.shape.join() !== s.shape.join() || t.dtype !== s.dtype) throw new CheckpointError('tensor differs from the sidecar', { argument: k, expected: `${s.dtype} [${s.shape.join(', ')}]`, received: `${t.dtype} [${t.shape.join(', ')}]` });
  }
  if (!registry || !sidecar.model_configs || !sidecar.input || !sidecar.expected_output) return { names: keys.length, worst: null, rtol: 0, atol: 0 };
  const expected = sidecar.expected_output.data.map(num);
  const tol = sidecar.tolerance ?? {};
  const maxAbs = expected.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
  const own = sidecar.dtype === 'float32';
  const rtol = own ? tol.rtol ?? 1e-5 : Math.max(tol.rtol ?? 0, 1e-4);
  const atol = own ? tol.atol ?? 1e-6 : Math.max(tol.atol ?? 0, 1e-5 * Math.max(1, maxAbs));
  const model = registry.build<CheckpointModel & { forward(x: tf.Tensor, o?: { training?: boolean }): tf.Tensor; dispose(): void }>(sidecar.model_configs, 'model');
  try {
    assignStateDict(model, sd, { strict: true });
    const out = tf.tidy(() => model.forward(tf.tensor(sidecar.input!.data.map(num), sidecar.input!.shape, 'float32')));
    const y = Array.from(out.dataSync());
    const shape = out.shape;
    out.dispose();
    if (shape.join() !== sidecar.expected_output.shape.join()) throw new CheckpointError('output shape differs', { argument: 'expected_output', expected: `[${sidecar.expected_output.shape.join(', ')}]`, received: `[${shape.join(', ')}]` });
    let worst = -Infinity;
    let at = -1;
    y.forEach((v, i) => {
      const e = expected[i]!;
      const d = Number.isNaN(v) ? Infinity : Math.abs(v - e) - (atol + rtol * Math.abs(e));
      if (d > worst) { worst = d; at = i; }
    });
    if (worst > 0) throw new CheckpointError('forward output differs from the sidecar', { argument: `expected_output[${at}]`, expected: `${expected[at]} (rtol ${rtol}, atol ${atol})`, received: String(y[at]) });
    return { names: keys.length, worst, rtol, atol };
  } finally {
    model.dispose();
  }
}
