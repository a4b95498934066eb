import { describe, expect, it } from 'vitest';
import { activeRegistry, createRegistry, defineEntry, lookupEntry } from './registry.js';
import { camelToSnake, expandNumAlloc, optionsFromParameters, readEnvelope, snakeToCamel } from './config.js';
import { ConfigError, UnknownNameError } from './errors.js';

describe('config key rule', () => {
  it('maps snake_case to camelCase and back', () => {
    for (const [s, c] of [['p_h_prime', 'pHPrime'], ['sigma_1', 'sigma1'], ['with_replacement', 'withReplacement'], ['d', 'd'], ['base_range', 'baseRange'], ['P', 'P'], ['N', 'N']]) {
      expect(snakeToCamel(s)).toBe(c);
      expect(camelToSnake(c)).toBe(s);
    }
  });
  it('converts only top-level keys', () => {
    expect(optionsFromParameters({ num_interval: 3, nested_cfg: { inner_key: 1 } })).toEqual({ numInterval: 3, nestedCfg: { inner_key: 1 } });
  });
});

describe('registry', () => {
  const seen: unknown[] = [];
  const reg = createRegistry([
    defineEntry('expansion', 'taylor_expansion', (o) => { seen.push(o); return { kind: 'expansion', o }; }, { module: 'tinybig.expansion' }),
    defineEntry('expansion', 'nested_expansion', (o, ctx) => ({ inner: (o.compositionFunctionConfigs as unknown[]).map((c) => ctx.build(c)) }), { module: 'tinybig.expansion' }),
  ]);
  it('resolves short, dotted and deep dotted names', () => {
    expect(reg.resolve('taylor_expansion').className).toBe('taylor_expansion');
    expect(reg.resolve('tinybig.expansion.taylor_expansion').className).toBe('taylor_expansion');
    expect(reg.resolve('tinybig.expansion.polynomial_expansion.taylor_expansion').className).toBe('taylor_expansion');
  });
  it('builds configs with camelCase options and drops device', () => {
    reg.build({ function_class: 'taylor_expansion', function_parameters: { d: 3, some_key: 1, device: 'mps' } });
    expect(seen.at(-1)).toEqual({ d: 3, someKey: 1 });
  });
  it('builds nested configs through the context', () => {
    const r = reg.build<{ inner: unknown[] }>({ function_class: 'nested_expansion', function_parameters: { composition_function_configs: [{ function_class: 'taylor_expansion' }] } });
    expect(r.inner).toHaveLength(1);
  });
  it('rejects unknown names listing the known ones', () => {
    expect(() => reg.build({ function_class: 'tinybig.expansion.nope' })).toThrow(UnknownNameError);
    try { reg.build({ function_class: 'nope' }); } catch (e) { expect((e as Error).message).toContain('taylor_expansion'); }
  });
  it('rejects configs without a class key', () => {
    expect(() => reg.build({ function_parameters: {} })).toThrow(ConfigError);
    expect(() => readEnvelope(null)).toThrow(/\*_class/);
  });
  it('rejects duplicate names', () => {
    const e = defineEntry('x', 'a', () => 1);
    expect(() => createRegistry([e, defineEntry('y', 'a', () => 2)])).toThrow(/duplicate/);
  });
});

describe('expandNumAlloc (process_num_alloc_configs)', () => {
  it('repeats a single config', () => expect(expandNumAlloc(3, null, { a: 1 })).toHaveLength(3));
  it('follows the allocation', () => expect(expandNumAlloc(null, [2, 1], ['x', 'y'])).toEqual(['x', 'x', 'y']));
  it('rejects mismatches', () => {
    expect(() => expandNumAlloc(3, null, ['x', 'y'])).toThrow(ConfigError);
    expect(() => expandNumAlloc(4, [2, 1], ['x', 'y'])).toThrow(/sum/);
  });
});

describe('registry lookup by kind', () => {
  const a = defineEntry('loss', 'my_loss', () => 'L', { module: 'my.losses' });
  const b = defineEntry('metric', 'my_metric', () => 'M');
  const reg = createRegistry([a, b]);
  it('finds by kind, and not an entry of another kind', () => {
    expect(reg.find('my.losses.my_loss', 'loss')).toBe(a);
    expect(reg.find('my_loss', 'metric')).toBeUndefined();
    expect(reg.find('nope')).toBeUndefined();
  });
  it('lists the entries of one kind in registration order', () => {
    expect(reg.listEntries('loss')).toEqual([a]);
    expect(reg.listEntries()).toEqual([a, b]);
  });
  it('an unknown name of a kind is a ConfigError naming the argument and listing that kind only', () => {
    let err: unknown;
    try { reg.resolve('other_loss', 'loss', 'loss_configs.loss_class'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as UnknownNameError).known).toEqual(['my_loss']);
    expect((err as ConfigError).argument).toBe('loss_configs.loss_class');
  });
  it('lookupEntry searches the given registry, then the built-ins, and lists both', () => {
    const builtin = [defineEntry('loss', 'builtin_loss', () => 'B')];
    expect(lookupEntry('my_loss', 'loss', { registry: reg, builtins: builtin })).toBe(a);
    expect(lookupEntry('pkg.builtin_loss', 'loss', { registry: reg, builtins: builtin })).toBe(builtin[0]);
    expect(lookupEntry('builtin_loss', 'loss', { builtins: builtin })).toBe(builtin[0]);
    let err: unknown;
    try { lookupEntry('x', 'loss', { registry: reg, builtins: builtin, argument: 'loss_configs.loss_class' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UnknownNameError);
    expect((err as UnknownNameError).known).toEqual(['my_loss', 'builtin_loss']);
    expect((err as UnknownNameError).argument).toBe('loss_configs.loss_class');
  });
  it('activeRegistry is the registry whose build is running (innermost), and none after it', () => {
    const seen: unknown[] = [];
    const inner = createRegistry([defineEntry('x', 'probe', () => seen.push(activeRegistry()))]);
    const outer = createRegistry([defineEntry('y', 'outer', () => { seen.push(activeRegistry()); inner.build({ x_class: 'probe' }); seen.push(activeRegistry()); })]);
    outer.build({ y_class: 'outer' });
    expect(seen).toEqual([outer, inner, outer]);
    expect(activeRegistry()).toBeUndefined();
    const failing = createRegistry([defineEntry('z', 'boom', () => { throw new Error('boom'); })]);
    expect(() => failing.build({ z_class: 'boom' })).toThrow('boom');
    expect(activeRegistry()).toBeUndefined();
  });
});
