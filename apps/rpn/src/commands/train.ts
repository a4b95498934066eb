import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import cliProgress from 'cli-progress';
import type { BackendInfo, Registry } from '@rpn/core';
import { runExperiment as runLearnExperiment, type Dataset, type EpochRecord } from '@rpn/learn';
import { epochLine, formatNumber, readYaml, withCallerDataPaths, type AppModel, type RunOverrides } from './run.js';
import { fromCaller } from '../caller-cwd.js';
import { curveSpec, functionSpec, terminalChart, writeChart } from './plots.js';
import { ensureDir, isFileSystemError, nodeOutputFs, OutputError, outputError, writeFileAtomic, type OutputFs } from '../output-files.js';

/** Options of {@link trainCommand}. */
export interface TrainCommandOptions extends RunOverrides {
  readonly registry: Registry;
  readonly backend: BackendInfo;
  /** Output folder, resolved from the caller's directory (default `runs/<config name>` there). `null`: write nothing. */
  readonly out?: string | null;
  readonly print?: (line: string) => void;
  /** Progress bar (default: when stdout is a TTY). */
  readonly progress?: boolean;
  /** Print an epoch line every N epochs (default 1 up to 50 epochs, else epochs/50). */
  readonly displayStep?: number;
  /** SVG/PNG plots (default true when writing output). */
  readonly plots?: boolean;
  readonly signal?: AbortSignal;
  /** File operations for results.json and plots (tests inject failures; default node:fs). */
  readonly outputFs?: OutputFs;
}

/** What a run returns. */
export interface TrainRun {
  readonly metric: string;
  readonly final: number;
  readonly records: readonly EpochRecord[];
  readonly out: string | null;
  readonly parameters: number;
}

/** `rpn train CONFIG`: runs a tinyBIG experiment file. */
export async function trainCommand(file: string, o: TrainCommandOptions): Promise<TrainRun> {
  const doc = readYaml(file);
  const name = path.basename(file).replace(/\.(ya?ml|json)$/i, '');
  return runExperiment(doc, file, name, o);
}

