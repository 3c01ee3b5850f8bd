#!/usr/bin/env python3
"""PyTorch half of `cargo bench --bench functional_call` (benches/functional_call.rs starts it).

Times PyTorch's plain forward and `torch.func.functional_call` (tie_weights=True and False) on the
five anchor models of shared/reference/perf-anchors.md section 1, with the method of
shared/reference/bench_pytorch.py: torch.set_num_threads(1), grad enabled, dicts holding fresh
clones with the same requires_grad, blocks of n back-to-back calls lasting about --target-us,
variants interleaved round by round in alternating order, GC off during blocks.

Every block is timed in wall-clock time (as bench_pytorch.py) and in this thread's CPU time
(time.thread_time_ns), which does not count time other processes held the CPU.

Prints one JSON object on the last line of stdout: per model, the per-call µs of every round for
every variant, wall clock (samples_us) and thread CPU time (cpu_samples_us). The Rust side computes
min / median / paired differences and ratios from these with the same code it uses for the engine.
Progress goes to stderr.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time
from time import perf_counter_ns, thread_time_ns


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def block(fn, n):
    """(wall µs per call, this thread's CPU µs per call)."""
    c0 = thread_time_ns()
    t0 = perf_counter_ns()
    for _ in range(n):
        fn()
    t1 = perf_counter_ns()
    c1 = thread_time_ns()
    return (t1 - t0) / n / 1e3, (c1 - c0) / n / 1e3


def calibrate(fn, target_us, max_n=200_000):
    for _ in range(3):
        fn()
    est = min(block(fn, 1)[0] for _ in range(3))
    if est < 500:
        est = min(est, block(fn, 20)[0])
    return max(1, min(max_n, int(round(target_us / max(est, 0.01)))))


def compare(variants, rounds, target_us):
    names = list(variants)
    ns = {k: calibrate(variants[k], target_us) for k in names}
    samples = {k: [] for k in names}
    cpu = {k: [] for k in names}
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        for r in range(rounds):
            order = names if r % 2 == 0 else names[::-1]
            for k in order:
                w, c = block(variants[k], ns[k])
                samples[k].append(w)
                cpu[k].append(c)
    finally:
        if was:
            gc.enable()
    return ns, samples, cpu


def cpu_snapshot():
    try:
        with open("/proc/stat") as f:
            v = list(map(int, f.readline().split()[1:9]))
    except OSError:
        v = [0] * 8
    user, nice, system, idle, iowait, irq, softirq, steal = v
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"busy": user + nice + system + irq + softirq, "steal": steal, "wall": time.perf_counter(),
            "own_cpu": ru.ru_utime + ru.ru_stime}


def noise_between(a, b):
    hz = os.sysconf("SC_CLK_TCK")
    wall = b["wall"] - a["wall"]
    busy = (b["busy"] - a["busy"]) / hz
    own = b["own_cpu"] - a["own_cpu"]
    return {"wall_s": round(wall, 2), "own_cpu_s": round(own, 2),
            "foreign_cpu_cores_avg": round(max(0.0, busy - own) / wall, 3) if wall > 0 else None,
            "steal_cores_avg": round((b["steal"] - a["steal"]) / hz / wall, 3) if wall > 0 else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=81)
    ap.add_argument("--target-us", type=float, default=4000.0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()

    t_import = time.perf_counter()
    import torch
    import torch.nn as nn
    from torch.func import functional_call as fc
    import_s = time.perf_counter() - t_import

    torch.set_num_threads(a.threads)
    torch.set_grad_enabled(True)

    def fresh_state(model):
        P = {}
        for k, v in model.named_parameters():
            P[k] = v.detach().clone().requires_grad_(v.requires_grad)
        for k, v in model.named_buffers():
            P[k] = v.detach().clone()
        return P

    def make_mlp(width=64, depth=8):
        layers = []
        for _ in range(depth):
            layers += [nn.Linear(width, width), nn.ReLU()]
        return nn.Sequential(*layers)

    class TiedLM(nn.Module):
        def __init__(self, vocab=100, dim=32):
            super().__init__()
            self.emb = nn.Embedding(vocab, dim)
            self.proj = nn.Linear(dim, dim)
            self.out = nn.Linear(dim, vocab, bias=False)
            self.out.weight = self.emb.weight  # tied

        def forward(self, ids):
            return self.out(torch.tanh(self.proj(self.emb(ids))))

    def make_bn():
        return nn.Sequential(
            nn.Linear(32, 64), nn.BatchNorm1d(64), nn.ReLU(),
            nn.Linear(64, 64), nn.BatchNorm1d(64), nn.ReLU(),
            nn.Linear(64, 10),
        ).train()

    torch.manual_seed(0)
    cases = [
        ("a", nn.Linear(3, 3), torch.randn(4, 3)),
        ("b", make_mlp(), torch.randn(64, 64)),
        ("c", nn.Sequential(*[nn.Linear(16, 16) for _ in range(100)]), torch.randn(4, 16)),
        ("d", TiedLM(), torch.randint(0, 100, (4, 16))),
        ("e", make_bn(), torch.randn(32, 32)),
    ]

    out = {"torch": torch.__version__, "python": sys.version.split()[0], "threads": torch.get_num_threads(),
           "grad_enabled": torch.is_grad_enabled(), "import_torch_s": round(import_s, 3),
           "rounds": a.rounds, "target_us": a.target_us, "models": {}}
    snap0 = cpu_snapshot()
    for key, model, x in cases:
        P = fresh_state(model)
        args = (x,)
        with torch.no_grad():
            ref = model(*args)
            got = fc(model, P, args)
            check = bool(torch.allclose(ref, got, atol=1e-5))
        variants = {
            "plain": (lambda m=model, a=args: m(*a)),
            "fc": (lambda m=model, a=args, P=P: fc(m, P, a)),
            "fc_tie_false": (lambda m=model, a=args, P=P: fc(m, P, a, tie_weights=False)),
        }
        s0 = cpu_snapshot()
        ns, samples, cpu = compare(variants, a.rounds, a.target_us)
        out["models"][key] = {"n_tensors": len(P), "keys": list(P), "output_check_ok": check, "inner_n": ns,
                              "samples_us": samples, "cpu_samples_us": cpu, "host_noise": noise_between(s0, cpu_snapshot())}
        med = {k: sorted(v)[len(v) // 2] for k, v in samples.items()}
        log(f"  pytorch ({key}): plain {med['plain']:.1f}us  fc {med['fc']:.1f}us  fc tie=F {med['fc_tie_false']:.1f}us")
    out["host_noise"] = noise_between(snap0, cpu_snapshot())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
