import { ShapeError, ValueError } from '@rpn/core';
import { ENGLISH_STOP_WORDS } from './english-stop-words.js';

/**
 * Options of {@link fitTfidf}: scikit-learn's `TfidfVectorizer` parameters. The defaults are
 * tinyBIG's `load_tfidf_vectorizer` (sublinear_tf, max_df 0.5, min_df 5, English stop words);
 * the rest are scikit-learn's defaults (lowercase, l2 norm, smooth idf, unigrams).
 */
export interface TfidfOptions {
  /** tf → 1 + ln tf (default true). */
  readonly sublinearTf?: boolean;
  /** Drop terms in more documents than this: a proportion when ≤ 1, else a count (default 0.5). */
  readonly maxDf?: number;
  /** Drop terms in fewer documents than this: a count when an integer ≥ 1, else a proportion (default 5). */
  readonly minDf?: number;
  /** `'english'` (scikit-learn's 318 words, default), a word list, or null for none. */
  readonly stopWords?: 'english' | readonly string[] | null;
  /** Lower-case before tokenising (default true). */
  readonly lowercase?: boolean;
  /** Row normalisation: `'l2'` (default), `'l1'` or null. */
  readonly norm?: 'l1' | 'l2' | null;
  /** idf = ln((1 + n)/(1 + df)) + 1 when true (default), ln(n/df) + 1 when false. */
  readonly smoothIdf?: boolean;
  /**
   * Keep only the terms most frequent over the fitted corpus (scikit-learn's `max_features`, applied
   * after min_df/max_df). Equal counts at the cut keep the alphabetically first; scikit-learn's choice there follows numpy's unstable argsort. Default: all terms (tinyBIG).
   */
  readonly maxFeatures?: number | null;
}

/** A fitted vectoriser: its sorted vocabulary, the idf of each term and a dense transform. */
export interface TfidfVectorizer {
  /** Terms in scikit-learn's order (sorted by code point); column j is `vocabulary[j]`. */
  readonly vocabulary: readonly string[];
  readonly idf: Float64Array;
  /** The documents the vocabulary was fitted on. */
  readonly fittedDocuments: number;
  /** Dense tf-idf rows, `docs.length × vocabulary.length`, row-major (scikit-learn's `transform(...).toarray()`). */
  transform(docs: readonly string[]): Float32Array;
  /** The settings, for a run's record. */
  readonly options: Required<Omit<TfidfOptions, 'stopWords'>> & { readonly stopWords: string };
}

const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * scikit-learn's default analyser: lower-case, then the tokens of `(?u)\b\w\w+\b` — runs of two or
 * more word characters (letters, digits, underscore; Python's `\w`), counted in code points.
 */
export function tokenize(doc: string, lowercase = true): string[] {
  const text = lowercase ? doc.toLowerCase() : doc;
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    const t = m[0];
    // a run of 2+ code points (a lone astral character is 2 UTF-16 units but one code point)
    if (t.length > 2 || (t.length === 2 && t.codePointAt(0)! <= 0xffff)) out.push(t);
  }
  return out;
}

/** Python's string order: by code point (JS's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!, cb = b.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return (a.length - i) - (b.length - j);
}

function docLimit(v: number, n: number, what: 'max_df' | 'min_df'): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ValueError(`${what} must be a non-negative number`, { argument: `data_parameters.${what}`, expected: 'a proportion in [0, 1] or a document count', received: JSON.stringify(v) });
  }
  const proportion = what === 'max_df' ? v <= 1 : !Number.isInteger(v) || v < 1;
  if (proportion && v > 1) throw new ValueError(`${what} as a proportion must be at most 1`, { argument: `data_parameters.${what}`, expected: 'a proportion in [0, 1] or an integer count', received: String(v) });
  return proportion ? v * n : v;
}

/**
 * Fits scikit-learn's `TfidfVectorizer` on `docs` (tinyBIG fits it on the train texts only):
 * df(t) = documents containing t; keep t with min_df ≤ df(t) ≤ max_df; idf(t) = ln((1+n)/(1+df(t))) + 1;
 * x[d, t] = (1 + ln tf(d, t)) · idf(t), then each row divided by its l2 norm.
 */
