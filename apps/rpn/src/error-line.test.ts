import { describe, expect, it } from 'vitest';
import { ConfigError } from '@rpn/core';
import { debugEnabled, errorLine } from './error-line.js';

describe('errorLine', () => {
  it('a typed error is one line with its argument, expected and received', () => {
    const e = new ConfigError('config file not found', { argument: 'CONFIG', expected: 'a YAML file', received: '/x/y.yaml' });
    const line = errorLine(e);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('error: config file not found (argument `CONFIG`; expected a YAML file; received /x/y.yaml)');
  });

  it('a multi-line message is collapsed onto one line', () => {
    expect(errorLine(new ConfigError('bad YAML\n  at line 3\n'))).toBe('error: bad YAML at line 3');
  });

  it('an unexpected error keeps its class name, still one line, no stack', () => {
    const line = errorLine(new TypeError('x is not a function'));
    expect(line).toBe('error: TypeError: x is not a function');
    expect(errorLine('plain')).toBe('error: plain');
  });

  it('RPN_DEBUG=1 adds the stack trace after the line', () => {
    const e = new ConfigError('boom');
    const lines = errorLine(e, '1').split('\n');
    expect(lines[0]).toBe('error: boom');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[1]).toMatch(/ConfigError: boom/);
    expect(errorLine(e, '0')).toBe('error: boom');
  });

  it('debugEnabled reads the usual spellings', () => {
    for (const v of ['1', 'true', 'yes', 'on']) expect(debugEnabled(v), v).toBe(true);
    for (const v of [undefined, '', '0', 'false', 'no', 'off', ' 0 ']) expect(debugEnabled(v), String(v)).toBe(false);
  });
});
