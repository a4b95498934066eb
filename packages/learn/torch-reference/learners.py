"""Reference values from real torch (float64) for packages/learn's torch-reference tests.

Prints one JSON document; `learners.json` beside this file is its committed output
(regenerate: /usr/bin/python3 learners.py > learners.json). Fixed parameters and a fixed
sequence of gradients, so the trajectories do not depend on any model here.
"""
import json
import math
import torch

torch.set_default_dtype(torch.float64)
STEPS = 10
P0 = [0.8, -1.5, 2.2, -0.3]
GRADS = [[round(math.sin(1.3 * k + 0.9 * i + 0.2) * (1 + 0.5 * i), 6) for i in range(4)] for k in range(STEPS)]

OPTIMIZERS = [
    ('Adadelta', {}),
    ('Adadelta', {'lr': 0.5, 'rho': 0.8, 'eps': 1e-5, 'weight_decay': 0.1}),
    ('Adamax', {}),
    ('Adamax', {'lr': 0.05, 'betas': [0.8, 0.95], 'weight_decay': 0.05}),
    ('NAdam', {}),
    ('NAdam', {'lr': 0.05, 'betas': [0.85, 0.99], 'weight_decay': 0.05, 'momentum_decay': 0.01}),
    ('RAdam', {}),
    ('RAdam', {'lr': 0.05, 'betas': [0.5, 0.9], 'weight_decay': 0.05}),
    ('ASGD', {}),
    ('ASGD', {'lr': 0.1, 'lambd': 0.05, 'alpha': 0.6, 't0': 3, 'weight_decay': 0.02}),
    ('Rprop', {}),
    ('Rprop', {'lr': 0.05, 'etas': [0.4, 1.5], 'step_sizes': [0.01, 0.1]}),
]


def optimizer_case(name, kw):
    p = torch.nn.Parameter(torch.tensor(P0))
    opt = getattr(torch.optim, name)([p], **kw)
    traj = []
    for g in GRADS:
        p.grad = torch.tensor(g)
        opt.step()
        traj.append(p.detach().tolist())
    return {'name': name, 'params': kw, 'trajectory': traj}


S = torch.optim.lr_scheduler
SCHEDULERS = [
    ('MultiStepLR', {'milestones': [2, 5, 6], 'gamma': 0.5}, None),
    ('LinearLR', {}, None),
    ('LinearLR', {'start_factor': 0.25, 'end_factor': 0.75, 'total_iters': 4}, None),
    ('ConstantLR', {}, None),
    ('ConstantLR', {'factor': 0.5, 'total_iters': 3}, None),
    ('PolynomialLR', {}, None),
    ('PolynomialLR', {'total_iters': 7, 'power': 2.0}, None),
    ('CosineAnnealingWarmRestarts', {'T_0': 3}, None),
    ('CosineAnnealingWarmRestarts', {'T_0': 2, 'T_mult': 2, 'eta_min': 0.01}, None),
    ('CyclicLR', {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 3, 'cycle_momentum': False}, None),
    ('CyclicLR', {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 2, 'step_size_down': 3, 'mode': 'triangular2', 'cycle_momentum': False}, None),
    ('CyclicLR', {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 2, 'mode': 'exp_range', 'gamma': 0.9, 'cycle_momentum': False}, None),
    ('OneCycleLR', {'max_lr': 0.5, 'total_steps': 11, 'cycle_momentum': False}, None),
    ('OneCycleLR', {'max_lr': 0.5, 'epochs': 2, 'steps_per_epoch': 6, 'anneal_strategy': 'linear', 'three_phase': True, 'div_factor': 10, 'final_div_factor': 100, 'cycle_momentum': False}, None),
    ('ReduceLROnPlateau', {'patience': 1}, [1.0, 0.9, 0.95, 0.97, 0.5, 0.6, 0.6, 0.6, 0.4, 0.41]),
    ('ReduceLROnPlateau', {'mode': 'max', 'factor': 0.5, 'patience': 0, 'threshold': 0.05, 'threshold_mode': 'abs', 'cooldown': 2, 'min_lr': 0.02}, [1.0, 1.01, 1.2, 1.2, 1.2, 1.3, 1.3, 1.3, 1.3, 1.3]),
]


def scheduler_case(name, kw, metrics):
    p = torch.nn.Parameter(torch.tensor(P0))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = getattr(S, name)(opt, **kw)
    lrs = [opt.param_groups[0]['lr']]
    for k in range(STEPS):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[k])
        lrs.append(opt.param_groups[0]['lr'])
    return {'name': name, 'params': kw, 'metrics': metrics, 'lr0': 0.1, 'lrs': lrs}


X = [[0.3, -1.2, 2.5], [1.7, 0.05, -0.8]]
Y = [[0.1, -0.2, 3.5], [1.0, 0.05, 0.9]]
PROB = [[0.2, 0.7, 0.95], [0.5, 0.01, 0.6]]
TARGET01 = [[0.0, 1.0, 1.0], [0.3, 0.0, 1.0]]
LOGP = torch.log_softmax(torch.tensor(X), 1).tolist()
QT = [[0.2, 0.3, 0.5], [0.0, 0.9, 0.1]]
LOGQ = [[math.log(0.2), math.log(0.3), math.log(0.5)], [-3.0, -0.2, -1.9]]

LOSSES = [
    ('BCELoss', {}, PROB, TARGET01),
    ('L1Loss', {}, X, Y),
    ('SmoothL1Loss', {}, X, Y),
    ('SmoothL1Loss', {'beta': 0.5}, X, Y),
    ('HuberLoss', {}, X, Y),
    ('HuberLoss', {'delta': 0.4}, X, Y),
    ('KLDivLoss', {}, LOGP, QT),
    ('KLDivLoss', {'log_target': True}, LOGP, LOGQ),
]


def loss_case(name, kw, x, y):
    out = {'name': name, 'params': kw, 'input': x, 'target': y}
    reductions = ['none', 'mean', 'sum'] + (['batchmean'] if name == 'KLDivLoss' else [])
    for r in reductions:
        inp = torch.tensor(x, requires_grad=True)
        v = getattr(torch.nn, name)(reduction=r, **kw)(inp, torch.tensor(y))
        out[r] = v.tolist()
        if r != 'none':
            v.backward()
            out[r + '_grad'] = inp.grad.tolist()
    return out


print(json.dumps({
    'torch': torch.__version__,
    'p0': P0,
    'grads': GRADS,
    'optimizers': [optimizer_case(n, k) for n, k in OPTIMIZERS],
    'schedulers': [scheduler_case(n, k, m) for n, k, m in SCHEDULERS],
    'losses': [loss_case(*c) for c in LOSSES],
}, indent=1))
