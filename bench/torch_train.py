"""PyTorch on the same work as `jgrad bench`: the notebook's networks (and jgrad's cnn preset)
trained on real Fashion-MNIST with the same hyper-parameters, written the way one writes PyTorch
for speed on a CPU: the IDX files decoded once into one tensor, normalised once, batches taken by
index from a per-epoch permutation, no per-sample transforms.

Usage: /usr/bin/python3 bench/torch_train.py simple|complex|cnn [epochs] [seed] [threads]
Needs Debian's python3-torch (1.13) and dataset-fashion-mnist. Prints one line per epoch and a
RESULT line: the median epoch time after the first, and the test accuracy."""
import gzip, statistics, struct, sys, time

import torch
import torch.nn as nn
import torch.optim as optim

DATA = "/usr/share/datasets/fashion-mnist/"


def idx(name):
    with gzip.open(DATA + name, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    dims = struct.unpack(">" + "I" * (magic & 0xFF), raw[4:4 + 4 * (magic & 0xFF)])
    return torch.frombuffer(bytearray(raw[4 + 4 * len(dims):]), dtype=torch.uint8).reshape(dims)


def images(name):  # ToTensor() then Normalize((0.5,), (0.5,)), as the notebook, done once
    return ((idx(name).float() / 255.0 - 0.5) / 0.5).unsqueeze(1)


class Net(nn.Module):  # the notebook's exercise 1c
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 256), nn.Linear(256, 128), nn.Linear(128, 10)

    def forward(self, x):
        x = x.view(-1, 784)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class ComplexNet(nn.Module):  # the notebook's exercise 1d (its Dropout is defined but not applied)
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(784, 512), nn.Linear(512, 256)
        self.fc3, self.fc4 = nn.Linear(256, 128), nn.Linear(128, 10)
        self.relu = nn.LeakyReLU(0.2)
        self.batch_norm1, self.batch_norm2, self.batch_norm3 = nn.BatchNorm1d(512), nn.BatchNorm1d(256), nn.BatchNorm1d(128)

    def forward(self, x):
        x = x.view(-1, 784)
        x = self.relu(self.batch_norm1(self.fc1(x)))
        x = self.relu(self.batch_norm2(self.fc2(x)))
        x = self.relu(self.batch_norm3(self.fc3(x)))
        return self.fc4(x)


def cnn():  # jgrad's cnn preset, layer for layer
    block = lambda i, o: [nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*block(1, 32), *block(32, 64), nn.Flatten(),
                         nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "simple"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    xtr, ytr = images("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz").long()
    xte, yte = images("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz").long()
    net = {"simple": Net, "complex": ComplexNet, "cnn": cnn}[kind]()
    opt = optim.SGD(net.parameters(), lr=0.01) if kind == "simple" else \
        optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-5 if kind == "complex" else 0)
    loss_fn = nn.CrossEntropyLoss()
    times = []
    for epoch in range(epochs):
        net.train()
        t0, total, steps = time.perf_counter(), 0.0, 0
        for idx_b in torch.randperm(len(ytr)).split(64):
            opt.zero_grad()
            loss = loss_fn(net(xtr[idx_b]), ytr[idx_b])
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
        times.append(time.perf_counter() - t0)
        print(f"  {kind} epoch {epoch + 1}: {times[-1]:.3f} s, loss {total / steps:.4f}", flush=True)
    net.eval()
    with torch.no_grad():
        correct = sum((net(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, len(yte), 1000))
    rest = times[1:] if len(times) > 1 else times
    print(f"RESULT torch={torch.__version__} model={kind} threads={threads} median_epoch_s={statistics.median(rest):.3f} "
          f"test_acc={100.0 * correct / len(yte):.2f}")


if __name__ == "__main__":
    main()
