//! Plots of values and of values over time: `plot(values)`, `plot(x, y)`, `heatmap(before,
//! after)` (fcall's own functions, in the prelude), and the `watch` / `unwatch` / `plot watch`
//! commands. The charts themselves are drawn by [`crate::render::plot`]; a plot is a
//! [`Display::Svg`] (SVG for notebooks, a braille chart for the terminal).
//!
//! When a watch records (the rule `help watch` states): after every iteration of a `for` or
//! `while` loop run by top-level code (the innermost such loop only: an outer iteration whose
//! inner loop recorded adds nothing), and after every other top-level statement when the value
//! differs from the last one recorded. A number, or a tensor of at most [`WHOLE`] elements, is
//! recorded whole (one line per element); a larger tensor by its mean, computed in libtorch (a
//! reduction: the tensor is never copied).
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use fcall_lang::ast::Expr;
use tch::Kind;

use super::args::Args;
use super::eval::{Ctx, Shared};
use super::frame::Frame;
use super::output::Display;
use crate::error::{Error, Result};
use crate::render::plot::{num, Chart, Heat, Series};
use crate::tensor::{to_f64_vec, TensorRef};
use crate::value::{Function, FunctionKind, Value};

/// Tensors with at most this many elements are recorded (and plotted) element by element.
pub const WHOLE: usize = 8;
/// A watch stops recording after this many samples (it says so in `watch`).
pub const MAX_SAMPLES: usize = 100_000;
/// A heatmap shows at most this many rows and columns (larger tensors are averaged in blocks).
pub const HEAT_MAX: i64 = 48;

/// One watched expression and what it recorded.
pub struct Watch {
    /// The expression as written (`bn.running_mean`).
    pub source: String,
    expr: Expr,
    /// One name per recorded number (`m[0]`, `m[1]`, or `mean(m)`), fixed by the first sample.
    pub labels: Vec<String>,
    /// One row per sample (`NaN` where the expression failed or changed shape).
    pub rows: Vec<Vec<f64>>,
}

/// The session's watches (in `Shared`).
#[derive(Default)]
pub struct Watches {
    list: RefCell<Vec<Watch>>,
    /// Whether any watch exists (read on every loop iteration: one `Cell` load).
    active: Cell<bool>,
    /// Samples taken so far in this session (marks tell whether a nested loop recorded).
    taken: Cell<u64>,
    /// Set while a watch's expression is evaluated (its own loops record nothing).
    sampling: Cell<bool>,
}

/// What one evaluation of a watched expression gives: its numbers and their names.
fn reading(source: &str, v: &Value) -> Result<(Vec<String>, Vec<f64>)> {
    match v {
        Value::Bool(b) => Ok((vec![source.to_string()], vec![*b as i64 as f64])),
        Value::Int(i) => Ok((vec![source.to_string()], vec![*i as f64])),
        Value::Float(f) => Ok((vec![source.to_string()], vec![*f])),
        Value::Tensor(t) if t.numel() <= WHOLE => {
            let values = to_f64_vec(t.tensor())?;
            let labels = if t.shape().is_empty() { vec![source.to_string()] } else { (0..values.len()).map(|i| format!("{source}[{i}]")).collect() };
            Ok((labels, values))
        }
        Value::Tensor(t) => Ok((vec![format!("mean({source})")], vec![mean(t)?])),
        other => Err(Error::type_error("watch::value", format!("watch records a number or a tensor, not {}", other.type_name()))
            .with_hint("watch bn.running_mean, watch loss.item(), watch model.weight")),
    }
}

/// The mean of a tensor as a double, with no autograd graph and no copy of a float tensor.
fn mean(t: &TensorRef) -> Result<f64> {
    tch::no_grad(|| {
        let d = t.tensor().f_detach()?;
        let m = match d.kind() {
            Kind::Double | Kind::Float | Kind::Half | Kind::BFloat16 => d.f_mean(Kind::Double)?,
            _ => d.f_to_kind(Kind::Double)?.f_mean(Kind::Double)?,
        };
        Ok(m.f_double_value(&[])?)
    })
}

impl Watches {
    /// Whether loops at this frame record (any watch exists and the frame is the top level's).
    #[inline]
    pub fn records_at(&self, frame: &Rc<Frame>, globals: &Rc<Frame>) -> bool {
        self.active.get() && !self.sampling.get() && Rc::ptr_eq(frame, globals)
    }
    /// A mark to pass to [`Watches::after_iteration`] / [`Watches::after_statement`].
    #[inline]
    pub fn mark(&self) -> u64 {
        self.taken.get()
    }

