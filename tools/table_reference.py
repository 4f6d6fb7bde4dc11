"""PyTorch 1.13 on sklearn's bundled tables, trained as `jgrad train --data FILE --seeds 5` trains them
(jgrad.app.Sources, Run.prepare and the presets), so that jgrad-cli's SklearnTablesCliTest can compare:

- the rows as jgrad's CsvTable reads them: each value parsed as a float64, then stored as a float32;
- the split of `--test-split 0.2` with the run's first seed, 0: jgrad's Split.random, re-implemented bit
  for bit below; `--seeds N` keeps that split and trains from seeds 0..N-1, as the training seeds here;
- the inputs standardised as Transforms.fitNormalize does on the training part: for each channel (each
  column of a table; all 64 pixels of a 1x8x8 digit), the mean and the population std in float64 over
  float32 values, stored as float32 (a constant channel gets std 1), applied as (x - mean) / std in float32;
- for regression the targets standardised the same way on the training part, the network trained on
  them with MSE, and its outputs mapped back (y = z * std + mean) before R² is computed on the test part;
- the presets' networks: `mlp` (flatten, linear 256, relu, linear 128, relu, linear) for the tables, `cnn`
  (conv 32 3 same, bn, relu, maxpool 2, conv 64 3 same, bn, relu, maxpool 2, flatten, linear 128, relu,
  dropout 0.3, linear) for the digits read with --reshape 1x8x8; the last linear has as many outputs as
  classes, or one logit for a binary target, or one per real target;
- their losses (CrossEntropyLoss, BCEWithLogitsLoss on the one logit, MSELoss), Adam lr 1e-3, batch 64 with
  the last smaller batch kept, reshuffled every epoch, the epochs the test uses; scored in eval() mode.

Prints the test accuracy in % (R² for diabetes) for each training seed, and their mean, standard deviation
(with n - 1, as `jgrad train --seeds` prints it) and range: what the test compares jgrad with.

Usage: /usr/bin/python3 tools/table_reference.py [dataset[:epochs] ...] [--seeds N]
       datasets: iris breast_cancer digits diabetes digits_cnn (default: all, at the test's epochs);
       N training seeds (default 5)
Needs Debian's python3-torch (1.13), python3-sklearn and python3-numpy."""
import gzip, math, statistics, sys

import numpy as np
import torch
import torch.nn as nn

DATA = "/usr/lib/python3/dist-packages/sklearn/datasets/data/"
M64, M32 = (1 << 64) - 1, (1 << 32) - 1

# name: (task, network, epochs); the epochs are the ones SklearnTablesCliTest uses
DATASETS = {"iris": ("classify", "mlp", 100), "breast_cancer": ("binary", "mlp", 30), "digits": ("classify", "mlp", 20),
            "diabetes": ("regress", "mlp", 20), "digits_cnn": ("classify", "cnn", 5)}