export function fitTfidf(docs: readonly string[], o: TfidfOptions = {}): TfidfVectorizer {
  if (!Array.isArray(docs) || docs.length === 0) throw new ShapeError('tf-idf needs at least one document to fit on', { argument: 'documents', expected: 'a non-empty list of strings', received: Array.isArray(docs) ? '0 documents' : typeof docs });
  const bad = docs.findIndex((d) => typeof d !== 'string');
  if (bad >= 0) throw new ValueError('a document is not a string', { argument: `documents[${bad}]`, expected: 'a string', received: typeof docs[bad] });
  const lowercase = o.lowercase ?? true;
  const sublinearTf = o.sublinearTf ?? true;
  const smoothIdf = o.smoothIdf ?? true;
  const norm = o.norm === undefined ? 'l2' : o.norm;
  if (norm !== null && norm !== 'l1' && norm !== 'l2') throw new ValueError('unknown tf-idf norm', { argument: 'data_parameters.norm', expected: "'l1', 'l2' or null", received: JSON.stringify(norm) });
  const sw = o.stopWords === undefined ? 'english' : o.stopWords;
  if (sw !== null && sw !== 'english' && !Array.isArray(sw)) throw new ValueError('unknown stop-word list', { argument: 'data_parameters.stop_words', expected: "'english', a list of words, or null", received: JSON.stringify(sw) });
  const stop = new Set(sw === 'english' ? ENGLISH_STOP_WORDS : sw ?? []);
  const analyse = (d: string) => tokenize(d, lowercase).filter((t) => !stop.has(t));

  const n = docs.length;
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(analyse(d))) df.set(t, (df.get(t) ?? 0) + 1);
  const high = docLimit(o.maxDf ?? 0.5, n, 'max_df');
  const low = docLimit(o.minDf ?? 5, n, 'min_df');
  if (high < low) throw new ValueError('max_df corresponds to fewer documents than min_df', { argument: 'data_parameters.max_df', expected: `at least ${low} documents (min_df)`, received: `${high} documents` });
  let vocabulary = [...df].filter(([, c]) => c >= low && c <= high).map(([t]) => t).sort(compareCodePoints);
  const maxFeatures = o.maxFeatures ?? null;
  if (maxFeatures !== null && (typeof maxFeatures !== 'number' || !Number.isInteger(maxFeatures) || maxFeatures < 1)) {
    throw new ValueError('max_features must be a positive integer', { argument: 'data_parameters.max_features', expected: 'a positive integer or null', received: JSON.stringify(maxFeatures) });
  }
  if (maxFeatures !== null && vocabulary.length > maxFeatures) {
    const keep = new Set(vocabulary);
    const total = new Map<string, number>();
    for (const d of docs) for (const t of analyse(d)) if (keep.has(t)) total.set(t, (total.get(t) ?? 0) + 1);
    vocabulary = vocabulary.map((t, i) => ({ t, i, c: total.get(t)! })).sort((a, b) => b.c - a.c || a.i - b.i).slice(0, maxFeatures).map((e) => e.t).sort(compareCodePoints);
  }
  if (vocabulary.length === 0) throw new ValueError('after pruning, no terms remain', { argument: 'data_parameters.min_df/max_df', expected: 'a lower min_df or a higher max_df', received: `${df.size} terms in ${n} documents, min_df ${o.minDf ?? 5}, max_df ${o.maxDf ?? 0.5}` });
  const column = new Map(vocabulary.map((t, j) => [t, j]));
  const idf = Float64Array.from(vocabulary, (t) => {
    const c = df.get(t)!;
    return smoothIdf ? Math.log((1 + n) / (1 + c)) + 1 : Math.log(n / c) + 1;
  });
  const v = vocabulary.length;

  const transform = (texts: readonly string[]): Float32Array => {
    if (!Array.isArray(texts)) throw new ValueError('tf-idf transforms a list of documents', { argument: 'documents', expected: 'an array of strings', received: typeof texts });
    if (texts.length * v > 2 ** 31) throw new ShapeError('the dense tf-idf matrix is too large', { argument: 'documents', expected: `at most ${2 ** 31} values`, received: `${texts.length} × ${v}` });
    const out = new Float32Array(texts.length * v);
    const row = new Float64Array(v);
    texts.forEach((d, r) => {
      if (typeof d !== 'string') throw new ValueError('a document is not a string', { argument: `documents[${r}]`, expected: 'a string', received: typeof d });
      const counts = new Map<number, number>();
      for (const t of analyse(d)) { const j = column.get(t); if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1); }
      let s = 0;
      for (const [j, c] of counts) {
        const x = (sublinearTf ? 1 + Math.log(c) : c) * idf[j];
        row[j] = x;
        s += norm === 'l1' ? Math.abs(x) : x * x;
      }
      const scale = norm === null || s === 0 ? 1 : norm === 'l2' ? 1 / Math.sqrt(s) : 1 / s;
      for (const [j] of counts) { out[r * v + j] = row[j] * scale; row[j] = 0; }
    });
    return out;
  };

  return Object.freeze({
    vocabulary: Object.freeze(vocabulary),
    idf,
    fittedDocuments: n,
    transform,
    options: Object.freeze({ sublinearTf, maxDf: o.maxDf ?? 0.5, minDf: o.minDf ?? 5, lowercase, norm, smoothIdf, maxFeatures, stopWords: sw === null ? 'none' : sw === 'english' ? 'english' : `${sw.length} words` }),
  });
}
