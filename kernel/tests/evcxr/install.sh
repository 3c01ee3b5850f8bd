#!/usr/bin/env bash
# Installs evcxr_jupyter (the Rust Jupyter kernel) from crates.io into fcall's cache folder when
# it is missing, and prints the binary's path. Reused afterwards: a fresh machine pays the build
# once (measured in kernel/tests/evcxr/README.md), later runs pay nothing.
set -euo pipefail
version=0.22.0
cache="${FCALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fcall}"
root="$cache/evcxr-$version"
bin="$root/bin/evcxr_jupyter"
if [ ! -x "$bin" ]; then
  echo "fcall: installing evcxr_jupyter $version into $root (first run only)" >&2
  # Its own build folder: never the workspace's target, whose profile and features differ.
  CARGO_TARGET_DIR="$cache/evcxr-build" \
    cargo install --locked --quiet evcxr_jupyter --version "=$version" --root "$root" >&2
  rm -rf "$cache/evcxr-build"
fi
echo "$bin"
