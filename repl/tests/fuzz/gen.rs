//! A generator of random valid fcall programs about torch.func.functional_call, for the
//! differential fuzzer (tests/fuzz.rs). Deterministic: one program per (seed, index).
//!
//! The programs are Python as PyTorch users write it (`class Leaf(nn.Module):`, `torch.tensor`,
//! `nn.Parameter`, `functional_call(m, d, (x,), tie_weights=False)`, ...), plus fcall's `seed N`
//! command line (`torch.manual_seed(N)` would show its Generator's address as a value).
//!
//! Each program defines a small leaf class (a parameter `w` and a buffer `b`, forward writing
//! the buffer in place or rebinding it) and a top class holding one or two of those (a shared
//! submodule, a tie of a parameter, a tie of a buffer, an optional BatchNorm1d in train mode),
//! builds dicts from subsets of the state's keys (plus extra keys and None values, shared
//! tensor objects, int counters), calls with one dict or several, tie_weights=True/False,
//! strict=True/False, takes grad over a dict, and records the dicts and module tensors after
//! every call.
use std::fmt::Write;

/// xorshift64*: small, deterministic, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03 | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability p/100.
    pub fn pct(&mut self, p: usize) -> bool {
        self.below(100) < p
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    /// A small float literal: halves in [-4, 4].
    pub fn num(&mut self) -> String {
        let v = self.below(17) as i64 - 8;
        format!("{:.1}", v as f64 / 2.0)
    }
    pub fn vec2(&mut self) -> String {
        format!("torch.tensor([{}, {}])", self.num(), self.num())
    }
}

/// The retired dialect's `params(m)` as PyTorch writes it: the module's parameters as a dict.
pub fn params(m: &str) -> String {
    format!("dict({m}.named_parameters())")
}

/// The retired `state(m)` (`remove_duplicate` false: `state(m, remove_duplicate=false)`):
/// parameters, then buffers, as one dict.
pub fn state(m: &str, remove_duplicate: bool) -> String {
    let rd = if remove_duplicate { "" } else { "remove_duplicate=False" };
    format!("{{**dict({m}.named_parameters({rd})), **dict({m}.named_buffers({rd}))}}")
}

/// The retired `keys(params(m))`, `keys(buffers(m))`, `keys(state(m))` (`what`: "params",
/// "buffers" or "state"): the names as a list, in the dict's order (a parameter and a buffer
/// never share a name, so the state's names are the parameters' and then the buffers').
pub fn keys(what: &str, m: &str, remove_duplicate: bool) -> String {
    let rd = if remove_duplicate { "" } else { "remove_duplicate=False" };
    let p = format!("[k for k, _ in {m}.named_parameters({rd})]");
    let b = format!("[k for k, _ in {m}.named_buffers({rd})]");
    match what {
        "params" => p,
        "buffers" => b,
        _ => format!("{p} + {b}"),
    }
}

/// `(name, tensor)` pairs of `what` ("params", "buffers", "state") of `m`, to iterate over.
fn named(what: &str, m: &str) -> String {
    match what {
        "params" => format!("{m}.named_parameters()"),
        "buffers" => format!("{m}.named_buffers()"),
        _ => format!("[*{m}.named_parameters(), *{m}.named_buffers()]"),
    }
}

/// The retired `detach(params(m))` and the like: a dict of detached tensors (the same storage).
pub fn detach(what: &str, m: &str) -> String {
    format!("{{k: v.detach() for k, v in {}}}", named(what, m))
}

/// The retired `clone(state(m))` and the like: a dict of new leaf tensors with the same values
/// and requires_grad.
pub fn clone(what: &str, m: &str) -> String {
    format!("{{k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in {}}}", named(what, m))
}

/// `call m with d (x) FLAGS` as the documentation writes it, `functional_call(m, d, (x,), ...)`
/// (at top level it shows the same table);
/// `dicts` is the second argument as written (a name, a tuple or a list of dicts), `kw` the
/// keyword arguments from [`flags`] (empty or starting with ", ").
pub fn functional_call(m: &str, dicts: &str, x: &str, kw: &str) -> String {
    format!("functional_call({m}, {dicts}, ({x},){kw})")
}

