#!/usr/bin/env bash
# JupyterLab on loopback + headless Chromium (Debian's chromium, driven by playwright-core):
# lab.js opens examples/inplace_buffer.ipynb with the fcall kernel, runs all cells and checks the
# rendered HTML `call` table (cells, alignment, borders, colours) trusted and untrusted, in the
# light and the dark theme, then Run All past an error; screenshots go to $FCALL_KERNEL_ARTIFACTS.
# plots.js opens a saved notebook of plots untrusted, runs it trusted, and keeps a screenshot of each.
# visuals.sh (visuals.js) does the same for the object diagrams, the 12-block transformer's included.
# common.js holds what the three share (Chromium, opening a notebook, Run All, checks).
# Expects JUPYTER_PATH with the fcall kernelspec (kernel/tests/run.sh sets it up).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
art="${FCALL_KERNEL_ARTIFACTS:-/tmp}"
if [ ! -x /usr/bin/chromium ]; then
  apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
fi
npmdir="${FCALL_CACHE:-$HOME/.cache/fcall}/npm"
if [ ! -d "$npmdir/node_modules/playwright-core" ]; then
  mkdir -p "$npmdir" && (cd "$npmdir" && npm install --silent playwright-core@1)
fi
work="$(mktemp -d)"
cp "$root/examples/inplace_buffer.ipynb" "$work/"
# the notebooks name kernel "fcall"; the test kernelspec may have another name
python - "$work/inplace_buffer.ipynb" "${FCALL_KERNEL_NAME:-fcall}" <<'PY'
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nb.metadata["kernelspec"]["name"] = sys.argv[2]
nbformat.write(nb, sys.argv[1])
PY
# lab.js: the same notebook executed and saved without a signature (JupyterLab opens it
# untrusted, as a downloaded notebook), and a notebook whose second cell fails (Run All).
python - "$work" "${FCALL_KERNEL_NAME:-fcall}" <<'PY'
import sys, os, nbformat
from nbclient import NotebookClient
work, kernel = sys.argv[1], sys.argv[2]
nb = nbformat.read(os.path.join(work, "inplace_buffer.ipynb"), as_version=4)
NotebookClient(nb, timeout=120, kernel_name=kernel).execute()
nbformat.write(nb, os.path.join(work, "untrusted_inplace_buffer.ipynb"))
cells = ["a = 1", "b = 1 / 0", "c = 3", "d = 4", "a + c"]
err = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
err.metadata["kernelspec"] = {"name": kernel, "display_name": "fcall", "language": "python"}
nbformat.write(err, os.path.join(work, "run_all_error.ipynb"))
PY
# The theme lab.js switches to stays in this run's own settings folder.
export JUPYTERLAB_SETTINGS_DIR="$work/lab-settings" JUPYTERLAB_WORKSPACES_DIR="$work/lab-workspaces"
# No news popup over the screenshots; every cell rendered, not only those in view (the checks
# read outputs below the fold).
mkdir -p "$work/lab-settings/@jupyterlab/apputils-extension" "$work/lab-settings/@jupyterlab/notebook-extension"
echo '{"fetchNews": "false"}' >"$work/lab-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
echo '{"windowingMode": "none"}' >"$work/lab-settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
# plots.ipynb (plots.js): executed here, so it opens with its outputs saved and untrusted.
python - "$work/plots.ipynb" "${FCALL_KERNEL_NAME:-fcall}" <<'PY'
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell('plot([1, 4, 9, 16, 25], title="squares")'),
            nbformat.v4.new_code_cell("w0 = torch.zeros(4, 6)\nw1 = w0.clone()\nw1[1, 2] = 1.0\nw1[3, 4] = -0.5\nheatmap(w0, w1)")]
nb.metadata["kernelspec"] = {"name": sys.argv[2], "display_name": "fcall", "language": "python"}
NotebookClient(nb, kernel_name=sys.argv[2], timeout=120).execute()
nbformat.write(nb, sys.argv[1])
PY
port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=fcall-test-$RANDOM
jupyter lab --no-browser --ip=127.0.0.1 --port="$port" --IdentityProvider.token="$token" \
  --ServerApp.root_dir="$work" --LabApp.expose_app_in_browser=True --allow-root >"$art/jupyterlab.log" 2>&1 &
lab=$!
trap 'kill $lab 2>/dev/null; wait $lab 2>/dev/null; rm -rf "$work"' EXIT
up=0; for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port/api/status?token=$token" >/dev/null && { up=1; break; }; sleep 0.2; done
[ "$up" = 1 ] || { echo "JupyterLab did not start; see $art/jupyterlab.log" >&2; exit 1; }
export NODE_PATH="$npmdir/node_modules"
node "$here/lab.js" "http://127.0.0.1:$port/lab/tree/inplace_buffer.ipynb?token=$token" "$art"
node "$here/plots.js" "http://127.0.0.1:$port/lab/tree/plots.ipynb?token=$token" "$art"
"$here/visuals.sh" "$work" "http://127.0.0.1:$port" "$token" "$art"
