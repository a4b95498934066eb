import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsupportedError, ValueError } from '@rpn/core';
import { datasetFromConfig } from './index.js';
import { MissingDataFileError } from './checks.js';
import { decodeUtf8, parseAgNewsCsv, parseCsvRecords, parseSst2Tsv, textDataset } from './text.js';
import { fitTfidf } from './tfidf.js';
import { memoryDataSource, setDataSource } from './source.js';
import { nodeDataSource } from '../node/data-source.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-text-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const write = (rel: string, content: string | Uint8Array) => {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
};
const cfg = (data_class: string, data_parameters: Record<string, unknown> = {}) => ({ data_class, data_parameters });

// Two vocabularies, each word in ≥ 5 documents of its class, so tinyBIG's min_df 5 keeps them.
const POS = ['wonderful', 'superb', 'moving', 'brilliant'];
const NEG = ['dreadful', 'awful', 'tedious', 'clumsy'];
const review = (words: string[], i: number) => `The film was ${words[i % 4]} and ${words[(i + 1) % 4]}, truly ${words[(i + 2) % 4]}.<br />Take ${i}.`;

describe('SST-2 TSV', () => {
  it('reads GLUE\'s sentence<TAB>label rows', () => {
    const t = parseSst2Tsv('sentence\tlabel\nhide new secretions from the parental units \t0\ncontains no wit , only labored gags \t0\nthat loves its characters \t1\n');
    expect(t.texts).toEqual(['hide new secretions from the parental units ', 'contains no wit , only labored gags ', 'that loves its characters ']);
    expect(Array.from(t.labels)).toEqual([0, 0, 1]);
  });

  it('malformed rows name the file, line and column', () => {
    expect(() => parseSst2Tsv('text\tlabel\nx\t1\n', 'train.tsv')).toThrow(/train\.tsv line 1/);
    expect(() => parseSst2Tsv('sentence\tlabel\nfine\t1\nno label here\n', 'train.tsv')).toThrow(/train\.tsv line 3.*2 tab-separated columns/s);
    expect(() => parseSst2Tsv('sentence\tlabel\nfine\t1\nbad\tpositive\n', 'train.tsv')).toThrow(/train\.tsv line 3, column 2 \(label\).*"positive"/s);
    expect(() => parseSst2Tsv('sentence\tlabel\n', 'dev.tsv')).toThrow(/no rows/);
  });
});

describe('AG News CSV', () => {
  it('reads quoted "class","title","description" rows; text = title + " " + description, label = class − 1', () => {
    const csv = '"3","Wall St. Bears Claw Back","Reuters - Short-sellers, Wall Street\'s ""dwindling"" band"\r\n"1","Title, with comma","Line one\nline two"\n4,Plain,unquoted\n';
    const t = parseAgNewsCsv(csv);
    expect(t.texts).toEqual(['Wall St. Bears Claw Back Reuters - Short-sellers, Wall Street\'s "dwindling" band', 'Title, with comma Line one\nline two', 'Plain unquoted']);
    expect(Array.from(t.labels)).toEqual([2, 0, 3]);
  });

  it('malformed rows name the file, row, line and column', () => {
    expect(() => parseAgNewsCsv('"1","a","b"\n"2","only two"\n', 'train.csv')).toThrow(/train\.csv row 2 \(line 2\).*3 columns/s);
    expect(() => parseAgNewsCsv('"1","a","b"\n"5","a","b"\n', 'train.csv')).toThrow(/train\.csv row 2 \(line 2\), column 1 \(class\)/);
    expect(() => parseAgNewsCsv('"1","a","b"\n"2","a","never closed\n', 'test.csv')).toThrow(/test\.csv line 2, column 9.*closing double quote/s);
    expect(() => parseAgNewsCsv('"1","a"x,"b"\n', 'test.csv')).toThrow(/after a closing quote.*test\.csv line 1, column 8/s);
    expect(() => parseAgNewsCsv('', 'test.csv')).toThrow(/no rows/);
  });

  it('CSV records keep their first line for messages', () => {
    expect(parseCsvRecords('a,"b\nc"\nd,e\n', 'f').map((r) => r.line)).toEqual([1, 3]);
  });
});

