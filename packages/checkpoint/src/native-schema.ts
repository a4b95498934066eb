/**
 * zod schemas of the native format's JSON (`model.json`'s weights manifest and the
 * `userDefinedMetadata.rpn` block), checked before any field is used: a wrong type, a null, a
 * bogus dtype or a repeated name is a CheckpointError naming the field, never a raw TypeError
 * and never a lookup that reaches `Object.prototype`.
 */
import { z } from 'zod';
import { CheckpointError } from '@rpn/core';
import { DTYPES, numel, type DType } from './dtypes.js';
import { preview } from './preview.js';

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** One tfjs weights-manifest entry with a dtype this package decodes (float32/int32/bool, optionally quantized). */
export const weightSpecSchema = z.looseObject({
  name: z.string().min(1),
  shape: z.array(count).max(64),
  dtype: z.enum(['float32', 'int32', 'bool']),
  quantization: z.looseObject({ dtype: z.enum(['uint8', 'uint16', 'float16']), scale: z.number().optional(), min: z.number().optional() }).optional(),
});

/** A weights file named inside the checkpoint folder: relative, no `..`, no backslash or NUL. */
const weightsPath = z.string().min(1).max(255).refine((p) => !p.startsWith('/') && !/[\\\0]/.test(p) && !p.split('/').some((s) => s === '..' || s === ''), 'the weights path escapes the checkpoint folder (expected a file name inside it)');

/** `model.json` as tfjs writes it; only `weightsManifest` is required. */
export const modelJsonSchema = z.looseObject({
  modelTopology: z.unknown().optional(),
  format: z.string().optional(),
  generatedBy: z.string().optional(),
  convertedBy: z.string().nullable().optional(),
  weightsManifest: z.array(z.object({ paths: z.array(weightsPath), weights: z.array(weightSpecSchema) })),
  userDefinedMetadata: z.record(z.string(), z.unknown()).optional(),
});

const dtypeNames = Object.keys(DTYPES) as [DType, ...DType[]];
const plainObject = z.record(z.string(), z.unknown());

/** `userDefinedMetadata.rpn`, as {@link encodeArtifacts} writes it. */
export const nativeInfoSchema = z.object({
  version: z.number().int().min(1),
  names: z.array(z.string().min(1)),
  dtypes: z.record(z.string(), z.enum(dtypeNames)),
  digest: z.object({ crc32: z.number().int().min(0).max(0xffffffff), bytes: count }),
  metadata: plainObject.optional(),
  trainingState: plainObject.optional(),
  optimizer: z.object({ className: z.string(), config: plainObject, weightNames: z.array(z.string().min(1)) }).optional(),
});

/** Validates `value` against `schema`; the first issue becomes a CheckpointError naming `where.<path>`. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  let at: unknown = value;
  for (const k of issue.path) at = at !== null && typeof at === 'object' && Object.prototype.hasOwnProperty.call(at, k as PropertyKey) ? (at as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
  const path = [where, ...issue.path.map(String)].join('.');
  throw new CheckpointError(`invalid ${what}: ${issue.message}`, { argument: path, expected: issue.message.replace(/^Invalid input: /, ''), received: preview(at) });
}

/** Throws a CheckpointError naming `where` if `names` repeats one. */
export function checkUnique(names: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new CheckpointError('repeated name', { argument: where, expected: 'each name once', received: preview(n) });
    seen.add(n);
  }
}

const SPEC_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a (validated) manifest entry occupies in the weights data. */
export function specBytes(spec: { dtype: string; shape: readonly number[]; quantization?: { dtype: string } }): number {
  return numel(spec.shape) * SPEC_BYTES[spec.quantization?.dtype ?? spec.dtype]!;
}

/** Bytes and elements a validated manifest needs; throws when either overflows or the elements exceed `maxElements`. */
export function manifestSize(specs: readonly { name: string; dtype: string; shape: readonly number[]; quantization?: { dtype: string } }[], maxElements: number): number {
  let bytes = 0;
  let elements = 0;
  for (const s of specs) {
    let n = 1;
    for (const d of s.shape) { n *= d; if (!Number.isSafeInteger(n)) throw new CheckpointError('tensor element count overflows', { argument: `weightSpecs.${s.name}.shape`, expected: 'a shape whose element count is a safe integer', received: preview(s.shape) }); }
    elements += n;
    if (elements > maxElements) throw new CheckpointError('checkpoint holds more tensor elements than the limit', { argument: `weightSpecs.${s.name}.shape`, expected: `at most ${maxElements} elements in total (limits.maxElements)`, received: String(elements) });
    bytes += specBytes(s);
  }
  return bytes;
}
