import type { Registry } from '@rpn/core';
import { ValueError } from '@rpn/core';
import type { Dataset } from '../data.js';
import { experimentMetric, learnerFromConfig, learnerLoss, type Experiment } from '../experiment.js';
import type { Loss } from '../losses.js';
import { accuracy, type Metric } from '../metrics.js';
import type { Optimizer } from '../optimizers.js';
import type { Scheduler } from '../schedulers.js';
import { trainsFullBatch } from '../full-batch.js';
import { evaluateTest, train, type BatchInfo, type EpochRecord, type EvalResult, type TrainResult } from '../trainer.js';
import { buildModel, checkInputWidth, loadExperiment, type ExperimentModel, type LoadExperimentOptions } from './experiment-model.js';

/** A model and its optimizer state to continue from (what {@link ExperimentRun.resumeState} returns). */
export interface ResumeState<M extends ExperimentModel = ExperimentModel> {
  readonly model: M;
  /** The optimizer over `model`'s variables, moments intact; without it a fresh one is built from `learner_configs`. */
  readonly optimizer?: Optimizer;
  /** The scheduler of `optimizer` (only read with `optimizer`). */
  readonly scheduler?: Scheduler;
  /** Epochs already trained (default 0): training continues at epoch `epochsDone + 1`, with that epoch's shuffle. */
  readonly epochsDone?: number;
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions<M extends ExperimentModel = ExperimentModel> extends LoadExperimentOptions {
  /** Builds the model, and is where the learner's, metric's and data's classes are looked up first (a user's own entries). */
  readonly registry: Registry;
  /** Overrides `n_epochs` (the total, counting the epochs of a resumed run). */
  readonly epochs?: number;
  /** Overrides the train batch size. */
  readonly batchSize?: number;
  /** Stops at the next step boundary; the run then says `cancelled` and can be resumed. */
  readonly signal?: AbortSignal;
  /** Continue from this model (and optimizer) instead of building a new one. */
  readonly resume?: ResumeState<M>;
  /** Called once everything is built, before the first step (a throw here disposes what the runner built). */
  readonly onStart?: (run: RunStart<M>) => void | Promise<void>;
  /** After every optimizer step: `step` of `total` over the whole run (1-based), the step's loss, the batch details. */
  readonly onProgress?: (step: number, total: number, loss: number, batch: BatchInfo) => void | Promise<void>;
  /** After every epoch (with its test pass); return `false` to stop after it. */
  readonly onEpoch?: (epoch: number, metrics: EpochRecord) => void | boolean | Promise<void | boolean>;
  /** After every `checkpointEvery`-th epoch and after the last one, with the model in inference mode. */
  readonly onCheckpoint?: (model: M, epoch: number) => void | Promise<void>;
  /** Epochs between {@link RunExperimentOptions.onCheckpoint} calls (default 1). */
  readonly checkpointEvery?: number;
}

/** What the runner has built, before training. */
export interface RunStart<M extends ExperimentModel = ExperimentModel> {
  readonly exp: Experiment;
  readonly data: Dataset;
  readonly model: M;
  readonly optimizer: Optimizer;
  readonly scheduler?: Scheduler;
  readonly loss: Loss;
  readonly metric: Metric;
  /** Total epochs of the run. */
  readonly epochs: number;
  /** First epoch this call trains (1, or `epochsDone + 1` when resuming). */
  readonly startEpoch: number;
  readonly batchSize: number;
  /** Optimizer steps of the whole run (`epochs × batches per epoch`). */
  readonly totalSteps: number;
  readonly seed: number;
  readonly parameters: number;
}

/** A finished (or stopped) run. It owns `model` and `optimizer`: call `dispose()`, or pass `resumeState()` to a next run. */
export interface ExperimentRun<M extends ExperimentModel = ExperimentModel> extends RunStart<M> {
  /** This call's epochs (a stopped epoch's record covers the steps it ran). */
  readonly records: readonly EpochRecord[];
  readonly result: TrainResult;
  /** Test loss and metric after training. */
  readonly finalEval: EvalResult;
  /** `finalEval.score` (NaN without one). */
  readonly final: number;
  /** Tabular labels learned as numbers (tinyBIG's iris/diabetes/banknote): the accuracy of the rounded predictions. */
  readonly roundedAccuracy: number | null;
  /** Epochs trained so far, counting the resumed ones. */
  readonly epochsDone: number;
  readonly cancelled: boolean;
  readonly stoppedEarly: boolean;
  resumeState(): ResumeState<M>;
  /** Frees the model and the optimizer's state. */
  dispose(): void;
}

const count = (v: number | undefined, argument: string, min: number): void => {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new ValueError(`invalid ${argument}`, { argument, expected: `an integer ≥ ${min}`, received: String(v) });
};

/**
 * Runs a parsed tinyBIG experiment document: loads its data, builds its model (or takes
 * `resume.model`), its optimizer/scheduler/loss and metric, trains with tinyBIG's backward learner
 * ({@link train}) and evaluates the test part. No file system: the caller saves, plots and prints.
 * Matches tinyBIG's `backward_learner.train` + `test` driven by an experiment script.
 */
export async function runExperiment<M extends ExperimentModel = ExperimentModel>(doc: unknown, o: RunExperimentOptions<M>): Promise<ExperimentRun<M>> {
  count(o.epochs, 'epochs', 0);
  count(o.batchSize, 'batchSize', 1);
  count(o.checkpointEvery, 'checkpointEvery', 1);
  count(o.resume?.epochsDone, 'resume.epochsDone', 0);
  const loaded = await loadExperiment(doc, o);
  const { exp, data, seed } = loaded;
  const resumed = o.resume;
  const model = resumed ? resumed.model : buildModel<M>(o.registry, loaded);
  if (resumed) checkInputWidth(model, data, false);
  let optimizer: Optimizer | undefined = resumed?.optimizer;
  let scheduler: Scheduler | undefined = resumed?.optimizer ? resumed.scheduler : undefined;
  let loss: Loss | undefined;
  try {
    if (optimizer) {
      loss = learnerLoss(exp.learnerConfigs, o.registry);
      if (!loss) throw new ValueError('the experiment has no loss', { argument: 'learner_parameters.loss_configs', expected: '{loss_class, loss_parameters}', received: 'nothing' });
    } else {
      const learner = learnerFromConfig(exp.learnerConfigs, model.trainableVariables(), o.registry);
      ({ optimizer, scheduler, loss } = learner);
    }
    const metric = experimentMetric(exp, data.task, o.registry);
    const epochs = o.epochs ?? exp.epochs;
    const batchSize = o.batchSize ?? data.trainBatchSize;
    const startEpoch = (resumed?.epochsDone ?? 0) + 1;
    const batches = trainsFullBatch(model, data) ? 1 : Math.ceil(data.train.count / batchSize);
    const start: RunStart<M> = Object.freeze({ exp, data, model, optimizer, scheduler, loss, metric, epochs, startEpoch, batchSize, totalSteps: epochs * batches, seed, parameters: model.summary().total });
    await o.onStart?.(start);
    const every = o.checkpointEvery ?? 1;
    const opt = optimizer;
    const result = await train(model, {
      data, optimizer: opt, scheduler, loss, metric, epochs, batchSize, seed, signal: o.signal, startEpoch,
      onBatchEnd: o.onProgress ? (b) => o.onProgress!((b.epoch - 1) * b.batches + b.batch, start.totalSteps, b.loss, b) : undefined,
      onEpochEnd: async (r) => {
        const ret = o.onEpoch ? await o.onEpoch(r.epoch, r) : undefined;
        if (o.onCheckpoint && (r.epoch % every === 0 || r.epoch === epochs)) {
          model.eval?.();
          await o.onCheckpoint(model, r.epoch);
          model.train?.();
        }
        return ret;
      },
    });
    const finalEval = evaluateTest(model, data, { loss, metric, batchSize: data.testBatchSize });
    const roundedAccuracy = data.task === 'regression' && data.numClasses && data.test.targetWidth === 1 && finalEval.width === 1 ? accuracy().evaluate(finalEval.yTrue, finalEval.yScore, 1) : null;
    const epochsDone = startEpoch - 1 + result.records.length;
    return Object.freeze({
      ...start, records: result.records, result, finalEval, final: finalEval.score ?? Number.NaN, roundedAccuracy,
      epochsDone, cancelled: result.cancelled, stoppedEarly: result.stoppedEarly,
      resumeState: () => Object.freeze({ model, optimizer: opt, scheduler, epochsDone }),
      dispose: () => { opt.dispose(); model.dispose(); },
    });
  } catch (e) {
    // what this call built is freed; a resumed model and optimizer stay the caller's
    if (!resumed) { optimizer?.dispose(); model.dispose(); } else if (optimizer !== resumed.optimizer) optimizer?.dispose();
    throw e;
  }
}
