import { describe, it, expect } from 'vitest';
import { ConfigError, ValueError, createRegistry, describeOptions, optionsFromParameters, type BuildContext } from '@rpn/core';
import { expansionEntries } from '@rpn/expansion';
import { reconciliationEntries } from '@rpn/reconciliation';
import { remainderEntries } from '@rpn/remainder';
import { interdependenceEntries } from '@rpn/interdependence';
import { modelEntries } from '../index.js';
import { HEAD_FLAG_FIELDS } from '../library-common.js';
import { gridEntries } from './grid.js';
import { chainEntries } from './chain.js';
import { instanceEntries } from './instance.js';

const registry = createRegistry(expansionEntries, reconciliationEntries, remainderEntries, interdependenceEntries, modelEntries);
const ctx: BuildContext = { registry, build: (c, k) => registry.build(c, k) };
const ENTRIES = [...gridEntries, ...chainEntries, ...instanceEntries];
const KEY = { head: 'head', layer: 'layer', model: 'model' } as const;

const GRID = { h: 4, w: 4, p_h: 1, p_w: 1 };
const GRAPH = { m: 2, n: 2, nodes: [0, 1], links: [[0, 1]] };
/** [class, valid tinyBIG parameters (the rest default), a mistyped or out-of-range key and value]. */
const CASES: [string, Record<string, unknown>, string, unknown][] = [
  ['grid_interdependence_head', { ...GRID, in_channel: 1, out_channel: 2 }, 'with_relu', 'yes'],
  ['grid_compression_head', { ...GRID, channel_num: 1 }, 'p', 'half'],
  ['grid_interdependence_layer', { ...GRID, in_channel: 1, out_channel: 2 }, 'width', 1.5],
  ['grid_compression_layer', { ...GRID, channel_num: 1 }, 'pooling_metric', 3],
  ['cnn', { ...GRID, channel_nums: [1, 2], fc_dims: [2] }, 'p_pooling', 'a'],
  ['resnet', { ...GRID, channel_nums: [1, 2], fc_dims: [2] }, 'channel_nums', [1, 'two']],
  ['chain_interdependence_head', { m: 2, n: 2, chain_length: 3 }, 'self_scaling', 'one'],
  ['chain_interdependence_layer', { m: 2, n: 2, chain_length: 3 }, 'width', 0],
  ['rnn', { chain_length: 3, dims: [2, 2, 2] }, 'with_softmax', 1],
  ['regression_rnn', { chain_length: 3, dims: [2, 2, 2] }, 'dims', 'two'],
  ['graph_interdependence_head', GRAPH, 'c', 2],
  ['graph_bilinear_interdependence_head', GRAPH, 'r_interdependence', 0],
  ['bilinear_interdependence_head', { m: 2, n: 2 }, 'batch_num', 'a'],
  ['graph_interdependence_layer', GRAPH, 'width', 'x'],
  ['graph_bilinear_interdependence_layer', GRAPH, 'directed', 'no'],
  ['bilinear_interdependence_layer', { m: 2, n: 2 }, 'with_taylor', 'x'],
  ['gcn', { dims: [2, 2], nodes: [0, 1], links: [[0, 1]] }, 'p', 'x'],
  ['gat', { dims: [2, 2], nodes: [0, 1], links: [[0, 1]] }, 'normalization', 'x'],
  ['transformer', { dims: [2, 2], fc_dims: [2] }, 'fc_dims', []],
];

function thrown(f: () => unknown): { name?: string; argument?: string } {
  try {
    f();
  } catch (e) {
    return e as { name?: string; argument?: string };
  }
  throw new Error('did not throw');
}

const camel = (k: string) => Object.keys(optionsFromParameters({ [k]: 1 }))[0];

