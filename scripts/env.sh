# Sourced by ./fcall and ./test: makes sure the Python environment with torch 2.13.0 exists in a
# cache folder that survives a fresh clone, then points cargo and torch-sys at it.
# Nothing here needs to be installed by hand.
# (strict mode is set by the scripts that source this file)
FCALL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FCALL_CACHE="${FCALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fcall}"
FCALL_VENV="$FCALL_CACHE/venv-2.13.0"
req="$FCALL_ROOT/scripts/requirements.txt"
stamp="$FCALL_VENV/.fcall-requirements"
if [ ! -f "$stamp" ] || ! cmp -s "$req" "$stamp"; then
  echo "fcall: installing torch==2.13.0 and test packages into $FCALL_VENV (first run: about 4.7 GB, a minute or two)" >&2
  mkdir -p "$FCALL_CACHE"
  [ -x "$FCALL_VENV/bin/python" ] || python3 -m venv "$FCALL_VENV"
  "$FCALL_VENV/bin/pip" install --disable-pip-version-check -q -r "$req" >&2
  cp "$req" "$stamp"
fi
export VIRTUAL_ENV="$FCALL_VENV"
export PATH="$FCALL_VENV/bin:$PATH"
export LIBTORCH_USE_PYTORCH=1
export FCALL_PYTHON="$FCALL_VENV/bin/python"
# Keep torch quiet and single-threaded where it matters for reproducible numbers.
export PYTHONDONTWRITEBYTECODE=1
