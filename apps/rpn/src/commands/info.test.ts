import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { ConfigError, UnknownNameError } from '@rpn/core';
import { appRegistry } from '../registry.js';
import { infoCommand } from './info.js';

const configs = path.resolve(import.meta.dirname, '..', '..', 'configs');
const registry = appRegistry();

/** A bare tinyBIG rpn model config: one 3 → 2 layer of one rpn_head with these head_parameters lines. */
function modelYaml(...headParameters: string[]): string {
  return [
    'model_class: tinybig.model.rpn',
    'model_parameters:',
    '  layer_configs:',
    '    - layer_class: tinybig.module.rpn_layer',
    '      layer_parameters:',
    '        m: 3',
    '        n: 2',
    '        head_configs:',
    '          head_class: tinybig.module.rpn_head',
    '          head_parameters:',
    ...headParameters.map((l) => `            ${l}`),
    '',
  ].join('\n');
}

async function run(file: string): Promise<string[]> {
  const lines: string[] = [];
  await infoCommand(file, registry, (l) => lines.push(l));
  return lines;
}

describe('rpn info', () => {
  it("prints tinyBIG's 47 parameters for elementary_configs.yaml", async () => {
    const before = tf.memory().numTensors;
    const lines = await run(path.join(configs, 'elementary_configs.yaml'));
    expect(lines).toEqual(['layers.0.heads.0.w [1,24]', 'layers.1.heads.0.w [1,23]', 'parameters: 47']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads a bare model config', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-info-'));
    const file = path.join(dir, 'model.yaml');
    fs.writeFileSync(file, modelYaml(
      'data_transformation_configs: {function_class: tinybig.expansion.identity_expansion}',
      'parameter_fabrication_configs: {function_class: tinybig.reconciliation.identity_reconciliation, function_parameters: {enable_bias: true}}',
      'remainder_configs: {function_class: tinybig.remainder.zero_remainder}',
    ));
    expect(await run(file)).toEqual(['layers.0.heads.0.w [1,6]', 'layers.0.heads.0.b [2]', 'parameters: 8']);
  });

  it('fails with typed errors for a missing file and an unknown class', async () => {
    await expect(run('/nonexistent/config.yaml')).rejects.toThrow(ConfigError);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-info-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'model_class: tinybig.model.no_such_model\nmodel_parameters: {}\n');
    await expect(run(file)).rejects.toThrow(UnknownNameError);
  });

  it("checks each function's parameters against its declared options: a bad value or unknown key is a ConfigError naming the tinyBIG key", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-info-'));
    const model = (expansion: string) => modelYaml(
      `data_transformation_configs: ${expansion}`,
      'parameter_fabrication_configs: {function_class: tinybig.reconciliation.identity_reconciliation}',
    );
    const cases: [string, string, string, string][] = [
      ['value.yaml', '{function_class: tinybig.expansion.bspline_expansion, function_parameters: {grid_range: [1, -1]}}', 'grid_range', 'lo < hi'],
      ['key.yaml', '{function_class: tinybig.expansion.taylor_expansion, function_parameters: {degree: 2}}', 'degree', 'one of'],
    ];
    for (const [name, expansion, argument, expected] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, model(expansion));
      let err: unknown;
      try { await run(file); } catch (e) { err = e; }
      expect(err, name).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).argument, name).toBe(argument);
      expect((err as ConfigError).expected, name).toContain(expected);
    }
  });

  it('reports YAML syntax errors, scalars, lists, empty files and alias bombs as one-line ConfigErrors naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-info-'));
    const cases: Record<string, string> = {
      'syntax.yaml': 'model_class: [unclosed\n  - : :\n',
      'scalar.yaml': '42\n',
      'string.yaml': 'just a string\n',
      'list.yaml': '- a\n- b\n',
      'empty.yaml': '',
      'nested-scalar.yaml': 'configurations: 5\n',
      'bomb.yaml': ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n'),
    };
    for (const [name, text] of Object.entries(cases)) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      let err: unknown;
      try { await run(file); } catch (e) { err = e; }
      expect(err, name).toBeInstanceOf(ConfigError);
      expect((err as Error).message, name).toContain(file);
      expect((err as Error).message, name).not.toMatch(/\n/);
    }
  });

  it('a folder that is not a checkpoint is a ConfigError, not a raw EISDIR', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-info-'));
    await expect(run(dir)).rejects.toThrow(ConfigError);
  });

  it('graph experiments: the model takes its dataset\'s graph, as in rpn train (tinyBIG names and counts)', async () => {
    const lines = await run(path.join(configs, 'gcn_karate_configs.yaml'));
    expect(lines).toEqual(['layers.0.heads.0.w [1,544]', 'layers.1.heads.0.w [1,32]', 'parameters: 576']);
  });
  it('an RPN 2 cnn experiment lists tinyBIG\'s layer indices (pooling layers count)', async () => {
    const lines = await run(path.join(configs, 'mnist_cnn_configs.yaml'));
    expect(lines.filter((l) => l.startsWith('layers.')).map((l) => l.split('.')[1])).toEqual(['0', '0', '1', '1', '3', '3', '4', '4']);
    expect(lines.at(-1)).toBe('parameters: 221458');
  });
});