    /// After an iteration of a top-level loop: records unless a nested loop recorded since `mark`.
    pub fn after_iteration(&self, ctx: &Ctx, mark: u64) {
        if self.taken.get() == mark {
            self.record(ctx, true);
        }
    }

    /// After a top-level statement: records the watches whose value changed, unless a loop of the
    /// statement recorded.
    pub fn after_statement(&self, ctx: &Ctx, mark: u64) {
        if self.active.get() && self.taken.get() == mark {
            self.record(ctx, false);
        }
    }

    fn record(&self, ctx: &Ctx, always: bool) {
        self.sampling.set(true);
        let exprs: Vec<(String, Expr)> = self.list.borrow().iter().map(|w| (w.source.clone(), w.expr.clone())).collect();
        let readings: Vec<Option<(Vec<String>, Vec<f64>)>> = exprs.iter().map(|(s, e)| ctx.eval(e, &ctx.sh.globals).and_then(|v| reading(s, &v)).ok()).collect();
        self.sampling.set(false);
        let mut took = false;
        for (w, r) in self.list.borrow_mut().iter_mut().zip(readings) {
            if w.rows.len() >= MAX_SAMPLES {
                continue;
            }
            let row = match r {
                Some((labels, values)) if labels == w.labels => values,
                _ => vec![f64::NAN; w.labels.len()],
            };
            let same = w.rows.last().is_some_and(|last| last.iter().zip(&row).all(|(a, b)| a == b || (a.is_nan() && b.is_nan())));
            if always || !same {
                w.rows.push(row);
                took = true;
            }
        }
        if took || always {
            self.taken.set(self.taken.get() + 1);
        }
    }

    /// `watch EXPR`: records the value now (sample 0) and from then on.
    pub fn add(&self, ctx: &Ctx, e: &Expr, frame: &Rc<Frame>) -> Result<Vec<Display>> {
        let source = source_of(ctx, e);
        let v = ctx.eval(e, frame)?;
        let (labels, values) = reading(&source, &v)?;
        let how = match &v {
            Value::Tensor(t) if t.numel() > WHOLE => format!("a tensor of {} elements: its mean is recorded", t.numel()),
            Value::Tensor(t) if !t.shape().is_empty() => format!("{} numbers", values.len()),
            _ => "a number".to_string(),
        };
        let mut list = self.list.borrow_mut();
        list.retain(|w| w.source != source);
        list.push(Watch { source: source.clone(), expr: e.clone(), labels, rows: vec![values] });
        self.active.set(true);
        Ok(vec![Display::Text(format!(
            "watching {source} ({how}), after each top-level statement and loop iteration; `plot watch` draws it\n"
        ))])
    }

    /// `unwatch EXPR` / `unwatch`.
    pub fn remove(&self, ctx: &Ctx, e: Option<&Expr>) -> Result<Vec<Display>> {
        let mut list = self.list.borrow_mut();
        let text = match e {
            None => {
                let n = list.len();
                list.clear();
                format!("removed {n} watch{}\n", if n == 1 { "" } else { "es" })
            }
            Some(e) => {
                let source = source_of(ctx, e);
                let before = list.len();
                list.retain(|w| w.source != source);
                if list.len() == before {
                    let names: Vec<&str> = list.iter().map(|w| w.source.as_str()).collect();
                    return Err(Error::new(crate::error::ExcType::KeyError, "watch::unknown", format!("'{source}' is not watched"))
                        .with_hint(if names.is_empty() { "no watches".to_string() } else { format!("watched: {}", names.join(", ")) }));
                }
                format!("stopped watching {source}\n")
            }
        };
        self.active.set(!list.is_empty());
        Ok(vec![Display::Text(text)])
    }

    /// `watch` alone: each watch, its samples and last value.
    pub fn listing(&self) -> Vec<Display> {
        let list = self.list.borrow();
        if list.is_empty() {
            return vec![Display::Text("no watches (watch EXPR records a value after each top-level statement and loop iteration)\n".into())];
        }
        let mut s = String::new();
        for w in list.iter() {
            let last = w.rows.last().map(|r| r.iter().map(|v| num(*v)).collect::<Vec<_>>().join(", ")).unwrap_or_default();
            let full = if w.rows.len() >= MAX_SAMPLES { " (full: stopped recording)" } else { "" };
            s.push_str(&format!("{}: {} sample{}{full}, last {}\n", w.source, w.rows.len(), if w.rows.len() == 1 { "" } else { "s" }, last));
        }
        vec![Display::Text(s)]
    }