/// The start of a program of family `family`: its random stream (from the family's own `mul`
/// and `salt`, so each family's programs stay as they were generated) and its first lines (a
/// header comment and a `seed` statement).
pub fn start(family: &str, seed: u64, index: u64, mul: u64, salt: u64) -> (Rng, String) {
    let mut r = Rng::new(seed.wrapping_mul(mul).wrapping_add(index) ^ salt);
    for _ in 0..4 {
        r.next();
    }
    let mut out = String::new();
    let _ = writeln!(out, "# fcall fuzz program ({family}): seed {seed}, index {index}");
    let _ = writeln!(out, "seed {}", r.below(1000));
    (r, out)
}

/// The keys a top module's state has, with what each needs as a value.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Vec2,
    Counter,
}

struct Top {
    /// (name, kind, the tie group it is an alias in: None for a first name).
    keys: Vec<(String, Kind, Option<usize>)>,
    /// Number of tie groups.
    groups: usize,
    has_bn: bool,
}

fn leaf_class(r: &mut Rng, out: &mut String, name: &str) {
    let w = r.vec2();
    let b = r.vec2();
    let write = match r.below(4) {
        0 => "        self.b.add_(1)\n",
        1 => "        self.b = self.b + 1\n",
        2 => "        self.b.mul_(2)\n",
        _ => "",
    };
    let ret = *r.pick(&["x * self.w + self.b", "x + self.w * self.b", "(x - self.b) * self.w"]);
    let _ = write!(
        out,
        "class {name}(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = nn.Parameter({w})\n        self.b = nn.Buffer({b})\n    def forward(self, x):\n{write}        return {ret}\n"
    );
}

fn top_class(r: &mut Rng, out: &mut String, name: &str, leaf: &str) -> Top {
    let mut keys: Vec<(String, Kind, Option<usize>)> = Vec::new();
    let mut groups = 0;
    let mut init = String::new();
    let mut fwd = String::new();
    let _ = writeln!(init, "        self.s1 = {leaf}()");
    keys.push(("s1.w".into(), Kind::Vec2, None));
    keys.push(("s1.b".into(), Kind::Vec2, None));
    let shared = r.pct(40);
    let second = shared || r.pct(40);
    if shared {
        let _ = writeln!(init, "        self.s2 = self.s1");
    } else if second {
        let _ = writeln!(init, "        self.s2 = {leaf}()");
    }
    if shared {
        keys.push(("s2.w".into(), Kind::Vec2, Some(groups)));
        keys.push(("s2.b".into(), Kind::Vec2, Some(groups + 1)));
        groups += 2;
    } else if second {
        keys.push(("s2.w".into(), Kind::Vec2, None));
        keys.push(("s2.b".into(), Kind::Vec2, None));
    }
    let _ = writeln!(init, "        self.p = nn.Parameter({})", r.vec2());
    keys.push(("p".into(), Kind::Vec2, None));
    let tie_p = r.pct(50);
    if tie_p {
        let _ = writeln!(init, "        self.q = self.p");
        keys.push(("q".into(), Kind::Vec2, Some(groups)));
        groups += 1;
    }
    let _ = writeln!(init, "        self.buf = nn.Buffer({})", r.vec2());
    keys.push(("buf".into(), Kind::Vec2, None));
    let tie_buf = r.pct(30);
    if tie_buf {
        let _ = writeln!(init, "        self.buf2 = self.buf");
        keys.push(("buf2".into(), Kind::Vec2, Some(groups)));
        groups += 1;
    }
    let has_bn = r.pct(40);
    if has_bn {
        let _ = writeln!(init, "        self.bn = nn.BatchNorm1d(2)");
        for k in ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"] {
            keys.push((k.into(), Kind::Vec2, None));
        }
        keys.push(("bn.num_batches_tracked".into(), Kind::Counter, None));
    }
    // forward
    let _ = writeln!(fwd, "        y = self.s1(x)");
    if second {
        let _ = writeln!(fwd, "        y = y + self.s2(x)");
    }
    match r.below(4) {
        0 => {
            let _ = writeln!(fwd, "        self.buf.add_(1)");
        }
        1 => {
            let _ = writeln!(fwd, "        self.buf = self.buf + 1");
        }
        2 => {
            let _ = writeln!(fwd, "        self.buf.sub_(0.5)");
        }
        _ => {}
    }
    if r.pct(8) {
        // Rebinding a Parameter slot: TypeError in forward (module restored).
        let _ = writeln!(fwd, "        self.p = self.p * 2");
    }
    let _ = writeln!(fwd, "        y = y * self.p + self.buf");
    if tie_p {
        let _ = writeln!(fwd, "        y = y + self.q");
    }
    if tie_buf {
        let _ = writeln!(fwd, "        y = y - self.buf2");
    }
    if has_bn {
        let _ = writeln!(fwd, "        y = self.bn(y)");
    }
    let _ = writeln!(fwd, "        return y");
    let _ = write!(out, "class {name}(nn.Module):\n    def __init__(self):\n        super().__init__()\n{init}    def forward(self, x):\n{fwd}");
    Top { keys, groups, has_bn }
}

