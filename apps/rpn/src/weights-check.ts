import { checkFiniteParameters, type NamedVariables } from '@rpn/model';
import { ValueError } from '@rpn/core';
import { tensorValues, type StateDict } from '@rpn/checkpoint';

/** How the CLI treats weights that hold NaN or ±Infinity: warn (default) or refuse (`--reject-non-finite`). */
export interface NonFiniteOptions {
  /** false: refuse (ValueError naming each tensor). Default true: warn and go on. */
  readonly allowNonFinite?: boolean;
  /** Where warnings go (default stderr). */
  readonly warn?: (line: string) => void;
}

const stderr = (l: string) => console.error(l);

/** The post-load check of a model the CLI loaded from `source` (see `checkFiniteParameters`). */
export function checkLoadedModel(model: NamedVariables, source: string, o: NonFiniteOptions = {}): void {
  checkFiniteParameters(model, { allowNonFinite: o.allowNonFinite ?? true, warn: o.warn ?? stderr, source });
}

/** The same check on a state dict read without a model (`rpn convert`, `rpn info CHECKPOINT`). */
export function checkStateDict(sd: StateDict, source: string, o: NonFiniteOptions = {}): void {
  const bad: string[] = [];
  for (const [name, t] of sd) {
    if (!t.dtype.startsWith('float') && t.dtype !== 'bfloat16') continue;
    const v = tensorValues(t, name);
    let n = 0, first = -1;
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) { n++; if (first < 0) first = i; }
    if (n) bad.push(`${name}: ${n} non-finite of ${v.length} values (first at index ${first})`);
  }
  if (bad.length === 0) return;
  if (o.allowNonFinite === false) throw new ValueError(`the weights in ${source} hold non-finite values`, { argument: source, expected: 'finite weights (--reject-non-finite)', received: bad.join('; ') });
  for (const b of bad) (o.warn ?? stderr)(`warning: non-finite weights in ${source}: ${b}`);
}
