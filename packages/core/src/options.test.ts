import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, RpnError, ValueError } from './errors.js';
import { any, bool, defineOptions, describeOptions, either, int, list, num, oneOf, str } from './options.js';
import type { OptionsOf, ValuesOf } from './options.js';
import { createRegistry, defineEntry } from './registry.js';

const BASE = { name: str({ doc: 'instance name' }) };
const S = defineOptions('demo_function', {
  d: int({ default: 2, min: 1, doc: 'order' }),
  epsilon: num({ default: 1, min: 0, exclusiveMin: true }),
  baseRange: list(num(), { length: 2, default: [-1, 1] as number[], check: (v) => v[0]! < v[1]!, expected: 'a pair [lo, hi] with lo < hi' }),
  mode: oneOf(['a', 'b'] as const, { default: 'a' }),
  p: int({ min: 1, nullable: true }),
  P: num({ default: 10, aliases: ['pp'] }),
  preC: num({ default: 0, configKey: 'pre_C' }),
  flag: bool({ default: false }),
  widths: either([int({ min: 0 }), list(int({ min: 0 }))]),
  cfg: any<{ a: number }>(),
}, BASE);

function errorOf(f: () => unknown): RpnError {
  try { f(); } catch (e) { return e as RpnError; }
  throw new Error('no error');
}

describe('defineOptions', () => {
  it('infers the options type and the parsed values from the one declaration', () => {
    type O = OptionsOf<typeof S>;
    expectTypeOf<O['d']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<O['mode']>().toEqualTypeOf<'a' | 'b' | undefined>();
    expectTypeOf<O['p']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<O['name']>().toEqualTypeOf<string | undefined>();
    type V = ValuesOf<typeof S>;
    expectTypeOf<V['d']>().toEqualTypeOf<number>();
    expectTypeOf<V['p']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<V['cfg']>().toEqualTypeOf<{ a: number } | undefined>();
    const R = defineOptions('r', { m: int({ required: true, min: 1 }) });
    expectTypeOf<OptionsOf<typeof R>>().toEqualTypeOf<{ readonly m: number }>();
  });

  it('applies defaults; null means absent unless the option is nullable', () => {
    const v = S.parse({});
    expect(v).toMatchObject({ d: 2, epsilon: 1, baseRange: [-1, 1], mode: 'a', P: 10, preC: 0, flag: false });
    expect(v.p).toBeUndefined();
    expect(S.parse({ d: null, p: null })).toMatchObject({ d: 2, p: null });
    expect(Object.isFrozen(v)).toBe(true);
  });

  it('checks type, integer, bounds, choices, list items and custom conditions (ValueError in code, camelCase argument)', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ d: 1.5 }, 'd'], [{ d: 0 }, 'd'], [{ d: '2' }, 'd'], [{ epsilon: 0 }, 'epsilon'], [{ epsilon: NaN }, 'epsilon'],
      [{ baseRange: [1, -1] }, 'baseRange'], [{ baseRange: [0, 1, 2] }, 'baseRange'], [{ mode: 'c' }, 'mode'],
      [{ flag: 1 }, 'flag'], [{ widths: [1, -1] }, 'widths'], [{ widths: 'x' }, 'widths'], [{ p: 0 }, 'p'],
    ];
    for (const [o, argument] of bad) {
      const e = errorOf(() => S.parse(o));
      expect(e, JSON.stringify(o)).toBeInstanceOf(ValueError);
      expect(e.argument).toBe(argument);
      expect(e.received).toBe(JSON.stringify(Object.values(o)[0]));
    }
    expect(S.parse({ widths: 3 }).widths).toBe(3);
    expect(S.parse({ widths: [3, 0] }).widths).toEqual([3, 0]);
  });

  it('config input raises ConfigError naming the tinyBIG key', () => {
    const e = errorOf(() => S.parse({ baseRange: [2, 1] }, 'config'));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.argument).toBe('base_range');
    expect(e.expected).toBe('a pair [lo, hi] with lo < hi');
    expect(errorOf(() => S.parse({ preC: 'x' }, 'config')).argument).toBe('pre_C');
  });

  it('an unknown key raises a typed error listing the allowed keys', () => {
    const code = errorOf(() => S.parse({ dd: 3 }));
    expect(code).toBeInstanceOf(ValueError);
    expect(code.argument).toBe('dd');
    expect(code.expected).toContain('baseRange');
    const cfg = errorOf(() => S.parse({ baseRanges: 3 }, 'config'));
    expect(cfg).toBeInstanceOf(ConfigError);
    expect(cfg.argument).toBe('base_ranges');
    expect(cfg.expected).toContain('base_range');
    expect(cfg.expected).toContain('pre_C');
  });

  it('accepts aliases and tinyBIG keys the camel rule cannot invert, but not both spellings at once', () => {
    expect(S.parse({ pp: 3 }).P).toBe(3);
    expect(S.parse({ pre_C: 2 }).preC).toBe(2);
    expect(() => S.parse({ P: 1, pp: 2 })).toThrow(ValueError);
  });

  it('writes tinyBIG parameters with the declared config keys', () => {
    expect(S.toParameters({ baseRange: [0, 1], preC: 1, P: 2, d: undefined })).toEqual({ base_range: [0, 1], pre_C: 1, P: 2 });
  });

  it('a missing required option is an error', () => {
    const R = defineOptions('r', { m: int({ required: true, min: 1 }) });
    expect(errorOf(() => R.parse({})).argument).toBe('m');
    expect(errorOf(() => R.parse({}, 'config'))).toBeInstanceOf(ConfigError);
    expect(R.parse({ m: 3 }).m).toBe(3);
  });

  it('describes the options as plain data a form can render', () => {
    const d = describeOptions(S);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(d.map((x) => x.key)).toEqual(['name', 'd', 'epsilon', 'baseRange', 'mode', 'p', 'P', 'preC', 'flag', 'widths', 'cfg']);
    expect(d.find((x) => x.key === 'd')).toEqual({ key: 'd', configKey: 'd', type: 'int', default: 2, min: 1, required: false, nullable: false, expected: 'an integer ≥ 1', doc: 'order' });
    expect(d.find((x) => x.key === 'mode')).toMatchObject({ type: 'enum', choices: ['a', 'b'], default: 'a' });
    expect(d.find((x) => x.key === 'baseRange')).toMatchObject({ configKey: 'base_range', type: 'list', items: 'number', minLength: 2, maxLength: 2, default: [-1, 1] });
    expect(d.find((x) => x.key === 'epsilon')).toMatchObject({ min: 0, exclusiveMin: true });
    expect(d.find((x) => x.key === 'p')).toMatchObject({ nullable: true });
    expect(d.find((x) => x.key === 'preC')).toMatchObject({ configKey: 'pre_C' });
  });
});

describe('registry entries with options', () => {
  it('build checks a config against entry.options and raises ConfigError with the tinyBIG key', () => {
    let made = 0;
    const e = defineEntry('expansion', 'demo_function', (o) => { made++; return S.parse(o); }, { options: S });
    expect(e.options).toBe(S);
    const r = createRegistry([e]);
    expect(r.build({ function_class: 'demo_function', function_parameters: { base_range: [0, 2] } })).toMatchObject({ baseRange: [0, 2] });
    const err = errorOf(() => r.build({ function_class: 'demo_function', function_parameters: { base_range: [2, 0] } }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.argument).toBe('base_range');
    expect(errorOf(() => r.build({ function_class: 'demo_function', function_parameters: { no_such: 1 } }))).toBeInstanceOf(ConfigError);
    expect(made).toBe(1);
  });
});
