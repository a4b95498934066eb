/**
 * Seeded randomness. MT19937 with NumPy's legacy `RandomState` conventions, so that a split
 * made with a seed here is the split NumPy/scikit-learn make with the same seed
 * (`RandomState(seed).permutation(n)`, used by `train_test_split(random_state=seed)`).
 */

/** A seeded random source. */
export interface Rng {
  /** Next 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform double in [0, 1) with 53 random bits (NumPy's `random_sample`). */
  random(): number;
  /** Uniform integer in [0, max] (NumPy's legacy `random_interval`). */
  interval(max: number): number;
  /** A random permutation of 0..n-1 (NumPy's legacy `RandomState.permutation`). */
  permutation(n: number): Int32Array;
  /** Shuffles `a` in place (Fisher–Yates from the end, as NumPy does). */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T;
}

/** MT19937 seeded as `numpy.random.RandomState(seed)` (`init_genrand`). */
export function mt19937(seed: number): Rng {
  const mt = new Uint32Array(624);
  let mti = 624;
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    // 1812433253 * prev + i, in 32-bit arithmetic
    mt[i] = (((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i) >>> 0;
  }
  const twist = () => {
    for (let k = 0; k < 624; k++) {
      const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
      let v = mt[(k + 397) % 624] ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[k] = v >>> 0;
    }
    mti = 0;
  };
  const nextUint32 = (): number => {
    if (mti >= 624) twist();
    let y = mt[mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  const random = (): number => {
    const a = nextUint32() >>> 5;
    const b = nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  };
  const interval = (max: number): number => {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1; mask |= mask >>> 2; mask |= mask >>> 4; mask |= mask >>> 8; mask |= mask >>> 16;
    let v: number;
    do { v = (nextUint32() & mask) >>> 0; } while (v > max);
    return v;
  };
  const shuffle = <T extends { length: number; [i: number]: any }>(a: T): T => {
    for (let i = a.length - 1; i >= 1; i--) {
      const j = interval(i);
      const t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  };
  const permutation = (n: number): Int32Array => {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return shuffle(p);
  };
  return Object.freeze({ nextUint32, random, interval, permutation, shuffle });
}

/**
 * scikit-learn's `train_test_split(n, train_size, random_state, shuffle)` index sets:
 * with shuffling, `perm = RandomState(seed).permutation(n)`, test = `perm[:nTest]`,
 * train = `perm[nTest:nTest+nTrain]`; without, train = first `nTrain`, test = the rest.
 */
export function trainTestSplitIndices(n: number, trainSize: number, seed: number, shuffle: boolean): { train: Int32Array; test: Int32Array } {
  const nTest = n - trainSize;
  if (!shuffle) {
    const all = Int32Array.from({ length: n }, (_, i) => i);
    return { train: all.slice(0, trainSize), test: all.slice(trainSize) };
  }
  const perm = mt19937(seed).permutation(n);
  return { train: perm.slice(nTest, nTest + trainSize), test: perm.slice(0, nTest) };
}
