import { useMemo, useState } from 'preact/hooks';
import type { WorkerClient } from '../client.js';
import type { Catalog, FieldDescription, ModelSummary } from '../protocol.js';
import { COMPOSE_KINDS, parseField } from '../options-adapter.js';
import { composeDoc, DATASETS, type ComposeState } from '../compose-doc.js';
import { SummaryTable } from './load.js';

const DEFAULTS: Record<string, string> = { expansion: 'taylor_expansion', reconciliation: 'identity_reconciliation', remainder: 'zero_remainder', interdependence: '', fusion: '', output: '' };
const OPTIONAL = new Set(['interdependence', 'fusion', 'output']);

/** One generated input per declared option (type, default, bounds, choices, tinyBIG key). */
function Field({ id, f, value, onInput }: { id: string; f: FieldDescription; value: string; onInput: (v: string) => void }) {
  const hint = [f.configKey, f.type, f.default !== undefined ? `default ${JSON.stringify(f.default)}` : f.required ? 'required' : '', f.min !== undefined ? `≥ ${f.min}` : '', f.max !== undefined ? `≤ ${f.max}` : ''].filter(Boolean).join(', ');
  const input = f.type === 'enum' || f.type === 'boolean'
    ? <select id={id} value={value} onChange={(e) => onInput((e.target as HTMLSelectElement).value)}><option value="">(default)</option>{(f.type === 'boolean' ? [true, false] : f.choices ?? []).map((c) => <option value={String(c)}>{String(c)}</option>)}</select>
    : f.type === 'int' || f.type === 'number'
      ? <input id={id} value={value} type="number" step={f.type === 'int' ? 1 : 'any'} min={f.min} max={f.max} placeholder={f.default === undefined ? '' : JSON.stringify(f.default)} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />
      : <input id={id} value={value} type="text" placeholder={f.default === undefined ? '' : JSON.stringify(f.default)} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />;
  return <label class="field" title={f.doc ?? ''}><span>{f.key}</span>{input}<small>{hint}</small></label>;
}

