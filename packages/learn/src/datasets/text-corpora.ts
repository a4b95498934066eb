import type { Dataset } from '../data.js';
import { exists, listDir, readFileBytes } from './files.js';
import { MissingDataFileError } from './checks.js';
import { decodeUtf8, parseAgNewsCsv, parseSst2Tsv, textDataset, type LabelledTexts, type TextDatasetOptions } from './text.js';

/** Options of the text corpora read from the user's files: `cacheDir` (tinyBIG's `cache_dir`) plus {@link TextDatasetOptions}. */
export interface TextCorpusOptions extends TextDatasetOptions {
  /** The folder with the corpus (default `RPN_DATA_DIR`, else tinyBIG's `./data/`). */
  readonly cacheDir?: string;
}

const join = (dir: string, name: string) => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);

/** The user's data folder: `cache_dir`, else `RPN_DATA_DIR`, else tinyBIG's default `./data/`. */
export function dataFolder(cacheDir: string | undefined): string {
  if (cacheDir) return cacheDir;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.RPN_DATA_DIR;
  return env || './data/';
}

/** The first of `candidates` (folders under `dir`) holding `probe`, else a MissingDataFileError naming what was expected. */
async function locate(dir: string, candidates: readonly string[], probe: string, what: string, expected: string): Promise<string> {
  for (const c of candidates) {
    const base = c ? join(dir, c) : dir;
    if (await exists(join(base, probe))) return base;
  }
  throw new MissingDataFileError(`${what} files not found (nothing is downloaded at run time)`, {
    argument: 'data_parameters.cache_dir',
    expected,
    received: `no ${candidates.map((c) => join(c ? join(dir, c) : dir, probe)).join(' or ')}`,
  });
}

/**
 * tinyBIG's `imdb` from the Stanford release (aclImdb_v1): `aclImdb/{train,test}/{neg,pos}/*.txt`
 * under `cache_dir` (also `cache_dir/IMDB/aclImdb`, torchtext's layout, or `cache_dir` itself).
 * 25,000 train / 25,000 test reviews; neg → 0, pos → 1 (tinyBIG's idx_to_label of torchtext's 1/2).
 * Files are read in name order, neg first; `unsup/` is ignored.
 */
export async function imdbDataset(o: TextCorpusOptions = {}): Promise<Dataset> {
  const dir = dataFolder(o.cacheDir);
  const base = await locate(dir, ['aclImdb', 'IMDB/aclImdb', ''], 'train/pos', 'IMDB', 'the aclImdb folder: aclImdb/train/pos/*.txt, aclImdb/train/neg/*.txt, aclImdb/test/pos/*.txt, aclImdb/test/neg/*.txt');
  const split = async (name: 'train' | 'test'): Promise<LabelledTexts> => {
    const texts: string[] = [];
    const labels: number[] = [];
    for (const [label, sub] of [[0, 'neg'], [1, 'pos']] as const) {
      const folder = join(base, `${name}/${sub}`);
      const files = (await listDir(folder))?.filter((f) => f.endsWith('.txt'));
      if (!files || files.length === 0) throw new MissingDataFileError('IMDB review files not found', { argument: 'data_parameters.cache_dir', expected: `review files ${folder}/*.txt`, received: files ? 'an empty folder' : 'no such folder' });
      files.sort((a, b) => (parseInt(a, 10) - parseInt(b, 10)) || (a < b ? -1 : a > b ? 1 : 0));
      for (const f of files) { texts.push(decodeUtf8(await readFileBytes(join(folder, f)), join(folder, f))); labels.push(label); }
    }
    return { texts, labels: Int32Array.from(labels) };
  };
  return textDataset('imdb', await split('train'), await split('test'), 2, o, base);
}

/**
 * tinyBIG's `sst2` from GLUE's SST-2: `train.tsv` (67,349 sentences) is the train split and `dev.tsv`
 * (872) the test split, as torchtext's SST2 gives them to tinyBIG. Looked up in `cache_dir`,
 * `cache_dir/SST-2` and `cache_dir/SST2/SST-2`.
 */
export async function sst2Dataset(o: TextCorpusOptions = {}): Promise<Dataset> {
  const dir = dataFolder(o.cacheDir);
  const base = await locate(dir, ['', 'SST-2', 'SST2/SST-2'], 'train.tsv', 'SST-2', "GLUE's SST-2 files train.tsv and dev.tsv (sentence<TAB>label)");
  const read = async (f: string) => {
    const p = join(base, f);
    if (!(await exists(p))) throw new MissingDataFileError('SST-2 file not found', { argument: 'data_parameters.cache_dir', expected: `${f} beside train.tsv`, received: `no ${p}` });
    return parseSst2Tsv(decodeUtf8(await readFileBytes(p), p), p);
  };
  return textDataset('sst2', await read('train.tsv'), await read('dev.tsv'), 2, o, base);
}

/**
 * tinyBIG's `agnews` from the AG News CSVs (`train.csv` 120,000 rows, `test.csv` 7,600), looked up in
 * `cache_dir`, `cache_dir/AG_NEWS` (torchtext's layout) and `cache_dir/ag_news_csv`. Four classes.
 */
export async function agNewsDataset(o: TextCorpusOptions = {}): Promise<Dataset> {
  const dir = dataFolder(o.cacheDir);
  const base = await locate(dir, ['', 'AG_NEWS', 'ag_news_csv'], 'train.csv', 'AG News', 'the AG News files train.csv and test.csv ("class","title","description")');
  const read = async (f: string) => {
    const p = join(base, f);
    if (!(await exists(p))) throw new MissingDataFileError('AG News file not found', { argument: 'data_parameters.cache_dir', expected: `${f} beside train.csv`, received: `no ${p}` });
    return parseAgNewsCsv(decodeUtf8(await readFileBytes(p), p), p);
  };
  return textDataset('agnews', await read('train.csv'), await read('test.csv'), 4, o, base);
}