    /// `plot watch`: one chart per watch, its numbers over the samples.
    pub fn charts(&self) -> Result<Vec<Chart>> {
        let list = self.list.borrow();
        if list.is_empty() {
            return Err(Error::value("watch::none", "nothing is watched").with_hint("watch bn.running_mean, then run a loop, then plot watch"));
        }
        Ok(list
            .iter()
            .map(|w| Chart {
                title: w.source.clone(),
                x_label: "sample".into(),
                series: w
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| Series { name: l.clone(), x: (0..w.rows.len()).map(|k| k as f64).collect(), y: w.rows.iter().map(|r| r.get(i).copied().unwrap_or(f64::NAN)).collect() })
                    .collect(),
            })
            .collect())
    }

    /// Drops every watch (`reset`).
    pub fn clear(&self) {
        self.list.borrow_mut().clear();
        self.active.set(false);
    }
}

/// The text of `e` as written.
fn source_of(ctx: &Ctx, e: &Expr) -> String {
    let sources = ctx.sh.sources.borrow();
    let src = sources.get(ctx.src as usize).cloned().unwrap_or_else(|| Rc::from(""));
    src.get(e.span.start..e.span.end).unwrap_or("?").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A chart as a display, its terminal text made for the session's targets now.
pub fn chart_display(sh: &Shared, c: &Chart) -> Display {
    let t = sh.targets.get();
    Display::Svg { svg: c.svg(), text: c.text(t.width, t.color) }
}

fn heat_display(sh: &Shared, h: &Heat) -> Display {
    let t = sh.targets.get();
    Display::Svg { svg: h.svg(), text: h.text(t.color) }
}

/// The numbers of a value: a number, a 0-d tensor, or a flat list/tuple of them.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Tensor(t) if t.numel() == 1 && t.shape().len() <= 1 => to_f64_vec(t.tensor()).ok().and_then(|v| v.first().copied()),
        _ => None,
    }
}

/// Data to plot as columns: a list of numbers or a 1-D tensor is one column; a 2-D tensor or a
/// list of equal-length rows is one column per entry of a row (as matplotlib's `plot`).
fn columns(v: &Value, what: &str) -> Result<Vec<Vec<f64>>> {
    let bad = |why: String| Error::value("plot::data", why);
    match v {
        Value::Tensor(t) => {
            let shape = t.shape();
            let values = to_f64_vec(t.tensor())?;
            match shape.len() {
                0 => Ok(vec![values]),
                1 => Ok(vec![values]),
                2 => {
                    let (n, k) = (shape[0] as usize, shape[1] as usize);
                    Ok((0..k).map(|j| (0..n).map(|i| values[i * k + j]).collect()).collect())
                }
                d => Err(bad(format!("{what} must be 1-D or 2-D, not a {d}-D tensor"))),
            }
        }
        Value::List(items) | Value::Tuple(items) => {
            let items = items.to_vec();
            if let Some(xs) = items.iter().map(number).collect::<Option<Vec<f64>>>() {
                return Ok(vec![xs]);
            }
            let rows = items
                .iter()
                .map(|r| match r {
                    Value::List(_) | Value::Tuple(_) | Value::Tensor(_) => {
                        let c = columns(r, what)?;
                        if c.len() == 1 {
                            Ok(c.into_iter().next().unwrap_or_default())
                        } else {
                            Err(bad(format!("{what}: each row must be a flat list of numbers")))
                        }
                    }
                    other => Err(Error::type_error("plot::data", format!("{what} must hold numbers, not {}", other.type_name()))),
                })
                .collect::<Result<Vec<Vec<f64>>>>()?;
            let k = rows.first().map_or(0, |r| r.len());
            if rows.iter().any(|r| r.len() != k) {
                return Err(bad(format!("{what}: the rows have different lengths")));
            }
            Ok((0..k).map(|j| rows.iter().map(|r| r[j]).collect()).collect())
        }
        other => match number(other) {
            Some(x) => Ok(vec![vec![x]]),
            None => Err(Error::type_error("plot::data", format!("{what} must be numbers, a list of numbers or a tensor, not {}", other.type_name()))),
        },
    }
}

