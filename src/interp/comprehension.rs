//! List, set, dict and generator comprehensions. Each runs in a scope of its own (its loop
//! variables do not leak, as in Python 3); a generator expression is built eagerly as a list
//! and behaves as a one-shot iterable wherever fcall takes one.
use std::rc::Rc;

use fcall_lang::ast::{CompFor, CompKind, Comprehension};

use super::eval::{dict_key, Ctx};
use super::frame::Frame;
use super::{members, ops};
use crate::error::Result;
use crate::value::{DictRef, Value};

/// Evaluates `c` in `frame`.
pub fn eval(ctx: &Ctx, c: &Comprehension, frame: &Rc<Frame>) -> Result<Value> {
    let scope = Frame::child(frame);
    let mut items = Vec::new();
    let dict = DictRef::new();
    run(ctx, c, &c.generators, &scope, &mut |ctx, scope| {
        let k = ctx.eval(&c.elt, scope)?;
        match &c.value {
            Some(v) => {
                let v = ctx.eval(v, scope)?;
                dict.insert(dict_key(&k).map_err(|e| e.at(ctx.loc(c.elt.span)))?, v);
            }
            None => items.push(k),
        }
        Ok(())
    })?;
    Ok(match c.kind {
        CompKind::Dict => Value::Dict(dict),
        CompKind::List => Value::list(items),
        CompKind::Generator => super::pybuiltins::iterator_over("generator", items),
        CompKind::Set => super::sets::from_items(items)?,
    })
}

fn run(ctx: &Ctx, c: &Comprehension, gens: &[CompFor], scope: &Rc<Frame>, body: &mut dyn FnMut(&Ctx, &Rc<Frame>) -> Result<()>) -> Result<()> {
    let Some((g, rest)) = gens.split_first() else {
        return body(ctx, scope);
    };
    let it = ctx.eval(&g.iter, scope)?;
    let items = members::iterate(&it).map_err(|e| e.at(ctx.loc(g.iter.span)))?;
    'items: for item in items {
        ctx.assign(&g.target, item, scope)?;
        for cond in &g.ifs {
            let v = ctx.eval(cond, scope)?;
            if !ops::truthy(&v).map_err(|e| e.at(ctx.loc(cond.span)))? {
                continue 'items;
            }
        }
        run(ctx, c, rest, scope, body)?;
    }
    Ok(())
}
