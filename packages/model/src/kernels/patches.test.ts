import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, optionsFromParameters } from '@rpn/core';
import { convGatherIndex, gatherColumns, gatherPlan, gridGeometry, poolGatherIndex, type GridGeometryOptions } from './patches.js';
import { gridCases, maxAbs, uniform } from '../architectures/grid-test/test-utils.js';

const geometryOf = (params: Record<string, unknown>): ReturnType<typeof gridGeometry> => {
  const o = optionsFromParameters(params) as Record<string, unknown>;
  const channels = (o.inChannel ?? o.channelNum) as number;
  // the heads' default cd_d = 1 (so cd_h and cd_w alone give a stride)
  return gridGeometry({ ...(o as object), cdD: (o.cdD as number | null | undefined) ?? 1, channels } as GridGeometryOptions);
};

describe('grid geometry matches tinyBIG on every grid head and layer case', () => {
  const cases = [...gridCases('architecture_head'), ...gridCases('architecture_layer')];
  it('covers the conv and pool cases', () => expect(cases.length).toBeGreaterThanOrEqual(14));
  for (const c of cases) {
    it(`${c.id}: patch offsets, S, P, cd, output grid, m`, () => {
      const s = c.structure[0];
      const g = geometryOf(c.config.parameters);
      expect(g.patch.offsets.map((o) => [...o])).toEqual(s.patch_offsets);
      expect(g.patchSize).toBe(s.patch_size);
      expect(g.patchNum).toBe(s.patch_num);
      expect([...g.centerDistances]).toEqual(s.cd);
      expect([...g.outputGridShape]).toEqual(s.output_grid_shape);
      expect([...g.inputGridShape]).toEqual(s.grid_shape);
      expect(g.m).toBe(s.m);
    });
  }
});

describe('grid geometry rejects settings that leave no patch', () => {
  const base = { h: 4, w: 4, channels: 1, pH: 1 };
  const fails = (o: Partial<GridGeometryOptions>, argument: string) => {
    let err: unknown;
    try { gridGeometry({ ...base, ...o } as GridGeometryOptions); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).argument).toBe(argument);
  };
  it('names the parameter', () => {
    fails({ pH: null }, 'p_h');
    fails({ pH: -1 }, 'p_h');
    fails({ pWPrime: -2 }, 'p_w_prime');
    fails({ patchShape: 'cylinder' }, 'p_r');
    fails({ patchShape: 'sphere', pR: -1 }, 'p_r');
    fails({ patchShape: 'hexagon' }, 'patch_shape');
    fails({ cdH: 0, cdW: 1, cdD: 1 }, 'cd_h');
    fails({ cdH: 2, cdW: -1, cdD: 1 }, 'cd_w');
    fails({ h: 0 }, 'h');
    fails({ channels: 0, channelsArgument: 'in_channel' }, 'in_channel');
  });
  it('uses the strides only when all three are given (else the packing strategy)', () => {
    expect([...gridGeometry({ ...base, cdH: 2, cdW: 2 }).centerDistances]).toEqual([1, 1, 1]);
    expect([...gridGeometry({ ...base, cdH: 2, cdW: 3, cdD: 1 }).centerDistances]).toEqual([2, 3, 1]);
    expect([...gridGeometry({ ...base, packingStrategy: 'complete_square' }).centerDistances]).toEqual([2, 2, 1]);
    expect(gridGeometry({ ...base, cdH: 3, cdW: 3, cdD: 1 }).patchNum).toBe(4);
  });
});

describe('gather indices', () => {
  // 3×2 grid, 2 channels, 3×1 patch (p_h = 1, p_w = 0), stride 1: P = 6, S = 3
  const g = gridGeometry({ h: 3, w: 2, channels: 2, pH: 1, pW: 0 });
  it('conv order is (patch, channel, offset) and pool order (channel, patch, offset); m is the zero pad', () => {
    const conv = convGatherIndex(g);
    const pool = poolGatherIndex(g);
    const [P, S, C, N, m] = [g.patchNum, g.patchSize, g.channels, g.cells, g.m];
    expect([P, S, N, m]).toEqual([6, 3, 6, 12]);
    // patch 0 is centred at (0, 0): offsets (-1,0) outside, (0,0) cell 0, (1,0) cell 2
    expect(Array.from(conv.slice(0, C * S))).toEqual([m, 0, 2, m, N + 0, N + 2]);
    expect(Array.from(pool.slice(0, S))).toEqual([m, 0, 2]);
    expect(Array.from(pool.slice(P * S, P * S + S))).toEqual([m, N + 0, N + 2]);
    // patch 5 is centred at (2, 1): cells 3, 5, then outside
    expect(Array.from(conv.slice(5 * C * S, 5 * C * S + S))).toEqual([3, 5, m]);
  });
});

describe('gatherColumns: values and a scatter-free gradient', () => {
  for (const [name, index, m] of [
    ['overlapping reads with padding', Int32Array.from([3, 0, 0, 2, 3, 1, 3, 3]), 3],
    ['each column read at most once', Int32Array.from([2, 0, 4]), 4],
  ] as const) {
    it(name, () => {
      const plan = gatherPlan(index as Int32Array, m);
      const b = 2;
      const xs = uniform(b * m, 11);
      const gs = uniform(b * index.length, 12);
      const x = tf.tensor2d(xs, [b, m]);
      const G = tf.tensor2d(gs, [b, index.length]);
      const before = tf.memory().numTensors;
      const y = gatherColumns(x, plan);
      const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(gatherColumns(v, plan), G)))(x);
      const wantY: number[] = [];
      const wantDx = new Array(b * m).fill(0);
      for (let r = 0; r < b; r++) {
        index.forEach((j, k) => {
          wantY.push(j < m ? xs[r * m + j] : 0);
          if (j < m) wantDx[r * m + j] += gs[r * index.length + k];
        });
      }
      expect(maxAbs(y.dataSync(), wantY)).toBe(0);
      expect(maxAbs(dx.dataSync(), wantDx)).toBeLessThan(1e-6);
      tf.dispose([y, dx]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, G]);
    });
  }
});
