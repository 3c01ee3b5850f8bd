"""Plots, diagrams and progress through a real Jupyter client: every picture (a plot, an object
diagram) is an output of its own, image/svg+xml with its terminal rendering as text/plain, and
never inside text/html; a long cell shows one progress display (display_data with a display_id, then
update_display_data for it); a short cell sends neither."""
import queue
import time
import unittest

from client import KernelCase, reply_for


def braille(text):
    return sum(1 for c in text if "\u2801" <= c <= "\u28ff")


class Visuals(KernelCase):
    def test_plot_is_svg_with_a_text_chart(self):
        msgs = self.ok("plot([1, 4, 9, 16], title='squares')")
        shown = [m for m in msgs if m["msg_type"] == "display_data"]
        self.assertEqual(len(shown), 1, [m["msg_type"] for m in msgs])
        data = shown[0]["content"]["data"]
        svg = data["image/svg+xml"]
        self.assertTrue(svg.startswith("<svg"), svg[:80])
        self.assertIn("squares", svg)
        self.assertNotIn("<script", svg)
        self.assertGreater(braille(data["text/plain"]), 10, data["text/plain"])
        # `plot watch` with two watches: one picture each.
        self.ok("w = torch.zeros(3)\nwatch w\nwatch w.sum()\nfor i in range(4):\n    w += 1\n")
        msgs = self.ok("plot watch")
        svgs = [m["content"]["data"].get("image/svg+xml", "") for m in msgs if m["msg_type"] == "display_data"]
        self.assertEqual(len(svgs), 2, [m["msg_type"] for m in msgs])
        self.assertIn("w.sum()", svgs[1])

    def test_every_picture_is_an_svg_output_of_its_own(self):
        self.ok("lin = nn.Linear(2, 2)\nd = {'bias': torch.zeros(2)}")

        def outputs(code):
            return [m["content"]["data"] for m in self.ok(code) if m["msg_type"] in ("display_data", "execute_result")]

        # A diagram alone: its SVG and its text diagram, no HTML.
        shown = outputs("draw lin")
        self.assertEqual(len(shown), 1, shown)
        self.assertTrue(shown[0]["image/svg+xml"].startswith("<svg"))
        self.assertNotIn("text/html", shown[0])
        self.assertIn("lin.weight", shown[0]["text/plain"])
        # `explain call`: the narration and table as HTML, then the stepper's diagram.
        shown = outputs("explain call lin with d (torch.ones(2))")
        self.assertEqual([sorted(k for k in x if k in ("text/html", "image/svg+xml")) for x in shown], [["text/html"], ["image/svg+xml"]], shown)
        # A loop that shows a call table and a plot each time: the tables' HTML (no picture in
        # it), then each plot.
        shown = outputs("for i in range(2):\n    call lin with d (torch.ones(2))\n    plot([i, i + 1, i + 4])\n")
        html = [x["text/html"] for x in shown if "text/html" in x]
        svgs = [x["image/svg+xml"] for x in shown if "image/svg+xml" in x]
        self.assertEqual(len(html), 1, shown)
        self.assertIn("<table", html[0])
        self.assertNotIn("<img", html[0])
        self.assertNotIn("<svg", html[0])
        self.assertEqual(len(svgs), 2, shown)

    def test_short_cells_send_no_progress(self):
        for code in ["x = 1", "for i in range(3):\n    y = i * 2\n", "a = torch.randn(64, 64)\nb = a @ a"]:
            msgs = self.ok(code)
            kinds = [m["msg_type"] for m in msgs]
            self.assertNotIn("update_display_data", kinds, code)
            self.assertFalse([m for m in msgs if m["msg_type"] == "display_data" and m["content"].get("transient", {}).get("display_id")], code)

    def test_slow_cell_shows_one_updating_progress_display(self):
        self.ok("a = torch.randn(1024, 1024)")
        # Slow by work; interrupted once its progress has shown and updated.
        mid = self.kc.execute("for i in range(100000):\n    b = a @ a\n")
        got = []
        shown_id = None
        updates = 0
        deadline = time.time() + 120
        while time.time() < deadline and updates < 2:
            try:
                m = self.kc.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if m["parent_header"].get("msg_id") != mid:
                continue
            got.append(m)
            if m["msg_type"] == "display_data" and shown_id is None:
                shown_id = m["content"]["transient"]["display_id"]
                self.assertIn("/100000", m["content"]["data"]["text/plain"])
                self.assertIn("<progress", m["content"]["data"]["text/html"])
            elif m["msg_type"] == "update_display_data":
                self.assertIsNotNone(shown_id, "an update before the display")
                self.assertEqual(m["content"]["transient"]["display_id"], shown_id)
                updates += 1
        self.assertIsNotNone(shown_id, [m["msg_type"] for m in got])
        self.assertGreaterEqual(updates, 2, [m["msg_type"] for m in got])
        self.km.interrupt_kernel()
        r = reply_for(self.kc, mid, timeout=60)
        self.assertEqual(r["content"]["ename"], "KeyboardInterrupt")
        # The last update came before the reply's idle and says how far the loop got.
        rest = []
        while True:
            m = self.kc.get_iopub_msg(timeout=30)
            if m["parent_header"].get("msg_id") != mid:
                continue
            rest.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        last = [m for m in got + rest if m["msg_type"] == "update_display_data"][-1]
        self.assertEqual(last["content"]["transient"]["display_id"], shown_id)
        count = int(last["content"]["data"]["text/plain"].split("  ")[1].split("/")[0])
        self.assertGreater(count, 0)
        # One display only.
        self.assertEqual(len([m for m in got + rest if m["msg_type"] == "display_data"]), 1)


if __name__ == "__main__":
    unittest.main()
