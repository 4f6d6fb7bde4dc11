#!/usr/bin/python3
"""Checks ONNX files with the ONNX project's own checker, as strictly as it goes.

    /usr/bin/python3 tools/onnx_check.py MODEL.onnx [MORE.onnx ...]

Runs onnx.checker.check_model(model, full_check=True) (the structure, every operator against its
schema, and strict shape inference) on each file and prints what the model declares. Exits 1 if
any file fails. Needs Debian's python3-onnx (apt-get install -y python3-onnx), whose onnx 1.12
knows IR version 8 and opset 17, the versions jgrad writes. The ONNX export tests leave their
files in jgrad-core/target/onnx:

    /usr/bin/python3 tools/onnx_check.py jgrad-core/target/onnx/*.onnx
"""
import math
import sys

try:
    import onnx
    import onnx.checker
except ImportError:
    sys.exit("onnx_check.py needs the onnx Python package: apt-get install -y python3-onnx, then run it with /usr/bin/python3")


def shape(value_info):
    dims = value_info.type.tensor_type.shape.dim
    return "[" + ", ".join(d.dim_param if d.HasField("dim_param") else str(d.dim_value) for d in dims) + "]"


def check(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    g = model.graph
    opsets = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
    print(f"{path}: OK (onnx {onnx.__version__} checker, full_check=True)")
    print(f"  ir_version {model.ir_version}, opset {opsets}, producer {model.producer_name!r}")
    for v in g.input:
        print(f"  input  {v.name} {shape(v)}")
    for v in g.output:
        print(f"  output {v.name} {shape(v)}")
    print(f"  nodes  {' '.join(n.op_type for n in g.node)}")
    params = sum(math.prod(t.dims) for t in g.initializer)
    print(f"  initializers ({params} floats): {' '.join(t.name for t in g.initializer)}")


def main(paths):
    if not paths:
        sys.exit(__doc__)
    failed = 0
    for p in paths:
        try:
            check(p)
        except Exception as e:  # the checker raises ValidationError, onnx.load DecodeError or OSError
            print(f"{p}: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
            failed += 1
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
