"""examples/*.ipynb executed by nbclient with the fcall kernel, as a front end would; every
cell's outputs are checked against notebooks.py, and the executed notebooks are kept (and
exported to HTML by nbconvert, which shows the Python lexer's highlighting) as artifacts."""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient

from kernelspec_env import KERNEL_NAME, check_env
from notebooks import EXAMPLES, NOTEBOOKS

check_env()
ART = os.environ.get("FCALL_KERNEL_ARTIFACTS", "/tmp")


def check(name):
    nb = nbformat.read(os.path.join(EXAMPLES, name + ".ipynb"), as_version=4)
    t0 = time.time()
    NotebookClient(nb, kernel_name=KERNEL_NAME, allow_errors=True, timeout=120).execute()
    took = time.time() - t0
    assert nb.metadata.language_info["name"] == "fcall", nb.metadata.language_info
    assert nb.metadata.language_info["file_extension"] == ".py"
    assert nb.metadata.language_info["pygments_lexer"] == "python"
    failures = []
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    specs = [s for s in NOTEBOOKS[name] if s[0] == "code"]
    assert len(code_cells) == len(specs), "the notebook and notebooks.py disagree; run notebooks.py --write"
    for cell, (_, src, checks) in zip(code_cells, specs):
        assert cell.source == src, "the notebook and notebooks.py disagree; run notebooks.py --write"
        for otype, key, needle in checks:
            hits = [o for o in cell.outputs if o.output_type == otype]
            ok = False
            for o in hits:
                if otype == "error":
                    ok |= o.ename == key and needle in (o.evalue + "\n".join(o.traceback))
                elif otype == "stream":
                    ok |= o.name == key and needle in o.text
                else:
                    data = o.data.get(key)
                    text = json.dumps(data) if isinstance(data, dict) else (data or "")
                    ok |= needle in text
            if not ok:
                failures.append(f"{name}: cell {src.splitlines()[0]!r}: no {otype} {key} containing {needle!r}; "
                                f"got {[o.output_type for o in cell.outputs]}")
        if not checks and any(o.output_type == "error" for o in cell.outputs):
            failures.append(f"{name}: cell {src.splitlines()[0]!r} raised {cell.outputs}")
    out = os.path.join(ART, name + ".executed.ipynb")
    nbformat.write(nb, out)
    print(f"{name}: {len(code_cells)} cells in {took:.2f} s -> {out}")
    return failures


def main():
    failures = []
    for name in NOTEBOOKS:
        failures += check(name)
    try:
        from nbconvert import HTMLExporter
        nb = nbformat.read(os.path.join(ART, "inplace_buffer.executed.ipynb"), as_version=4)
        html, _ = HTMLExporter().from_notebook_node(nb)
        with open(os.path.join(ART, "inplace_buffer.html"), "w") as f:
            f.write(html)
        if 'class="k"' not in html and "highlight" not in html:
            failures.append("nbconvert HTML has no syntax highlighting")
    except ImportError:
        pass
    for f in failures:
        print("FAIL", f)
    if failures:
        sys.exit(1)
    print("notebooks: all outputs as expected")


if __name__ == "__main__":
    main()
