"""Drives the installed jgrad kernelspec through jupyter_client, as a notebook front end does.

Usage: /usr/bin/python3 protocol_check.py   (JUPYTER_PATH must name the directory holding kernels/jgrad)

Checks kernel_info, execute (a value, stdout and stderr streams, compile and runtime errors with
the user's frames only), complete, inspect, is_complete, interrupt during a long user loop and
during jgrad's Trainer (each must end within a second), and shutdown leaving no process behind.
Prints the timings it measured as "timing NAME VALUE" lines and exits non-zero on the first
failed check.
"""
import os
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

TIMEOUT = 60


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(kc, code, timeout=TIMEOUT):
    """Executes code and returns (reply content, outputs as a list of (msg_type, content))."""
    outputs = []
    msg_id = kc.execute(code)
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t = msg["msg_type"]
        if t == "status" and msg["content"]["execution_state"] == "idle":
            break
        if t in ("stream", "execute_result", "display_data", "update_display_data", "error"):
            outputs.append((t, msg["content"]))
    return reply_to(kc, msg_id), outputs


def reply_to(kc, msg_id):
    """The shell reply to msg_id (skipping replies to earlier requests, such as wait_for_ready's kernel_info)."""
    while True:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def cpu_seconds(pid):
    """User plus system CPU time of a process, all its threads, from /proc."""
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def text(outputs, kind):
    return "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == kind)


def result(outputs):
    r = [c for t, c in outputs if t == "execute_result"]
    return r[0]["data"]["text/plain"] if r else None


def error(outputs):
    e = [c for t, c in outputs if t == "error"]
    return e[0] if e else None


