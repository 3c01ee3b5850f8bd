#!/usr/bin/env bash
# The Jupyter kernel's tests against real Jupyter clients. CI: `kernel/tests/run.sh`
# (add `--browser` for the JupyterLab + headless Chromium test, `--bench` for the benchmark;
# `--browser-only` runs the browser test alone).
# Builds the fcall binary, installs the kernelspec into a temporary JUPYTER_PATH (never the
# user's data dir), then runs: jupyter_kernel_test (conformance), the example notebooks through
# nbclient, the behaviour scripts (interrupt, stop_on_error, bad signature, malformed
# message, 50 MB output, heartbeat, restart) and the robustness ones (shutdown and restart at
# random moments, Run All past an error, replay, parent death, SIGINT, panics, deep data,
# descriptor exhaustion, crash reports). Artifacts (executed notebooks, screenshot,
# benchmark) go to $FCALL_KERNEL_ARTIFACTS (default target/kernel-tests).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../scripts/env.sh"
cd "$FCALL_ROOT"
browser=0; bench=0; clients=1
for a in "$@"; do
  case "$a" in
    --browser) browser=1 ;;
    --browser-only) browser=1; clients=0 ;;
    --bench) bench=1 ;;
    *) echo "usage: kernel/tests/run.sh [--browser | --browser-only] [--bench]" >&2; exit 2 ;;
  esac
done
cargo build --release -p fcall-cli
target="${CARGO_TARGET_DIR:-$FCALL_ROOT/target}"
fcall="$target/release/fcall"
export FCALL_KERNEL_ARTIFACTS="${FCALL_KERNEL_ARTIFACTS:-$target/kernel-tests}"
mkdir -p "$FCALL_KERNEL_ARTIFACTS"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export FCALL_KERNEL_NAME=fcall-test
"$fcall" kernel install --prefix "$tmp/prefix" --name "$FCALL_KERNEL_NAME" --display-name "fcall (test)"
export JUPYTER_PATH="$tmp/prefix/share/jupyter"
export JUPYTER_DATA_DIR="$tmp/data" JUPYTER_CONFIG_DIR="$tmp/config" JUPYTER_RUNTIME_DIR="$tmp/runtime"
export FCALL_BIN="$fcall" FCALL_KERNEL_QUIET=1
specs="$(jupyter kernelspec list)"; case "$specs" in *"$FCALL_KERNEL_NAME"*) ;; *) echo "kernelspec not discovered: $specs" >&2; exit 1 ;; esac
# The launcher passes no environment: the binary must find libtorch by itself (rpath).
env -i "$fcall" --version >/dev/null
cd "$here/py"
if [ "$clients" = 1 ]; then
  python -m unittest -v test_conformance test_behaviour test_robustness test_visuals 2>&1
  python test_notebooks.py
fi
if [ "$bench" = 1 ]; then python bench.py; fi
if [ "$browser" = 1 ]; then "$here/browser/run.sh"; fi
# uninstall leaves nothing behind
"$fcall" kernel uninstall --prefix "$tmp/prefix" --name "$FCALL_KERNEL_NAME"
[ ! -e "$JUPYTER_PATH/kernels/$FCALL_KERNEL_NAME" ]
echo "kernel tests: all passed"
