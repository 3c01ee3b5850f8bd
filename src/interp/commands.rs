//! The commands: `seed`, `show`, `ties`, `draw`, `help`, `history`, `reset`, `export`.
use std::collections::HashMap;

use std::rc::Rc;

use fcall_lang::ast::Command;

use super::eval::Ctx;
use super::frame::Frame;
use super::output::{dict_table, Display};
use crate::error::{Error, ExcType, Result};
use crate::nn::Module;
use crate::render::summary::summarize;
use crate::render::{Cell, Table, Tone};
use crate::value::Value;

/// `show mod`: every parameter and buffer slot (aliases included), what it holds, ties,
/// parametrizations and train/eval mode.
pub fn show_module(m: &Module) -> Result<Vec<Display>> {
    let mut t = Table {
        title: format!("{} #{} ({} mode)", m.class_name(), m.id(), if m.training() { "train" } else { "eval" }),
        header: ["name", "kind", "value", "id", "requires_grad", "tied with"].iter().map(|s| s.to_string()).collect(),
        ..Table::default()
    };
    let mut by_id: HashMap<u64, Vec<String>> = HashMap::new();
    let mut rows: Vec<(String, &'static str, Option<crate::tensor::TensorRef>, bool)> = Vec::new();
    for (prefix, sub) in m.named_modules("", false)? {
        let d = sub.data();
        for (kind, reg) in [("parameter", &d.parameters), ("buffer", &d.buffers)] {
            for (k, v) in reg.iter() {
                let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                let np = kind == "buffer" && d.non_persistent_buffers.contains(k);
                if let Some(tt) = v {
                    by_id.entry(tt.id()).or_default().push(name.clone());
                }
                rows.push((name, kind, v.clone(), np));
            }
        }
    }
    for (name, kind, v, np) in rows {
        let kind = if np { "buffer (non-persistent)".to_string() } else { kind.to_string() };
        match v {
            Some(tt) => {
                let others: Vec<String> = by_id[&tt.id()].iter().filter(|n| **n != name).cloned().collect();
                let flag = if tt.is_parameter() { "" } else if kind == "parameter" { " (plain Tensor!)" } else { "" };
                t.rows.push(vec![
                    Cell::plain(name),
                    Cell::new(format!("{kind}{flag}"), Tone::Muted),
                    Cell::plain(summarize(&tt)),
                    Cell::new(format!("#{}", tt.id()), Tone::Muted),
                    Cell::new(tt.requires_grad().to_string(), Tone::Muted),
                    Cell::new(if others.is_empty() { "-".into() } else { others.join(", ") }, if others.is_empty() { Tone::Muted } else { Tone::Warn }),
                ]);
            }
            None => t.rows.push(vec![Cell::plain(name), Cell::new(kind, Tone::Muted), Cell::new("None", Tone::Muted), Cell::plain("-"), Cell::plain("-"), Cell::plain("-")]),
        }
    }
    for (prefix, sub) in m.named_modules("", true)? {
        let props: Vec<String> = sub.data().properties.keys().cloned().collect();
        for p in props {
            let name = if prefix.is_empty() { p.clone() } else { format!("{prefix}.{p}") };
            t.notes.push(Cell::new(
                format!("{name} is parametrized: computed from {name_o} on every read", name_o = format!("{}parametrizations.{p}.original", if prefix.is_empty() { String::new() } else { format!("{prefix}.") })),
                Tone::Warn,
            ));
        }
    }
    let shared = shared_submodules(m)?;
    for paths in shared {
        t.notes.push(Cell::new(format!("one submodule at several paths: {}", paths.join(", ")), Tone::Warn));
    }
    Ok(vec![Display::Text(format!("{}\n", m.repr())), Display::Table(t)])
}

fn shared_submodules(m: &Module) -> Result<Vec<Vec<String>>> {
    let mut by_id: indexmap::IndexMap<u64, Vec<String>> = indexmap::IndexMap::new();
    for (p, s) in m.named_modules("", false)? {
        if !p.is_empty() {
            by_id.entry(s.id()).or_default().push(p);
        }
    }
    Ok(by_id.into_values().filter(|v| v.len() > 1).collect())
}

/// `ties mod`: groups of names that are one tensor object, and submodules at several paths.
pub fn ties(m: &Module) -> Result<Vec<Display>> {
    let mut all = m.named_parameters_with("", true, false)?;
    all.extend(m.named_buffers_with("", true, false)?);
    let mut groups: indexmap::IndexMap<u64, Vec<String>> = indexmap::IndexMap::new();
    for (n, t) in &all {
        groups.entry(t.id()).or_default().push(n.clone());
    }
    let mut out = String::new();
    let tied: Vec<(u64, Vec<String>)> = groups.into_iter().filter(|(_, g)| g.len() > 1).collect();
    if tied.is_empty() {
        out.push_str("no tied tensors\n");
    }
    for (id, g) in &tied {
        out.push_str(&format!("#{id}: {}\n", g.join(" = ")));
    }
    for paths in shared_submodules(m)? {
        out.push_str(&format!("one submodule at: {} (every tensor inside is tied; see `help tie`)\n", paths.join(", ")));
    }
    Ok(vec![Display::Text(out)])
}

pub fn show_value(v: &Value) -> Result<Vec<Display>> {
    Ok(match v {
        Value::Module(m) => show_module(m)?,
        Value::Dict(_) => vec![Display::Table(dict_table(v))],
        Value::Tensor(t) => vec![Display::Text(format!(
            "{}\nid #{}  type {}  shape {:?}  dtype {}  requires_grad {}  grad_fn {}  is_leaf {}  version {}\n",
            v.py_repr(),
            t.id(),
            t.type_name(),
            t.shape(),
            crate::tensor::dtype_name(t.kind()),
            t.requires_grad(),
            t.grad_fn_name().unwrap_or_else(|| "None".into()),
            t.grad_fn_name().is_none(),
            t.version()
        ))],
        other => vec![Display::Text(format!("{}\n", other.py_repr()))],
    })
}

const HELP: &str = "fcall runs PyTorch's Python on libtorch 2.13 and shows what torch.func.functional_call does.
A session starts as if it ran: import math, torch; import torch.nn as nn; import torch.nn.functional as F;
from torch.func import functional_call, grad, grad_and_value, vmap, stack_module_state

  class Foo(nn.Module):                   your own modules, as in PyTorch (a blank line ends the block)
      def __init__(self):
          super().__init__()
          self.register_buffer(\"foo\", torch.zeros(()))
      def forward(self, x):
          self.foo.add_(1)
          return x + self.foo
  mod = Foo()
  a = {\"foo\": torch.zeros(())}
  functional_call(mod, a, (torch.ones(()),))    the documentation's form: shows the call's table, then the value
  call mod with a (torch.ones(()))              the same call as a command (tie=False, strict=True options)
  y = call mod with a (x)                       the result is kept
  explain call mod with a (x)                   the same call, narrated stage by stage
  draw call mod with a (x)                      which name points at which tensor: before, during forward, after
  step call mod with a (x)                      the call stage by stage, one diagram each (Enter: next, q: stop)
  draw mod, draw a, draw mod, a                 the names and tensor objects now
  show mod, ties mod, seed 0, history, reset, help TOPIC, export python \"session.py\"
  plot(losses), plot(x, y), heatmap(before, after), watch bn.running_mean, plot watch

A command is a line Python rejects that starts with a command word (or any line starting with %);
a valid Python line never changes meaning. Topics: call, draw, tie, strict, grad, vmap, class, def, hooks,
parametrize, dict, list, save, plot, watch, progress, builtins.";

fn topic(t: &str) -> Option<&'static str> {
    Some(match t {
        "call" | "functional_call" => "call MODULE with DICTS (ARGS) [tie=True] [strict=False] [rows=all]
  is functional_call(MODULE, DICTS, (ARGS), tie_weights=, strict=); as a top-level expression,
  functional_call(...) shows the same table. DICTS is one dict (it receives the write-back of
  anything forward rebinds) or a tuple of dicts (merged into a new dict; keys must be distinct).
  The table shows, per name: the module's tensor before, what was swapped in and from where, what
  forward did (read, in-place write, rebinding), the dict's entry after, and whether the module
  was restored. Values before and swapped in are those of that moment (\"not kept\" where a
  large tensor was written). Writes the version counter misses are found too, at any size:
  BatchNorm's running statistics (the layer reports them), writes through `.data` or another
  tensor on the same memory, and `t.data = ...`; tensors of at most 4096 elements are also
  compared by value. Tensors above 6 elements show as dtype, shape and statistics, above 65536
  as dtype, shape and their first and last three elements (statistics would read them whole);
  a large result as PyTorch prints it. With more than 12 names the table lists the names where
  something happened (ties, in-place writes, rebindings, new objects written back, permanent
  changes, unused keys) and one line for the rest; rows=all lists every name. `explain call ...` narrates
  the stages: merge, untie, strict, swap, forward, restore, write-back.",
        "draw" | "step" | "diagram" => "draw call MODULE with DICTS (ARGS) [tie=..] [strict=..]   the object diagram of a call
  Names on the left (the module's slots by dotted path, the dicts' keys), tensor objects on the
  right (t1, t2, ... with their #id, type, dtype, shape and small values), one arrow per reference:
  a tie is two arrows into one object, a write-back a dict arrow moved to a new object. Three
  panels: before the call, during forward (after the swap: in-place writes, rebindings) and after
  (restored, and what the dict holds). Marks take the table's colours: written in place, rebound,
  NEW object written back, restored, PERMANENT CHANGE, tied. Only what the call observed is
  drawn; a value not kept says so. In notebooks it is an SVG image, in the terminal text.
step call ...   the same call stage by stage (merge, untie, strict, swap, each write or rebinding
  of forward, restore, write-back), one diagram per stage with its sentence; in the REPL Enter
  shows the next stage and q stops. `explain call ...` in a notebook shows these diagrams too.
draw mod, draw a, draw mod, a   the names and objects now (shared objects get an arrow from each name).",
        "tie" | "tie_weights" | "ties" => "Two names are tied when they hold the SAME tensor object (self.b = self.a,
  or one submodule at two paths). With tie_weights=True (the default) a value given for one name
  is used for all of them; giving different objects for names of one group is a ValueError, even
  when the values are equal (identity, not value). `ties MODULE` lists the groups. PyTorch 2.13
  bugs reproduced here: a group of 3+ names given in part raises KeyError; a submodule at two
  paths leaves the module holding your tensor after the call (pytorch/pytorch#164759).",
        "strict" => "strict=True: the keys (after untying) must be exactly the module's parameter and buffer names,
  aliases included, None slots and plain attributes excluded. The error lists Unexpected keys,
  then Missing keys, sorted.",
        "grad" | "grad_and_value" => "grad(f, argnums=0)(*args): torch.func.grad. f must return a scalar tensor; the result has the
  structure of the argument(s) differentiated (a dict of gradients for a dict of params).
  grad_and_value returns (grads, value).",
        "vmap" => "vmap(f, in_dims=0, out_dims=0, randomness=\"error\")(*args): torch.func.vmap. in_dims is an int,
  None, or a tuple matching the arguments; results are stacked on out_dims.",
        "class" | "classes" => "class Foo(nn.Module):
      def __init__(self, a):
          super().__init__()
          self.w = nn.Parameter(torch.ones(a))
      def forward(self, x):
          return x * self.w
  Attribute assignment follows nn.Module.__setattr__: nn.Parameter(t) registers a parameter,
  nn.Buffer(t) or self.register_buffer(\"name\", t) a buffer, a module a submodule; assigning a
  registered tensor to a second name ties them. Plain classes, single inheritance, super(),
  __repr__, __call__, @property, @staticmethod and @classmethod work as in Python. Containers:
  nn.Sequential(m1, m2), nn.ModuleList([m1, m2]), nn.ModuleDict({\"enc\": m1, \"dec\": m2}).",
        "def" | "args" | "kwargs" => "def f(a, b=1, *args, c, d=2, **kwargs): Python's parameters and TypeErrors. In
  `call MOD with D (ARGS)` the parenthesised list is functional_call's args tuple: (x) is
  PyTorch's args=x, ([a, b]) passes one list, () or keywords only pass no positional argument.",
        "hooks" | "hook" => "h = m.register_forward_pre_hook(pre); h2 = m.register_forward_hook(post); h.remove()
  pre(module, args) runs before forward (args is a tuple); a non-None result replaces the
  arguments (a non-tuple becomes a 1-tuple). post(module, args, output) runs after forward; a
  non-None result replaces the output. Hooks run in every module(...) call and inside
  functional_call, where they see the swapped-in tensors. prepend=True puts a hook first.",
        "list" | "lists" => "[1, 2] is a list: one shared object, so xs.append(v), extend, insert, pop, remove, clear,
  xs[i] = v and xs += ys change it for every name bound to it. (1, 2) is a tuple.",
        "parametrize" => "nn.utils.parametrize.register_parametrization(model, \"weight\", P()) moves weight to
  parametrizations.weight.original; reading model.weight computes P.forward(original). In a call,
  the key `parametrizations.weight.original` swaps the original; the key `weight` goes through
  P.right_inverse and rewrites original in place.",
        "dict" | "dicts" => "{\"foo\": t, \"lin.weight\": w} is an ordered dict (str keys); dict(model.named_parameters())
  and {k: v.detach() for k, v in model.named_parameters()} build the dicts functional_call takes.",
        "save" | "load" => "torch.save(model.state_dict(), \"w.pt\") / torch.load(\"w.pt\"); safetensors.torch.save_file /
  load_file for .safetensors.",
        "plot" | "plots" | "heatmap" => "plot(values) draws a line: values is a list of numbers or a 1-D tensor (x is 0, 1, 2, ...);
  plot(x, y) with x 1-D and y of the same length; a 2-D y (a tensor or a list of rows) is one line
  per column, as matplotlib's plot. title=\"...\" names the chart. `plot EXPR` is the same command.
  heatmap(t) shows a tensor as a grid (1-D: one row; N-D: shape[0] rows), blue below 0 and red
  above; heatmap(before, after) shows after - before and counts the entries that changed, e.g.
      w0 = lin.weight.detach().clone()   # then one training step, then: heatmap(w0, lin.weight)
  More than 48 rows or columns are averaged in blocks. Notebooks get a static SVG (no JavaScript),
  the terminal a braille chart (a shaded grid for heatmaps). plot and heatmap are fcall's own
  (the prelude's `from fcall import plot, heatmap`); plain Python has no such names.",
        "watch" | "unwatch" => "watch EXPR records EXPR's value from now on: after every iteration of a for/while loop run
  by top-level code (the innermost such loop: an outer iteration whose inner loop recorded adds
  nothing), and after every other top-level statement when the value changed. Loops inside
  functions you call record nothing. A number or a tensor of at most 8 elements is recorded
  whole (one line per element); a larger tensor by its mean (a reduction in libtorch: model
  tensors are never copied). A value that cannot be read at that moment is a gap.
  `watch` lists the watches, `unwatch EXPR` stops one, `unwatch` all, `plot watch` draws each
  over its samples (sample 0 is the value when `watch` ran); `reset` drops them.",
        "progress" => "A top-level statement that runs longer than a second shows progress while it runs: a
  `for` loop over a list, range, tuple or dict as iterations done / total, anything else (a
  `while`, an iterator, a long `call`) as the time it has run. The terminal shows a bar on
  stderr (only when stdout and stderr are terminals); notebooks show a display that updates in
  place. Short statements, `fcall run --json` and output to a file or pipe show none.",
        "builtins" => "",
        _ => return None,
    })
}

pub fn help(t: Option<&str>) -> Result<Vec<Display>> {
    match t {
        None => Ok(vec![Display::Text(format!("{HELP}\n"))]),
        Some("builtins") => Ok(vec![Display::Text(format!(
            "Python built-ins: {}\ntorch's functions, layers and transforms: torch.*, nn.*, F.*, math.* and torch.func's names (Tab completes after the dot)\n",
            super::builtins::names().join(" ")
        ))]),
        Some(t) => match topic(t) {
            Some(text) => Ok(vec![Display::Text(format!("{text}\n"))]),
            None => Err(Error::new(ExcType::NameError, "help::unknown_topic", format!("no help on '{t}'"))
                .with_hint("topics: call, draw, tie, strict, grad, vmap, class, def, hooks, parametrize, dict, list, save, plot, watch, progress, builtins")),
        },
    }
}

/// `draw mod`, `draw a`, `draw mod, a`: the names and objects now, as a diagram.
fn draw(ctx: &Ctx, e: &fcall_lang::ast::Expr, frame: &Rc<Frame>) -> Result<Display> {
    let src = ctx.sh.sources.borrow().get(ctx.src as usize).cloned().unwrap_or_else(|| Rc::from(""));
    let title = |e: &fcall_lang::ast::Expr, v: &Value| {
        let t = src.get(e.span.start..e.span.end).unwrap_or("").trim();
        if t.is_empty() || t.chars().count() > 24 {
            v.type_name().to_string()
        } else {
            t.to_string()
        }
    };
    let items: Vec<(String, Value)> = match &e.kind {
        fcall_lang::ast::ExprKind::Tuple(xs) => xs.iter().map(|x| ctx.eval(x, frame).map(|v| (title(x, &v), v))).collect::<Result<_>>()?,
        _ => {
            let v = ctx.eval(e, frame)?;
            vec![(title(e, &v), v)]
        }
    };
    Ok(Display::Diagram(Box::new(crate::render::diagram::build::now(&items)?)))
}

/// The commands that work anywhere, at top level and inside `def`/`for`/`if`/`with` bodies:
/// `seed`, `show`, `ties`, `help`. Their displays are returned; `None` for the commands that act
/// on the session (`history`, `reset`, `export`), which only the top level runs.
pub fn in_body(ctx: &Ctx, c: &Command, frame: &Rc<Frame>) -> Result<Option<Vec<Display>>> {
    if let Some(shown) = super::watch::command(ctx, c, frame) {
        return shown.map(Some);
    }
    Ok(Some(match c {
        Command::Seed(e) => {
            let v = ctx.eval(e, frame)?;
            let Value::Int(n) = v else {
                return Err(Error::type_error("command::seed", format!("seed takes an int, not {}", v.type_name())));
            };
            tch::manual_seed(n);
            Vec::new()
        }
        Command::Show(e) => show_value(&ctx.eval(e, frame)?)?,
        Command::Ties(e) => {
            let v = ctx.eval(e, frame)?;
            let Value::Module(m) = v else {
                return Err(Error::type_error("command::ties", format!("ties takes a module, not {}", v.type_name())));
            };
            ties(&m)?
        }
        Command::Draw(e) => vec![draw(ctx, e, frame)?],
        Command::Help(t) => help(t.as_ref().map(|t| t.name.as_str()))?,
        Command::History | Command::Reset | Command::Export { .. } => return Ok(None),
        Command::Watch(_) | Command::Unwatch(_) | Command::Plot(_) => unreachable!("watch::command runs these"),
    }))
}

