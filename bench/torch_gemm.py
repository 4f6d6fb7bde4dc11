#!/usr/bin/python3
"""PyTorch's side of the GEMM row in docs/speed.md's table: torch.mm on the forward GEMM of the
simple network, x[64,784] · W[256,784]ᵀ (what F.linear computes), on 2 threads by default.

    /usr/bin/python3 bench/torch_gemm.py [threads] [M N K]

Prints the median and best of 7 rounds, each the mean of 200 calls, in µs and GFLOP/s (2·M·N·K
flop per call). Compare with ./bench/jmh GemmBenchmark -p shape=64x256x784:NT -p threads=2.
"""
import statistics
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
m, n, k = (int(v) for v in sys.argv[2:5]) if len(sys.argv) > 4 else (64, 256, 784)
torch.set_num_threads(threads)
torch.manual_seed(0)
x, w = torch.randn(m, k), torch.randn(n, k)
out = torch.empty(m, n)
for _ in range(200):
    torch.mm(x, w.t(), out=out)
rounds = []
for _ in range(7):
    t0 = time.perf_counter()
    for _ in range(200):
        torch.mm(x, w.t(), out=out)
    rounds.append((time.perf_counter() - t0) / 200 * 1e6)
flop = 2.0 * m * n * k
med, best = statistics.median(rounds), min(rounds)
print(f"RESULT torch {torch.__version__} threads={threads} shape={m}x{n}x{k} median_us={med:.1f} "
      f"median_gflops={flop / med / 1e3:.1f} best_us={best:.1f} best_gflops={flop / best / 1e3:.1f}")
