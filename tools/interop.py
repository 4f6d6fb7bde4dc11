#!/usr/bin/python3
"""PyTorch <-> jgrad interop: the notebook's Net and ComplexNet moved between the two as safetensors.

    /usr/bin/python3 tools/interop.py fixtures          # PyTorch -> jgrad, ~30 s
    /usr/bin/python3 tools/interop.py check-jgrad DIR   # jgrad -> PyTorch

Needs only torch and numpy (Debian's python3-torch 1.13); safetensors and the gzipped IDX files
of Fashion-MNIST ($FASHION_MNIST, default /usr/share/datasets/fashion-mnist, Debian's
dataset-fashion-mnist) are read and written by hand.

`fixtures` trains each network for 300 steps of batch 64 (the notebook's optimizers and
Normalize((0.5,), (0.5,)); torch seed 0, one thread, so a rerun writes byte-identical files)
and writes into jgrad-core/src/test/resources/interop/:
    images.safetensors         images [32,1,28,28] F32 (the first 32 test images, normalised), labels [32] I64
    net.safetensors            Net's state dict (fc1.weight ... fc3.bias), F32
    complex_net.safetensors    ComplexNet's state dict, F32, num_batches_tracked I64 as PyTorch has it
    <model>.logits.safetensors logits [32,10] F32: PyTorch's output for the 32 images in eval mode

`check-jgrad DIR` loads DIR/net.safetensors and DIR/complex_net.safetensors (either may be
missing, not both) into PyTorch's Net and ComplexNet, with num_batches_tracked stored as F32 or
I64, and compares their eval-mode logits for the first 32 test images (read from the IDX files,
the same as images.safetensors) with jgrad's in DIR/<model>.logits.safetensors
(`logits` [32,10]; optional `test_correct`, jgrad's count of correctly classified test images).
A model matches when, for every image, max_j |torch_j - jgrad_j| <= 1e-5 * max_j |torch_j| over
its 10 logits, and the two test accuracies differ by no more than the number of test images whose
top two logits are close enough (within twice that bound) for rounding to swap them.
Exit status: 0 all match, 1 a mismatch, 2 a missing or malformed file.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import uuid

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "jgrad-core", "src", "test", "resources", "interop")
DATA = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
TOL = 1e-5
IMAGES, STEPS, BATCH = 32, 300, 64


# ----------------------------------------------------------------------------- the notebook's networks
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.view(-1, 784)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class ComplexNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 512)
        self.fc2 = nn.Linear(512, 256)
        self.fc3 = nn.Linear(256, 128)
        self.fc4 = nn.Linear(128, 10)
        self.relu = nn.LeakyReLU(0.2)
        self.dropout = nn.Dropout(0.5)  # registered, never applied: the notebook's code
        self.batch_norm1 = nn.BatchNorm1d(512)
        self.batch_norm2 = nn.BatchNorm1d(256)
        self.batch_norm3 = nn.BatchNorm1d(128)

    def forward(self, x):
        x = x.view(-1, 784)
        x = self.relu(self.batch_norm1(self.fc1(x)))
        x = self.relu(self.batch_norm2(self.fc2(x)))
        x = self.relu(self.batch_norm3(self.fc3(x)))
        return self.fc4(x)


# name -> (class, the notebook's optimizer)
MODELS = {
    "net": (Net, lambda p: torch.optim.SGD(p, lr=0.01)),
    "complex_net": (ComplexNet, lambda p: torch.optim.Adam(p, lr=1e-3, weight_decay=1e-5)),
}


# ----------------------------------------------------------------------------- file formats
class FormatError(Exception):
    pass


DTYPES = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4"}
CODES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def read_safetensors(path):
    """{name: tensor} and the __metadata__ dict of a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()

    def bad(why):
        return FormatError(f"{path}: not a valid safetensors file: {why}")

    if len(raw) < 8:
        raise bad(f"only {len(raw)} bytes: too short for the 8-byte header length")
    n = struct.unpack("<Q", raw[:8])[0]
    if n > len(raw) - 8:
        raise bad(f"header length {n} does not fit a file of {len(raw)} bytes")
    try:
        header = json.loads(raw[8:8 + n])
    except ValueError as e:
        raise bad(f"header is not valid JSON ({e})")
    if not isinstance(header, dict):
        raise bad("header is not a JSON object")
    data = raw[8 + n:]
    tensors, spans = {}, []
    for name, t in header.items():
        if name == "__metadata__":
            continue
        if not (isinstance(t, dict) and isinstance(t.get("shape"), list) and isinstance(t.get("data_offsets"), list)
                and len(t["data_offsets"]) == 2
                and all(isinstance(d, int) and d >= 0 for d in t["shape"] + t["data_offsets"])):
            raise bad(f"tensor {name} needs a dtype, a shape and two data_offsets of non-negative integers, has {t!r}")
        dtype, shape, (begin, end) = t.get("dtype"), t["shape"], t["data_offsets"]
        code = DTYPES.get(dtype)
        if code is None:
            raise bad(f"tensor {name} has dtype {dtype!r}; this reader knows {sorted(DTYPES)}")
        count = math.prod(shape)
        if not begin <= end <= len(data) or end - begin != count * np.dtype(code).itemsize:
            raise bad(f"tensor {name} of shape {shape} and dtype {dtype} does not fit its data_offsets "
                      f"[{begin}, {end}] in {len(data)} data bytes")
        spans.append((begin, end))
        a = np.frombuffer(data, dtype=code, count=count, offset=begin).astype(np.dtype(code).newbyteorder("="))
        tensors[name] = torch.from_numpy(a.reshape(shape))
    pos = 0
    for begin, end in sorted(spans):  # the format requires the tensors to tile the data section
        if begin != pos:
            raise bad(f"data_offsets leave a gap or overlap at data byte {pos}")
        pos = end
    if pos != len(data):
        raise bad(f"{len(data) - pos} data bytes after the last tensor")
    return tensors, header.get("__metadata__", {})


