import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { appRegistry } from '../registry.js';
import { trainCommand } from './train.js';
import { readRows } from './predict.js';
import { nodeOutputFs, OutputError, type OutputFs } from '../output-files.js';

const configs = path.resolve(import.meta.dirname, '..', '..', 'configs');
const backend = { backend: tf.getBackend(), simd: false, threads: 1 };

describe('trainCommand in-process', () => {
  it('trains tinyBIG\'s elementary model with its own YAML, loss falls, no tensor leaks', async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const run = await trainCommand(path.join(configs, 'elementary_configs.yaml'), { registry: appRegistry(), backend, epochs: 8, out: null, print: (l) => lines.push(l), progress: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(run.parameters).toBe(47);
    expect(run.records).toHaveLength(8);
    expect(run.records[7].testLoss!).toBeLessThan(run.records[0].testLoss!);
    expect(lines.at(-1)).toBe(`final test mse: ${run.final < 1e-3 ? run.final.toExponential(4) : run.final.toFixed(4)}`);
  });

  it('readRows rejects non-numeric rows with the row number', () => {
    expect(() => readRows(path.join(configs, 'iris_configs.yaml'))).toThrow(/row/);
  });

  it('a full disk while writing results.json: typed error, the previous results.json intact, no temp files', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-train-enospc-'));
    fs.writeFileSync(path.join(out, 'results.json'), '{"previous": true}');
    const full: OutputFs = { ...nodeOutputFs, writeSynced(file, data) {
      if (path.basename(file).startsWith('.results.json.tmp-')) { fs.writeFileSync(file, data.subarray(0, 4096)); throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); }
      nodeOutputFs.writeSynced(file, data);
    } };
    const before = tf.memory().numTensors;
    const run = trainCommand(path.join(configs, 'elementary_configs.yaml'), { registry: appRegistry(), backend, epochs: 1, out, plots: false, print: () => undefined, progress: false, outputFs: full });
    await expect(run).rejects.toThrow(OutputError);
    await expect(run).rejects.toThrow(/results\.json: no space left on the device/);
    expect(tf.memory().numTensors).toBe(before);
    expect(fs.readFileSync(path.join(out, 'results.json'), 'utf8')).toBe('{"previous": true}');
    expect(fs.readdirSync(out).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('a read-only output folder fails before training starts, with EROFS', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-train-erofs-'));
    const ro: OutputFs = { ...nodeOutputFs, mkdir(dir) { if (dir.startsWith(root)) throw Object.assign(new Error('EROFS: read-only file system, mkdir'), { code: 'EROFS' }); nodeOutputFs.mkdir(dir); } };
    const lines: string[] = [];
    const run = trainCommand(path.join(configs, 'elementary_configs.yaml'), { registry: appRegistry(), backend, epochs: 1, out: path.join(root, 'runs', 'elem'), print: (l) => lines.push(l), progress: false, outputFs: ro });
    await expect(run).rejects.toThrow(/read-only/);
    await expect(run).rejects.toMatchObject({ code: 'EROFS' });
    expect(lines.filter((l) => l.startsWith('Epoch'))).toEqual([]);
  });

  it('plots are written atomically too: a full disk on a PNG is a typed error, the old plot is kept', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-train-plots-'));
    fs.writeFileSync(path.join(out, 'loss.png'), 'old png');
    const full: OutputFs = { ...nodeOutputFs, writeSynced(file, data) {
      if (path.basename(file).startsWith('.loss.png.tmp-')) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      nodeOutputFs.writeSynced(file, data);
    } };
    await expect(trainCommand(path.join(configs, 'elementary_configs.yaml'), { registry: appRegistry(), backend, epochs: 1, out, print: () => undefined, progress: false, outputFs: full })).rejects.toThrow(OutputError);
    expect(fs.readFileSync(path.join(out, 'loss.png'), 'utf8')).toBe('old png');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')).epochs).toBe(1);
    expect(fs.readdirSync(out).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
