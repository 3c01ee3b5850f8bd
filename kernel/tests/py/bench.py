"""fcall kernel against ipykernel, same machine, same run: start → ready, a trivial execute round
trip (until iopub idle), and a `call` cell round trip (torch.func.functional_call for ipykernel,
torch imported beforehand and not timed). Each latency is the median of N requests after warm-up;
each kernel is started RUNS times and the median of the run medians is reported with the range.
Writes $FCALL_KERNEL_ARTIFACTS/bench.json."""
import json
import os
import statistics
import time

from jupyter_client.manager import KernelManager

from kernelspec_env import KERNEL_NAME, check_env

check_env()
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
N = int(os.environ.get("BENCH_N", "50"))

KERNELS = {
    "fcall": {
        "name": KERNEL_NAME,
        "setup": "class Foo(nn.Module):\n def __init__(self):\n  super().__init__()\n"
                 "  self.register_buffer('foo', torch.zeros(()))\n def forward(self, x):\n  self.foo.add_(1)\n"
                 "  return x + self.foo\n\nmod = Foo()\na = {'foo': torch.zeros(())}",
        "call": "call mod with a (torch.ones(()))",
    },
    "ipykernel": {
        "name": "python3",
        "setup": "import torch\nclass Foo(torch.nn.Module):\n def __init__(self):\n  super().__init__()\n"
                 "  self.register_buffer('foo', torch.zeros(()))\n def forward(self, x):\n  self.foo.add_(1)\n"
                 "  return x + self.foo\nmod = Foo()\na = {'foo': torch.zeros(())}",
        "call": "torch.func.functional_call(mod, a, (torch.ones(()),))",
    },
}


def once(spec):
    km = KernelManager(kernel_name=spec["name"])
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    ready = time.perf_counter() - t0
    out = {"ready_s": ready}
    try:
        kc.execute_interactive(spec["setup"], timeout=60, output_hook=lambda m: None)
        for label, code in (("trivial_ms", "1"), ("call_ms", spec["call"])):
            for _ in range(5):
                kc.execute_interactive(code, timeout=30, output_hook=lambda m: None)
            ts = []
            for _ in range(N):
                t = time.perf_counter()
                r = kc.execute_interactive(code, timeout=30, output_hook=lambda m: None)
                ts.append((time.perf_counter() - t) * 1000)
                assert r["content"]["status"] == "ok", r["content"]
            out[label] = statistics.median(ts)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return out


def main():
    results = {}
    for kname, spec in KERNELS.items():
        runs = [once(spec) for _ in range(RUNS)]
        results[kname] = {
            k: {"median": statistics.median(r[k] for r in runs), "min": min(r[k] for r in runs), "max": max(r[k] for r in runs)}
            for k in runs[0]
        }
    print(f"{'metric':<12} {'fcall':>26} {'ipykernel 7.4':>26}")
    for k in ("ready_s", "trivial_ms", "call_ms"):
        cells = []
        for kname in KERNELS:
            m = results[kname][k]
            cells.append(f"{m['median']:.3f} ({m['min']:.3f}-{m['max']:.3f})")
        print(f"{k:<12} {cells[0]:>26} {cells[1]:>26}")
    art = os.environ.get("FCALL_KERNEL_ARTIFACTS", "/tmp")
    with open(os.path.join(art, "bench.json"), "w") as f:
        json.dump(results, f, indent=1)
    f = results["fcall"]
    ok = f["ready_s"]["median"] < 0.5 and f["trivial_ms"]["median"] < 2.0
    print("targets (ready < 0.5 s, trivial < 2 ms):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
