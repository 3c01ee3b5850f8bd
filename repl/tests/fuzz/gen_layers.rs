//! A third family of random fcall programs for the differential fuzzer: built-in layers
//! (Linear, LayerNorm, Dropout, BatchNorm1d, Embedding, ReLU/Tanh) inside a user block and a
//! Sequential, with forwards that write buffers in place, register new state during the call,
//! fail halfway (after their in-place writes), or run a nested functional_call; called plainly,
//! through functional_call with dicts from the state (partial, detached, cloned), under
//! `grad` (argnums over two dicts), `grad_and_value` and `vmap` (ensembles and batches).
use std::fmt::Write;

use super::gen::{self, Rng};

/// The state keys of the block at `prefix`, as the program builds it.
fn block_keys(prefix: &str, has_bn: bool) -> Vec<String> {
    let mut keys: Vec<String> = ["lin.weight", "lin.bias", "norm.weight", "norm.bias", "count"].iter().map(|k| format!("{prefix}{k}")).collect();
    if has_bn {
        for k in ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"] {
            keys.push(format!("{prefix}{k}"));
        }
    }
    keys
}

fn value_for(r: &mut Rng, key: &str) -> String {
    if key.ends_with("num_batches_tracked") {
        return format!("torch.tensor({})", r.below(3));
    }
    if key.ends_with("count") {
        return format!("torch.tensor({}.0)", r.below(3));
    }
    if key.ends_with("lin.weight") || key == "2.weight" {
        return format!("torch.tensor([[{}, {}], [{}, {}]])", r.num(), r.num(), r.num(), r.num());
    }
    if key.ends_with("running_var") {
        return format!("torch.tensor([{}.5, {}.0])", r.below(3), 1 + r.below(2));
    }
    r.vec2()
}

/// Program number `index` of the layers batch `seed`.
pub fn program(seed: u64, index: u64) -> String {
    let (mut r, mut out) = super::gen::start("layers", seed, index, 3_000_017, 0x1a7e_4500);
    let has_bn = r.pct(35);
    let has_drop = r.pct(25);
    let act = *r.pick(&["F.relu", "torch.tanh", "torch.sigmoid"]);
    // The block.
    let mut init = String::from(
        "        super().__init__()\n        self.lin = nn.Linear(2, 2)\n        self.norm = nn.LayerNorm(2)\n        self.register_buffer(\"count\", torch.zeros(()))\n",
    );
    if has_bn {
        init.push_str("        self.bn = nn.BatchNorm1d(2)\n");
    }
    if has_drop {
        init.push_str("        self.drop = nn.Dropout(0.5)\n");
    }
    let mut fwd = String::new();
    match r.below(3) {
        0 => fwd.push_str("        self.count.add_(1)\n"),
        1 => fwd.push_str("        self.count = self.count + 1\n"),
        _ => {}
    }
    let fails = r.pct(12);
    let registers = r.pct(12);
    let nested = r.pct(20);
    fwd.push_str("        y = self.lin(x)\n");
    if nested {
        let scale = r.num();
        let _ = writeln!(fwd, "        y = y + functional_call(self.lin, {{\"weight\": self.lin.weight * {scale}}}, (x,))");
    }
    if registers {
        // New state during the call: stays after it (functional_call restores only what it swapped).
        fwd.push_str("        self.extra = nn.Buffer(torch.ones(2))\n");
    }
    if fails {
        // Fails after the in-place write above: the call must still restore.
        fwd.push_str("        y = y @ torch.ones(3, 3)\n");
    }
    if has_bn {
        fwd.push_str("        y = self.bn(y)\n");
    }
    let _ = writeln!(fwd, "        y = {act}(self.norm(y))");
    if has_drop {
        fwd.push_str("        y = self.drop(y)\n");
    }
    fwd.push_str("        return y * self.count\n");
    let _ = write!(out, "class Block(nn.Module):\n    def __init__(self):\n{init}    def forward(self, x):\n{fwd}");
    // The model: the block alone, or in a Sequential.
    let seq = r.pct(50);
    let (keys, block) = if seq {
        let _ = writeln!(out, "m = nn.Sequential(Block(), nn.ReLU(), nn.Linear(2, 2))");
        let mut k = block_keys("0.", has_bn);
        k.push("2.weight".into());
        k.push("2.bias".into());
        (k, "m[0]")
    } else {
        let _ = writeln!(out, "m = Block()");
        (block_keys("", has_bn), "m")
    };
    if r.pct(20) {
        let _ = writeln!(out, "m.eval()");
    }
    let _ = writeln!(out, "x = torch.tensor([[{}, {}], [{}, {}], [{}, {}]])", r.num(), r.num(), r.num(), r.num(), r.num(), r.num());
    // Dicts.
    let mut dicts = Vec::new();
    for i in 0..1 + r.below(2) {
        let lit = match r.below(6) {
            0 => gen::clone("state", "m"),
            1 => gen::detach("params", "m"),
            2 => gen::clone("buffers", "m"),
            _ => {
                let mut items = Vec::new();
                for k in &keys {
                    if r.pct(45) {
                        items.push(format!("\"{k}\": {}", value_for(&mut r, k)));
                    }
                }
                format!("{{{}}}", items.join(", "))
            }
        };
        let _ = writeln!(out, "d{i} = {lit}");
        dicts.push(format!("d{i}"));
    }
    for _ in 0..2 + r.below(3) {
        let d = r.pick(&dicts).clone();
        match r.below(10) {
            0..=3 => {
                let fl = match r.below(4) {
                    0 => ", tie_weights=False",
                    1 => ", strict=True",
                    _ => "",
                };
                let _ = writeln!(out, "{}", gen::functional_call("m", &d, "x", fl));
                let _ = writeln!(out, "{d}");
            }
            4 => {
                let _ = writeln!(out, "m(x)");
            }
            5..=6 => {
                // grad over a dict (and the input), or over two dicts.
                let p = gen::detach("params", "m");
                if r.pct(50) {
                    let _ = writeln!(out, "def loss(p, x):\n    return {}.sum()", gen::functional_call("m", "p", "x", ""));
                    let _ = writeln!(out, "grad(loss, argnums=(0, 1))({p}, x)");
                } else {
                    let _ = writeln!(out, "def loss(p, b, x):\n    return {}.pow(2).mean()", gen::functional_call("m", "(p, b)", "x", ""));
                    let _ = writeln!(out, "gv = grad_and_value(loss, argnums=(0, 1))({p}, {}, x)", gen::clone("buffers", "m"));
                    let _ = writeln!(out, "gv");
                }
            }
            7 => {
                // vmap over a batch of inputs (the state unbatched).
                let _ = writeln!(out, "def f(p, xi):\n    return {}", gen::functional_call("m", "p", "xi", ""));
                let _ = writeln!(out, "vmap(f, in_dims=(None, 0))({}, x)", gen::detach("params", "m"));
            }
            _ => {
                // Train/eval flips, and state read back.
                let _ = writeln!(out, "{}", if r.pct(50) { "m.train()" } else { "m.eval()" });
                let _ = writeln!(out, "{block}.count");
            }
        }
        if r.pct(60) {
            let _ = writeln!(out, "{}", gen::state("m", true));
        } else {
            let _ = writeln!(out, "print({block}.count, {block}.lin.weight)");
        }
    }
    for d in &dicts {
        let _ = writeln!(out, "{d}");
    }
    let _ = writeln!(out, "{}", gen::state("m", true));
    out
}
