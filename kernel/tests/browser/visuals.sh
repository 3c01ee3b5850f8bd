#!/usr/bin/env bash
# The object diagrams in JupyterLab (issue 13), on the server run.sh started: writes
# visuals.ipynb (draw, step, explain, and the 12-block transformer of benches/transformer12.py),
# executes a copy with nbclient (visuals-untrusted.ipynb: outputs made elsewhere, unsigned),
# then visuals.js runs the first in the browser and opens the second. Screenshots go to $4.
# Usage: visuals.sh WORKDIR BASE_URL TOKEN ARTIFACTS
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="$1"; base="$2"; token="$3"; art="$4"
python - "$work" "${FCALL_KERNEL_NAME:-fcall}" "$root/benches/transformer12.py" <<'PY'
import sys, nbformat
from nbformat.v4 import new_notebook, new_code_cell
work, kernel, model = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
cells = [
    "class Foo(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.register_buffer('foo', torch.zeros(()))\n    def forward(self, x):\n        self.foo = self.foo + 1\n        return x + self.foo\nmod = Foo()\na = {'foo': torch.zeros(())}",
    "draw call mod with a (torch.ones(()))",
    "step call mod with {'foo': torch.zeros(())} (torch.ones(()))",
    "explain call mod with a (torch.ones(()))",
    model,
    "draw call model with params (idx)",
]
nb = new_notebook(cells=[new_code_cell(c) for c in cells])
nb.metadata["kernelspec"] = {"name": kernel, "display_name": "fcall", "language": "python"}
nbformat.write(nb, f"{work}/visuals.ipynb")
nbformat.write(nb, f"{work}/visuals-untrusted.ipynb")
PY
jupyter nbconvert --to notebook --execute --inplace "$work/visuals-untrusted.ipynb" >"$art/visuals-nbconvert.log" 2>&1
cp "$work/visuals-untrusted.ipynb" "$art/visuals-executed.ipynb"
NODE_PATH="${NODE_PATH:-${FCALL_CACHE:-$HOME/.cache/fcall}/npm/node_modules}" node "$here/visuals.js" "$base" "$token" "$art"
