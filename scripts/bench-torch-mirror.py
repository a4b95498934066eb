#!/usr/bin/python3
"""Plain-torch mirror of benchmark configs C and D (not tinyBIG: the same mathematics in plain torch).

What it measures: one training step (forward, loss, backward, AdamW step; the file's lr and weight
decay) and eval-mode inference at batch 1 and 1000, on random data of the file's shape, for
  C  elementary_configs.yaml: 2 -> 2 -> 1, per layer κ(x) = [B-spline t=5 d=3 (Cox-de Boor on the knots
     g_i = (i - d)h - 1, h = 2/t), x, vec(x ⊗ x)] (D = 22), lorr r = 1 (W = A·Bᵀ, A: n×1, B: D×1), zero
     remainder, MSELoss, batch 100 (47 parameters);
  D  kan_like_mnist_configs.yaml: 784 -> 64 -> 10, κ(x) = B-spline t=5 d=3 (D = 8m), identity
     reconciliation (W: n×D), zero remainder, CrossEntropyLoss, batch 64 (406,528 parameters).
It is a yardstick for what torch on this machine does with the same work, written from the formulas
(tinyBIG's own code builds the same tensors through its module classes and adds Python overhead on top).
Usage: /usr/bin/python3 scripts/bench-torch-mirror.py [C|D ...] [--threads 1,2] [--steps N]
Prints one JSON line per config and thread count.
"""
import json
import resource
import sys
import time

import torch


def bspline(x, t=5, d=3, lo=-1.0, hi=1.0):
    """Cox-de Boor B-spline bases of degree d on uniform knots, feature-major: [b, m] -> [b, m*(t+d)]."""
    h = (hi - lo) / t
    knots = torch.tensor([(i - d) * h + lo for i in range(t + 2 * d + 1)], dtype=x.dtype)
    xe = x.unsqueeze(-1)
    bases = ((xe >= knots[:-1]) & (xe < knots[1:])).to(x.dtype)
    for k in range(1, d + 1):
        left = (xe - knots[: -(k + 1)]) / (knots[k:-1] - knots[: -(k + 1)]) * bases[..., :-1]
        right = (knots[k + 1:] - xe) / (knots[k + 1:] - knots[1:-k]) * bases[..., 1:]
        bases = left + right
    return bases.reshape(x.shape[0], -1)


class KanLayer(torch.nn.Module):
    def __init__(self, m, n):
        super().__init__()
        self.w = torch.nn.Parameter(torch.empty(n, m * 8).uniform_(-(1 / (m * 8)) ** 0.5, (1 / (m * 8)) ** 0.5))

    def forward(self, x):
        return torch.nn.functional.linear(bspline(x), self.w)


class ElementaryLayer(torch.nn.Module):
    def __init__(self, m, n):
        super().__init__()
        D = m * 8 + m + m * m
        self.a = torch.nn.Parameter(torch.empty(n, 1).uniform_(-0.5, 0.5))
        self.b = torch.nn.Parameter(torch.empty(D, 1).uniform_(-0.5, 0.5))

    def forward(self, x):
        kappa = torch.cat([bspline(x), x, torch.einsum('bi,bj->bij', x, x).reshape(x.shape[0], -1)], dim=1)
        return torch.nn.functional.linear(kappa, self.a @ self.b.T)


CONFIGS = {
    'C': dict(file='elementary_configs.yaml', layers=[(2, 2), (2, 1)], cls=ElementaryLayer, batch=100, loss='mse', n=1, lr=3e-3, wd=1e-4),
    'D': dict(file='kan_like_mnist_configs.yaml', layers=[(784, 64), (64, 10)], cls=KanLayer, batch=64, loss='ce', n=10, lr=2e-3, wd=2e-4),
}


def median(xs):
    s = sorted(xs)
    k = len(s) // 2
    return s[k] if len(s) % 2 else (s[k - 1] + s[k]) / 2


def run(name, threads, steps):
    c = CONFIGS[name]
    torch.set_num_threads(threads)
    torch.manual_seed(1234)
    model = torch.nn.Sequential(*[c['cls'](m, n) for m, n in c['layers']])
    m0 = c['layers'][0][0]
    x = torch.rand(c['batch'], m0) * 2 - 1
    y = torch.randint(0, c['n'], (c['batch'],)) if c['loss'] == 'ce' else torch.rand(c['batch'], c['n'])
    loss_fn = torch.nn.CrossEntropyLoss() if c['loss'] == 'ce' else torch.nn.MSELoss()
    opt = torch.optim.AdamW(model.parameters(), lr=c['lr'], weight_decay=c['wd'])

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 1.0:
        step()
    ts = []
    for _ in range(steps):
        t1 = time.perf_counter()
        step()
        ts.append(time.perf_counter() - t1)
    model.eval()
    out = {}
    with torch.no_grad():
        for b in (1, 1000):
            xb = torch.rand(b, m0) * 2 - 1
            for _ in range(5):
                model(xb)
            tb = []
            for _ in range(max(5, steps // 4)):
                t1 = time.perf_counter()
                model(xb)
                tb.append(time.perf_counter() - t1)
            out[b] = b / median(tb)
    params = sum(p.numel() for p in model.parameters())
    return {
        'case': f'torch_mirror_{name}', 'config': c['file'], 'torch': torch.__version__, 'threads': threads,
        'parameters': params, 'batch': c['batch'], 'train_ms_per_step': round(median(ts) * 1000, 3),
        'train_samples_per_s': round(c['batch'] / median(ts), 1),
        'infer_samples_per_s_b1': round(out[1], 1), 'infer_samples_per_s_b1000': round(out[1000], 1),
        'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv):
    names = [a for a in argv if a in CONFIGS] or list(CONFIGS)
    threads = [1, 2]
    steps = 200
    if '--threads' in argv:
        threads = [int(v) for v in argv[argv.index('--threads') + 1].split(',')]
    if '--steps' in argv:
        steps = int(argv[argv.index('--steps') + 1])
    for name in names:
        for th in threads:
            print(json.dumps(run(name, th, steps)), flush=True)


if __name__ == '__main__':
    main(sys.argv[1:])