/// `plot(y)` / `plot(x, y)`: the chart (matplotlib's rule for shapes: x is one column, y one or
/// several of the same length).
pub fn plot_chart(pos: &[Value], title: Option<String>) -> Result<Chart> {
    let (x, ys) = match pos {
        [y] => {
            let ys = columns(y, "y")?;
            let n = ys.first().map_or(0, |c| c.len());
            ((0..n).map(|i| i as f64).collect::<Vec<_>>(), ys)
        }
        [x, y] => {
            let xs = columns(x, "x")?;
            if xs.len() != 1 {
                return Err(Error::value("plot::data", "x must be 1-D"));
            }
            let x = xs.into_iter().next().unwrap_or_default();
            let ys = columns(y, "y")?;
            let n = ys.first().map_or(0, |c| c.len());
            if n != x.len() {
                return Err(Error::value("plot::shape", format!("x and y must have same first dimension, but have shapes ({},) and ({},)", x.len(), n)));
            }
            (x, ys)
        }
        _ => return Err(Error::type_error("call::too_many_arguments", format!("plot() takes 1 or 2 positional arguments ({} given)", pos.len())).with_hint("plot(values) or plot(x, y)")),
    };
    let several = ys.len() > 1;
    Ok(Chart {
        title: title.unwrap_or_default(),
        x_label: String::new(),
        series: ys.into_iter().enumerate().map(|(i, y)| Series { name: if several { format!("column {i}") } else { String::new() }, x: x.clone(), y }).collect(),
    })
}

/// `heatmap(t)` or `heatmap(before, after)`: the values (or `after - before`) as a grid; 1-D is
/// one row, N-D is `shape[0]` rows; more than [`HEAT_MAX`] rows or columns are averaged in blocks.
pub fn heat(before: &TensorRef, after: Option<&TensorRef>) -> Result<Heat> {
    let (grid, title) = tch::no_grad(|| -> Result<(tch::Tensor, String)> {
        let b = before.tensor().f_detach()?.f_to_kind(Kind::Double)?;
        match after {
            None => Ok((b, "values".to_string())),
            Some(a) => {
                if a.shape() != before.shape() {
                    return Err(Error::runtime(
                        "plot::heatmap_shape",
                        format!("heatmap(before, after): shapes differ: {:?} and {:?}", before.shape(), a.shape()),
                    ));
                }
                Ok((a.tensor().f_detach()?.f_to_kind(Kind::Double)?.f_sub(&b)?, "after - before".to_string()))
            }
        }
    })?;
    let shape = grid.size();
    let g = match shape.len() {
        0 => grid.f_reshape([1, 1])?,
        1 => grid.f_reshape([1, -1])?,
        _ => grid.f_reshape([shape[0], -1])?,
    };
    let (rows, cols) = (g.size()[0], g.size()[1]);
    let changed = if after.is_some() { Some(g.f_ne(0.0)?.f_sum(Kind::Int64)?.f_int64_value(&[])?) } else { None };
    let (g, pooled) = if rows > HEAT_MAX || cols > HEAT_MAX {
        (g.f_unsqueeze(0)?.f_adaptive_avg_pool2d([rows.min(HEAT_MAX), cols.min(HEAT_MAX)])?.f_squeeze_dim(0)?, true)
    } else {
        (g, false)
    };
    let (r, c) = (g.size()[0] as usize, g.size()[1] as usize);
    let values = to_f64_vec(&g)?;
    let total = rows * cols;
    let mut note = match changed {
        Some(n) => format!("{n} of {total} entries changed"),
        None => format!("{total} entries"),
    };
    if pooled {
        note.push_str(&format!("; {rows}×{cols} shown as {r}×{c} block means"));
    }
    Ok(Heat { title, rows: r, cols: c, values, note })
}

