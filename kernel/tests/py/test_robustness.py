"""The kernel as a careless user and an attacker treat it (issues 12 and 15), with jupyter_client:
shutdown and restart at random moments (before, while and after the engine loads libtorch) end
the process cleanly; Run All past a failing cell aborts every later request, every time; a
replayed signed request is dropped; the kernel exits when its parent dies; SIGINT is
KeyboardInterrupt; an engine panic is an error reply with the workspace kept; deep data and
huge allocations are Python's errors; a descriptor-starved kernel neither spins nor dies.

FCALL_LIFECYCLE_RUNS (default 24) and FCALL_LIFECYCLE_SEED set the lifecycle test's size and
seed (the seed is printed)."""
import os
import queue
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from jupyter_client.manager import KernelManager

from kernelspec_env import KERNEL_NAME, check_env
from client import KernelCase, collect, drain_iopub, reply_for, run

check_env()

# What a crash leaves on the kernel's stderr (libtorch's static destructors under a running
# dlopen: "terminate called ...", "Rust cannot catch foreign exceptions"; a panic; a signal).
CRASH_MARKS = ("terminate called", "foreign exception", "panicked", "fatal runtime error", "Aborted", "Segmentation", "crashed")


def proc_of(km):
    return km.provisioner.process


def wait_gone(pid, timeout):
    """True once process `pid` has exited (a zombie counts as exited) within `timeout` s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Lifecycle(unittest.TestCase):
    def test_shutdown_and_restart_at_random_moments(self):
        seed = int(os.environ.get("FCALL_LIFECYCLE_SEED") or time.time_ns() % 100000)
        runs = int(os.environ.get("FCALL_LIFECYCLE_RUNS", "24"))
        print(f"\n  lifecycle: {runs} runs, FCALL_LIFECYCLE_SEED={seed}")
        rng = random.Random(seed)
        t0 = time.time()
        for i in range(runs):
            # ready=False: before the first reply (the engine has not started loading);
            # ready=True: after it, when libtorch loads (the next few hundred ms) or has loaded.
            ready = rng.random() < 0.6
            delay = rng.choice([0.0, 0.001, 0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.1])
            action = rng.choice(["shutdown", "restart", "shutdown_busy"])
            what = f"run {i}: ready={ready} delay={delay} {action} (seed {seed})"
            km = KernelManager(kernel_name=KERNEL_NAME)
            km.shutdown_wait_time = 10.0
            with tempfile.TemporaryFile() as err:
                km.start_kernel(stderr=err)
                procs = [proc_of(km)]
                kc = km.client()
                kc.start_channels()
                try:
                    if ready or action != "shutdown":
                        kc.wait_for_ready(timeout=30)
                    time.sleep(delay)
                    if action == "shutdown_busy":
                        kc.execute("while True:\n    pass")
                        time.sleep(rng.choice([0.0, 0.05, 0.3]))
                    if action == "restart":
                        km.restart_kernel(now=False)
                        procs.append(proc_of(km))
                        # The old kernel's last IOPub messages (its shutdown_reply and status)
                        # are still queued in the client; wait_for_ready takes any IOPub message
                        # as proof that IOPub is connected, so one of the old kernel's would
                        # let it return before the client subscribed to the new kernel, whose
                        # messages would then be lost (seen once in CI-like runs).
                        drain_iopub(kc)
                        kc.wait_for_ready(timeout=30)
                        r, _ = run(kc, "1 + 1")
                        self.assertEqual(r["content"]["status"], "ok", what)
                    km.shutdown_kernel(now=False)
                finally:
                    kc.stop_channels()
                for p in procs:
                    self.assertEqual(p.wait(timeout=15), 0, what)
                err.seek(0)
                text = err.read().decode(errors="replace")
                for mark in CRASH_MARKS:
                    self.assertNotIn(mark, text, f"{what}\n{text}")
        print(f"  lifecycle: {runs} clean exits in {time.time() - t0:.1f} s")


class Abuse(KernelCase):
    def setUp(self):
        super().setUp()
        self.pid = proc_of(self.km).pid

    def result(self, code):
        r, msgs = run(self.kc, code)
        self.assertEqual(r["content"]["status"], "ok", [m["content"] for m in msgs if m["msg_type"] == "error"])
        res = [m for m in msgs if m["msg_type"] == "execute_result"]
        return res[0]["content"]["data"]["text/plain"] if res else None

    def error(self, code):
        r, msgs = run(self.kc, code)
        self.assertEqual(r["content"]["status"], "error", msgs)
        return r["content"]["ename"], r["content"]["evalue"], "\n".join(r["content"]["traceback"])

    def test_run_all_past_an_error_aborts_every_later_cell(self):
        # Ten requests at once, the second failing: the eight behind it are aborted, every
        # time, with ipykernel's reply ({"status": "aborted"}, no execution count).
        for attempt in range(15):
            codes = ["a = 1", "undefined_name"] + [f"after_{k} = {k}" for k in range(8)]
            if attempt % 3 == 1:
                codes[0] = "for i in range(20000):\n    a = i"  # the error comes later
            ids = [self.kc.execute(c) for c in codes]
            replies = [reply_for(self.kc, m) for m in ids]
            for m in ids:
                collect(self.kc, m)
            status = [r["content"]["status"] for r in replies]
            self.assertEqual(status, ["ok", "error"] + ["aborted"] * 8, f"attempt {attempt}")
            for r in replies[2:]:
                self.assertEqual(r["content"], {"status": "aborted"})
                self.assertEqual(r["msg_type"], "execute_reply")
            # Nothing after the error ran; what is sent after the error reply runs.
            self.assertEqual(self.error("after_0")[0], "NameError")
        # Requests of other kinds in between are answered, not aborted.
        ids = [self.kc.execute("undefined_name"), self.kc.complete("undefined_na", 12), self.kc.execute("b = 2")]
        self.assertEqual([reply_for(self.kc, m)["content"]["status"] for m in ids], ["error", "ok", "aborted"])
        for m in ids:
            collect(self.kc, m)
        # silent or stop_on_error=False failures abort nothing.
        ids = [self.kc.execute("undefined_name", silent=True), self.kc.execute("c = 3")]
        self.assertEqual([reply_for(self.kc, m)["content"]["status"] for m in ids], ["error", "ok"])

    def test_replayed_signed_request_is_dropped(self):
        self.result("n = 0")
        s = self.kc.session
        msg = s.msg("execute_request", {"code": "n = n + 1", "silent": False, "store_history": True,
                                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        frames = s.serialize(msg)
        sock = self.kc.shell_channel.socket
        sock.send_multipart(frames)
        reply_for(self.kc, msg["header"]["msg_id"])
        sock.send_multipart(frames)  # the same bytes again: a replay
        with self.assertRaises(queue.Empty):
            while True:
                r = self.kc.get_shell_msg(timeout=1.0)
                self.assertNotEqual(r["parent_header"].get("msg_id"), msg["header"]["msg_id"], "the replay was answered")
        self.assertEqual(self.result("n"), "1")
        # On control too.
        m = s.msg("kernel_info_request")
        frames = s.serialize(m)
        self.kc.control_channel.socket.send_multipart(frames)
        self.assertEqual(self.kc.control_channel.get_msg(timeout=5)["msg_type"], "kernel_info_reply")
        self.kc.control_channel.socket.send_multipart(frames)
        with self.assertRaises(queue.Empty):
            self.kc.control_channel.get_msg(timeout=1.0)

    def test_sigint_is_keyboard_interrupt(self):
        self.result("x = 41")
        mid = self.kc.execute("y = 0\nwhile y < 10**9:\n    y = y + 1\n")
        time.sleep(0.5)
        os.kill(self.pid, signal.SIGINT)
        r = reply_for(self.kc, mid, timeout=10)
        collect(self.kc, mid)
        self.assertEqual(r["content"]["ename"], "KeyboardInterrupt")
        # The traceback names the line it stopped at, as Python's does.
        tb = "\n".join(r["content"]["traceback"])
        self.assertRegex(tb, r"(y < 10\*\*9|y = y \+ 1)")
        # Everything done before the interrupt is kept (Python's semantics): y advanced.
        self.assertGreater(int(self.result("y")), 0)
        self.assertEqual(self.result("x + 1"), "42")
        # SIGINT while idle is forgotten: the kernel lives and the next cell runs whole.
        os.kill(self.pid, signal.SIGINT)
        time.sleep(0.2)
        self.assertEqual(self.result("z = 0\nfor i in range(1000):\n    z = z + 1\nz"), "1000")
        self.assertIsNone(proc_of(self.km).poll())

    def test_engine_panic_is_an_error_reply_with_the_workspace_kept(self):
        # `(-2**63) // -1` overflows fcall's 64-bit ints (a panic when this was written);
        # whatever it gives, the kernel lives and the cell's earlier work is kept.
        r, msgs = run(self.kc, "kept = 1\n(-2**63) // -1")
        if r["content"]["status"] == "error":
            self.assertNotEqual(r["content"]["ename"], "", r["content"])
        self.assertEqual(self.result("kept"), "1")
        self.assertIsNone(proc_of(self.km).poll())

    def test_deep_data_and_huge_allocations_are_python_errors(self):
        # The engine thread's stack holds CPython's recursion limit and deep data.
        self.assertEqual(self.result("def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nf(998)"), "998")
        self.assertEqual(self.error("f(5000)")[:2], ("RecursionError", "maximum recursion depth exceeded"))
        ename, evalue, _ = self.error("x = []\nfor i in range(5000):\n    x = [x]\nx")
        self.assertEqual((ename, evalue), ("RecursionError", "maximum recursion depth exceeded while getting the repr of an object"))
        self.assertIsNone(self.result("x = []\nfor i in range(100000):\n    x = [x]\ndel x"))
        self.assertEqual(self.error("x = []\nfor i in range(100000):\n    x = [x]\ntorch.tensor(x)")[:2], ("ValueError", "too many dimensions 'list'"))
        self.assertEqual(self.error("q = [1]\nq.append(q)\ntorch.tensor(q)")[:2], ("TypeError", "new(): self-referential lists are incompatible"))
        self.assertEqual(self.error("m = nn.Linear(2, 2)\nfor i in range(3000):\n    m = nn.Sequential(m)\nm(torch.zeros(2))")[0], "RecursionError")
        self.assertEqual(self.error('s = "a" * 100000000000')[:2], ("MemoryError", ""))
        self.assertEqual(self.error("l = [0] * 10**11")[:2], ("MemoryError", ""))
        self.assertEqual(self.result("1 + 1"), "2")

    def test_parent_death_ends_the_kernel(self):
        helper = subprocess.Popen(
            [sys.executable, "-c",
             "import sys, time\nfrom jupyter_client.manager import KernelManager\n"
             f"km = KernelManager(kernel_name={KERNEL_NAME!r})\nkm.start_kernel()\n"
             "print(km.provisioner.process.pid, flush=True)\ntime.sleep(600)\n"],
            stdout=subprocess.PIPE, env=os.environ.copy())
        try:
            pid = int(helper.stdout.readline())
            time.sleep(1.0)
            self.assertFalse(wait_gone(pid, 0.1), "the kernel did not start")
            helper.kill()
            helper.wait()
            t0 = time.time()
            self.assertTrue(wait_gone(pid, 5.0), "the kernel outlived its parent")
            print(f"\n  kernel exited {time.time() - t0:.1f} s after its parent died")
        finally:
            helper.kill()
            helper.wait()
            helper.stdout.close()


class CrashReport(unittest.TestCase):
    def test_a_crash_reason_reaches_the_log(self):
        # What the engine wrote to stderr during the cell (here libtorch's warning) is not lost
        # in the cell's capture when the process dies: it goes to the kernel's own stderr.
        km = KernelManager(kernel_name=KERNEL_NAME)
        with tempfile.TemporaryFile() as err:
            km.start_kernel(stderr=err)
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=30)
                kc.execute("y = torch.ones(2).requires_grad_() * 2\ny.grad\nwhile True:\n    pass")
                time.sleep(1.0)
                os.kill(proc_of(km).pid, signal.SIGABRT)
                self.assertEqual(proc_of(km).wait(timeout=10), -signal.SIGABRT)
            finally:
                kc.stop_channels()
                km.cleanup_resources()
            err.seek(0)
            text = err.read().decode(errors="replace")
        self.assertIn("the engine crashed while running a cell", text)
        self.assertIn("not a leaf", text)


class Descriptors(unittest.TestCase):
    def test_descriptor_exhaustion_is_survived_without_spinning(self):
        limit = 96
        km = KernelManager(kernel_name=KERNEL_NAME)
        km.start_kernel(preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit)))
        kc = km.client()
        kc.start_channels()
        conns = []
        try:
            kc.wait_for_ready(timeout=30)
            pid = proc_of(km).pid
            self.assertEqual(run(kc, "1 + 1")[0]["content"]["status"], "ok")
            # Connections to the shell port until the kernel has no descriptor left.
            for _ in range(limit + 40):
                c = socket.create_connection((km.ip, km.shell_port))
                conns.append(c)
            time.sleep(0.5)
            before = cpu_seconds(pid)
            time.sleep(2.0)
            used = cpu_seconds(pid) - before
            self.assertLess(used, 0.5, f"the kernel spun at the descriptor limit ({used:.2f} s CPU in 2 s)")
            for c in conns:
                c.close()
            conns = []
            time.sleep(0.5)
            r, _ = run(kc, "2 + 2")
            self.assertEqual(r["content"]["status"], "ok")
            self.assertIsNone(proc_of(km).poll())
        finally:
            for c in conns:
                c.close()
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()
