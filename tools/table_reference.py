"""PyTorch 1.13 on sklearn's bundled tables, as jgrad's TablesTrainingTest trains them: the same rows,
the same seeded 80/20 split (jgrad's Split.random, re-implemented bit for bit below), features
standardised with statistics of the training part only (sklearn's StandardScaler), the `simple` MLP's
layers Linear(F,256)-ReLU-Linear(256,128)-ReLU-Linear(128,outputs), Adam lr 1e-3, batch 64, the same
epochs. Prints the test accuracy (R² for diabetes) for each of several training seeds, and their
mean, spread and range: what jgrad's test compares itself with.

Usage: /usr/bin/python3 tools/table_reference.py [dataset ...] [--seeds N]
       datasets: iris breast_cancer digits diabetes digits_cnn (default: all); N training seeds (default 5)
       digits_cnn: the digits as 1x8x8 images, Conv2d(1,16,3,padding 1)-ReLU-MaxPool2d(2)-Flatten-Linear(256,10)
Needs Debian's python3-torch (1.13), python3-sklearn and python3-numpy."""
import gzip, math, statistics, sys

import numpy as np
import torch
import torch.nn as nn
from sklearn.preprocessing import StandardScaler

DATA = "/usr/lib/python3/dist-packages/sklearn/datasets/data/"
M64, M32 = (1 << 64) - 1, (1 << 32) - 1

# name: (task, epochs); the epochs are the ones TablesTrainingTest uses
DATASETS = {"iris": ("classify", 100), "breast_cancer": ("binary", 30), "digits": ("classify", 20), "diabetes": ("regress", 300),
            "digits_cnn": ("classify", 10)}


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
    """Features float32 [N, F] and targets, read as jgrad's CsvTable reads them (values parsed as float64, then float32)."""
    if name == "digits_cnn":
        return load("digits")
    if name == "diabetes":
        x = np.loadtxt(DATA + "diabetes_data_raw.csv.gz")
        y = np.loadtxt(DATA + "diabetes_target.csv.gz")
    else:
        path = DATA + (name + ".csv.gz" if name == "digits" else name + ".csv")
        table = np.loadtxt(path, delimiter=",", skiprows=0 if name == "digits" else 1)
        x, y = table[:, :-1], table[:, -1]
    return x.astype(np.float32), y


def train(name, seed):
    task, epochs = DATASETS[name]
    x, y = load(name)
    train_idx, test_idx = split(len(x), 0.2, 0)
    outputs = {"classify": len(np.unique(y)), "binary": 1, "regress": 1}[task]
    if name == "digits_cnn":  # 1x8x8 grey images: one mean and std over all training pixels, and a small CNN
        t = x[train_idx].astype(np.float64)
        x = ((x - np.float32(t.mean())) / np.float32(t.std())).astype(np.float32).reshape(-1, 1, 8, 8)
        torch.manual_seed(seed)
        net = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 4 * 4, outputs))
    else:
        scaler = StandardScaler().fit(x[train_idx].astype(np.float64))
        x = ((x - scaler.mean_.astype(np.float32)) / scaler.scale_.astype(np.float32)).astype(np.float32)
        torch.manual_seed(seed)
        net = nn.Sequential(nn.Linear(x.shape[1], 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, outputs))
    loss_fn = {"classify": nn.CrossEntropyLoss(), "binary": nn.BCEWithLogitsLoss(), "regress": nn.MSELoss()}[task]
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    xt = torch.from_numpy(x[train_idx])
    yt = torch.from_numpy(y[train_idx]).long() if task == "classify" else torch.from_numpy(y[train_idx]).float()
    for _ in range(epochs):
        for b in torch.randperm(len(xt)).split(64):
            opt.zero_grad()
            out = net(xt[b])
            loss = loss_fn(out, yt[b]) if task == "classify" else loss_fn(out.squeeze(1), yt[b])
            loss.backward()
            opt.step()
    with torch.no_grad():
        out = net(torch.from_numpy(x[test_idx]))
    y_test = y[test_idx]
    if task == "classify":
        return 100.0 * float((out.argmax(1).numpy() == y_test).mean())
    if task == "binary":
        return 100.0 * float(((out.squeeze(1).numpy() > 0) == (y_test == 1)).mean())
    pred = out.squeeze(1).double().numpy()
    return 1 - ((y_test - pred) ** 2).sum() / ((y_test - y_test.mean()) ** 2).sum()


def main(argv):
    seeds = 5
    if "--seeds" in argv:
        i = argv.index("--seeds")
        seeds = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    torch.set_num_threads(1)
    print("split check: iris's first test rows", split(150, 0.2, 0)[1][:10])
    print(f"{'dataset':15} {'task':9} {'epochs':>6}  {'score':7} {'mean':>8} {'±std':>7} {'min':>8} {'max':>8}   per seed")
    for name in argv or list(DATASETS):
        task, epochs = DATASETS[name]
        scores = [train(name, s) for s in range(seeds)]
        unit = "R²" if task == "regress" else "acc %"
        fmt = "{:.4f}"
        print(f"{name:15} {task:9} {epochs:6}  {unit:7} {fmt.format(statistics.mean(scores)):>8} {fmt.format(statistics.pstdev(scores)):>7} "
              f"{fmt.format(min(scores)):>8} {fmt.format(max(scores)):>8}   " + " ".join(fmt.format(s) for s in scores), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
