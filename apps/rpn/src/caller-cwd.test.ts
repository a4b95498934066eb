import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callerCwd, fromCaller } from './caller-cwd.js';

const root = path.resolve('/repo');
const pkg = path.join(root, 'package.json');

describe('callerCwd / fromCaller', () => {
  it('run directly with node (no pnpm variables): the process working directory', () => {
    expect(callerCwd({}, '/somewhere/else')).toBe('/somewhere/else');
    expect(fromCaller('runs/x', {}, '/w')).toBe(path.resolve('/w/runs/x'));
  });

  it('run by a pnpm root script: the directory the user ran pnpm in (INIT_CWD)', () => {
    const env = { INIT_CWD: path.join(root, 'docs'), npm_package_json: pkg };
    expect(callerCwd(env, root)).toBe(path.join(root, 'docs'));
    expect(fromCaller('../apps/rpn/configs/iris_configs.yaml', env, root)).toBe(path.join(root, 'apps/rpn/configs/iris_configs.yaml'));
  });

  it('a child started elsewhere that inherited pnpm variables: its own working directory', () => {
    const env = { INIT_CWD: path.join(root, 'apps/rpn'), npm_package_json: path.join(root, 'apps/rpn/package.json') };
    expect(callerCwd(env, '/tmp/t1')).toBe('/tmp/t1');
  });

  it('INIT_CWD without npm_package_json, or relative, is not trusted', () => {
    expect(callerCwd({ INIT_CWD: '/a' }, '/b')).toBe('/b');
    expect(callerCwd({ INIT_CWD: 'rel', npm_package_json: '/b/package.json' }, '/b')).toBe('/b');
  });

  it('absolute paths are kept (normalised)', () => {
    const env = { INIT_CWD: path.join(root, 'docs'), npm_package_json: pkg };
    expect(fromCaller('/data/x/../y.csv', env, root)).toBe(path.resolve('/data/y.csv'));
  });
});
