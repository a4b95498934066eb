import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  assertLayout, assertLayoutsChain, chainLayout, describeLayout, flatLayout, gridLayout, hasInstanceAxis, layoutWidth, layoutsCompatible,
} from './layout.js';
import { ConfigError, ShapeError } from './errors.js';

describe('layouts', () => {
  it('give their flat row width', () => {
    expect(layoutWidth(flatLayout(7))).toBe(7);
    expect(layoutWidth(chainLayout(16, 8))).toBe(128);
    expect(layoutWidth(gridLayout(28, 28, 1, 3))).toBe(2352);
    expect(describeLayout(gridLayout(4, 5, 2, 3))).toBe('[h=4, w=5, d=2, C=3]');
    expect(describeLayout(flatLayout(3, { name: 'nodes', count: 6 }))).toBe('[m=3] over 6 nodes');
  });
  it('reject sizes that are not positive integers, naming the argument', () => {
    expect(() => chainLayout(0, 3)).toThrow(ConfigError);
    expect(() => chainLayout(0, 3)).toThrow(/chain_length/);
    expect(() => gridLayout(4, 4, 1.5, 1)).toThrow(/argument `d`/);
  });
  it('chain: flat readers take any layout of their width; structured readers need the same structure', () => {
    expect(layoutsCompatible(gridLayout(4, 4, 1, 2), flatLayout(32))).toBe(true);
    expect(layoutsCompatible(flatLayout(32), gridLayout(4, 4, 1, 2))).toBe(true);
    expect(layoutsCompatible(gridLayout(4, 4, 1, 2), gridLayout(4, 4, 1, 2))).toBe(true);
    expect(layoutsCompatible(gridLayout(4, 4, 1, 2), gridLayout(2, 8, 1, 2))).toBe(false);
    expect(layoutsCompatible(chainLayout(4, 3), chainLayout(3, 4))).toBe(false);
    expect(layoutsCompatible(chainLayout(4, 3), gridLayout(4, 3, 1, 1))).toBe(false);
    expect(layoutsCompatible(flatLayout(5), flatLayout(6))).toBe(false);
    expect(() => assertLayoutsChain(chainLayout(4, 3), chainLayout(3, 4), 'layers[1]')).toThrow(/layers\[1\]/);
  });
  it('check a batch: width, rank and a fixed instance count', () => {
    const x = tf.zeros([6, 12]);
    expect(() => assertLayout(x, chainLayout(4, 3))).not.toThrow();
    expect(() => assertLayout(x, chainLayout(4, 4))).toThrow(ShapeError);
    expect(() => assertLayout(x, chainLayout(4, 4))).toThrow(/rows of \[L=4, m=4\]/);
    expect(() => assertLayout(x, flatLayout(12, { name: 'nodes', count: 6 }))).not.toThrow();
    expect(() => assertLayout(x, flatLayout(12, { name: 'nodes', count: 5 }))).toThrow(/every one of the 5 nodes/);
    const v = tf.zeros([12]);
    expect(() => assertLayout(v, flatLayout(12))).toThrow(/rank-2/);
    expect(hasInstanceAxis(flatLayout(3, { name: 'tokens' }))).toBe(true);
    expect(hasInstanceAxis(flatLayout(3))).toBe(false);
    tf.dispose([x, v]);
  });
});