/// `plot(...)` and `heatmap(...)`, kept as `fcall.plot` and `fcall.heatmap` for the `fcall`
/// module (the prelude binds `plot` and `heatmap`).
pub fn add(out: &mut HashMap<String, Value>, sh: &Weak<Shared>) {
    let weak = sh.clone();
    out.insert(
        "fcall.plot".into(),
        Function::new("plot", FunctionKind::Builtin, move |pos, kw| {
            let mut title = None;
            for (k, v) in kw {
                match (k.as_str(), v) {
                    ("title", Value::Str(s)) => title = Some(s.to_string()),
                    ("title", Value::None) => {}
                    ("title", other) => return Err(Error::type_error("call::argument_type", format!("plot(): title must be a string, not {}", other.type_name()))),
                    _ => return Err(Error::type_error("call::unexpected_keyword", format!("plot() got an unexpected keyword argument '{k}'"))),
                }
            }
            let chart = plot_chart(pos, title)?;
            if let Some(sh) = weak.upgrade() {
                let d = chart_display(&sh, &chart);
                sh.displays.borrow_mut().push(d);
            }
            Ok(Value::None)
        }),
    );
    let weak = sh.clone();
    out.insert(
        "fcall.heatmap".into(),
        Function::new("heatmap", FunctionKind::Builtin, move |pos, kw| {
            let a = Args::bind("heatmap", &["before", "after"], 1, pos, kw)?;
            let before = a.tensor("before")?;
            let after = match a.get("after") {
                None | Some(Value::None) => None,
                Some(_) => Some(a.tensor("after")?),
            };
            let h = heat(&before, after.as_ref())?;
            if let Some(sh) = weak.upgrade() {
                let d = heat_display(&sh, &h);
                sh.displays.borrow_mut().push(d);
            }
            Ok(Value::None)
        }),
    );
}

