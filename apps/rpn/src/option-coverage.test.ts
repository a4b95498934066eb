import { describe, expect, it } from 'vitest';
import { describeOptions } from '@rpn/core';
import { appRegistry } from './registry.js';

/**
 * Issue 15: ONE option schema per function. Every entry of the app's registry (core's processing
 * functions, every function, head, layer and model class, and learn's optimizers, schedulers, losses
 * and metrics) must carry an `options` schema that `describeOptions` turns into a form description.
 * Data classes (kind `dataset`) are not declared yet: they are the one kind left, listed here so that a
 * new undeclared entry of any other kind fails.
 */
const NOT_YET_DECLARED_KINDS = new Set(['dataset']);

describe('every registry entry declares its options', () => {
  const entries = appRegistry().entries;

  it('has an options schema on every entry (data classes excepted, see above)', () => {
    const missing = entries.filter((e) => !e.options && !NOT_YET_DECLARED_KINDS.has(e.kind)).map((e) => `${e.kind}:${e.className}`);
    expect(missing).toEqual([]);
    expect(entries.filter((e) => e.options).length).toBeGreaterThan(350);
  });

  it('describeOptions lists each schema as form data: key, tinyBIG key, type, expected words', () => {
    for (const e of entries) {
      if (!e.options) continue;
      const d = describeOptions(e.options);
      expect(Array.isArray(d), e.className).toBe(true);
      for (const o of d) {
        expect(typeof o.key, `${e.className}.${o.key}`).toBe('string');
        expect(o.configKey, `${e.className}.${o.key}`).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
        expect(typeof o.type, `${e.className}.${o.key}`).toBe('string');
        expect(o.expected.length, `${e.className}.${o.key}`).toBeGreaterThan(0);
      }
      expect(JSON.parse(JSON.stringify(d)), e.className).toEqual(d);
    }
  });

  it('the data classes are the only kind without a schema (remove this kind from the list once declared)', () => {
    const kinds = new Set(entries.filter((e) => !e.options).map((e) => e.kind));
    expect([...kinds]).toEqual([...NOT_YET_DECLARED_KINDS]);
  });
});
