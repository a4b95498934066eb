import { describe, expect, it } from 'vitest';
import { ValueError } from './errors.js';
import { autoThreads, planThreads, shadowHardwareConcurrency, type ThreadPlatform } from './wasm-threads.js';

const isolated: ThreadPlatform = { node: false, multithread: true, isolated: true, hardwareConcurrency: 2 };
const notIsolated: ThreadPlatform = { node: false, multithread: false, isolated: false, hardwareConcurrency: 2 };
const node: ThreadPlatform = { node: true, multithread: false, isolated: undefined, hardwareConcurrency: undefined };

describe('planThreads: how many threads the wasm backend is asked for', () => {
  it("'auto' uses both cores of a 2-core isolated page, half the logical cores on larger machines, at most 8", () => {
    expect(planThreads('auto', isolated)).toEqual({ count: 2, warnings: [] });
    expect(autoThreads(1)).toBe(1);
    expect(autoThreads(2)).toBe(2);
    expect(autoThreads(4)).toBe(2);
    expect(autoThreads(8)).toBe(4);
    expect(autoThreads(12)).toBe(6);
    expect(autoThreads(64)).toBe(8);
    expect(autoThreads(undefined)).toBe(1);
  });
  it("'auto' on a page that is not cross-origin isolated: 1 thread and a warning naming the headers", () => {
    const plan = planThreads('auto', notIsolated);
    expect(plan.count).toBe(1);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(/not cross-origin isolated/);
    expect(plan.warnings[0]).toContain('Cross-Origin-Embedder-Policy: require-corp');
  });
  it("'auto' in Node: 1 thread, nothing to warn about (tfjs has no Node threads)", () => {
    expect(planThreads('auto', node)).toEqual({ count: 1, warnings: [] });
  });
  it('a count above 1 where threads cannot run is a ValueError naming the reason and the fix', () => {
    expect(() => planThreads(2, notIsolated)).toThrow(ValueError);
    expect(() => planThreads(2, notIsolated)).toThrow(/not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin/);
    try {
      planThreads(4, node);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValueError);
      expect((e as ValueError).argument).toBe('threads');
      expect((e as ValueError).received).toBe('4');
      expect((e as ValueError).message).toMatch(/no threads in Node by itself.*@rpn\/core\/node/);
    }
  });
  it('1 thread is always allowed; counts are integers 1 … 8', () => {
    expect(planThreads(1, node)).toEqual({ count: 1, warnings: [] });
    expect(planThreads(1, notIsolated).count).toBe(1);
    expect(planThreads(8, isolated).count).toBe(8);
    for (const bad of [0, -1, 9, 1.5, Number.NaN, '2' as unknown as number]) expect(() => planThreads(bad, isolated)).toThrow(ValueError);
  });
});

describe('shadowHardwareConcurrency: lifting tfjs 4.22\'s cap of ⌊hardwareConcurrency / 2⌋ for the init', () => {
  const navigatorLike = (h: number) => Object.create({ get hardwareConcurrency() { return h; } }) as { hardwareConcurrency?: number };
  it('reports 2 × threads until restored, then the real value again', () => {
    const nav = navigatorLike(2);
    const restore = shadowHardwareConcurrency(nav, 2);
    expect(nav.hardwareConcurrency).toBe(4);
    restore();
    expect(nav.hardwareConcurrency).toBe(2);
    expect(Object.prototype.hasOwnProperty.call(nav, 'hardwareConcurrency')).toBe(false);
  });
  it('leaves the navigator alone when the real value already allows the count, for 1 thread, or with no navigator', () => {
    const nav = navigatorLike(8);
    shadowHardwareConcurrency(nav, 4)();
    expect(nav.hardwareConcurrency).toBe(8);
    const two = navigatorLike(2);
    const restore = shadowHardwareConcurrency(two, 1);
    expect(two.hardwareConcurrency).toBe(2);
    restore();
    expect(() => shadowHardwareConcurrency(undefined, 2)()).not.toThrow();
  });
});
