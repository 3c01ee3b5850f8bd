"""What the kernel's Python tests share, as a front end talks to the kernel: a request's IOPub
messages up to its idle, its reply, and a test case with a fresh kernel per test."""
import queue
import time
import unittest

from jupyter_client.manager import start_new_kernel

from kernelspec_env import KERNEL_NAME, check_env

check_env()


def collect(kc, msg_id, timeout=30):
    """IOPub messages of one request, up to its idle."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=max(0.01, deadline - time.time()))
        except queue.Empty:
            break
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        out.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return out
    raise AssertionError(f"no idle for {msg_id}: {[x['msg_type'] for x in out]}")


def drain_iopub(kc, quiet=0.2):
    """Drops the IOPub messages already queued, until none comes for `quiet` seconds."""
    while True:
        try:
            kc.get_iopub_msg(timeout=quiet)
        except queue.Empty:
            return


def reply_for(kc, msg_id, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = kc.get_shell_msg(timeout=max(0.01, deadline - time.time()))
        if r["parent_header"].get("msg_id") == msg_id:
            return r
    raise AssertionError(f"no reply for {msg_id}")


def run(kc, code, **kw):
    mid = kc.execute(code, **kw)
    r = reply_for(kc, mid)
    return r, collect(kc, mid)


class KernelCase(unittest.TestCase):
    """A fresh fcall kernel per test (`self.km`, `self.kc`); `ok` runs code that must succeed and
    returns its IOPub messages, `value` returns the data of its one execute_result."""

    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL_NAME)

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def ok(self, code):
        r, msgs = run(self.kc, code)
        self.assertEqual(r["content"]["status"], "ok", msgs)
        return msgs

    def value(self, code):
        r, msgs = run(self.kc, code)
        self.assertEqual(r["content"]["status"], "ok", msgs)
        res = [m for m in msgs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(res), 1, [m["msg_type"] for m in msgs])
        return res[0]["content"]["data"]
