"""fcall as a Rust library in an evcxr notebook, executed by nbclient as a front end would: the
first cells add fcall from the checkout (`:dep ... path`), later ones build a model whose two
layers share one weight, call it with functional_call and show the record (evcxr_display), then
run fcall source in a Session. The rich outputs must be fcall's own HTML tables with the right
values. The executed notebook is kept as an artifact."""
import os
import sys
import time

import nbformat
from nbclient import NotebookClient

CHECKOUT = os.environ["FCALL_CHECKOUT"]
ART = os.environ.get("FCALL_KERNEL_ARTIFACTS", "/tmp")

CELLS = [
    # Optimisation level 0: the crate per notebook compiles fast; the cells are small.
    ":opt 0",
    f':dep fcall = {{ path = "{CHECKOUT}" }}',
    # nn.Sequential(Linear(2, 2), Linear(2, 2)) with model[1].weight = model[0].weight, called with
    # only "0.weight": tie_weights=True gives the tied "1.weight" the same tensor.
    """use fcall::api::{layers, CallOptions, DictRef, Kwargs, TensorRef, Value};
use fcall::tch::Tensor;
let model = layers::sequential(vec![layers::linear(2, 2, false).unwrap(), layers::linear(2, 2, false).unwrap()]).unwrap();
model.get_submodule("1").unwrap().setattr("weight", model.get_submodule("0").unwrap().getattr("weight").unwrap()).unwrap();
let w = TensorRef::new(Tensor::from_slice(&[2.0f32, 0.0, 0.0, 3.0]).reshape([2, 2]));
let params = Value::Dict(DictRef::of_tensors([("0.weight", w)]));
let x = Value::Tensor(TensorRef::new(Tensor::from_slice(&[1.0f32, 1.0])));
fcall::call(&model, &params, &x, &Kwargs::new(), CallOptions::default())""",
    # A Session: fcall source, a tensor in from Rust, the result out as a tch::Tensor.
    """let mut s = fcall::Session::new();
s.set("x", fcall::tch::Tensor::from_slice(&[1.0f32, 2.0]));
let out = s.run("lin = nn.Linear(2, 2, bias=False)\\nm = nn.Sequential(lin, lin)\\ny = call m with {'0.weight': torch.eye(2) * 3} (x)");
let y: Vec<f32> = Vec::try_from(s.tensor("y").unwrap()).unwrap();
println!("y = {y:?}");
out""",
]


def rich(cell):
    """The cell's execute_result / display_data bundles."""
    return [o.data for o in cell.outputs if o.output_type in ("execute_result", "display_data")]


def main():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nb.metadata["kernelspec"] = {"name": "rust", "display_name": "Rust", "language": "rust"}
    t0 = time.time()
    # The first `:dep` builds fcall, tch and torch-sys in evcxr's own profile: minutes when cold.
    NotebookClient(nb, kernel_name="rust", allow_errors=True, timeout=3600, startup_timeout=120).execute()
    took = time.time() - t0
    out = os.path.join(ART, "evcxr_fcall.executed.ipynb")
    nbformat.write(nb, out)
    failures = []
    for c in nb.cells:
        errs = [o for o in c.outputs if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr" and "error" in o.text)]
        if errs:
            failures.append(f"cell {c.source.splitlines()[0]!r} failed: {errs}")

    def expect(cond, what):
        if not cond:
            failures.append(what)

    call = rich(nb.cells[2])
    expect(len(call) == 1, f"the call cell shows one rich output, got {nb.cells[2].outputs}")
    if call:
        html, text = call[0].get("text/html", ""), call[0].get("text/plain", "")
        expect(html.startswith('<div class="fcall"') and "<table" in html, f"the call's text/html is fcall's table: {html[:200]!r}")
        for needle in ("0.weight", "1.weight", "tied to", "Sequential"):
            expect(needle in html, f"the call's table names {needle!r}")
        expect("tensor([4., 9.])" in html, "the result y = W (W x) = [4, 9] shows in the html")
        expect("result: tensor([4., 9.])" in text, f"text/plain ends with the result: {text[-300:]!r}")
    sess = rich(nb.cells[3])
    expect(len(sess) == 1, f"the session cell shows one rich output, got {nb.cells[3].outputs}")
    if sess:
        html = sess[0].get("text/html", "")
        expect("<table" in html and "0.weight" in html and "1.weight" in html, f"the session's call table: {html[:200]!r}")
        expect("tensor([ 9., 18.])" in html, "the session's result (3I)(3I)x shows in the html")
    printed = "".join(o.text for o in nb.cells[3].outputs if o.output_type == "stream" and o.name == "stdout")
    expect("y = [9.0, 18.0]" in printed, f"the tensor came back to Rust: {printed!r}")
    print(f"evcxr notebook: {len(CELLS)} cells in {took:.1f} s -> {out}")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