describe('UTF-8 and the text dataset', () => {
  it('invalid UTF-8 names the file, line and column of the first bad byte', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('good line\nsecond é'), 0xff, 0x41]);
    expect(() => decodeUtf8(bytes, 'r.txt')).toThrow(/r\.txt line 2, column 9.*0xff/s);
    expect(decodeUtf8(new TextEncoder().encode('ok ✓'), 'r.txt')).toBe('ok ✓');
  });

  it('tf-idf is fitted on the train texts only; test words outside the train vocabulary are dropped', () => {
    const train = { texts: Array.from({ length: 10 }, (_, i) => review(i < 5 ? POS : NEG, i)), labels: Int32Array.from({ length: 10 }, (_, i) => (i < 5 ? 1 : 0)) };
    const test = { texts: ['superb and dreadful zebra'], labels: Int32Array.of(1) };
    const d = textDataset('t', train, test, 2, { minDf: 2 });
    const v = fitTfidf(train.texts, { minDf: 2 });
    expect(d.train.inputWidth).toBe(v.vocabulary.length);
    expect(d.featureNames).toEqual(v.vocabulary);
    expect(d.featureNames).not.toContain('zebra');
    expect(Array.from(d.test.x)).toEqual(Array.from(v.transform(test.texts)));
    expect([d.task, d.numClasses, d.train.targetWidth]).toEqual(['classification', 2, 0]);
    expect(() => textDataset('t', train, test, 2, { loadType: 'embedding' })).toThrow(UnsupportedError);
    expect(() => textDataset('t', train, { texts: ['x'], labels: Int32Array.of(2) }, 2, { minDf: 2 })).toThrow(/test item 0/);
  });
});