/** Compose: a function per family, dims, heads and channels; forms from the registry's declared options. */
export function ComposePanel({ client, catalog, onModel }: { client: WorkerClient; catalog: Catalog; onModel: (s: ModelSummary) => void }) {
  const [dims, setDims] = useState('2, 2, 1');
  const [heads, setHeads] = useState(1);
  const [channels, setChannels] = useState(1);
  const [classes, setClasses] = useState<Record<string, string>>(DEFAULTS);
  const [raw, setRaw] = useState<Record<string, Record<string, string>>>({});
  const [extra, setExtra] = useState<Record<string, string>>({});
  const [dataset, setDataset] = useState<ComposeState['dataset']>('elementary_function');
  const [equation, setEquation] = useState(0);
  const [epochs, setEpochs] = useState(30);
  const [lr, setLr] = useState(0.01);
  const [batch, setBatch] = useState(100);
  const [status, setStatus] = useState('');
  const [summary, setSummary] = useState<ModelSummary | null>(null);
  const fieldsOf = (kind: string) => catalog[kind]?.find((e) => e.className === classes[kind])?.fields ?? [];
  const state = useMemo<ComposeState | Error>(() => {
    try {
      const choices: ComposeState['choices'] = {};
      for (const kind of COMPOSE_KINDS) {
        const params: Record<string, unknown> = {};
        for (const f of fieldsOf(kind)) { const v = parseField(f, raw[kind]?.[f.key] ?? ''); if (v !== undefined) params[f.configKey] = v; }
        if (extra[kind]?.trim()) Object.assign(params, JSON.parse(extra[kind]) as Record<string, unknown>);
        choices[kind] = { className: classes[kind] ?? '', params };
      }
      return { dims, heads, channels, choices, dataset, equation, epochs, lr, batch };
    } catch (e) { return e as Error; }
  }, [dims, heads, channels, classes, raw, extra, dataset, equation, epochs, lr, batch]);
  async function apply() {
    try {
      if (state instanceof Error) throw state;
      const doc = composeDoc(state);
      setStatus('building…');
      const r = await client.request<{ summary: ModelSummary }>({ type: 'set-experiment', doc, name: `composed ${state.dims.replace(/\s+/g, '')}` });
      setSummary(r.summary);
      onModel(r.summary);
      setStatus(`built: ${r.summary.total} parameters; train it on the Train page`);
    } catch (e) { setStatus(`error: ${(e as Error).message}`); }
  }
  return (
    <div>
      <h2>Compose a model</h2>
      <div class="grid">
        <label class="field"><span>dims</span><input id="compose-dims" value={dims} onInput={(e) => setDims((e.target as HTMLInputElement).value)} /><small>m, hidden…, n (m = the data's features)</small></label>
        <label class="field"><span>heads</span><input id="compose-heads" type="number" min={1} value={heads} onInput={(e) => setHeads(Number((e.target as HTMLInputElement).value))} /><small>per layer (width)</small></label>
        <label class="field"><span>channels</span><input id="compose-channels" type="number" min={1} value={channels} onInput={(e) => setChannels(Number((e.target as HTMLInputElement).value))} /><small>per head (channel_num)</small></label>
      </div>
      {COMPOSE_KINDS.map((kind) => (
        <fieldset>
          <legend>{kind}</legend>
          <select id={`compose-${kind}`} value={classes[kind]} onChange={(e) => { setClasses({ ...classes, [kind]: (e.target as HTMLSelectElement).value }); setRaw({ ...raw, [kind]: {} }); }}>
            {OPTIONAL.has(kind) && <option value="">(none)</option>}
            {(catalog[kind] ?? []).map((e) => <option value={e.className}>{e.className}</option>)}
          </select>
          <div class="grid">
            {fieldsOf(kind).map((f) => <Field id={`compose-${kind}-${f.key}`} f={f} value={raw[kind]?.[f.key] ?? ''} onInput={(v) => setRaw({ ...raw, [kind]: { ...(raw[kind] ?? {}), [f.key]: v } })} />)}
            {classes[kind] && fieldsOf(kind).length === 0 && <label class="field"><span>parameters (JSON)</span><input id={`compose-${kind}-json`} value={extra[kind] ?? ''} placeholder="{}" onInput={(e) => setExtra({ ...extra, [kind]: (e.target as HTMLInputElement).value })} /><small>no declared options yet</small></label>}
          </div>
        </fieldset>
      ))}
      <fieldset>
        <legend>data and learner</legend>
        <div class="grid">
          <label class="field"><span>dataset</span><select id="compose-dataset" value={dataset} onChange={(e) => setDataset((e.target as HTMLSelectElement).value as ComposeState['dataset'])}>{Object.entries(DATASETS).map(([k, d]) => <option value={k}>{d.label}</option>)}</select></label>
          {dataset.endsWith('_function') && <label class="field"><span>equation</span><input id="compose-equation" type="number" min={0} value={equation} onInput={(e) => setEquation(Number((e.target as HTMLInputElement).value))} /><small>equation_index</small></label>}
          <label class="field"><span>epochs</span><input id="compose-epochs" type="number" min={1} value={epochs} onInput={(e) => setEpochs(Number((e.target as HTMLInputElement).value))} /></label>
          <label class="field"><span>lr</span><input id="compose-lr" type="number" step="any" value={lr} onInput={(e) => setLr(Number((e.target as HTMLInputElement).value))} /><small>AdamW</small></label>
          <label class="field"><span>batch</span><input id="compose-batch" type="number" min={1} value={batch} onInput={(e) => setBatch(Number((e.target as HTMLInputElement).value))} /></label>
        </div>
      </fieldset>
      <button id="compose-apply" onClick={() => void apply()}>Build model</button>
      <p id="compose-status" class="status">{state instanceof Error ? `error: ${state.message}` : status}</p>
      {summary && <SummaryTable summary={summary} />}
    </div>
  );
}
