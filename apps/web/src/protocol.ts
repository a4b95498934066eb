/** Messages between the page and the training worker (plain data, structured-clone safe). */

/** One parameter row of a model summary. */
export interface SummaryRow { readonly name: string; readonly shape: readonly number[]; readonly count: number }

/** What the page shows of the current model. */
export interface ModelSummary {
  readonly source: string;
  readonly rows: readonly SummaryRow[];
  readonly total: number;
  /** Layers → heads, for the "Look inside" pickers. */
  readonly layers: readonly { readonly heads: readonly { readonly expansion: string | null; readonly reconciliation: string | null; readonly m: number; readonly n: number; readonly D: number; readonly channels: number }[] }[];
  /** The model config (tinyBIG form), when the model has one. */
  readonly config: Record<string, unknown> | null;
}

/** A registry entry's options as a form reads them (see options-adapter.ts). */
export interface FieldDescription {
  readonly key: string;
  readonly configKey: string;
  readonly type: string;
  readonly default?: unknown;
  readonly required: boolean;
  readonly nullable: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly (string | number | boolean)[];
  readonly doc?: string;
}

/** Registry entries by kind, with their declared options. */
export type Catalog = Record<string, readonly { readonly className: string; readonly fields: readonly FieldDescription[] }[]>;

export type Request =
  | { type: 'init'; base: string; threads?: number | 'auto' }
  | { type: 'load-config'; text: string; name: string }
  | { type: 'load-checkpoint'; bytes: Uint8Array; name: string; /** weights.bin of a native model.json */ weights?: Uint8Array }
  | { type: 'set-experiment'; doc: Record<string, unknown>; name: string }
  | { type: 'train'; epochs?: number; target?: number | null; fresh?: boolean }
  | { type: 'stop' }
  | { type: 'basis'; layer: number; head: number; low: number; high: number; points: number }
  | { type: 'weights'; layer: number; head: number; channel: number }
  | { type: 'export'; format: 'torch' | 'safetensors' | 'native' }
  | { type: 'store'; op: 'save' | 'list' | 'load' | 'delete'; name?: string }
  | { type: 'parity'; families?: readonly string[] }
  | { type: 'bench'; text: string; reps?: number };

/** Live events of a training run or a parity run. */
export type WorkerEvent =
  | { type: 'progress'; step: number; total: number; loss: number; epoch: number }
  | { type: 'epoch'; epoch: number; trainLoss: number; testLoss: number | null; testScore: number | null; metric: string; lr: number }
  | { type: 'function'; t: readonly number[]; truth: readonly number[]; learned: readonly number[]; description: string }
  | { type: 'run-start'; epochs: number; startEpoch: number; totalSteps: number; metric: string; data: string; parameters: number }
  | { type: 'run-end'; epochsDone: number; epochs: number; cancelled: boolean; final: number; metric: string; finalLoss: number | null }
  | { type: 'parity-case'; id: string; family: string; status: 'passed' | 'failed' | 'documented'; message?: string };

export type Envelope =
  | { kind: 'request'; id: number; request: Request }
  | { kind: 'response'; id: number; ok: true; value: unknown }
  | { kind: 'response'; id: number; ok: false; error: { name: string; message: string } }
  | { kind: 'event'; event: WorkerEvent };
