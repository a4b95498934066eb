import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValueError } from '@rpn/core';
import { saveStateDict, tensorFromValues } from '@rpn/checkpoint';
import { checkStateDict } from './weights-check.js';
import { checkpointInfoCommand, convertCommand } from './commands/convert.js';

const sd = (values: number[]) => new Map([
  ['layers.0.heads.0.w', tensorFromValues('float32', [1, values.length], values)],
  ['steps', tensorFromValues('int32', [1], [3])],
]);

describe('non-finite weights in state dicts (convert, info)', () => {
  it('finite weights pass silently', () => {
    const warnings: string[] = [];
    checkStateDict(sd([1, 2, 3]), 'ck', { warn: (l) => warnings.push(l), allowNonFinite: false });
    expect(warnings).toEqual([]);
  });

  it('NaN/Infinity: one warning per tensor by default, a ValueError naming it when refused', () => {
    const warnings: string[] = [];
    checkStateDict(sd([1, Number.NaN, Number.POSITIVE_INFINITY]), 'ck', { warn: (l) => warnings.push(l) });
    expect(warnings).toEqual(['warning: non-finite weights in ck: layers.0.heads.0.w: 2 non-finite of 3 values (first at index 1)']);
    expect(() => checkStateDict(sd([Number.NaN]), 'ck', { allowNonFinite: false })).toThrow(ValueError);
    expect(() => checkStateDict(sd([Number.NaN]), 'ck', { allowNonFinite: false })).toThrow(/layers\.0\.heads\.0\.w: 1 non-finite/);
  });

  it('rpn convert and rpn info warn, or refuse under allowNonFinite: false (nothing is written then)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-nonfinite-'));
    const src = path.join(dir, 'nan.safetensors');
    await saveStateDict(sd([0.5, Number.NaN]), src);
    const warnings: string[] = [];
    await checkpointInfoCommand(src, () => undefined, { warn: (l) => warnings.push(l) });
    expect(warnings).toHaveLength(1);
    await expect(checkpointInfoCommand(src, () => undefined, { allowNonFinite: false })).rejects.toThrow(/non-finite/);
    await expect(convertCommand(src, path.join(dir, 'out.pt'), { allowNonFinite: false, print: () => undefined })).rejects.toThrow(ValueError);
    expect(fs.existsSync(path.join(dir, 'out.pt'))).toBe(false);
    await convertCommand(src, path.join(dir, 'out.pt'), { print: () => undefined, warn: (l) => warnings.push(l) });
    expect(warnings).toHaveLength(2);
    expect(fs.existsSync(path.join(dir, 'out.pt'))).toBe(true);
  });
});
