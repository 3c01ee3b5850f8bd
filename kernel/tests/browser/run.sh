#!/usr/bin/env bash
# JupyterLab on loopback + headless Chromium (Debian's chromium, driven by playwright-core):
# opens examples/inplace_buffer.ipynb with the fcall kernel, runs all cells, checks the cells of
# the rendered HTML `call` table and keeps a screenshot in $FCALL_KERNEL_ARTIFACTS.
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
port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=fcall-test-$RANDOM
jupyter lab --no-browser --ip=127.0.0.1 --port="$port" --IdentityProvider.token="$token" \
  --ServerApp.root_dir="$work" --allow-root >"$art/jupyterlab.log" 2>&1 &
lab=$!
trap 'kill $lab 2>/dev/null; wait $lab 2>/dev/null; rm -rf "$work"' EXIT
up=0; for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port/api/status?token=$token" >/dev/null && { up=1; break; }; sleep 0.2; done
[ "$up" = 1 ] || { echo "JupyterLab did not start; see $art/jupyterlab.log" >&2; exit 1; }
NODE_PATH="$npmdir/node_modules" node "$here/lab.js" "http://127.0.0.1:$port/lab/tree/inplace_buffer.ipynb?token=$token" "$art"
# The object diagrams (draw, step, explain), trusted and untrusted: visuals.sh.
"$here/visuals.sh" "$work" "http://127.0.0.1:$port" "$token" "$art"