fn key_lit(k: &str) -> String {
    format!("\"{k}\"")
}

/// A dict literal over a random subset of `keys`; `shared` names a variable holding one
/// tensor object that may be used for several keys. `allow_none`: some values are `None`.
///
/// Only the aliases of tie group `conflict` are ever passed (other groups by their first name
/// only), so at most one tie group can get several values in a call: with two, PyTorch 2.13
/// names whichever its `set` iteration meets first, which depends on PYTHONHASHSEED
/// (nondeterministic/tied_groups_hash_order.py).
fn dict_lit(r: &mut Rng, keys: &[(String, Kind, Option<usize>)], conflict: usize, allow_none: bool, extra: bool) -> String {
    // The tie group of each name, first names included.
    let group_of = |k: &str| {
        keys.iter().find_map(|(n, _, g)| {
            let first = match n.as_str() {
                "s2.w" => "s1.w",
                "s2.b" => "s1.b",
                "q" => "p",
                "buf2" => "buf",
                _ => "",
            };
            (n == k || first == k).then_some(*g).flatten()
        })
    };
    let mut items = Vec::new();
    for (k, kind, alias) in keys {
        if alias.is_some_and(|g| g != conflict) || !r.pct(55) {
            continue;
        }
        // The one shared object `z` only for untied names and the conflict group: `z` under
        // two tie groups merges them in PyTorch's check, whose KeyError then names a set
        // member picked by hash order (nondeterministic/tied_groups_hash_order.py).
        let z_ok = group_of(k).is_none_or(|g| g == conflict);
        let v = match kind {
            Kind::Counter => format!("torch.tensor({})", r.below(3)),
            Kind::Vec2 if allow_none && r.pct(8) => "None".to_string(),
            Kind::Vec2 if z_ok && r.pct(20) => "z".to_string(),
            Kind::Vec2 => r.vec2(),
        };
        items.push(format!("{}: {v}", key_lit(k)));
    }
    if extra && r.pct(20) {
        items.push(format!("\"extra\": {}", r.vec2()));
    }
    format!("{{{}}}", items.join(", "))
}

/// Records of the module's tensors after a call.
fn record_module(r: &mut Rng, out: &mut String, m: &str, top: &Top) {
    match r.below(3) {
        0 => {
            let _ = writeln!(out, "{}", state(m, true));
        }
        1 => {
            let _ = writeln!(out, "print({m}.p, {m}.buf, {m}.s1.b)");
        }
        _ => {
            let _ = writeln!(out, "{m}.buf");
            let _ = writeln!(out, "{m}.s1.w");
        }
    }
    if top.has_bn && r.pct(50) {
        let _ = writeln!(out, "print({m}.bn.running_mean, {m}.bn.running_var, {m}.bn.num_batches_tracked)");
    }
}

