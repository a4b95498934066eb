import { GoldenMismatch, type GoldenCase, type JsonTensor } from '../types.js';

/** One entry of a case's `list_modules` (a torch module inside a tinyBIG plain-list processing function). */
interface ListModule {
  readonly class: string;
  readonly mode?: string;
  readonly p?: number;
  readonly [field: string]: unknown;
}

/** How to run a case given its `list_modules`: the forward mode and the list tensors to load. */
export interface ListModulePlan {
  /** `true` when a BatchNorm is listed in train mode (batch statistics), else eval. */
  readonly training: boolean;
  /** Our parameter name → the recorded tensor (eval-mode BatchNorm weight, bias, running statistics). */
  readonly entries: ReadonlyMap<string, JsonTensor>;
}

const isTensor = (v: unknown): v is JsonTensor => !!v && typeof v === 'object' && Array.isArray((v as JsonTensor).shape) && Array.isArray((v as JsonTensor).data);

/**
 * Head prefixes that tinyBIG shares (`shared_parameters` groups such as `[heads.0.w, heads.1.w]`):
 * first head's prefix → the prefixes of the heads repeating it. A shared head's list is recorded
 * once, under its first name, so its list tensors are loaded into every one of our copies.
 */
export function sharedHeadPrefixes(c: GoldenCase): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const group of (c.shared_parameters ?? []) as string[][]) {
    if (!Array.isArray(group) || group.length < 2) continue;
    const parts = group.map((k) => k.split('.'));
    let common = 0;
    while (common < parts[0].length - 1 && parts.every((p) => p.length === parts[0].length && p[p.length - 1 - common] === parts[0][parts[0].length - 1 - common])) common++;
    const prefixOf = (p: string[]) => (p.length > common ? `${p.slice(0, p.length - common).join('.')}.` : '');
    const first = prefixOf(parts[0]);
    const set = out.get(first) ?? new Set<string>();
    for (const p of parts.slice(1)) set.add(prefixOf(p));
    out.set(first, set);
  }
  return out;
}

/**
 * Our name of the tensor `field` of the list module at `path` (`….output_process_functions.2`).
 * Normally the same path (`….output_process_functions.2.running_mean`). Where our list holds the
 * module at another index (our processing list can differ from tinyBIG's in members without
 * tensors), we map by POSITION within the list: the k-th module of tinyBIG's list carrying `field`
 * (`theirs`: the sorted list indices that carry it) is the k-th member of ours carrying it.
 */
function ourName(path: string, field: string, theirs: readonly number[], ours: ReadonlySet<string>): string {
  const exact = `${path}.${field}`;
  if (ours.has(exact)) return exact;
  const cut = path.lastIndexOf('.');
  const list = path.slice(0, cut);
  const pattern = new RegExp(`^${list.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.${field}$`);
  const mine = [...ours].map((n) => pattern.exec(n)?.[1]).filter((v): v is string => v != null).map(Number).sort((a, b) => a - b);
  const k = theirs.indexOf(Number(path.slice(cut + 1)));
  if (theirs.length !== mine.length || k < 0) {
    throw new GoldenMismatch(`list_modules ${path}: no counterpart for its ${field} among our parameters (tinyBIG's list has ${theirs.length} such modules, ours ${mine.length})`);
  }
  return `${list}.${mine[k]}.${field}`;
}

/**
 * Reads `list_modules`: Dropout is always eval (identity); a BatchNorm1d in eval mode carries
 * weight, bias, running_mean, running_var (loaded into our list BatchNorm, and into every copy of a
 * shared head); a BatchNorm1d in train mode means batch statistics (biased variance, weight 1,
 * bias 0: our fresh buffers), so the forward runs with `training: true`. That would also switch
 * on our Dropout, so a case listing both a train-mode BatchNorm and a Dropout with p > 0, or
 * BatchNorms in both modes, is failed with a clear message instead of guessed.
 */
export function planListModules(c: GoldenCase, ourNames: Iterable<string>): ListModulePlan {
  const modules = Object.entries((c.list_modules ?? {}) as Record<string, ListModule>);
  const ours = new Set(ourNames);
  const isBatchNorm = (m: ListModule) => /BatchNorm/.test(m.class);
  const trainNorm = modules.filter(([, m]) => isBatchNorm(m) && m.mode === 'train').map(([p]) => p);
  const evalNorm = modules.filter(([, m]) => isBatchNorm(m) && m.mode !== 'train').map(([p]) => p);
  const activeDropout = modules.filter(([, m]) => /Dropout/.test(m.class) && (m.p ?? 0.5) > 0).map(([p]) => p);
  const dropoutTrain = modules.filter(([, m]) => /Dropout/.test(m.class) && m.mode === 'train').map(([p]) => p);
  if (dropoutTrain.length) throw new GoldenMismatch(`list_modules ${dropoutTrain.join(', ')}: Dropout in train mode is random, cannot be compared`);
  if (trainNorm.length && evalNorm.length) {
    throw new GoldenMismatch(`list_modules: BatchNorm in train mode (${trainNorm.join(', ')}) and eval mode (${evalNorm.join(', ')}) cannot run in one forward`);
  }
  if (trainNorm.length && activeDropout.length) {
    throw new GoldenMismatch(`list_modules: train-mode BatchNorm (${trainNorm.join(', ')}) needs training: true, which would also activate Dropout (${activeDropout.join(', ')}, p > 0) that tinyBIG ran in eval`);
  }
  const shared = sharedHeadPrefixes(c);
  const tensorsOf = (m: ListModule) => Object.entries(m).filter(([, v]) => isTensor(v)) as [string, JsonTensor][];
  const listOf = (p: string) => p.slice(0, p.lastIndexOf('.'));
  /** Sorted indices of the modules in `path`'s list that carry `field`. */
  const carrying = (path: string, field: string) => modules
    .filter(([q, m]) => listOf(q) === listOf(path) && isTensor(m[field]))
    .map(([q]) => Number(q.slice(q.lastIndexOf('.') + 1)))
    .sort((a, b) => a - b);
  const entries = new Map<string, JsonTensor>();
  for (const [path, m] of modules) {
    const tensors = tensorsOf(m);
    if (isBatchNorm(m) && m.mode !== 'train' && tensors.length === 0) throw new GoldenMismatch(`list_modules ${path}: eval-mode BatchNorm without recorded statistics`);
    const paths = [path];
    for (const [first, others] of shared) if (first && path.startsWith(first)) for (const o of others) paths.push(o + path.slice(first.length));
    for (const [field, t] of tensors) {
      const theirs = carrying(path, field);
      for (const p of paths) entries.set(ourName(p, field, theirs, ours), t);
    }
  }
  return Object.freeze({ training: trainNorm.length > 0, entries });
}