def interrupt_within(km, kc, code, limit):
    """Starts code, interrupts it after a second, and returns (seconds from interrupt to idle, error content)."""
    msg_id = kc.execute(code)
    # wait until the loop runs (the cell prints "started" just before it: compiling may take a while)
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream" and "started" in msg["content"]["text"]:
            break
        if msg["msg_type"] == "error":
            fail("the cell to interrupt failed before it started: %s" % msg["content"])
    time.sleep(1.0)
    t0 = time.time()
    km.interrupt_kernel()
    err = None
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            err = msg["content"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    took = time.time() - t0
    reply_to(kc, msg_id)
    check(err is not None, "an interrupted cell ends with an error output")
    check(took < limit, "interrupt took %.2f s (limit %.1f s) for: %s" % (took, limit, code))
    return took, err


def main():
    t_start = time.time()
    km = KernelManager(kernel_name="jgrad")
    km.start_kernel()
    pid = km.provisioner.process.pid if km.provisioner else km.kernel.pid
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        reply, out = run(kc, "1 + 1")
        first = time.time() - t_start
        check(reply["status"] == "ok", "1 + 1 runs: %s" % reply)
        check(result(out) == "2", "1 + 1 shows 2, got %r" % result(out))
        print("timing start_to_first_result_s %.3f" % first, flush=True)
        print("timing start_kernel_cpu_s %.3f" % cpu_seconds(pid), flush=True)

        # kernel_info
        msg_id = kc.kernel_info()
        info = reply_to(kc, msg_id)
        check(info["language_info"]["name"] == "java", "kernel_info names Java: %s" % info)
        check(info["implementation"] == "jgrad", "kernel_info implementation is jgrad: %s" % info)

        # a cell's overhead after the first: wall time per round trip, and the kernel's CPU time per cell
        # (the CPU time does not grow when other processes load the machine; the wall time does)
        cpu0 = cpu_seconds(pid)
        times = []
        for i in range(30):
            t0 = time.time()
            reply, out = run(kc, "1 + 1")
            times.append(time.time() - t0)
            check(result(out) == "2", "1 + 1 again")
        print("timing cell_overhead_median_ms %.1f" % (1000 * statistics.median(times)), flush=True)
        print("timing cell_overhead_max_ms %.1f" % (1000 * max(times)), flush=True)
        print("timing cell_kernel_cpu_ms %.1f" % (1000 * (cpu_seconds(pid) - cpu0) / len(times)), flush=True)

        # several snippets; the last expression's value; streams in order
        reply, out = run(kc, 'int a = 20;\nSystem.out.println("out " + a);\nSystem.err.println("err");\na + 22')
        check(text(out, "stdout") == "out 20\n", "stdout streams: %r" % out)
        check(text(out, "stderr") == "err\n", "stderr streams: %r" % out)
        check(result(out) == "42", "the last expression's value: %r" % out)
        reply, out = run(kc, "int b = 1;")
        check(result(out) is None, "a declaration shows no value: %r" % out)

        # jgrad's classes without imports; Module is jgrad's even after an on-demand import
        reply, out = run(kc, "import jgrad.nn.*;\nclass Tiny extends Module {\n  final Linear fc = register(\"fc\", new Linear(4, 2));\n"
                             "  @Override public Tensor forward(Tensor x) { return fc.forward(x); }\n}\nnew Tiny()")
        check(reply["status"] == "ok", "class Tiny extends Module compiles: %s" % (error(out),))
        check("fc): Linear(in_features=4, out_features=2, bias=True)" in result(out), "a Module prints its structure: %r" % result(out))
        check("10 parameters" in result(out), "a Module prints its parameter count: %r" % result(out))
        reply, out = run(kc, "Tensor.of(new float[][]{{1, 2}, {3, 4}})")
        check(result(out) == "tensor([[1., 2.],\n        [3., 4.]])", "a Tensor prints as PyTorch: %r" % result(out))

        # rich display: an image as PNG, display() for anything
        reply, out = run(kc, 'display("shown", images(Tensor.rand(new jgrad.tensor.Rng(0), 4, 1, 28, 28)))')
        shown = [c for t, c in out if t == "display_data"]
        check(len(shown) == 2 and shown[0]["data"]["text/plain"] == "shown" and "image/png" in shown[1]["data"],
              "display shows a text and an image: %r" % [list(c["data"]) for c in shown])

        # errors: a compile error names the cell line; an exception shows the user's frames only
        reply, out = run(kc, 'int x = 1;\nString s = 42;')
        e = error(out)
        check(reply["status"] == "error" and e is not None, "a compile error fails the cell")
        tb = "\n".join(e["traceback"])
        check("cell line 2" in tb and "incompatible types" in tb, "the compile error names line 2: %s" % tb)
        reply, out = run(kc, 'int parse(String s) {\n  return Integer.parseInt(s);\n}\nint y = 1;\nparse("x")')
        e = error(out)
        check(e is not None and e["ename"] == "NumberFormatException", "an exception's type: %s" % (e,))
        tb = "\n".join(e["traceback"])
        check("For input string" in e["evalue"], "the exception's message: %s" % e)
        check("parse (cell [" in tb and "line 2)" in tb, "the user's frame with its cell line: %s" % tb)
        check("jgrad.jupyter" not in tb and "jdk.jshell" not in tb and "reflect" not in tb, "no kernel frames: %s" % tb)

        # complete, inspect, is_complete
        run(kc, 'String greeting = "hi";')
        code = 'int z = 3;\ngreeting.toUpp'
        msg_id = kc.complete(code, len(code))
        c = reply_to(kc, msg_id)
        check("toUpperCase(" in c["matches"], "completes a method: %s" % c)
        check(c["cursor_start"] == len(code) - len("toUpp"), "replaces the typed prefix: %s" % c)
        code = "new Linea"
        msg_id = kc.complete(code, len(code))
        c = reply_to(kc, msg_id)
        check("Linear(" in c["matches"], "completes a jgrad class from the default imports: %s" % c)
        code = "Math.max"
        msg_id = kc.inspect(code, len(code))
        c = reply_to(kc, msg_id)
        check(c["found"] and "max(" in c["data"]["text/plain"], "inspects a method: %s" % c)
        msg_id = kc.is_complete("for (int i = 0; i < 3; i++) {")
        c = reply_to(kc, msg_id)
        check(c["status"] == "incomplete", "an open loop is incomplete: %s" % c)

        # interrupt: a user loop, and jgrad's Trainer
        took, err = interrupt_within(km, kc, "long n = 0;\n{\n  System.out.println(\"started\");\n  while (true) { n++; }\n}", 1.0)
        print("timing interrupt_user_loop_s %.3f" % took, flush=True)
        took, err = interrupt_within(km, kc, """
var model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
var x = Tensor.rand(new jgrad.tensor.Rng(0), 64, 784);
var y = Tensor.of(new float[64]);
var trainer = new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.01f));
var batches = Collections.nCopies(1_000_000, new Batch(x, y));
// "started" once the kernels are compiled (the first steps of a fresh JVM run unoptimised)
trainer.fit(batches, 1, new Trainer.Listener() {
    @Override public void onStep(int epoch, int step, int steps, float loss) {
        if (step == 50) System.out.println("started");
    }
});
""", 1.0)
        check(err["ename"] == "Interrupted", "an interrupted Trainer says so: %s" % err)
        print("timing interrupt_trainer_s %.3f" % took, flush=True)
        reply, out = run(kc, "1 + 2")
        check(result(out) == "3", "the kernel runs cells after an interrupt")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    # shutdown: the JVM is gone, and so is anything it started
    for _ in range(100):
        if not os.path.exists("/proc/%d" % pid):
            break
        time.sleep(0.1)
    check(not os.path.exists("/proc/%d" % pid) or open("/proc/%d/stat" % pid).read().split()[2] == "Z",
          "the kernel's JVM (pid %d) is still running after shutdown" % pid)
    print("OK", flush=True)


if __name__ == "__main__":
    main()