/// functional_call's keyword arguments: tie_weights and strict, each given or left default.
fn flags(r: &mut Rng) -> String {
    let mut f = String::new();
    match r.below(3) {
        0 => f.push_str(", tie_weights=False"),
        1 => f.push_str(", tie_weights=True"),
        _ => {}
    }
    match r.below(4) {
        0 => f.push_str(", strict=True"),
        1 => f.push_str(", strict=False"),
        _ => {}
    }
    f
}

/// Program number `index` of the batch `seed`.
pub fn program(seed: u64, index: u64) -> String {
    let mut r = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(index));
    for _ in 0..4 {
        r.next();
    }
    let mut out = String::new();
    let _ = writeln!(out, "# fcall fuzz program: seed {seed}, index {index}");
    let _ = writeln!(out, "seed {}", r.below(1000));
    leaf_class(&mut r, &mut out, "Leaf");
    let top = top_class(&mut r, &mut out, "Top", "Leaf");
    let conflict = r.below(top.groups.max(1));
    let _ = writeln!(out, "m = Top()");
    if top.has_bn && r.pct(25) {
        let _ = writeln!(out, "m.bn.eval()");
    }
    let _ = writeln!(out, "x = torch.tensor([[{}, {}], [{}, {}], [{}, {}]])", r.num(), r.num(), r.num(), r.num(), r.num(), r.num());
    let _ = writeln!(out, "z = {}", r.vec2());
    let ndicts = 1 + r.below(3);
    for i in 0..ndicts {
        let d = if r.pct(15) {
            let made = [clone("state", "m"), clone("params", "m"), clone("buffers", "m"), params("m"), detach("params", "m")];
            r.pick(&made).clone()
        } else {
            String::new()
        };
        let lit = if d.is_empty() { dict_lit(&mut r, &top.keys, conflict, true, true) } else { d };
        let _ = writeln!(out, "d{i} = {lit}");
    }
    let ncalls = 2 + r.below(4);
    for _ in 0..ncalls {
        match r.below(10) {
            // One dict.
            0..=4 => {
                let i = r.below(ndicts);
                let _ = writeln!(out, "{}", functional_call("m", &format!("d{i}"), "x", &flags(&mut r)));
                let _ = writeln!(out, "d{i}");
            }
            // Several dicts, a tuple (or a list).
            5..=6 => {
                let i = r.below(ndicts);
                let j = r.below(ndicts);
                let (open, close) = if r.pct(80) { ("(", ")") } else { ("[", "]") };
                let _ = writeln!(out, "{}", functional_call("m", &format!("{open}d{i}, d{j}{close}"), "x", &flags(&mut r)));
                let _ = writeln!(out, "print(d{i}, d{j})");
            }
            // grad over a dict (tensors only).
            7..=8 => {
                let lit = dict_lit(&mut r, &top.keys, conflict, false, false);
                let lit = if r.pct(30) { detach("params", "m") } else { lit };
                let fl = flags(&mut r);
                let _ = writeln!(out, "def loss(p, x):\n    return {}.sum()", functional_call("m", "p", "x", &fl));
                let _ = writeln!(out, "g = grad(loss)({lit}, x)");
                let _ = writeln!(out, "g");
            }
            // A plain call.
            _ => {
                let _ = writeln!(out, "m(x)");
            }
        }
        record_module(&mut r, &mut out, "m", &top);
    }
    // The end: every dict and the module's tensors.
    for i in 0..ndicts {
        let _ = writeln!(out, "d{i}");
    }
    let _ = writeln!(out, "z");
    let _ = writeln!(out, "{}", state("m", true));
    let _ = writeln!(out, "print(m.p is m.s1.w, m.buf)");
    out
}
