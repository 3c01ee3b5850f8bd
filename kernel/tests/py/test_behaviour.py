"""What jupyter_kernel_test does not cover, checked with jupyter_client like a front end:
interrupt (state kept), stop_on_error aborts, a bad signature and malformed messages (kernel
alive, requests never lost), a 50 MB output, heartbeat, kernel_info on control, comm_info,
silent/store_history, rich output of `call`, errors, restart and shutdown."""
import queue
import time
import unittest

import zmq
from jupyter_client.session import Session

from client import KernelCase, collect, reply_for, run


class Behaviour(KernelCase):
    def test_interrupt_keeps_workspace(self):
        self.value("x = 41\nx")
        mid = self.kc.execute("y = 0\nwhile y < 1000000000:\n    y = y + 1\n")
        time.sleep(0.5)
        t0 = time.time()
        self.km.interrupt_kernel()  # interrupt_mode "message": interrupt_request on control
        r = reply_for(self.kc, mid)
        took = time.time() - t0
        self.assertEqual(r["content"]["status"], "error")
        self.assertEqual(r["content"]["ename"], "KeyboardInterrupt")
        self.assertLess(took, 2.0)
        collect(self.kc, mid)
        self.assertEqual(self.value("x + 1")["text/plain"], "42")

    def test_stop_on_error_aborts_queued(self):
        a = self.kc.execute("y = 0\nfor i in range(20000):\n    y = y + 1\nundefined_name")
        b = self.kc.execute("z = 1")
        ra = reply_for(self.kc, a)
        rb = reply_for(self.kc, b)
        self.assertEqual(ra["content"]["status"], "error")
        self.assertEqual(rb["content"]["status"], "aborted")
        r, msgs = run(self.kc, "z")
        self.assertEqual(r["content"]["ename"], "NameError")
        # without stop_on_error the next request runs
        a = self.kc.execute("undefined_name", stop_on_error=False)
        b = self.kc.execute("z = 2")
        self.assertEqual(reply_for(self.kc, a)["content"]["status"], "error")
        self.assertEqual(reply_for(self.kc, b)["content"]["status"], "ok")

    def test_bad_signature_rejected(self):
        bad = Session(key=b"not-the-key", session=self.kc.session.session)
        msg = bad.msg("execute_request", {"code": "w = 1", "silent": False, "store_history": True,
                                          "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        bad.send(self.kc.shell_channel.socket, msg)
        with self.assertRaises(queue.Empty):
            self.kc.get_shell_msg(timeout=0.5)
        r, msgs = run(self.kc, "w")  # never ran
        self.assertEqual(r["content"]["ename"], "NameError")

    def test_malformed_messages_kernel_alive(self):
        sock = self.kc.shell_channel.socket
        s = self.kc.session
        sock.send_multipart([b"garbage without a delimiter"])
        sock.send_multipart([b"<IDS|MSG>"])
        parts = [b"not json", b"{}", b"{}", b"{}"]
        sock.send_multipart([b"<IDS|MSG>", s.sign(parts)] + parts)
        # a signed request with arguments jupyter_client leaves out: still answered
        msg = s.msg("history_request", {"hist_access_type": "search", "pattern": "*"})
        s.send(sock, msg)
        r = reply_for(self.kc, msg["header"]["msg_id"])
        self.assertEqual(r["content"]["status"], "ok")
        # a known request whose content is unreadable: answered with an error, not lost
        msg = s.msg("complete_request", {"code": 5, "cursor_pos": "x"})
        s.send(sock, msg)
        r = reply_for(self.kc, msg["header"]["msg_id"])
        self.assertEqual(r["msg_type"], "complete_reply")
        self.assertEqual(self.value("1 + 1")["text/plain"], "2")

    def test_large_output(self):
        t0 = time.time()
        r, msgs = run(self.kc, 'print("0123456789" * 5000000)')
        took = time.time() - t0
        self.assertEqual(r["content"]["status"], "ok")
        text = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
        self.assertEqual(len(text), 50_000_001)
        print(f"\n  50 MB stream output delivered in {took:.2f} s")
        self.assertEqual(self.value("2 + 2")["text/plain"], "4")

    def test_heartbeat_control_comm_info(self):
        ctx = zmq.Context.instance()
        hb = ctx.socket(zmq.REQ)
        hb.connect(f"{self.km.transport}://{self.km.ip}:{self.km.hb_port}")
        hb.send(b"ping")
        self.assertTrue(hb.poll(2000))
        hb.recv()
        hb.close()
        msg = self.kc.session.msg("kernel_info_request")
        self.kc.control_channel.send(msg)
        r = self.kc.control_channel.get_msg(timeout=5)
        self.assertEqual(r["msg_type"], "kernel_info_reply")
        self.assertEqual(r["content"]["language_info"]["name"], "fcall")
        mid = self.kc.comm_info()
        r = reply_for(self.kc, mid)
        self.assertEqual(r["content"], {"status": "ok", "comms": {}})

    def test_silent_and_store_history(self):
        r, msgs = run(self.kc, "1")
        n = r["content"]["execution_count"]
        r, msgs = run(self.kc, "2", silent=True)
        self.assertEqual([m["msg_type"] for m in msgs], ["status", "status"])
        r, msgs = run(self.kc, "3", store_history=False)
        self.assertEqual(r["content"]["execution_count"], n)
        r, msgs = run(self.kc, "4")
        self.assertEqual(r["content"]["execution_count"], n + 1)
        mid = self.kc.history(hist_access_type="tail", n=10, output=False, raw=True)
        hist = [h[2] for h in reply_for(self.kc, mid)["content"]["history"]]
        self.assertEqual(hist, ["1", "4"])

    def test_only_a_cells_last_expression_shows_its_value(self):
        # ipykernel's rule (ast_node_interactivity 'last_expr'): torch.manual_seed(0) and 1 + 1
        # in the middle of a cell show nothing; prints, commands and calls show where they stand.
        msgs = self.ok("import torch\ntorch.manual_seed(0)\n1 + 1\nprint('hi')\nshow {'a': 1}\n2 + 2")
        shown = [(m["msg_type"], m["content"].get("text") or m["content"].get("data", {}).get("text/plain"))
                 for m in msgs if m["msg_type"] in ("stream", "display_data", "execute_result")]
        self.assertEqual(shown[0], ("stream", "hi\n"), shown)
        self.assertEqual(shown[-1], ("execute_result", "4"), shown)
        self.assertNotIn("Generator", repr(shown))
        self.assertFalse(any(text == "2" for _, text in shown), shown)
        self.assertEqual(len(shown), 3, shown)  # print, show's table, the last value
        msgs = self.ok("x = 1\nx\ny = 2")
        self.assertEqual([m for m in msgs if m["msg_type"] in ("display_data", "execute_result")], [])

    def test_documentation_page_runs_as_pasted(self):
        # examples/functional_call_docs.py: the functional_call documentation's examples, pasted
        # into one cell as a user would.
        import os
        path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples", "functional_call_docs.py")
        with open(path) as f:
            code = f.read()
        r, msgs = run(self.kc, code)
        self.assertEqual(r["content"]["status"], "ok", [m["content"] for m in msgs if m["msg_type"] == "error"])
        out = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
        self.assertIn("tensor(0.)\ntensor(0.)\ntensor(1.)\n", out)
        self.assertIn("ValueError: functional_call got multiple values for keys ['foo', 'foo_tied'], which are tied", out)
        html = "".join(m["content"]["data"].get("text/html", "") for m in msgs if m["msg_type"] in ("execute_result", "display_data"))
        self.assertIn("<table", html)
        self.assertIn("foo_tied", html)

    def test_call_rich_output_and_errors(self):
        self.ok("class Foo(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                "        self.register_buffer(\"foo\", torch.zeros(()))\n\n"
                "    def forward(self, x):\n        self.foo.add_(1)\n        return x + self.foo\n\n"
                "mod = Foo()\na = {\"foo\": torch.zeros(())}")
        data = self.value("call mod with a (torch.ones(()))")
        self.assertIn("<table", data["text/html"])
        self.assertIn("foo", data["text/plain"])
        rec = data["application/vnd.fcall.record+json"]
        self.assertEqual(rec["kind"], "call")
        self.assertIn("call", rec)
        r, msgs = run(self.kc, "mod.missing")
        err = [m for m in msgs if m["msg_type"] == "error"]
        self.assertEqual(len(err), 1)
        self.assertEqual(r["content"]["ename"], "AttributeError")
        self.assertIn("^", "\n".join(r["content"]["traceback"]))
        r, msgs = run(self.kc, "x = (")
        self.assertEqual(r["content"]["status"], "error")
        # The documentation's own form shows the same table.
        data = self.value("functional_call(mod, a, (torch.ones(()),))")
        self.assertIn("<table", data["text/html"])
        self.assertEqual(data["application/vnd.fcall.record+json"]["kind"], "call")
        r, msgs = run(self.kc, "x = (")
        self.assertEqual(r["content"]["ename"], "SyntaxError")
        self.assertIn("'(' was never closed", r["content"]["evalue"])
        r, msgs = run(self.kc, "if True:\nx = 1")
        self.assertEqual(r["content"]["ename"], "IndentationError")
        r, msgs = run(self.kc, "y = torch.ones(2).requires_grad_() * 2\ny.grad")
        err = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
        self.assertIn("not a leaf", err)

    def test_restart_and_shutdown(self):
        self.ok("keep = 1")
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=10)
        r, msgs = run(self.kc, "keep")
        self.assertEqual(r["content"]["ename"], "NameError")
        t0 = time.time()
        self.km.shutdown_kernel(now=False)
        self.assertFalse(self.km.is_alive())
        print(f"\n  graceful shutdown in {time.time() - t0:.2f} s")


if __name__ == "__main__":
    unittest.main()
