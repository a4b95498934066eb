import { describe, expect, it } from 'vitest';
import { datasetFromConfig } from './index.js';
import { mailBody, spamAssassinFromMessages, spamAssassinTexts } from './spam-assassin.js';
import { trainTestSplitIndices } from '../random.js';

const msg = (group: string, body: string) => ({ group, text: `From: a@b.c\nSubject: hi\nX-Spam: no\n\n${body}` });

describe('SpamAssassin', () => {
  it('the body is the text after the first blank line; ham 0, spam 1', () => {
    expect(mailBody('From: x\r\nTo: y\r\n\r\nHello\n\nworld')).toBe('Hello\n\nworld');
    expect(mailBody('only headers')).toBe('');
    const t = spamAssassinTexts([msg('easy-ham-1', 'hi there'), msg('spam-2', 'win money'), msg('hard-ham-1', 'x')]);
    expect(t.texts).toEqual(['hi there', 'win money', 'x']);
    expect(Array.from(t.labels)).toEqual([0, 1, 0]);
    expect(spamAssassinTexts([msg('spam-1', 'b')], true).texts[0]).toContain('Subject: hi');
    expect(() => spamAssassinTexts([{ group: 'other', text: 'x' }])).toThrow(/messages\[0\]/);
  });

  it('the split is train_test_split(train_size = floor(0.8 n), random_state 1234) of the messages', () => {
    const words = ['cheap', 'offer', 'winner', 'prize', 'meeting', 'patch', 'kernel', 'thanks'];
    const messages = Array.from({ length: 40 }, (_, i) => msg(i % 3 ? 'easy-ham-2' : 'spam-1', `${words[i % 8]} ${words[(i + 1) % 8]} ${words[(i + 3) % 8]} ${i}`));
    const d = spamAssassinFromMessages(messages, { minDf: 2 });
    expect([d.train.count, d.test.count, d.numClasses]).toEqual([32, 8, 2]);
    const { test } = trainTestSplitIndices(40, 32, 1234, true);
    expect(Array.from(d.test.y)).toEqual(Array.from(test, (i) => (i % 3 ? 0 : 1)));
  });

  it('the npm corpus: 6,046 messages, ham 4,150 / spam 1,896, split 4,836 / 1,210 (random_state 1234 whatever the run seed), tf-idf as scikit-learn', async () => {
    const d = await datasetFromConfig({ data_class: 'spam_assassin', data_parameters: { train_batch_size: 64 } }, { seed: 7 });
    expect([d.train.count, d.test.count, d.numClasses]).toEqual([4836, 1210, 2]);
    let spam = 0;
    for (const y of [...d.train.y, ...d.test.y]) spam += y;
    expect([6046 - spam, spam]).toEqual([4150, 1896]);
    // scikit-learn 1.2.1 on the same bodies and split: TfidfVectorizer(sublinear_tf=True, max_df=0.5, min_df=5,
    // stop_words='english').fit(train) has 14,386 terms; 378 of the 1,210 test messages are spam
    expect(d.train.inputWidth).toBe(14386);
    expect(Array.from(d.test.y).reduce((a, b) => a + b, 0)).toBe(378);
    const names = d.featureNames!;
    expect([...names.slice(0, 4), ...names.slice(-4)]).toEqual(['00', '000', '0000', '00000', 'zzzz', 'zzzzteana', 'ϵͳ', 'רҵ']);
    // sklearn's transform of the first test message: 15 non-zero terms, among them
    const row = d.test.x.subarray(0, 14386);
    expect(row.filter((x) => x !== 0).length).toBe(15);
    const at = (w: string) => row[names.indexOf(w)];
    expect(at('1440')).toBeCloseTo(0.27102023482162785, 6);
    expect(at('bad')).toBeCloseTo(0.20667014106711748, 6);
    expect(at('click')).toBeCloseTo(0.11697528959984707, 6);
  }, 120_000);
});
