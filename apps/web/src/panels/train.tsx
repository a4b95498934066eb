import { useEffect, useRef, useState } from 'preact/hooks';
import type { WorkerClient } from '../client.js';
import type { WorkerEvent } from '../protocol.js';
import { draw, lines } from '../charts.js';

type Epoch = Extract<WorkerEvent, { type: 'epoch' }>;
type FnPlot = Extract<WorkerEvent, { type: 'function' }>;

/** Train in the worker: progress, live loss/metric charts, learned vs true for function data; stop and resume. */
export function TrainPanel({ client, enabled }: { client: WorkerClient; enabled: boolean }) {
  const [epochs, setEpochs] = useState('');
  const [target, setTarget] = useState('');
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<{ step: number; total: number; loss: number; epoch: number } | null>(null);
  const [start, setStart] = useState<Extract<WorkerEvent, { type: 'run-start' }> | null>(null);
  const [end, setEnd] = useState<Extract<WorkerEvent, { type: 'run-end' }> | null>(null);
  const [runs, setRuns] = useState(0);
  const [status, setStatus] = useState('');
  const history = useRef<Epoch[]>([]);
  const fnPlot = useRef<FnPlot | null>(null);
  const [tick, setTick] = useState(0);
  const lossEl = useRef<HTMLDivElement>(null);
  const metricEl = useRef<HTMLDivElement>(null);
  const fnEl = useRef<HTMLDivElement>(null);
  useEffect(() => client.on((e) => {
    if (e.type === 'progress') setProgress(e);
    else if (e.type === 'epoch') { history.current = [...history.current.filter((h) => h.epoch < e.epoch), e]; setTick((t) => t + 1); }
    else if (e.type === 'function') { fnPlot.current = e; setTick((t) => t + 1); }
    else if (e.type === 'run-start') { setStart(e); setEnd(null); if (e.startEpoch === 1) history.current = []; }
    else if (e.type === 'run-end') { setEnd(e); setRuns((n) => n + 1); }
  }), [client]);
  // redraw at most every 400 ms
  const drawn = useRef(0);
  useEffect(() => {
    const now = performance.now();
    const wait = Math.max(0, 400 - (now - drawn.current));
    const id = setTimeout(() => {
      drawn.current = performance.now();
      const h = history.current;
      if (!h.length && !fnPlot.current) return;
      const metric = start?.metric ?? 'metric';
      void draw(lossEl.current, lines('loss per epoch', h.flatMap((r) => [{ epoch: r.epoch, loss: r.trainLoss, split: 'train' }, { epoch: r.epoch, loss: r.testLoss, split: 'test' }]), 'epoch', 'loss', 'split', true));
      void draw(metricEl.current, lines(`test ${metric} per epoch`, h.map((r) => ({ epoch: r.epoch, [metric]: r.testScore, split: 'test' })), 'epoch', metric, 'split', metric === 'mse'));
      const f = fnPlot.current;
      if (f && fnEl.current) void draw(fnEl.current, lines(`learned vs true: ${f.description}`, f.t.flatMap((t, i) => [{ t, y: f.truth[i], curve: 'true' }, { t, y: f.learned[i] ?? null, curve: 'learned' }]), 't', 'y', 'curve'));
    }, wait);
    return () => clearTimeout(id);
  }, [tick, start]);
  async function run(fresh: boolean) {
    setRunning(true);
    setStatus('training…');
    try {
      const r = await client.request<Extract<WorkerEvent, { type: 'run-end' }>>({ type: 'train', fresh, epochs: epochs ? Number(epochs) : undefined, target: target ? Number(target) : null });
      setStatus(r.cancelled ? `stopped after epoch ${r.epochsDone}; Train resumes` : `done: ${r.epochsDone} epochs`);
    } catch (e) { setStatus(`error: ${(e as Error).message}`); }
    setRunning(false);
  }
  const last = history.current[history.current.length - 1];
  return (
    <div>
      <h2>Train</h2>
      {!enabled && <p class="muted">Load a tinyBIG experiment YAML or compose a model (with a dataset) first.</p>}
      <div class="grid">
        <label class="field"><span>epochs</span><input id="train-epochs" type="number" min={1} value={epochs} placeholder="from the file" onInput={(e) => setEpochs((e.target as HTMLInputElement).value)} /><small>total, counting resumed ones</small></label>
        <label class="field"><span>stop at test metric</span><input id="train-target" type="number" step="any" value={target} placeholder="none" onInput={(e) => setTarget((e.target as HTMLInputElement).value)} /><small>≤ for losses, ≥ for accuracy</small></label>
      </div>
      <button id="train" disabled={!enabled || running} onClick={() => void run(false)}>Train / resume</button>
      <button id="train-fresh" disabled={!enabled || running} onClick={() => void run(true)}>Restart optimizer</button>
      <button id="stop" disabled={!running} onClick={() => void client.request({ type: 'stop' })}>Stop</button>
      <p id="train-status" class="status">{status}</p>
      {start && <p id="train-start" class="muted" data-start-epoch={start.startEpoch}>{start.data}; {start.parameters} parameters; epochs {start.startEpoch}…{start.epochs}</p>}
      {progress && <div class="bar"><div style={{ width: `${(100 * progress.step) / Math.max(1, progress.total)}%` }} /><span id="progress">epoch {progress.epoch} · step {progress.step}/{progress.total} · loss {progress.loss.toPrecision(4)}</span></div>}
      {last && <p id="train-epoch" class="status" data-epoch={last.epoch} data-test-score={last.testScore ?? ''}>epoch {last.epoch}: train loss {last.trainLoss.toExponential(3)}, test loss {last.testLoss?.toExponential(3) ?? '–'}, test {start?.metric} {last.testScore?.toExponential(3) ?? '–'}</p>}
      {end && <p id="train-final" class="status" data-run={runs} data-final={end.final} data-epochs={end.epochsDone} data-cancelled={String(end.cancelled)} data-first-loss={history.current[0]?.trainLoss} data-last-loss={last?.trainLoss}>final test {end.metric}: {end.final.toExponential(4)} after {end.epochsDone} epochs{end.cancelled ? ' (stopped)' : ''}</p>}
      <div class="charts"><div id="chart-loss" ref={lossEl} /><div id="chart-metric" ref={metricEl} /><div id="chart-function" ref={fnEl} /></div>
    </div>
  );
}