describe('tinyBIG text corpora from synthetic files in their published layouts', () => {
  it('imdb: aclImdb/{train,test}/{neg,pos}/*.txt → neg 0, pos 1, tinyBIG tf-idf', async () => {
    for (const split of ['train', 'test']) {
      for (let i = 0; i < 10; i++) {
        write(`imdb/aclImdb/${split}/pos/${i}_9.txt`, review(POS, i));
        write(`imdb/aclImdb/${split}/neg/${i}_2.txt`, review(NEG, i));
      }
    }
    write('imdb/aclImdb/train/unsup/0_0.txt', 'ignored');
    const d = await datasetFromConfig(cfg('tinybig.data.imdb', { cache_dir: path.join(root, 'imdb'), train_batch_size: 4 }));
    expect([d.train.count, d.test.count, d.numClasses, d.trainBatchSize]).toEqual([20, 20, 2, 4]);
    expect(Array.from(d.train.y)).toEqual([...Array(10).fill(0), ...Array(10).fill(1)]);
    // 'film', 'truly', 'take', 'br' are in every review (> max_df 0.5), 'the'/'and'/'was' are stop words, digits single characters
    expect(d.featureNames).toEqual([...POS, ...NEG].sort());
    // each review: 3 class words, tf 1, l2-normalised
    const row = Array.from(d.train.x.subarray(0, d.train.inputWidth)).filter((x) => x > 0);
    expect(row.length).toBe(3);
    expect(row.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 6);
  });

  it('imdb: a missing folder, a missing split and a bad file are typed errors naming the path', async () => {
    const none = path.join(root, 'nothing-here');
    const err = await datasetFromConfig(cfg('imdb', { cache_dir: none })).catch((e) => e);
    expect(err).toBeInstanceOf(MissingDataFileError);
    expect(String(err.message)).toContain(`${none}/aclImdb/train/pos`);
    expect(String(err.message)).toContain('aclImdb/test/neg/*.txt');
    write('imdb2/aclImdb/train/pos/0_9.txt', 'x');
    write('imdb2/aclImdb/train/neg/0_1.txt', 'x');
    await expect(datasetFromConfig(cfg('imdb', { cache_dir: path.join(root, 'imdb2') }))).rejects.toThrow(/imdb2\/aclImdb\/test\/neg\/\*\.txt/);
    write('imdb3/aclImdb/train/neg/0_1.txt', 'fine');
    write('imdb3/aclImdb/train/pos/0_9.txt', new Uint8Array([0x61, 0x0a, 0x62, 0xc3]));
    await expect(datasetFromConfig(cfg('imdb', { cache_dir: path.join(root, 'imdb3') }))).rejects.toThrow(/imdb3\/aclImdb\/train\/pos\/0_9\.txt line 2, column 2/);
  });

  it('sst2: train.tsv → train, dev.tsv → test (torchtext\'s SST2 splits), also under SST-2/', async () => {
    const tsv = (n: number) => 'sentence\tlabel\n' + Array.from({ length: n }, (_, i) => `${review(i % 2 ? POS : NEG, i)} \t${i % 2}`).join('\n') + '\n';
    write('sst/SST-2/train.tsv', tsv(20));
    write('sst/SST-2/dev.tsv', tsv(4));
    const d = await datasetFromConfig(cfg('tinybig.data.sst2', { cache_dir: path.join(root, 'sst') }));
    expect([d.train.count, d.test.count, d.numClasses]).toEqual([20, 4, 2]);
    expect(Array.from(d.test.y)).toEqual([0, 1, 0, 1]);
    write('sst-bad/train.tsv', tsv(20).replace('\t1\n', '\tyes\n'));
    write('sst-bad/dev.tsv', tsv(4));
    await expect(datasetFromConfig(cfg('sst2', { cache_dir: path.join(root, 'sst-bad') }))).rejects.toThrow(/sst-bad\/train\.tsv line 3, column 2/);
    write('sst-nodev/train.tsv', tsv(20));
    await expect(datasetFromConfig(cfg('sst2', { cache_dir: path.join(root, 'sst-nodev') }))).rejects.toThrow(MissingDataFileError);
    await expect(datasetFromConfig(cfg('sst2', { cache_dir: path.join(root, 'nothing') }))).rejects.toThrow(/train\.tsv and dev\.tsv/);
  });

  it('agnews: train.csv / test.csv with four classes, also under AG_NEWS/', async () => {
    const words = [POS, NEG, ['goal', 'match', 'league', 'coach'], ['market', 'shares', 'profit', 'bank']];
    const csv = (n: number) => Array.from({ length: n }, (_, i) => `"${(i % 4) + 1}","Title ${i}","${review(words[i % 4], i >> 2)}"`).join('\n') + '\n';
    write('ag/AG_NEWS/train.csv', csv(40));
    write('ag/AG_NEWS/test.csv', csv(8));
    const d = await datasetFromConfig(cfg('tinybig.data.agnews', { cache_dir: path.join(root, 'ag') }));
    expect([d.train.count, d.test.count, d.numClasses]).toEqual([40, 8, 4]);
    expect(Array.from(d.test.y)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(d.featureNames).toContain('profit');
    write('ag-bad/train.csv', csv(40).replace('"3","Title 2"', '"3","Title 2","extra"'));
    write('ag-bad/test.csv', csv(8));
    await expect(datasetFromConfig(cfg('agnews', { cache_dir: path.join(root, 'ag-bad') }))).rejects.toThrow(/ag-bad\/train\.csv row 3 \(line 3\)/);
  });

  it('tf-idf settings come from data_parameters; a bad one is a typed error', async () => {
    const d = await datasetFromConfig(cfg('imdb', { cache_dir: path.join(root, 'imdb'), min_df: 1, max_df: 1.0, stop_words: null }));
    expect(d.featureNames).toContain('the');
    await expect(datasetFromConfig(cfg('imdb', { cache_dir: path.join(root, 'imdb'), min_df: 50 }))).rejects.toThrow(ValueError);
  });

  it('imdb reads from a memory data source too (a browser): folders listed through the source', async () => {
    const files: Record<string, string> = {};
    for (const split of ['train', 'test']) for (let i = 0; i < 10; i++) {
      files[`/mem/aclImdb/${split}/pos/${i}_8.txt`] = review(POS, i);
      files[`/mem/aclImdb/${split}/neg/${i}_3.txt`] = review(NEG, i);
    }
    setDataSource(memoryDataSource(files));
    try {
      const d = await datasetFromConfig(cfg('imdb', { cache_dir: '/mem' }));
      expect([d.train.count, d.test.count]).toEqual([20, 20]);
      expect(d.featureNames).toEqual([...POS, ...NEG].sort());
    } finally {
      setDataSource(nodeDataSource());
    }
  });
});
