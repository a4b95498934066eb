import { UnsupportedError, ValueError } from '@rpn/core';
import { makeSplit, type Dataset } from '../data.js';
import { fitTfidf, type TfidfOptions } from './tfidf.js';

/** Labelled documents: `texts[i]` has class `labels[i]`. */
export interface LabelledTexts {
  readonly texts: readonly string[];
  readonly labels: Int32Array;
}


/** Line and column (1-based) of UTF-16 offset `at` in `text`. */
export function lineColumn(text: string, at: number): { line: number; column: number } {
  let line = 1, start = 0;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) { line++; start = i + 1; }
  return { line, column: at - start + 1 };
}

/** Strict UTF-8: invalid bytes are a ValueError naming the file, line and column of the first one. */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let lo = 0, hi = bytes.length; // the longest valid prefix, by bisection
    const ok = (n: number) => { try { new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true }); return true; } catch { return false; } };
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (ok(mid)) lo = mid; else hi = mid - 1; }
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, lo), { stream: true });
    const { line, column } = lineColumn(prefix, prefix.length);
    throw new ValueError('text file is not valid UTF-8', { argument: `${source} line ${line}, column ${column}`, expected: 'UTF-8 text', received: `byte 0x${bytes[lo]?.toString(16).padStart(2, '0')} at offset ${lo}` });
  }
}

/**
 * GLUE SST-2's TSV (`train.tsv`, `dev.tsv`): a `sentence\tlabel` header, then one `sentence<TAB>0|1`
 * per line (torchtext's SST2, which tinyBIG reads; labels kept as 0 negative, 1 positive).
 */
export function parseSst2Tsv(text: string, source = 'sst2.tsv'): LabelledTexts {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0 || lines[0] !== 'sentence\tlabel') {
    throw new ValueError('not a GLUE SST-2 file', { argument: `${source} line 1`, expected: 'the header "sentence<TAB>label"', received: JSON.stringify((lines[0] ?? '').slice(0, 60)) });
  }
  const texts: string[] = [];
  const labels: number[] = [];
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split('\t');
    if (cells.length !== 2) throw new ValueError('SST-2 row has the wrong number of columns', { argument: `${source} line ${r + 1}`, expected: '2 tab-separated columns (sentence, label)', received: `${cells.length} column(s)` });
    if (cells[1] !== '0' && cells[1] !== '1') throw new ValueError('SST-2 label is not 0 or 1', { argument: `${source} line ${r + 1}, column 2 (label)`, expected: '0 or 1', received: JSON.stringify(cells[1]) });
    texts.push(cells[0]);
    labels.push(Number(cells[1]));
  }
  if (texts.length === 0) throw new ValueError('SST-2 file has no rows', { argument: source, expected: 'at least one sentence', received: 'only the header' });
  return Object.freeze({ texts, labels: Int32Array.from(labels) });
}

/** RFC 4180 CSV records (quoted fields, `""` escapes, quoted newlines); errors name line and column. */
export function parseCsvRecords(text: string, source: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let fields: string[] = [], field = '', line = 1, recordLine = 1, i = 0, lineStart = 0;
  const n = text.length;
  let atFieldStart = true;
  while (i < n) {
    const c = text[i];
    if (atFieldStart && c === '"') {
      const openLine = line, openCol = i - lineStart + 1;
      i++;
      for (;;) {
        if (i >= n) throw new ValueError('CSV quoted field is not closed', { argument: `${source} line ${openLine}, column ${openCol}`, expected: 'a closing double quote', received: 'end of file' });
        const d = text[i];
        if (d === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        if (d === '\n') { line++; lineStart = i + 1; }
        field += d;
        i++;
      }
      if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        throw new ValueError('CSV text after a closing quote', { argument: `${source} line ${line}, column ${i - lineStart + 1}`, expected: 'a comma or the end of the line', received: JSON.stringify(text[i]) });
      }
      atFieldStart = false;
      continue;
    }
    if (c === ',') { fields.push(field); field = ''; atFieldStart = true; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { i++; continue; }
    if (c === '\n') {
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === '')) out.push({ fields, line: recordLine });
      fields = []; field = ''; atFieldStart = true; i++; line++; lineStart = i; recordLine = line;
      continue;
    }
    field += c;
    atFieldStart = false;
    i++;
  }
  if (!atFieldStart || field !== '' || fields.length) { fields.push(field); if (!(fields.length === 1 && fields[0] === '')) out.push({ fields, line: recordLine }); }
  return out;
}