class SplittableRandom:
    """java.util.SplittableRandom(seed): SplitMix64 with its mix32 for nextInt, and nextInt(bound) as
    java.util.random's RandomSupport.boundedNextInt."""

    def __init__(self, seed):
        self.seed = seed & M64

    def next_int(self):
        self.seed = (self.seed + 0x9E3779B97F4A7C15) & M64
        z = self.seed
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & M64
        r = ((((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & M64) >> 32)
        return r - (1 << 32) if r >= 1 << 31 else r  # a signed int

    def next_bounded(self, bound):
        m = bound - 1
        r = self.next_int()
        if bound & m == 0:
            return r & m
        u = (r & M32) >> 1
        while True:
            r = u % bound
            if u + m - r < 1 << 31:  # Java: u + m - r >= 0 without int overflow
                return r
            u = (self.next_int() & M32) >> 1


def split(n, test_fraction, seed):
    """jgrad's Split.indices: a Fisher-Yates permutation, the first ceil(F*n) held out; both parts ascending."""
    p = list(range(n))
    rng = SplittableRandom(seed)
    for i in range(n - 1, 0, -1):
        j = rng.next_bounded(i + 1)
        p[i], p[j] = p[j], p[i]
    test = math.ceil(test_fraction * n)
    return sorted(p[test:]), sorted(p[:test])


def load(name):
    """Features float32 [N, F] and targets float32, as jgrad's CsvTable reads them (values parsed as float64, then float32)."""
    if name == "digits_cnn":
        return load("digits")
    if name == "diabetes":  # the test joins the two whitespace-separated files line by line into one table
        x = np.loadtxt(DATA + "diabetes_data_raw.csv.gz")
        y = np.loadtxt(DATA + "diabetes_target.csv.gz")
    else:
        path = DATA + (name + ".csv.gz" if name == "digits" else name + ".csv")
        table = np.loadtxt(path, delimiter=",", skiprows=0 if name == "digits" else 1)
        x, y = table[:, :-1], table[:, -1]
    return x.astype(np.float32), y.astype(np.float32)


def fit_normalize(x):
    """Transforms.fitNormalize on float32 samples [N, C, ...]: per channel, mean and population std in float64, stored as float32;
    std 1 where the variance is within rounding of zero (a constant channel)."""
    per_channel = x.reshape(x.shape[0], x.shape[1], -1).transpose(1, 0, 2).reshape(x.shape[1], -1).astype(np.float64)
    n = per_channel.shape[1]
    mean = per_channel.sum(1) / n
    var = ((per_channel - mean[:, None]) ** 2).sum(1) / n
    eps = np.finfo(np.float64).eps
    bound = n * eps * var + (n * mean * eps) ** 2
    std = np.sqrt(var).astype(np.float32)
    std = np.where((var <= bound) | (std == 0), np.float32(1), std)
    return mean.astype(np.float32), std.astype(np.float32)


def standardise(x, mean, std):
    """Normalize's (x - mean) / std per channel, in float32."""
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return ((x - mean.reshape(shape)) / std.reshape(shape)).astype(np.float32)


def network(kind, shape, outputs):
    """The preset's network for samples of `shape`, as jgrad.models.Spec builds it from the preset's spec."""
    if kind == "mlp":
        features = int(np.prod(shape))
        return nn.Sequential(nn.Flatten(), nn.Linear(features, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, outputs))
    c, h, w = shape
    return nn.Sequential(nn.Conv2d(c, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(64 * (h // 4) * (w // 4), 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, outputs))


def train(name, epochs, seed):
    task, kind, _ = DATASETS[name]
    x, y = load(name)
    if kind == "cnn":
        x = x.reshape(-1, 1, 8, 8)
    train_idx, test_idx = split(len(x), 0.2, 0)
    x_mean, x_std = fit_normalize(x[train_idx])
    x = standardise(x, x_mean, x_std)
    if task == "regress":
        y_mean, y_std = fit_normalize(y[train_idx].reshape(-1, 1))
        y = standardise(y.reshape(-1, 1), y_mean, y_std)[:, 0]
    outputs = {"classify": len(np.unique(y)), "binary": 1, "regress": 1}[task]
    torch.manual_seed(seed)
    net = network(kind, x.shape[1:], outputs)
    loss_fn = {"classify": nn.CrossEntropyLoss(), "binary": nn.BCEWithLogitsLoss(), "regress": nn.MSELoss()}[task]
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    xt = torch.from_numpy(x[train_idx])
    yt = torch.from_numpy(y[train_idx]).long() if task == "classify" else torch.from_numpy(y[train_idx])
    net.train()
    for _ in range(epochs):
        for b in torch.randperm(len(xt)).split(64):
            opt.zero_grad()
            out = net(xt[b])
            loss = loss_fn(out, yt[b]) if task == "classify" else loss_fn(out.squeeze(1), yt[b])
            loss.backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        out = net(torch.from_numpy(x[test_idx]))
    y_test = y[test_idx]
    if task == "classify":
        return 100.0 * float((out.argmax(1).numpy() == y_test).mean())
    if task == "binary":
        return 100.0 * float(((out.squeeze(1).numpy() > 0) == (y_test == 1)).mean())
    # the outputs and the targets mapped back to the data's units, in float64 as jgrad's Evaluation does
    pred = out.squeeze(1).double().numpy() * float(y_std[0]) + float(y_mean[0])
    truth = y_test.astype(np.float64) * float(y_std[0]) + float(y_mean[0])
    return 1 - ((truth - pred) ** 2).sum() / ((truth - truth.mean()) ** 2).sum()


def main(argv):
    seeds = 5
    if "--seeds" in argv:
        i = argv.index("--seeds")
        seeds = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    torch.set_num_threads(1)
    print("split check: iris's first test rows", split(150, 0.2, 0)[1][:10])
    print(f"{'dataset':15} {'task':9} {'network':7} {'epochs':>6}  {'score':7} {'mean':>8} {'±std':>7} {'min':>8} {'max':>8}   per seed")
    for arg in argv or list(DATASETS):
        name, _, e = arg.partition(":")
        task, kind, epochs = DATASETS[name]
        epochs = int(e) if e else epochs
        scores = [train(name, epochs, s) for s in range(seeds)]
        unit = "R²" if task == "regress" else "acc %"
        fmt = "{:.4f}"
        print(f"{name:15} {task:9} {kind:7} {epochs:6}  {unit:7} {fmt.format(statistics.mean(scores)):>8} "
              f"{fmt.format(statistics.stdev(scores) if len(scores) > 1 else float('nan')):>7} {fmt.format(min(scores)):>8} {fmt.format(max(scores)):>8}   "
              + " ".join(fmt.format(s) for s in scores), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