/** Runs a parsed experiment document (shared by `train` and `start`): @rpn/learn's runner, with the output files, progress bar and plots. */
export async function runExperiment(doc: unknown, file: string, name: string, o: TrainCommandOptions): Promise<TrainRun> {
  const print = o.print ?? ((l: string) => console.log(l));
  const t0 = performance.now();
  const ofs = o.outputFs ?? nodeOutputFs;
  const out = o.out === null ? null : fromCaller(o.out ?? path.join('runs', name));
  let bar: cliProgress.SingleBar | null = null;
  let metricName = '';
  let epochs = 0;
  let step = 1;
  const run = await runLearnExperiment<AppModel>(doc, {
    registry: o.registry, file, seed: o.seed, epochs: o.epochs, batchSize: o.batchSize, signal: o.signal,
    mapDataConfigs: (dc) => withCallerDataPaths(dc),
    onStart: (s) => {
      // a read-only or missing output folder fails now, not after the training
      if (out) ensureDir(out, ofs);
      metricName = s.metric.name;
      epochs = s.epochs;
      print(`experiment: ${name}`);
      print(`data: ${s.data.description}; train ${s.data.train.count} / test ${s.data.test.count}, batch ${s.batchSize}`);
      print(`model: ${s.parameters} parameters; optimizer ${s.optimizer.name} lr ${s.optimizer.lr}${s.scheduler ? `, ${s.scheduler.name}` : ''}; loss ${s.loss.name}; metric ${s.metric.name}`);
      print(`backend: ${o.backend.backend}${o.backend.simd ? ' simd' : ''}, ${o.backend.threads} thread(s); epochs ${s.epochs}; seed ${s.seed}`);
      step = o.displayStep ?? (s.epochs <= 50 ? 1 : Math.ceil(s.epochs / 50));
      const useBar = o.progress ?? Boolean(process.stdout.isTTY);
      bar = useBar ? new cliProgress.SingleBar({ format: 'epoch {epoch} |{bar}| {percentage}% {value}/{total} batches | loss {loss} | {metric} {score} | {rate} samples/s | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic) : null;
    },
    onProgress: (_step, _total, _loss, b) => {
      if (!bar) return;
      if (b.batch === 1) bar.start(b.batches, 0, { epoch: b.epoch, loss: '-', metric: metricName, score: '-', rate: '-' });
      bar.update(b.batch, { epoch: b.epoch, loss: formatNumber(b.meanLoss), metric: metricName, score: b.score == null ? '-' : formatNumber(b.score), rate: Math.round(b.samples / Math.max(b.elapsedS, 1e-9)) });
      if (b.batch === b.batches) bar.stop();
    },
    onEpoch: (epoch, r) => { if (epoch % step === 0 || epoch === epochs || epoch === 1) print(epochLine(r, metricName)); },
  });
  try {
    const { model, data, metric, result, finalEval, final, roundedAccuracy, batchSize, parameters: params } = run;
    if (out) {
      ensureDir(out, ofs);
      let checkpoint: string | null = path.join(out, 'checkpoint');
      let checkpointFailure: unknown = null;
      try {
        const { saveModel } = await import('@rpn/checkpoint');
        await saveModel(model as unknown as Parameters<typeof saveModel>[0], checkpoint, { metadata: { experiment: name, final_test: { [metric.name]: final }, data: dataRecord(data) } });
      } catch (e) {
        // a full or read-only disk is fatal (after results.json is tried); other failures are warnings
        if (isFileSystemError(e)) checkpointFailure = e;
        print(`warning: checkpoint not written: ${(e as Error).message}`);
        checkpoint = null;
      }
      const results = {
        experiment: name, config_file: file, config: doc, backend: o.backend,
        data: { name: data.name, description: data.description, train: data.train.count, test: data.test.count },
        parameters: params, epochs: result.records.length, batch_size: batchSize, seed: run.seed,
        records: result.records.map((r) => ({ epoch: r.epoch, train_loss: r.trainLoss, train_score: r.trainScore, test_loss: r.testLoss, test_score: r.testScore, lr: r.lr, train_time_s: r.trainTimeS, test_time_s: r.testTimeS, train_samples_per_s: r.trainSamplesPerS })),
        final: { metric: metric.name, test_score: final, test_loss: finalEval.loss, ...(roundedAccuracy == null ? {} : { rounded_accuracy: roundedAccuracy }) },
        timings: { total_s: (performance.now() - t0) / 1000, train_s: result.timeS, mean_epoch_s: result.records.length ? result.records.reduce((a, r) => a + r.trainTimeS, 0) / result.records.length : 0 },
        stopped_early: result.stoppedEarly, cancelled: result.cancelled, checkpoint,
      };
      writeFileAtomic(path.join(out, 'results.json'), JSON.stringify(results, null, 2), ofs);
      if (o.plots ?? true) {
        try {
          await writeChart(curveSpec(`${name}: loss`, 'loss', { train: result.records.map((r) => r.trainLoss), test: result.records.map((r) => r.testLoss) }, result.records.every((r) => r.trainLoss > 0)), path.join(out, 'loss'), ofs);
          await writeChart(curveSpec(`${name}: ${metric.name}`, metric.name, { test: result.records.map((r) => r.testScore), train: result.records.map((r) => r.trainScore) }, metric.name === 'mse'), path.join(out, 'metric'), ofs);
          if (data.trueFunction && data.variables) await writeFunctionPlot(model, data as Required<typeof data>, name, path.join(out, 'function'), ofs);
        } catch (e) {
          // a file-system failure is typed and fatal; a rendering failure leaves the run's results standing
          if (e instanceof OutputError || isFileSystemError(e)) throw outputError(e, out, 'write the plots to');
          print(`warning: plots not written: ${(e as Error).message}`);
        }
      }
      if (checkpointFailure) throw outputError(checkpointFailure, path.join(out, 'checkpoint'), 'write the checkpoint');
      print(`wrote ${out}/ (results.json${checkpoint ? ', checkpoint/' : ''}${(o.plots ?? true) ? `, loss.svg/png, metric.svg/png${data.trueFunction ? ', function.svg/png' : ''}` : ''})`);
    }
    const losses = result.records.map((r) => r.testLoss ?? r.trainLoss);
    const chart = terminalChart(losses);
    if (chart) { print('test loss per epoch:'); print(chart); }
    if (roundedAccuracy != null) print(`test rounded accuracy: ${roundedAccuracy.toFixed(4)}`);
    print(`final test ${metric.name}: ${formatNumber(final)}`);
    return { metric: metric.name, final, records: result.records, out, parameters: params };
  } finally {
    run.dispose();
  }
}

/** Learned vs true function along the diagonal of the input box (all variables swept together). */
async function writeFunctionPlot(model: AppModel, data: { trueFunction: (x: readonly number[]) => number; variables: readonly { name: string; low: number; high: number }[]; description: string }, name: string, base: string, ofs: OutputFs): Promise<void> {
  const k = 200;
  const vars = data.variables;
  const rows = Array.from({ length: k }, (_, i) => vars.map((v) => v.low + ((v.high - v.low) * i) / (k - 1)));
  const truth = rows.map((r) => data.trueFunction(r));
  const x = tf.tensor2d(rows.flat(), [k, vars.length]);
  model.eval?.();
  const y = tf.tidy(() => model.forward(x, { training: false }));
  const learned = Array.from(y.dataSync());
  tf.dispose([x, y]);
  const t = rows.map((_, i) => i / (k - 1));
  await writeChart(functionSpec(`${name}: learned vs true (${data.description})`, t, truth, learned, `t (each variable = low + t·(high − low))`), base, ofs);
}

/**
 * What `rpn predict` needs to know of the training data, saved in the checkpoint's metadata:
 * the input width, the feature normalisation applied (so raw rows are normalised the same way)
 * and, for tables, the feature column names.
 */
export function dataRecord(data: Dataset): Record<string, unknown> {
  return {
    name: data.name,
    input_width: data.train.inputWidth,
    normalization: data.normalization ?? null,
    ...(data.featureNames ? { feature_names: [...data.featureNames] } : {}),
  };
}
