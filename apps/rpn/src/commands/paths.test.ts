import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { parse, stringify } from 'yaml';
import { describe, expect, it, beforeAll } from 'vitest';

// The built CLI run as a user runs it: from some directory, with relative paths.
const app = path.resolve(import.meta.dirname, '..', '..');
const root = path.resolve(app, '..', '..');
const cli = path.join(app, 'dist', 'cli.js');
const configs = path.join(app, 'configs');
const irisCsv = path.join(root, 'packages', 'learn', 'data', 'iris.csv');

interface Run { code: number; out: string; err: string; errLines: string[] }
const done = (r: ReturnType<typeof spawnSync>): Run => {
  const err = String(r.stderr ?? '');
  return { code: r.status ?? -1, out: String(r.stdout ?? ''), err, errLines: err.split('\n').filter((l) => l.trim() !== '') };
};
function rpnIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  return done(spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, env, timeout: 240_000 } as SpawnSyncOptions));
}

/** A fresh directory holding a copy of a shipped config (with edits) at `cfg/<name>`. */
function workspace(base = 'elementary_configs.yaml', edit: (c: any) => void = () => {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-cwd-'));
  const doc = parse(fs.readFileSync(path.join(configs, base), 'utf8'));
  edit(doc.configurations);
  fs.mkdirSync(path.join(dir, 'cfg'));
  fs.writeFileSync(path.join(dir, 'cfg', base.replace('_configs', '')), stringify(doc));
  return dir;
}

describe('rpn paths come from the directory the command is run in', () => {
  beforeAll(() => {
    if (!fs.existsSync(cli)) throw new Error(`build the app first: ${cli} is missing`);
  });

  it('train/eval/predict/info/convert with relative paths read and write under the working directory', () => {
    const w = workspace();
    const t = rpnIn(w, ['train', 'cfg/elementary.yaml', '--epochs', '1', '--seed', '3', '--out', 'runs/x', '--no-plots']);
    expect(t.code, t.err).toBe(0);
    expect(fs.existsSync(path.join(w, 'runs', 'x', 'results.json'))).toBe(true);
    expect(fs.existsSync(path.join(w, 'runs', 'x', 'checkpoint', 'model.json'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'runs', 'x'))).toBe(false);

    const d = rpnIn(w, ['train', 'cfg/elementary.yaml', '--epochs', '1', '--no-plots']);
    expect(d.code, d.err).toBe(0);
    expect(fs.existsSync(path.join(w, 'runs', 'elementary', 'results.json')), 'default --out is runs/<config name> here').toBe(true);

    const e = rpnIn(w, ['eval', 'cfg/elementary.yaml', '--checkpoint', 'runs/x/checkpoint', '--seed', '3']);
    expect(e.code, e.err).toBe(0);
    expect(e.out).toMatch(/final test mse: \d/);

    fs.writeFileSync(path.join(w, 'points.csv'), '0.1,0.2\n');
    const p = rpnIn(w, ['predict', '--checkpoint', 'runs/x/checkpoint', '--input', 'points.csv', '--config', 'cfg/elementary.yaml']);
    expect(p.code, p.err).toBe(0);
    expect(JSON.parse(p.out.trim()).output).toHaveLength(1);

    const i = rpnIn(w, ['info', 'cfg/elementary.yaml']);
    expect(i.code, i.err).toBe(0);
    expect(i.out).toMatch(/^parameters: \d+$/m);
    const ic = rpnIn(w, ['info', 'runs/x/checkpoint']);
    expect(ic.code, ic.err).toBe(0);
    expect(ic.out).toMatch(/^format: native/m);

    const c = rpnIn(w, ['convert', 'runs/x/checkpoint', 'out/w.safetensors', '--config', 'cfg/elementary.yaml']);
    expect(c.code, c.err).toBe(0);
    expect(fs.existsSync(path.join(w, 'out', 'w.safetensors'))).toBe(true);
  });

  it('a missing config prints exactly one line on stderr (with the path looked at) and exits 1', () => {
    const w = workspace();
    for (const args of [['train', 'cfg/missing.yaml'], ['info', 'cfg/missing.yaml'], ['eval', 'cfg/missing.yaml', '--checkpoint', 'cfg']]) {
      const r = rpnIn(w, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.errLines, args.join(' ')).toHaveLength(1);
      expect(r.errLines[0]).toMatch(/^error: config file not found \(argument .*received .*cfg[\\/]missing\.yaml\)$/);
      expect(r.errLines[0]).toContain(path.join(w, 'cfg', 'missing.yaml'));
    }
    const g = rpnIn(w, ['golden', '--dir', 'no-golden']);
    expect(g.code).toBe(1);
    expect(g.errLines).toEqual([expect.stringMatching(/^error: golden directory not found .*no-golden\)$/)]);
    const u = rpnIn(w, ['train', '--no-such-option']);
    expect(u.code).toBe(1);
    expect(u.errLines).toEqual([expect.stringMatching(/^error: unknown option '--no-such-option'/)]);
  });

  it('RPN_DEBUG=1 adds the stack trace after the one line', () => {
    const w = workspace();
    const r = rpnIn(w, ['info', 'cfg/missing.yaml'], { ...process.env, RPN_DEBUG: '1' });
    expect(r.code).toBe(1);
    expect(r.errLines[0]).toMatch(/^error: config file not found/);
    expect(r.errLines.length).toBeGreaterThan(1);
    expect(r.err).toMatch(/\n\s+at /);
  });

  it('started by a pnpm script (INIT_CWD, cwd = the script folder): paths come from INIT_CWD', () => {
    const w = workspace();
    const scriptDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-script-'));
    const env = { ...process.env, INIT_CWD: w, npm_package_json: path.join(scriptDir, 'package.json') };
    const t = rpnIn(scriptDir, ['train', 'cfg/elementary.yaml', '--epochs', '1', '--out', 'runs/y', '--no-plots'], env);
    expect(t.code, t.err).toBe(0);
    expect(fs.existsSync(path.join(w, 'runs', 'y', 'results.json'))).toBe(true);
    expect(fs.existsSync(path.join(scriptDir, 'runs'))).toBe(false);
  });

  it('relative cache_dir in a config resolves from the working directory, as in tinyBIG (not from the config folder)', () => {
    const w = workspace('iris_configs.yaml', (c) => { Object.assign(c.data_configs.data_parameters, { cache_dir: 'data', filename: 'my_iris.csv' }); });
    fs.mkdirSync(path.join(w, 'data'));
    fs.copyFileSync(irisCsv, path.join(w, 'data', 'my_iris.csv'));
    const t = rpnIn(w, ['train', 'cfg/iris.yaml', '--epochs', '1', '--out', 'runs/iris', '--no-plots']);
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/final test mse: \d/);
    // The same config run from its own folder does not find data/ there.
    const from = rpnIn(path.join(w, 'cfg'), ['train', 'iris.yaml', '--epochs', '1', '--no-plots']);
    expect(from.code).toBe(1);
    expect(from.errLines).toEqual([expect.stringMatching(/^error: data file for iris not found .*received .*cfg[\\/]data[\\/]my_iris\.csv\)$/)]);
  });
});