/// The commands `watch`, `unwatch`, `plot`; `None` for a command that is not one of them.
pub fn command(ctx: &Ctx, c: &fcall_lang::ast::Command, frame: &Rc<Frame>) -> Option<Result<Vec<Display>>> {
    use fcall_lang::ast::Command;
    let w = &ctx.sh.watches;
    Some(match c {
        Command::Watch(None) => Ok(w.listing()),
        Command::Watch(Some(e)) => w.add(ctx, e, frame),
        Command::Unwatch(e) => w.remove(ctx, e.as_ref()),
        Command::Plot(None) => w.charts().map(|cs| cs.iter().map(|c| chart_display(&ctx.sh, c)).collect()),
        Command::Plot(Some(e)) => ctx.eval(e, frame).and_then(|v| plot_chart(&[v], Some(source_of(ctx, e)))).map(|c| vec![chart_display(&ctx.sh, &c)]),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(values: &[f64], shape: &[i64]) -> Value {
        Value::Tensor(TensorRef::new(tch::Tensor::from_slice(values).reshape(shape)))
    }

    #[test]
    fn plot_takes_a_list_a_tensor_columns_and_x_y() {
        let c = plot_chart(&[Value::List(crate::value::Seq::new(vec![Value::Int(1), Value::Float(2.5), Value::Bool(true)]))], None).unwrap();
        assert_eq!(c.series.len(), 1);
        assert_eq!(c.series[0].x, vec![0.0, 1.0, 2.0]);
        assert_eq!(c.series[0].y, vec![1.0, 2.5, 1.0]);
        let c = plot_chart(&[t(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2])], None).unwrap();
        assert_eq!(c.series.len(), 2, "a 2-D tensor is one series per column");
        assert_eq!(c.series[1].y, vec![2.0, 4.0, 6.0]);
        assert_eq!(c.series[0].name, "column 0");
        let c = plot_chart(&[t(&[0.0, 0.5, 1.0], &[3]), t(&[1.0, 4.0, 9.0], &[3])], Some("sq".into())).unwrap();
        assert_eq!(c.series[0].x, vec![0.0, 0.5, 1.0]);
        assert_eq!(c.title, "sq");
        let e = plot_chart(&[t(&[0.0, 1.0], &[2]), t(&[1.0, 4.0, 9.0], &[3])], None).unwrap_err();
        assert_eq!(e.message, "x and y must have same first dimension, but have shapes (2,) and (3,)");
        let e = plot_chart(&[t(&[0.0; 8], &[2, 2, 2])], None).unwrap_err();
        assert_eq!(e.message, "y must be 1-D or 2-D, not a 3-D tensor");
        let e = plot_chart(&[Value::str("ab")], None).unwrap_err();
        assert_eq!(e.type_name(), "TypeError");
    }

    #[test]
    fn heatmap_of_a_change_counts_the_changed_entries_and_pools_large_grids() {
        let before = TensorRef::new(tch::Tensor::zeros([3, 4], (Kind::Float, tch::Device::Cpu)));
        let after = TensorRef::new(tch::Tensor::from_slice(&[0.0f32, 1.0, 0.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.0, 0.0, 0.0, 0.0]).reshape([3, 4]));
        let h = heat(&before, Some(&after)).unwrap();
        assert_eq!((h.rows, h.cols), (3, 4));
        assert_eq!(h.values[1], 1.0);
        assert_eq!(h.values[6], -2.0);
        assert_eq!(h.note, "2 of 12 entries changed");
        let big = TensorRef::new(tch::Tensor::ones([100, 200], (Kind::Float, tch::Device::Cpu)));
        let h = heat(&big, None).unwrap();
        assert_eq!((h.rows, h.cols), (48, 48));
        assert!(h.values.iter().all(|v| *v == 1.0));
        assert!(h.note.ends_with("100×200 shown as 48×48 block means"), "{}", h.note);
        let other = TensorRef::new(tch::Tensor::ones([2], (Kind::Float, tch::Device::Cpu)));
        assert_eq!(heat(&before, Some(&other)).unwrap_err().type_name(), "RuntimeError");
    }

    #[test]
    fn a_reading_is_whole_for_small_tensors_and_a_mean_for_large_ones() {
        let (l, v) = reading("m", &t(&[1.0, 2.0], &[2])).unwrap();
        assert_eq!((l, v), (vec!["m[0]".to_string(), "m[1]".to_string()], vec![1.0, 2.0]));
        let (l, v) = reading("w", &t(&[1.0; 9], &[3, 3])).unwrap();
        assert_eq!((l, v), (vec!["mean(w)".to_string()], vec![1.0]));
        let (l, v) = reading("n", &Value::Int(3)).unwrap();
        assert_eq!((l, v), (vec!["n".to_string()], vec![3.0]));
        assert_eq!(reading("s", &Value::str("x")).unwrap_err().type_name(), "TypeError");
    }

    use crate::interp::{OutKind, RunOptions, Session};

    fn run(s: &mut Session, code: &str) -> Vec<crate::interp::StmtOutput> {
        let o = s.run(code, RunOptions::default());
        assert!(o.iter().all(|o| o.kind != OutKind::Error), "{}", o.iter().map(|o| o.text().to_string()).collect::<String>());
        o
    }

    fn samples(s: &Session, i: usize) -> Vec<f64> {
        s.sh.watches.list.borrow()[i].rows.iter().map(|r| r[0]).collect()
    }

    #[test]
    fn a_watch_records_innermost_iterations_and_changed_statements_only() {
        let mut s = Session::new();
        let o = run(&mut s, "n = 0\nwatch n");
        assert!(o[1].text().starts_with("watching n (a number)"), "{}", o[1].text());
        run(&mut s, "for i in range(3):\n    for j in range(2):\n        n += 1\n");
        assert_eq!(samples(&s, 0), [0., 1., 2., 3., 4., 5., 6.], "one sample per inner iteration");
        run(&mut s, "x = 5");
        assert_eq!(samples(&s, 0).len(), 7, "n did not change");
        run(&mut s, "n = 100");
        // A function's loop records nothing; the statement that called it records the change.
        run(&mut s, "def f():\n    global n\n    for k in range(4):\n        n += 1\n\nf()");
        // while loops record too; a loop with no iteration changes nothing.
        run(&mut s, "while n < 106:\n    n += 1\nfor q in []:\n    n = -1\n");
        assert_eq!(samples(&s, 0), [0., 1., 2., 3., 4., 5., 6., 100., 104., 105., 106.]);
        let o = run(&mut s, "watch");
        assert_eq!(o[0].text(), "n: 11 samples, last 106\n");
        let o = run(&mut s, "plot watch");
        assert!(matches!(&o[0].display[..], [Display::Svg { .. }]));
        assert!(o[0].text().contains("── n (last 106"), "{}", o[0].text());
        let o = run(&mut s, "unwatch n\nwatch");
        assert_eq!(o[0].text(), "stopped watching n\n");
        assert!(o[1].text().starts_with("no watches"), "{}", o[1].text());
    }

    #[test]
    fn a_tensor_watch_keeps_small_tensors_whole_and_large_ones_as_a_mean() {
        let mut s = Session::new();
        let o = run(&mut s, "bn = nn.BatchNorm1d(2)\nlin = nn.Linear(10, 10)\nwatch bn.running_mean\nwatch lin.weight");
        assert!(o[2].text().contains("(2 numbers)"), "{}", o[2].text());
        assert!(o[3].text().contains("a tensor of 100 elements: its mean is recorded"), "{}", o[3].text());
        run(&mut s, "x = torch.tensor([[1., 2.], [3., 4.]])\nfor i in range(2):\n    y = bn(x)\n");
        let list = s.sh.watches.list.borrow();
        assert_eq!(list[0].labels, ["bn.running_mean[0]", "bn.running_mean[1]"]);
        // running_mean = 0.9 * running_mean + 0.1 * batch mean (2, 3).
        let last = list[0].rows.last().unwrap();
        assert!((last[0] - 0.38).abs() < 1e-6 && (last[1] - 0.57).abs() < 1e-6, "{last:?}");
        assert_eq!(list[1].labels, ["mean(lin.weight)"]);
        assert_eq!(list[1].rows.len(), 3, "sample 0 and one per iteration");
        drop(list);
        // Recording adds no autograd history and keeps no copy: the parameter is the same object.
        let o = run(&mut s, "lin.weight.grad is None and lin.weight.is_leaf");
        assert_eq!(o[0].text().trim(), "True");
    }

    #[test]
    fn bad_watches_and_plots_are_python_errors() {
        let mut s = Session::new();
        let err = |s: &mut Session, code: &str| {
            let o = s.run(code, RunOptions::default());
            let e = o.last().unwrap();
            assert_eq!(e.kind, OutKind::Error, "{code}");
            match &e.failure {
                Some(crate::interp::Failure::Raised(x)) => format!("{}: {}", x.type_name(), x.message),
                _ => panic!("{code}: not raised"),
            }
        };
        assert!(err(&mut s, "watch nn.Linear(2, 2)").starts_with("TypeError: watch records a number or a tensor, not Linear"));
        assert!(err(&mut s, "unwatch nothing_here").starts_with("KeyError: 'nothing_here' is not watched"));
        assert!(err(&mut s, "plot watch").starts_with("ValueError: nothing is watched"));
        assert!(err(&mut s, "plot([1, 2], [1, 2, 3])").starts_with("ValueError: x and y must have same first dimension"));
        assert!(err(&mut s, "plot(1, 2, 3)").starts_with("TypeError: plot() takes 1 or 2 positional arguments (3 given)"));
        assert!(err(&mut s, "plot([1], colour=1)").starts_with("TypeError: plot() got an unexpected keyword argument 'colour'"));
        assert!(err(&mut s, "heatmap([1, 2])").starts_with("TypeError: heatmap(): argument 'before' must be Tensor, not list"));
        // A watch whose name goes away records a gap, not an error.
        run(&mut s, "z = 1\nwatch z\ndel z\nz2 = 3");
        assert!(samples(&s, 0)[1].is_nan());
    }

    #[test]
    fn plot_and_heatmap_show_an_svg_and_a_text_chart() {
        let mut s = Session::new();
        s.targets.html = true;
        let o = run(&mut s, "plot(torch.tensor([1., 4., 9.5]), title='sq')");
        assert_eq!(o[0].kind, OutKind::None, "plot returns None");
        let [Display::Svg { svg, text }] = &o[0].display[..] else { panic!("one picture") };
        assert!(svg.starts_with("<svg") && svg.contains("sq"));
        assert!(text.starts_with("sq\n") && text.contains("9.5000"), "{text}");
        // A picture of its own for notebooks, never inside the HTML.
        assert!(o[0].html().is_empty(), "{}", o[0].html());
        assert!(matches!(o[0].pictures(), [p] if p.svg == *svg && p.text == *text));
        let o = run(&mut s, "w0 = torch.zeros(2, 3)\nw1 = w0.clone()\nw1[0, 1] = 2.0\nheatmap(w0, w1)");
        let [Display::Svg { text, .. }] = &o[3].display[..] else { panic!("one picture") };
        assert!(text.contains("1 of 6 entries changed"), "{text}");
        // `plot EXPR` is the same chart, titled by the expression.
        let o = run(&mut s, "ys = [3, 1, 2]\nplot ys");
        let [Display::Svg { text, .. }] = &o[1].display[..] else { panic!("one picture") };
        assert!(text.starts_with("ys\n"), "{text}");
    }
}
