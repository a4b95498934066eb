"""Writes tfidf-reference.json: scikit-learn's TfidfVectorizer on corpus.json.

Run with Debian's scikit-learn (apt-get install -y python3-sklearn; 1.2.1 here):
    /usr/bin/python3 packages/learn/sklearn-reference/make.py
The JSON holds, per setting, the fitted vocabulary (in column order), the idf and the dense
transformed train and test matrices, which src/datasets/tfidf.test.ts compares with ours (1e-6).
"""
import json
import os

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

HERE = os.path.dirname(os.path.abspath(__file__))

SETTINGS = {
    # tinyBIG's load_tfidf_vectorizer
    'tinybig': dict(sublinear_tf=True, max_df=0.5, min_df=5, stop_words='english'),
    # scikit-learn's defaults with a proportion min_df and an integer max_df
    'plain': dict(sublinear_tf=False, max_df=12, min_df=0.1, stop_words=None),
    'l1_unsmoothed': dict(sublinear_tf=True, max_df=1.0, min_df=2, stop_words='english', norm='l1', smooth_idf=False),
    # every term: checks the tokenizer and the code-point order of the vocabulary on non-ASCII words
    'all_terms': dict(sublinear_tf=True, max_df=1.0, min_df=1, stop_words=None),
    # tinyBIG's settings with scikit-learn's max_features (the most frequent terms after min_df/max_df)
    'max_features': dict(sublinear_tf=True, max_df=0.5, min_df=2, stop_words='english', max_features=11),  # no tie at the cut
}


def main():
    with open(os.path.join(HERE, 'corpus.json'), encoding='utf-8') as f:
        corpus = json.load(f)
    analyse = TfidfVectorizer().build_analyzer()
    out = {'sklearn': sklearn.__version__, 'tokens': [analyse(d) for d in corpus['train'] + corpus['test']], 'settings': {}}
    for name, params in SETTINGS.items():
        v = TfidfVectorizer(**params)
        train = v.fit_transform(corpus['train']).toarray()
        test = v.transform(corpus['test']).toarray()
        vocab = sorted(v.vocabulary_, key=v.vocabulary_.get)
        out['settings'][name] = {
            'params': params,
            'vocabulary': vocab,
            'idf': v.idf_.tolist(),
            'train': train.tolist(),
            'test': test.tolist(),
        }
    with open(os.path.join(HERE, 'tfidf-reference.json'), 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    main()
