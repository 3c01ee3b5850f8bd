#!/usr/bin/env bash
# fcall as a Rust library in evcxr, the Rust Jupyter kernel: installs evcxr_jupyter into fcall's
# cache folder when missing (install.sh), registers its kernelspec in a temporary JUPYTER_PATH
# (never the user's), and runs a notebook through nbclient whose cells add fcall from this
# checkout with `:dep`, build a model with a tie in Rust, call it and show the record, and run
# fcall source in a Session (test_evcxr.py checks the text/html tables and the values).
# evcxr's crate per notebook is built in a folder that later runs reuse, so they rebuild only
# what changed: /tmp/fcall-evcxr-crate-$UID ($FCALL_EVCXR_CRATE moves it). Not in the checkout
# (its workspace would claim the crate) and not under the home folder: evcxr's rpath to Rust's
# libstd is relative and one folder off, which only resolves from a folder near / (as evcxr's
# own default, a temporary folder, is). Timings: README.md here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../../scripts/env.sh"
cd "$FCALL_ROOT"
evcxr="$("$here/install.sh")"
target="${CARGO_TARGET_DIR:-$FCALL_ROOT/target}"
export FCALL_KERNEL_ARTIFACTS="${FCALL_KERNEL_ARTIFACTS:-$target/kernel-tests}"
crate="${FCALL_EVCXR_CRATE:-/tmp/fcall-evcxr-crate-$(id -u)}"
mkdir -p "$FCALL_KERNEL_ARTIFACTS" "$crate"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export JUPYTER_PATH="$tmp/jupyter"
export JUPYTER_DATA_DIR="$tmp/data" JUPYTER_CONFIG_DIR="$tmp/config" JUPYTER_RUNTIME_DIR="$tmp/runtime"
"$evcxr" --install >/dev/null
[ -f "$JUPYTER_PATH/kernels/rust/kernel.json" ]
# evcxr's crate and its target folder: kept between runs (one notebook at a time uses it).
export EVCXR_TMPDIR="$crate"
# The kernel builds fcall with the workspace's own cargo settings left out: a crate of its own.
unset CARGO_TARGET_DIR
export FCALL_CHECKOUT="$FCALL_ROOT"
python "$here/test_evcxr.py"
echo "evcxr tests: all passed"
