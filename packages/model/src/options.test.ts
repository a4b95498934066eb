import { describe, it, expect } from 'vitest';
import { ConfigError, ValueError, describeOptions } from '@rpn/core';
import { modelEntries, rpnHead, rpnLayer, rpnModel, RPN_HEAD_OPTIONS, RPN_LAYER_OPTIONS, RPN_MODEL_OPTIONS } from './index.js';
import { identityTestReconciliation, squareExpansion, testRegistry } from './test-utils.js';

const registry = testRegistry();
const headCfg = { head_class: 'rpn_head', head_parameters: { m: 3, n: 2, data_transformation_configs: { function_class: 'square_expansion' } } };

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('rpn_head, rpn_layer and rpn declare their options once', () => {
  it('the registry entries carry the schemas', () => {
    const byName = new Map(modelEntries.map((e) => [e.className, e]));
    expect(byName.get('rpn_head')?.options).toBe(RPN_HEAD_OPTIONS);
    expect(byName.get('rpn_layer')?.options).toBe(RPN_LAYER_OPTIONS);
    expect(byName.get('rpn')?.options).toBe(RPN_MODEL_OPTIONS);
    const keys = describeOptions(RPN_HEAD_OPTIONS).map((d) => d.configKey);
    expect(keys).toEqual(expect.arrayContaining(['m', 'n', 'channel_num', 'data_transformation_configs', 'parameter_fabrication_configs', 'parameters_init_method']));
  });

  it('a mistyped flag or number in a config is a ConfigError naming the tinyBIG key (it was passed through: "no" meant train mode)', () => {
    const cases: [() => unknown, string][] = [
      [() => registry.build({ head_class: 'rpn_head', head_parameters: { ...headCfg.head_parameters, training: 'no' } }, 'head'), 'training'],
      [() => registry.build({ head_class: 'rpn_head', head_parameters: { ...headCfg.head_parameters, channel_num: 1.5 } }, 'head'), 'channel_num'],
      [() => registry.build({ head_class: 'rpn_head', head_parameters: { ...headCfg.head_parameters, fast_paths: 'false' } }, 'head'), 'fast_paths'],
      [() => registry.build({ layer_class: 'rpn_layer', layer_parameters: { m: 3, n: 2, head_configs: headCfg, seed: 'one' } }, 'layer'), 'seed'],
      [() => registry.build({ layer_class: 'rpn_layer', layer_parameters: { m: 3, n: 2, head_configs: headCfg, training: 0 } }, 'layer'), 'training'],
      [() => registry.build({ model_class: 'rpn', model_parameters: { layer_configs: [{ layer_class: 'rpn_layer', layer_parameters: { m: 3, n: 2, head_configs: headCfg } }], fast_paths: 'no' } }, 'model'), 'fast_paths'],
    ];
    for (const [f, key] of cases) {
      const err = thrown(f);
      expect(err, key).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).argument, key).toBe(key);
    }
  });

  it('in code the same mistakes are ValueErrors naming the camelCase option', () => {
    const base = { m: 3, n: 2, expansion: squareExpansion(), reconciliation: identityTestReconciliation() };
    const cases: [() => unknown, string][] = [
      [() => rpnHead({ ...base, training: 'no' as never }), 'training'],
      [() => rpnHead({ ...base, m: 0 }), 'm'],
      [() => rpnLayer({ m: 3, n: 2, head: {}, seed: 0.5 }), 'seed'],
      [() => rpnModel({ dims: [3, 2], training: 1 as never }), 'training'],
    ];
    for (const [f, key] of cases) {
      const err = thrown(f);
      expect(err, key).toBeInstanceOf(ValueError);
      expect((err as ValueError).argument, key).toBe(key);
    }
  });
});

describe('library heads, layers and models declare their options once', () => {
  it('their registry entries carry schemas that know tinyBIG keys', () => {
    for (const cls of ['perceptron_head', 'kan_head', 'svm_head', 'naive_bayes_head', 'pgm_head', 'perceptron_layer', 'kan_layer', 'svm_layer', 'naive_bayes_layer', 'pgm_layer', 'mlp', 'kan', 'svm', 'naive_bayes', 'pgm']) {
      const e = modelEntries.find((x) => x.className === cls);
      expect(e?.options, cls).toBeDefined();
      expect(e!.options!.keys, cls).toContain('withLorr');
    }
    expect(modelEntries.find((x) => x.className === 'mlp')!.options!.keys).toContain('dims');
    expect(modelEntries.find((x) => x.className === 'mlp')!.options!.keys).not.toContain('m');
  });

  it('an unknown or mistyped key is a ConfigError naming the tinyBIG key (unknown keys were silently ignored)', () => {
    const cases: [() => unknown, string][] = [
      [() => registry.build({ head_class: 'perceptron_head', head_parameters: { m: 3, n: 2, with_tayler: true } }, 'head'), 'with_tayler'],
      [() => registry.build({ head_class: 'kan_head', head_parameters: { m: 3, n: 2, grid_range: [-1] } }, 'head'), 'grid_range'],
      [() => registry.build({ head_class: 'svm_head', head_parameters: { m: 3, n: 2, num_interval: 2.5 } }, 'head'), 'num_interval'],
      [() => registry.build({ layer_class: 'perceptron_layer', layer_parameters: { m: 3, n: 2, widht: 2 } }, 'layer'), 'widht'],
      [() => registry.build({ model_class: 'mlp', model_parameters: { dims: [3, 2], m: 3 } }, 'model'), 'm'],
      [() => registry.build({ model_class: 'kan', model_parameters: { dims: [3, 2], t: 'five' } }, 'model'), 't'],
    ];
    for (const [f, key] of cases) {
      const err = thrown(f);
      expect(err, key).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).argument, key).toBe(key);
    }
  });
});

describe('review: each option is declared once', () => {
  it('rpn_head derives its *_configs component keys from the one component list (same checks, doc says "as a config")', () => {
    const f = RPN_HEAD_OPTIONS.fields as Record<string, { accepts: unknown; type: string; meta: { doc?: string } }>;
    const components = ['dataTransformation', 'attributeInterdependence', 'instanceInterdependence', 'parameterFabrication', 'channelFusion', 'remainder'];
    for (const k of components) {
      expect(f[`${k}Configs`], k).toBeDefined();
      expect(f[`${k}Configs`].accepts, k).toBe(f[k].accepts);
      expect(f[`${k}Configs`].meta.doc, k).toBe(`${f[k].meta.doc} as a config`);
    }
    const configKeys = describeOptions(RPN_HEAD_OPTIONS).map((d) => d.configKey).filter((k) => k.endsWith('_configs'));
    expect(configKeys.sort()).toEqual([...components.map((k) => `${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_configs`), 'input_process_function_configs', 'output_process_function_configs'].sort());
  });

  it('rpn_layer and rpn share one base field group', () => {
    for (const k of ['parametersInitMethod', 'device', 'seed', 'fastPaths', 'training'] as const) {
      expect(RPN_LAYER_OPTIONS.fields[k], k).toBe(RPN_MODEL_OPTIONS.fields[k]);
    }
  });
});