/**
 * AG News CSV (`train.csv`, `test.csv`, no header): `"class","title","description"` with class 1–4
 * (World, Sports, Business, Sci/Tech). As torchtext's AG_NEWS, the text is title + " " + description
 * and tinyBIG's labels are class − 1.
 */
export function parseAgNewsCsv(text: string, source = 'ag_news.csv'): LabelledTexts {
  const texts: string[] = [];
  const labels: number[] = [];
  parseCsvRecords(text, source).forEach(({ fields, line }, r) => {
    if (fields.length !== 3) throw new ValueError('AG News row has the wrong number of columns', { argument: `${source} row ${r + 1} (line ${line})`, expected: '3 columns (class, title, description)', received: `${fields.length} column(s)` });
    const k = fields[0].trim();
    if (!/^[1-4]$/.test(k)) throw new ValueError('AG News class is not 1, 2, 3 or 4', { argument: `${source} row ${r + 1} (line ${line}), column 1 (class)`, expected: 'an integer from 1 to 4', received: JSON.stringify(fields[0]) });
    texts.push(`${fields[1]} ${fields[2]}`);
    labels.push(Number(k) - 1);
  });
  if (texts.length === 0) throw new ValueError('AG News file has no rows', { argument: source, expected: 'at least one "class","title","description" row', received: 'an empty file' });
  return Object.freeze({ texts, labels: Int32Array.from(labels) });
}

/** Options of {@link textDataset}: batch sizes, tinyBIG's `load_type` and the tf-idf settings. */
export interface TextDatasetOptions extends TfidfOptions {
  readonly trainBatchSize?: number;
  readonly testBatchSize?: number;
  /** tinyBIG's `load_type`: only `tfidf` (its default) is supported. */
  readonly loadType?: string;
}

/**
 * A text classification dataset as tinyBIG's `text_dataloader.load(load_type='tfidf')` makes it:
 * a tf-idf vectoriser fitted on the train texts only, dense rows for both splits, class indices.
 */
export function textDataset(name: string, train: LabelledTexts, test: LabelledTexts, classes: number, o: TextDatasetOptions = {}, source = name): Dataset {
  const loadType = o.loadType ?? 'tfidf';
  if (loadType !== 'tfidf') {
    throw new UnsupportedError('only the tf-idf load type is supported (token and embedding need the XLM-R model, text needs a tokenising model)', { argument: 'data_parameters.load_type', expected: 'tfidf', received: JSON.stringify(loadType) });
  }
  for (const [split, s] of [['train', train], ['test', test]] as const) {
    const bad = s.labels.findIndex((y) => !(y >= 0 && y < classes));
    if (bad >= 0) throw new ValueError('class index out of range', { argument: `${source} ${split} item ${bad}`, expected: `a class from 0 to ${classes - 1}`, received: String(s.labels[bad]) });
  }
  const v = fitTfidf(train.texts, o);
  const width = v.vocabulary.length;
  return Object.freeze({
    name,
    train: makeSplit(v.transform(train.texts), Int32Array.from(train.labels), width, 0),
    test: makeSplit(v.transform(test.texts), Int32Array.from(test.labels), width, 0),
    trainBatchSize: o.trainBatchSize ?? 64,
    testBatchSize: o.testBatchSize ?? 64,
    task: 'classification' as const,
    numClasses: classes,
    description: `${name}: ${train.texts.length} train / ${test.texts.length} test texts, tf-idf of ${width} terms (fitted on train; sublinear tf ${v.options.sublinearTf}, max_df ${v.options.maxDf}, min_df ${v.options.minDf}, stop words ${v.options.stopWords})`,
    normalization: null,
    featureNames: v.vocabulary,
  });
}
