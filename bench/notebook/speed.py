"""Training speed in the jgrad kernel beside `jgrad train`, the same preset, side by side.

Usage (from the repository root, after ./jgrad notebook install):
    /usr/bin/python3 bench/notebook/speed.py [PRESET] [EPOCHS] [ROUNDS]     default: complex 2 3

Each round trains PRESET for EPOCHS epochs once in a kernel (jgrad.app.Run, as `jgrad train`
does, in a fresh kernel started from the installed kernelspec) and once with `./jgrad train
--no-progress`, alternating which goes first, and prints each run's samples/s of its last epoch
(the first epoch includes the JIT's warm-up). Interleaving matters on a shared machine: two
runs are only comparable when they saw the same load.
"""
import re
import statistics
import subprocess
import sys
import time

from jupyter_client.manager import KernelManager


def kernel_run(preset, epochs):
    km = KernelManager(kernel_name="jgrad")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        code = ('import jgrad.app.*;\n'
                'var data = Run.load(null, false);\n'
                'var r = Run.run(Settings.builder(Preset.byId("%s")).epochs(%d).build(), data[0], data[1], Trainer.Listener.NONE);\n'
                'var last = r.epochs().getLast();\n'
                'last.samples() / last.seconds()' % (preset, epochs))
        out = []
        reply = kc.execute_interactive(code, timeout=3600, output_hook=lambda m: out.append(m))
        if reply["content"]["status"] != "ok":
            raise SystemExit("kernel run failed: %s" % [m["content"] for m in out])
        result = [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"]
        return float(result[0])
    finally:
        kc.stop_channels()
        km.shutdown_kernel()


def cli_run(preset, epochs):
    p = subprocess.run(["./jgrad", "train", "--model", preset, "--epochs", str(epochs), "--no-progress"],
                       capture_output=True, text=True, check=True)
    rates = re.findall(r"\(([0-9.]+) s, ([0-9]+) samples/s\)", p.stdout)
    return float(rates[-1][1])


def main():
    preset = sys.argv[1] if len(sys.argv) > 1 else "complex"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    kernel, cli = [], []
    for r in range(rounds):
        order = [("kernel", kernel_run, kernel), ("jgrad train", cli_run, cli)]
        if r % 2:
            order.reverse()
        for name, run, into in order:
            t0 = time.time()
            into.append(run(preset, epochs))
            print("round %d %-12s %8.0f samples/s   (%.0f s)" % (r + 1, name, into[-1], time.time() - t0), flush=True)
    k, c = statistics.median(kernel), statistics.median(cli)
    print("median: kernel %.0f, jgrad train %.0f samples/s; kernel/cli = %.3f" % (k, c, k / c))


if __name__ == "__main__":
    main()
