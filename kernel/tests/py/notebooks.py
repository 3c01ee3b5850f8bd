"""The documentation examples as notebooks (examples/*.ipynb): cells, and what each cell's
outputs must show when run by the fcall kernel. `python notebooks.py --write` regenerates the
.ipynb files (without outputs) from the cells below."""
import os
import sys

import nbformat

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples")

# (markdown or code, source, checks); a check is (output_type, mime or ename, substring)
NOTEBOOKS = {
    "inplace_buffer": [
        ("md", "# A forward that writes a buffer in place\n\n`functional_call` swaps the dict's tensor in; "
               "`add_` then writes **that** tensor, so the caller's dict sees the change, and the module's own "
               "buffer is restored untouched.", []),
        ("code", "torch.manual_seed(0)\n\nclass Foo(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                 "        self.register_buffer(\"foo\", torch.zeros(()))\n\n"
                 "    def forward(self, x):\n        self.foo.add_(1)\n        return x + self.foo\n\n"
                 "mod = Foo()\na = {\"foo\": torch.zeros(())}", []),
        ("code", "functional_call(mod, a, (torch.ones(()),))", [("execute_result", "text/html", "<table"),
                                                              ("execute_result", "text/html", "in place"),
                                                              ("execute_result", "application/vnd.fcall.record+json", '"kind": "call"'),
                                                              ("execute_result", "text/plain", "tensor(2.)")]),
        ("code", "a", [("execute_result", "text/plain", "1.0")]),
        ("code", "mod.foo", [("execute_result", "text/plain", "tensor(0.)")]),
    ],
    "tied_weights": [
        ("md", "# Tied weights\n\nTwo names, one tensor object. With `tie_weights=True` (the default) a value given for "
               "`foo` is used for `foo_tied` too; with `tie_weights=False` only `foo` is swapped.", []),
        ("code", "class Tied(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                 "        self.foo = nn.Parameter(torch.ones(()))\n        self.foo_tied = self.foo\n\n"
                 "    def forward(self, x):\n        return x + self.foo + self.foo_tied\n\nmod = Tied()\nties mod",
         [("display_data", "text/plain", "foo = foo_tied")]),
        ("code", "call mod with {\"foo\": torch.zeros(())} (torch.zeros(()))", [("execute_result", "text/html", "tied to"),
                                                                           ("execute_result", "text/plain", "tensor(0.)")]),
        ("code", "functional_call(mod, {\"foo\": torch.zeros(())}, torch.zeros(()), tie_weights=False)",
         [("execute_result", "text/plain", "tensor(1.")]),
        ("code", "functional_call(mod, {\"foo\": torch.zeros(()), \"foo_tied\": torch.zeros(())}, torch.zeros(()))",
         [("error", "ValueError", "which are tied")]),
    ],
    "several_dicts": [
        ("md", "# Several dicts\n\n`functional_call(model, (w, b), x)` takes parameters from two dicts; "
               "a key in both is an error, as in PyTorch.", []),
        ("code", "torch.manual_seed(0)\nmodel = nn.Linear(3, 2)\nx = torch.ones(1, 3)\n"
                 "w = {\"weight\": torch.ones(2, 3)}\nb = {\"bias\": torch.zeros(2)}", []),
        ("code", "call model with (w, b) (x)", [("execute_result", "text/html", "<table"),
                                              ("execute_result", "text/plain", "tensor([[3., 3.]])")]),
        ("code", "call model with (w, {\"weight\": torch.zeros(2, 3)}) (x)", [("error", "ValueError", "multiple dictionaries")]),
        ("code", 'print("done")', [("stream", "stdout", "done")]),
    ],
}


def build(name):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "fcall", "display_name": "fcall", "language": "fcall"}
    nb.metadata["language_info"] = {"name": "fcall", "file_extension": ".py", "mimetype": "text/x-python",
                                    "pygments_lexer": "python", "codemirror_mode": "python"}
    for kind, src, _ in NOTEBOOKS[name]:
        nb.cells.append(nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src))
    return nb


if __name__ == "__main__" and "--write" in sys.argv:
    os.makedirs(EXAMPLES, exist_ok=True)
    for name in NOTEBOOKS:
        path = os.path.join(EXAMPLES, name + ".ipynb")
        nbformat.write(build(name), path)
        print("wrote", path)
