/**
 * `@rpn/learn/node`: the Node-only part of the package. Importing it registers node:fs as the
 * dataset {@link DataSource}, so configs with `cache_dir`, IDX, CIFAR and CSV files read from disk;
 * the main entry stays free of `node:*` so it bundles for browsers.
 */
import { setDataSource } from './datasets/source.js';
import { nodeDataSource } from './node/data-source.js';
import { setSpamAssassinCorpus } from './datasets/spam-assassin.js';
import { nodeSpamAssassinCorpus } from './node/spam-assassin.js';

export { nodeDataSource } from './node/data-source.js';
export { nodeSpamAssassinCorpus } from './node/spam-assassin.js';

setDataSource(nodeDataSource());
setSpamAssassinCorpus(nodeSpamAssassinCorpus);
