import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValueError } from '@rpn/core';
import { compareCodePoints, fitTfidf, tokenize, type TfidfOptions } from './tfidf.js';
import { ENGLISH_STOP_WORDS } from './english-stop-words.js';

const dir = new URL('../../sklearn-reference/', import.meta.url);
const corpus = JSON.parse(fs.readFileSync(new URL('corpus.json', dir), 'utf8')) as { train: string[]; test: string[] };
/** Written by sklearn-reference/make.py with scikit-learn's TfidfVectorizer (1.2.1). */
const ref = JSON.parse(fs.readFileSync(new URL('tfidf-reference.json', dir), 'utf8')) as {
  tokens: string[][];
  settings: Record<string, { params: Record<string, unknown>; vocabulary: string[]; idf: number[]; train: number[][]; test: number[][] }>;
};

const optionsOf = (p: Record<string, unknown>): TfidfOptions => ({
  sublinearTf: p.sublinear_tf as boolean, maxDf: p.max_df as number, minDf: p.min_df as number,
  stopWords: (p.stop_words ?? null) as 'english' | null, norm: (p.norm ?? 'l2') as 'l1' | 'l2', smoothIdf: (p.smooth_idf ?? true) as boolean,
  maxFeatures: (p.max_features ?? null) as number | null,
});

const expectMatrix = (got: Float32Array, want: number[][], v: number, what: string) => {
  expect(got.length, what).toBe(want.length * v);
  let worst = 0;
  want.forEach((row, i) => row.forEach((x, j) => { worst = Math.max(worst, Math.abs(got[i * v + j] - x)); }));
  expect(worst, what).toBeLessThan(1e-6);
};

describe('tf-idf against scikit-learn', () => {
  it("tokenize is scikit-learn's analyser (lower-case, (?u)\\b\\w\\w+\\b) on every corpus document", () => {
    [...corpus.train, ...corpus.test].forEach((d, i) => expect(tokenize(d), `document ${i}`).toEqual(ref.tokens[i]));
  });

  for (const [name, s] of Object.entries(ref.settings)) {
    it(`${name}: vocabulary, idf, and the train (fit) and test (transform) matrices to 1e-6`, () => {
      const v = fitTfidf(corpus.train, optionsOf(s.params));
      expect(v.vocabulary).toEqual(s.vocabulary);
      v.idf.forEach((x, j) => expect(Math.abs(x - s.idf[j])).toBeLessThan(1e-12));
      expectMatrix(v.transform(corpus.train), s.train, s.vocabulary.length, 'train');
      expectMatrix(v.transform(corpus.test), s.test, s.vocabulary.length, 'test');
    });
  }

  it('defaults are tinyBIG\'s settings (sublinear tf, max_df 0.5, min_df 5, English stop words, l2)', () => {
    const v = fitTfidf(corpus.train);
    expect(v.vocabulary).toEqual(ref.settings.tinybig.vocabulary);
    expect(v.options).toMatchObject({ sublinearTf: true, maxDf: 0.5, minDf: 5, stopWords: 'english', norm: 'l2' });
  });

  it("the stop-word list is scikit-learn's 318 words, sorted, no repeats", () => {
    expect(ENGLISH_STOP_WORDS.length).toBe(318);
    expect(new Set(ENGLISH_STOP_WORDS).size).toBe(318);
    expect([...ENGLISH_STOP_WORDS].sort()).toEqual(ENGLISH_STOP_WORDS);
    for (const w of ['the', 'and', 'amoungst', 'whereafter', 'yourselves']) expect(ENGLISH_STOP_WORDS).toContain(w);
  });

  it('code-point order puts an astral letter after U+FFxx (UTF-16 order would not)', () => {
    expect(compareCodePoints('\u{1D518}', '\uFF41')).toBeGreaterThan(0);
    expect('\u{1D518}' < '\uFF41').toBe(true);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'abc')).toBe(0);
  });

  it('bad settings and inputs are typed errors', () => {
    expect(() => fitTfidf([])).toThrow(/at least one document/);
    expect(() => fitTfidf(['a b'], { minDf: 1, maxDf: 1 })).toThrow(/no terms remain/);
    expect(() => fitTfidf(corpus.train, { minDf: 10, maxDf: 3 })).toThrow(ValueError);
    expect(() => fitTfidf(corpus.train, { maxDf: -1 })).toThrow(/max_df/);
    expect(() => fitTfidf(corpus.train, { minDf: 1.5 })).toThrow(/min_df/);
    expect(() => fitTfidf(corpus.train, { maxFeatures: 0 })).toThrow(/max_features/);
    expect(() => fitTfidf([1 as unknown as string])).toThrow(/documents\[0\]/);
    expect(() => fitTfidf(corpus.train).transform([null as unknown as string])).toThrow(/documents\[0\]/);
  });
});
