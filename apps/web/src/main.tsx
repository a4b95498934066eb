import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { startWorker, type WorkerClient } from './client.js';
import type { Catalog, ModelSummary } from './protocol.js';
import { LoadPanel, SummaryTable } from './panels/load.js';
import { ComposePanel } from './panels/compose.js';
import { TrainPanel } from './panels/train.js';
import { InsidePanel } from './panels/inside.js';
import { SavePanel } from './panels/save.js';
import { ParityPanel } from './panels/parity.js';

interface Ready { backend: { backend: string; simd: boolean; threads: number; warnings?: readonly string[] }; isolated: boolean; catalog: Catalog; tfjsThreads: number | null }

/** `?threads=<n>` asks the wasm backend for that many threads (default 'auto': 2+ when cross-origin isolated). */
function threadsParam(): number | 'auto' {
  const v = new URLSearchParams(location.search).get('threads');
  return v ? Number(v) : 'auto';
}

const PAGES = ['load', 'compose', 'train', 'inside', 'save', 'parity'] as const;
type Page = (typeof PAGES)[number];
const TITLES: Record<Page, string> = { load: 'Load', compose: 'Compose', train: 'Train', inside: 'Look inside', save: 'Save & share', parity: 'Parity' };

function App({ client }: { client: WorkerClient }) {
  const [ready, setReady] = useState<Ready | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [page, setPage] = useState<Page>('load');
  const [summary, setSummary] = useState<ModelSummary | null>(null);
  const [experiment, setExperiment] = useState(false);
  useEffect(() => {
    client.request<Ready>({ type: 'init', base: document.baseURI, threads: threadsParam() }).then(setReady, (e: Error) => setError(e.message));
  }, [client]);
  const onModel = (s: ModelSummary, isExperiment: boolean) => { setSummary(s); setExperiment(isExperiment); };
  if (error) return <p class="error" id="init-error">backend failed: {error}</p>;
  if (!ready) return <p id="booting">starting the wasm backend…</p>;
  return (
    <div>
      <header>
        <h1>RPN in the browser</h1>
        <span id="backend" class="muted">
          {ready.backend.backend}{ready.backend.simd ? ' SIMD' : ''}, {ready.tfjsThreads ?? ready.backend.threads} thread(s){ready.isolated ? ', cross-origin isolated' : ', not isolated (1 thread)'}{ready.backend.warnings?.length ? ` (${ready.backend.warnings.join('; ')})` : ''}
        </span>
      </header>
      <nav>{PAGES.map((p) => <button id={`nav-${p}`} class={p === page ? 'active' : ''} onClick={() => setPage(p)}>{TITLES[p]}</button>)}</nav>
      <p id="current" class="muted">{summary ? `model: ${summary.source}, ${summary.total} parameters${experiment ? ' (with an experiment)' : ''}` : 'no model yet: load a file or compose one'}</p>
      <main>
        <section hidden={page !== 'load'}><LoadPanel client={client} onModel={onModel} />{summary && <SummaryTable summary={summary} />}</section>
        <section hidden={page !== 'compose'}><ComposePanel client={client} catalog={ready.catalog} onModel={(s) => { onModel(s, true); }} /></section>
        <section hidden={page !== 'train'}><TrainPanel client={client} enabled={experiment} /></section>
        <section hidden={page !== 'inside'}><InsidePanel client={client} summary={summary} /></section>
        <section hidden={page !== 'save'}><SavePanel client={client} summary={summary} onModel={(s) => onModel(s, false)} /></section>
        <section hidden={page !== 'parity'}><ParityPanel client={client} /></section>
      </main>
    </div>
  );
}

render(<App client={startWorker()} />, document.getElementById('app')!);