describe('the grid, chain and instance architectures declare their options (one schema per class)', () => {
  it('every entry carries a schema that describeOptions lists (keys, types, defaults, tinyBIG keys)', () => {
    expect(ENTRIES.length).toBe(19);
    for (const e of ENTRIES) {
      expect(e.options, e.className).toBeDefined();
      const d = describeOptions(e.options!);
      expect(d.length, e.className).toBeGreaterThan(3);
      for (const o of d) expect(o.configKey, `${e.className}.${o.key}`).toMatch(/^[a-z_0-9A-Z]+$/);
    }
    const dflt = (cls: string, key: string) => describeOptions(ENTRIES.find((e) => e.className === cls)!.options!).find((o) => o.configKey === key)?.default;
    expect(dflt('grid_interdependence_head', 'with_batch_norm')).toBe(true);
    expect(dflt('grid_compression_head', 'with_dropout')).toBe(true);
    expect(dflt('grid_compression_layer', 'with_dropout')).toBe(false);
    expect(dflt('cnn', 'p_pooling')).toBe(0.25);
    expect(dflt('cnn', 'pooling_layer_gaps')).toBe(2);
    expect(dflt('chain_interdependence_head', 'with_relu')).toBe(true);
    expect(dflt('graph_interdependence_head', 'p')).toBe(0.5);
    expect(dflt('gat', 'normalization')).toBe(true);
    expect(dflt('transformer', 'with_lorr_interdependence')).toBe(true);
    expect(dflt('transformer', 'enable_bias')).toBe(true);
  });

  it('the with_* flags are one shared declaration (only the defaults differ per class)', () => {
    for (const e of ENTRIES) {
      for (const [k, f] of Object.entries(e.options!.fields)) {
        const shared = (HEAD_FLAG_FIELDS as Record<string, { accepts: unknown; meta: { doc?: string } }>)[k];
        if (shared && k.startsWith('with')) {
          expect(f.accepts, `${e.className}.${k}`).toBe(shared.accepts);
          expect(f.meta.doc, `${e.className}.${k}`).toBe(shared.meta.doc);
        }
      }
    }
  });

  it('from a config, a wrong type and an unknown key are ConfigErrors naming the tinyBIG key', () => {
    for (const [cls, params, key, bad] of CASES) {
      const entry = ENTRIES.find((e) => e.className === cls)!;
      const kind = KEY[entry.kind as keyof typeof KEY];
      const cfg = (p: Record<string, unknown>) => ({ [`${kind}_class`]: cls, [`${kind}_parameters`]: p });
      const wrong = thrown(() => registry.build(cfg({ ...params, [key]: bad }), kind));
      expect(wrong.name, cls).toBe('ConfigError');
      expect(wrong, cls).toBeInstanceOf(ConfigError);
      expect(wrong.argument, cls).toBe(key);
      const unknown = thrown(() => registry.build(cfg({ ...params, zz_unknown_key: 1 }), kind));
      expect(unknown, cls).toBeInstanceOf(ConfigError);
      expect(unknown.argument, cls).toBe('zz_unknown_key');
    }
  });

  it('in code, the same mistakes are ValueErrors naming the camelCase option', () => {
    for (const [cls, params, key, bad] of CASES) {
      const entry = ENTRIES.find((e) => e.className === cls)!;
      const o = optionsFromParameters(params);
      const wrong = thrown(() => entry.create({ ...o, [camel(key)]: bad }, ctx));
      expect(wrong, cls).toBeInstanceOf(ValueError);
      expect(wrong.argument, cls).toBe(camel(key));
      const unknown = thrown(() => entry.create({ ...o, zzUnknownKey: 1 }, ctx));
      expect(unknown, cls).toBeInstanceOf(ValueError);
      expect(unknown.argument, cls).toBe('zzUnknownKey');
    }
  });

  it('the valid parameters of every case build (the schema accepts what the class takes)', () => {
    for (const [cls, params] of CASES) {
      const entry = ENTRIES.find((e) => e.className === cls)!;
      const kind = KEY[entry.kind as keyof typeof KEY];
      const net = registry.build<{ dispose(): void }>({ [`${kind}_class`]: cls, [`${kind}_parameters`]: params }, kind);
      net.dispose();
    }
  });
});