def write_safetensors(path, tensors, metadata=None):
    """Writes F32/I64 tensors, data 8-byte aligned (header padded with spaces), atomically."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}} if metadata else {}
    chunks, offset = [], 0
    for name, t in tensors.items():
        code, np_code = CODES[t.dtype]
        b = t.detach().contiguous().numpy().astype(np_code).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 8)
    write_atomically(path, [struct.pack("<Q", len(js)), js] + chunks)


def write_atomically(path, parts):
    """A temporary file in the same directory, fsync, rename: never a half-written file under the name."""
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)), f".{os.path.basename(path)}.{uuid.uuid4()}.part")
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as f:
            for p in parts:
                f.write(p)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read_idx(path):
    """A gzipped IDX file of unsigned bytes as a uint8 tensor."""
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:  # not gzip, or truncated
        raise FormatError(f"{path}: cannot be gunzipped ({e})")
    magic = struct.unpack(">I", raw[:4])[0] if len(raw) >= 4 else 0
    if magic >> 8 != 0x08:
        raise FormatError(f"{path}: not an IDX file of unsigned bytes (magic {magic:#010x})")
    ndim = magic & 0xFF
    dims = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    if len(raw) - 4 - 4 * ndim != math.prod(dims):
        raise FormatError(f"{path}: dimensions {list(dims)} need {math.prod(dims)} bytes, the file has {len(raw) - 4 - 4 * ndim}")
    return torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


def split(prefix):
    """Images [N,1,28,28] as ToTensor() then Normalize((0.5,), (0.5,)) make them, and int64 labels [N]."""
    x = read_idx(os.path.join(DATA, f"{prefix}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(DATA, f"{prefix}-labels-idx1-ubyte.gz"))
    return x.float().div(255).sub(0.5).div(0.5).unsqueeze(1), y.long()


# ----------------------------------------------------------------------------- commands
def logits(model, x):
    model.eval()
    with torch.no_grad():
        return model(x)


def fixtures():
    torch.set_num_threads(1)
    train_x, train_y = split("train")
    test_x, test_y = split("t10k")
    os.makedirs(OUT, exist_ok=True)
    write_safetensors(os.path.join(OUT, "images.safetensors"), {"images": test_x[:IMAGES], "labels": test_y[:IMAGES]},
                      {"what": f"the first {IMAGES} Fashion-MNIST test images, ToTensor + Normalize((0.5,), (0.5,))"})
    for name, (cls, optimizer) in MODELS.items():
        torch.manual_seed(0)
        model = cls()
        opt, loss_fn = optimizer(model.parameters()), nn.CrossEntropyLoss()
        order = torch.randperm(len(train_y))
        model.train()
        for s in range(STEPS):
            idx = order[s * BATCH:(s + 1) * BATCH]
            opt.zero_grad()
            loss = loss_fn(model(train_x[idx]), train_y[idx])
            loss.backward()
            opt.step()
        meta = {"torch_version": torch.__version__, "steps": STEPS, "batch_size": BATCH, "seed": 0}
        write_safetensors(os.path.join(OUT, f"{name}.safetensors"), model.state_dict(), meta)
        write_safetensors(os.path.join(OUT, f"{name}.logits.safetensors"), {"logits": logits(model, test_x[:IMAGES])},
                          {**meta, "mode": "eval"})
        correct = int((logits(model, test_x).argmax(1) == test_y).sum())
        print(f"{name}: {STEPS} steps, last loss {loss.item():.4f}, test accuracy {100 * correct / len(test_y):.2f}%")


def load_state(model, state, path):
    """load_state_dict, accepting integer buffers (num_batches_tracked) stored as floats, as jgrad may store them."""
    own = model.state_dict()
    for k, v in state.items():
        if k in own and v.dtype != own[k].dtype:
            if v.is_floating_point() and not own[k].is_floating_point() and not torch.equal(v, v.round()):
                raise FormatError(f"{path}: {k} should hold integers, holds {v.tolist()}")
            state[k] = v.to(own[k].dtype)
    try:
        model.load_state_dict(state)  # strict: missing or unexpected names and wrong shapes are errors
    except RuntimeError as e:
        raise FormatError(f"{path}: {e}")


def check_jgrad(directory):
    test_x, test_y = split("t10k")
    found, ok = 0, True
    for name, (cls, _) in MODELS.items():
        path = os.path.join(directory, f"{name}.safetensors")
        if not os.path.exists(path):
            continue
        found += 1
        model = cls()
        load_state(model, read_safetensors(path)[0], path)
        ref_path = os.path.join(directory, f"{name}.logits.safetensors")
        ref = read_safetensors(ref_path)[0]
        if ref.get("logits") is None or list(ref["logits"].shape) != [IMAGES, 10]:
            raise FormatError(f"{ref_path}: needs 'logits' of shape [{IMAGES}, 10], has {[(k, list(v.shape)) for k, v in ref.items()]}")
        torch_logits, jgrad_logits = logits(model, test_x[:IMAGES]).double(), ref["logits"].double()
        rel = float(((torch_logits - jgrad_logits).abs().amax(1) / torch_logits.abs().amax(1)).max())
        every = logits(model, test_x)
        correct = int((every.argmax(1) == test_y).sum())
        top2 = every.topk(2, 1).values
        close = int((top2[:, 0] - top2[:, 1] <= 2 * TOL * every.abs().amax(1)).sum())
        line = (f"{name}: max relative difference {rel:.2e} on {IMAGES} images (limit {TOL:g}); "
                f"PyTorch test accuracy {100 * correct / len(test_y):.2f}% ({correct}/{len(test_y)})")
        good = rel <= TOL
        if "test_correct" in ref:
            jgrad_correct = int(ref["test_correct"].item())
            line += f", jgrad's {100 * jgrad_correct / len(test_y):.2f}% ({jgrad_correct}/{len(test_y)})"
            good &= abs(correct - jgrad_correct) <= close
        print(line + ("" if good else "  MISMATCH"))
        ok &= good
    if found == 0:
        raise FormatError(f"{directory}: holds neither " + " nor ".join(f"{n}.safetensors" for n in MODELS))
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("fixtures", help=f"train in PyTorch, write the fixtures into {os.path.relpath(OUT, ROOT)}/")
    c = sub.add_parser("check-jgrad", help="load jgrad-saved models into PyTorch and compare logits")
    c.add_argument("dir", help="directory with net.safetensors / complex_net.safetensors and their .logits.safetensors")
    args = p.parse_args()
    try:
        if args.command == "fixtures":
            fixtures()
        elif not check_jgrad(args.dir):
            sys.exit(1)
    except (FormatError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