const hasPnpm = !spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).error;

describe.skipIf(!hasPnpm)('pnpm rpn (the root script) from the repository', () => {
  const pnpmIn = (cwd: string, args: string[]) => done(spawnSync('pnpm', ['rpn', ...args], { encoding: 'utf8', cwd, timeout: 240_000 }));

  it('reads a path relative to the repository root', () => {
    const r = pnpmIn(root, ['info', 'apps/rpn/configs/iris_configs.yaml']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^parameters: \d+$/m);
  });

  it('reads a path relative to a sub-folder the user stands in', () => {
    const r = pnpmIn(path.join(root, 'docs'), ['info', '../apps/rpn/configs/iris_configs.yaml']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^parameters: \d+$/m);
  });

  it('a failure is one error line from the CLI and no ERR_PNPM noise', () => {
    const r = pnpmIn(root, ['info', 'no/such/config.yaml']);
    expect(r.code).toBe(1);
    expect(`${r.out}\n${r.err}`).not.toMatch(/ERR_PNPM|RECURSIVE_EXEC/);
    const errors = r.errLines.filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([`error: config file not found (argument \`file\`; expected a path to a tinyBIG YAML file; received ${path.join(root, 'no', 'such', 'config.yaml')})`]);
    // What else pnpm itself may print: its echo of the script and its one exit-status line.
    expect(r.errLines.filter((l) => !l.startsWith('error:') && !l.startsWith('$ node apps/rpn/dist/cli.js') && !/ELIFECYCLE/.test(l))).toEqual([]);
  });
});
