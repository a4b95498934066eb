import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse, stringify } from 'yaml';
import { describe, expect, it, beforeAll } from 'vitest';

const app = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(app, 'dist', 'cli.js');
const configs = path.join(app, 'configs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-cli-'));

function rpn(...args: string[]): { code: number; out: string; err: string; lines: string[] } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: tmp, timeout: 240_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr, lines: r.stdout.trim().split('\n') };
}

function variant(name: string, base: string, edit: (c: any) => void): string {
  const doc = parse(fs.readFileSync(path.join(configs, base), 'utf8'));
  edit(doc.configurations);
  const file = path.join(tmp, name);
  fs.writeFileSync(file, stringify(doc));
  return file;
}

describe('rpn CLI', () => {
  beforeAll(() => {
    if (!fs.existsSync(cli)) throw new Error(`build the app first: ${cli} is missing`);
  });

  it('train (elementary, 3 epochs) writes checkpoint, results, plots; eval and predict read them', () => {
    const out = path.join(tmp, 'elem');
    const t = rpn('train', path.join(configs, 'elementary_configs.yaml'), '--epochs', '3', '--out', out, '--seed', '7');
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/Epoch: 1, Train Loss: .*Test Loss: .*Test Score \(mse\)/);
    expect(t.lines.at(-1)).toMatch(/^final test mse: \d/);
    for (const f of ['results.json', 'loss.svg', 'loss.png', 'metric.svg', 'metric.png', 'function.svg', 'function.png', 'checkpoint/model.json']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    const res = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(res.records).toHaveLength(3);
    expect(res.parameters).toBe(47);
    expect(Object.keys(res.records[0])).toEqual(expect.arrayContaining(['train_loss', 'test_loss', 'test_score', 'lr', 'train_time_s']));
    const final = Number(t.lines.at(-1)!.split(': ')[1]);

    const e = rpn('eval', path.join(configs, 'elementary_configs.yaml'), '--checkpoint', path.join(out, 'checkpoint'), '--seed', '7');
    expect(e.code, e.err).toBe(0);
    expect(Number(e.lines.at(-1)!.split(': ')[1])).toBeCloseTo(final, 4);

    const csv = path.join(tmp, 'points.csv');
    fs.writeFileSync(csv, 'x,y\n0.1,0.2\n0.3,0.1\n');
    const p = rpn('predict', '--checkpoint', path.join(out, 'checkpoint'), '--input', csv);
    expect(p.code, p.err).toBe(0);
    expect(p.lines).toHaveLength(2);
    expect(JSON.parse(p.lines[0]).output).toHaveLength(1);
    const json = path.join(tmp, 'points.json');
    fs.writeFileSync(json, JSON.stringify([[0.1, 0.2]]));
    expect(rpn('predict', '--checkpoint', path.join(out, 'checkpoint'), '--input', json).code).toBe(0);

    const bad = path.join(tmp, 'wide.csv');
    fs.writeFileSync(bad, '0.1,0.2,0.3\n');
    const w = rpn('predict', '--checkpoint', path.join(out, 'checkpoint'), '--input', bad);
    expect(w.code).not.toBe(0);
    expect(w.err).toMatch(/wrong width.*expected 2 values.*received 3 values/);
  });

  it('iris (tinyBIG YAML, 20 epochs) trains to a finite MSE', () => {
    const t = rpn('train', path.join(configs, 'iris_configs.yaml'), '--epochs', '20', '--out', path.join(tmp, 'iris'), '--no-plots');
    expect(t.code, t.err).toBe(0);
    expect(t.lines.at(-1)).toMatch(/^final test mse: \d/);
  });

  it('the other quick shipped configs run unchanged (2 epochs), banknote too (its table is shipped)', () => {
    for (const c of ['composite_configs.yaml', 'feynman_configs.yaml', 'diabetes_configs.yaml', 'banknote_configs.yaml']) {
      const t = rpn('train', path.join(configs, c), '--epochs', '2', '--out', path.join(tmp, c), '--no-plots');
      expect(t.code, `${c}: ${t.err}`).toBe(0);
      expect(t.lines.at(-1)).toMatch(/^final test mse: \d/);
    }
  });

  it('bad inputs: unknown optimizer, unknown dataset, missing checkpoint, missing config: clear message, exit 1', () => {
    const opt = variant('bad-opt.yaml', 'elementary_configs.yaml', (c) => { c.learner_configs.learner_parameters.optimizer_configs.optimizer_class = 'torch.optim.Lion'; });
    const a = rpn('train', opt, '--epochs', '1', '--out', path.join(tmp, 'x'));
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/^error: unknown optimizer name "torch.optim.Lion".*AdamW/m);

    const data = variant('bad-data.yaml', 'elementary_configs.yaml', (c) => { c.data_configs.data_class = 'tinybig.data.barley'; });
    const b = rpn('train', data, '--epochs', '1', '--out', path.join(tmp, 'y'));
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/^error: unknown dataset name "tinybig.data.barley".*elementary_function/m);

    const c = rpn('eval', path.join(configs, 'elementary_configs.yaml'), '--checkpoint', path.join(tmp, 'nope'));
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/^error: checkpoint not found.*nope/m);

    const d = rpn('predict', '--checkpoint', path.join(tmp, 'nope'), '--input', 'x.csv');
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/checkpoint not found/);

    const e = rpn('train', path.join(tmp, 'missing.yaml'));
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/config file not found/);

    const f = rpn('bench', '--case', 'nosuchcase');
    expect(f.code).toBe(1);
    expect(f.err).toMatch(/unknown bench case.*elementary/);
  });

  it('hostile input: bad YAML for info (the reader train uses), empty predict cells, a diverging run: one line each, exit 1, nothing saved lost', () => {
    for (const [name, text] of [['syntax.yaml', 'model_class: [unclosed\n  - : :\n'], ['scalar.yaml', '42\n']]) {
      const f = path.join(tmp, name);
      fs.writeFileSync(f, text);
      const r = rpn('info', f);
      expect(r.code, name).toBe(1);
      expect(r.err.trimEnd().split('\n'), `${name}: ${r.err}`).toHaveLength(1);
      expect(r.err, name).toMatch(/^error: config file is not (valid YAML|a YAML mapping)/);
    }
    const out = path.join(tmp, 'div');
    const ok = rpn('train', path.join(configs, 'elementary_configs.yaml'), '--epochs', '1', '--out', out, '--no-plots');
    expect(ok.code, ok.err).toBe(0);
    const saved = fs.readFileSync(path.join(out, 'checkpoint', 'weights.bin'));
    const cells = path.join(tmp, 'cells.csv');
    fs.writeFileSync(cells, '0.1,0.2\n0.3,\n');
    const p = rpn('predict', '--checkpoint', path.join(out, 'checkpoint'), '--input', cells);
    expect(p.code).toBe(1);
    expect(p.out).toBe('');
    expect(p.err).toMatch(/^error: empty input cell.*row 2 \(line 2\), column 2/);
    // a learning rate that makes the loss overflow: typed error naming epoch and batch; the first run's checkpoint is untouched
    const hot = variant('hot.yaml', 'elementary_configs.yaml', (c) => { c.learner_configs.learner_parameters.optimizer_configs.optimizer_parameters.lr = 1e30; });
    const d = rpn('train', hot, '--epochs', '5', '--out', out, '--no-plots');
    expect(d.code).toBe(1);
    expect(d.err.trimEnd().split('\n')).toHaveLength(1);
    expect(d.err).toMatch(/^error: training diverged: non-finite (loss|gradient) at epoch \d+, batch \d+/);
    expect(fs.readFileSync(path.join(out, 'checkpoint', 'weights.bin')).equals(saved)).toBe(true);
  });

  it('bench --case elementary prints one JSON line with the required fields', () => {
    const r = rpn('bench', '--case', 'elementary', '--reps', '3');
    expect(r.code, r.err).toBe(0);
    const line = JSON.parse(r.lines.at(-1)!);
    for (const k of ['case', 'backend', 'simd', 'threads', 'train_samples_per_s', 'infer_samples_per_s_b1', 'infer_samples_per_s_b1000', 'peak_rss_mb']) expect(line, k).toHaveProperty(k);
    expect(line.case).toBe('elementary');
  });

  it('bench --config FILE --steps N --batch N prints one JSON line for the file\'s model; --steps without --config is an error', () => {
    const r = rpn('bench', '--config', path.join(configs, 'elementary_configs.yaml'), '--steps', '2', '--batch', '10');
    expect(r.code, r.err).toBe(0);
    expect(r.lines).toHaveLength(1);
    const line = JSON.parse(r.lines[0]!);
    expect(line).toMatchObject({ case: 'config:elementary_configs.yaml', backend: 'wasm', steps: 2, batch: 10, parameters: 47, optimizer: 'torch.optim.AdamW', loss: 'torch.nn.MSELoss' });
    for (const k of ['threads', 'train_samples_per_s', 'infer_samples_per_s_b1', 'infer_samples_per_s_b1000', 'peak_rss_mb']) expect(line, k).toHaveProperty(k);
    const bad = rpn('bench', '--steps', '2');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^error: --steps and --batch need --config/);
  });
});
