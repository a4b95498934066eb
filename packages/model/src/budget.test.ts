import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@rpn/core';
import { DEFAULT_MAX_PARAMETERS, rpnHead } from './head.js';
import { rpnLayer } from './layer.js';
import { identityTestReconciliation, squareExpansion, testRegistry } from './test-utils.js';

const timed = (f: () => unknown): number => {
  const t = performance.now();
  try { f(); } catch { /* measured only */ }
  return performance.now() - t;
};

describe('sizes are validated before anything is allocated', () => {
  it('a head whose parameters exceed the bound is refused with the number, and allocates nothing', () => {
    const before = tf.memory().numTensors;
    const big = () => rpnHead({ m: 20000, n: 100000, expansion: squareExpansion(), reconciliation: identityTestReconciliation() });
    expect(big).toThrow(ConfigError);
    expect(big).toThrow(/4,000,000,000 parameter values \(w: 4,000,000,000\), more than the bound of 268,435,456/);
    expect(tf.memory().numTensors).toBe(before);
    expect(DEFAULT_MAX_PARAMETERS).toBe(268435456);
  });
  it('m = 1e12 and channel_num = 1e9 are refused at once, not a RangeError or a hang', () => {
    expect(() => rpnHead({ m: 1e12, n: 2, expansion: squareExpansion(), reconciliation: identityTestReconciliation() })).toThrow(ConfigError);
    const ms = timed(() => rpnHead({ m: 4, n: 2, channelNum: 1e9, expansion: squareExpansion(), reconciliation: identityTestReconciliation() }));
    expect(() => rpnHead({ m: 4, n: 2, channelNum: 1e9, expansion: squareExpansion(), reconciliation: identityTestReconciliation() })).toThrow(/channel_num 1,000,000,000 is more than the bound of 10,000/);
    expect(ms).toBeLessThan(1000);
  });
  it('the bound is configurable per head and by RPN_MAX_PARAMETERS', () => {
    const make = (maxParameters?: number) => rpnHead({ m: 4, n: 3, expansion: squareExpansion(), reconciliation: identityTestReconciliation(), maxParameters });
    expect(() => make(10)).toThrow(/bound of 10/);
    make(24).dispose();
    process.env.RPN_MAX_PARAMETERS = '23';
    try {
      expect(() => make()).toThrow(/bound of 23/);
    } finally {
      delete process.env.RPN_MAX_PARAMETERS;
    }
    make().dispose();
  });
  it('width, depth and NaN values in configs are refused by the registry path', () => {
    const reg = testRegistry();
    const head = { head_class: 'rpn_head', head_parameters: { data_transformation_configs: { function_class: 'square_expansion' }, parameter_fabrication_configs: { function_class: 'identity_test_reconciliation' } } };
    expect(() => reg.build({ layer_class: 'rpn_layer', layer_parameters: { m: 2, n: 2, width: 1e9, head_configs: head } }, 'layer')).toThrow(/more than the bound of 10,000/);
    expect(() => reg.build({ layer_class: 'rpn_layer', layer_parameters: { m: Number.NaN, n: 2, head_configs: head } }, 'layer')).toThrow(/not a finite number/);
    expect(() => reg.build({ layer_class: 'rpn_layer', layer_parameters: { m: 2, n: 2, head_configs: { ...head, head_parameters: { ...head.head_parameters, channel_num: Number.POSITIVE_INFINITY } } } }, 'layer')).toThrow(/head_configs\.head_parameters\.channel_num/);
    expect(() => rpnLayer({ m: 2, n: 2, head: {}, width: -1 })).toThrow(ConfigError);
  });
});
