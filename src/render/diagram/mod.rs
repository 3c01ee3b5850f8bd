//! Object diagrams: which name points at which tensor object, Python Tutor style. A neutral
//! graph ([`Diagram`]: panels of name slots, tensor objects and the marks of what happened) is
//! built once ([`build`]: from a call's record, stage by stage, or from a module or dict as it is
//! now) and rendered as terminal text ([`text`]), static SVG ([`svg`]) and JSON ([`Diagram::json`]).
//!
//! Edges are the slots' targets: one reference per slot, so a tie is two slots on one object and
//! a write-back is a dict slot moved to another object. Objects carry short labels (`t1`, `t2`,
//! ...) numbered by first appearance in the diagram, with the real `#id` beside them.
pub mod build;
pub mod svg;
pub mod text;

use serde_json::{json, Value as Json};

use super::Tone;

/// What happened to a slot or an object, in the call table's words and tones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MarkKind {
    /// The module slot holds the dict's object for the call.
    Swapped,
    /// A tied name (several slots, one object in the module).
    Tied,
    /// The object was written in place (version counter or a layer's report).
    WrittenInPlace,
    /// Forward left another object in the slot.
    Rebound,
    /// The dict's key now holds another object (the write-back).
    WrittenBack,
    /// The module slot got its own object back.
    Restored,
    /// A change to the module that outlives the call.
    Permanent,
    /// Where the call raised.
    Raised,
}

impl MarkKind {
    /// The table's tone for this mark (text colours and the SVG's palette follow it).
    pub fn tone(self) -> Tone {
        match self {
            MarkKind::Swapped => Tone::Muted,
            MarkKind::Tied => Tone::Warn,
            MarkKind::WrittenInPlace | MarkKind::Rebound | MarkKind::WrittenBack => Tone::Changed,
            MarkKind::Restored => Tone::Good,
            MarkKind::Permanent | MarkKind::Raised => Tone::Alarm,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            MarkKind::Swapped => "swapped",
            MarkKind::Tied => "tied",
            MarkKind::WrittenInPlace => "written_in_place",
            MarkKind::Rebound => "rebound",
            MarkKind::WrittenBack => "written_back",
            MarkKind::Restored => "restored",
            MarkKind::Permanent => "permanent",
            MarkKind::Raised => "raised",
        }
    }
}

/// A mark and its words ("written in place (v0->v1)").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub kind: MarkKind,
    pub text: String,
}

impl Mark {
    pub fn new(kind: MarkKind, text: impl Into<String>) -> Mark {
        Mark { kind, text: text.into() }
    }
}

/// What a slot refers to.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A tensor object: index into [`Diagram::objects`].
    Object(usize),
    /// `None`, or another non-tensor value, as Python's repr.
    Value(String),
    /// No such attribute (`_MISSING`).
    Missing,
    /// The record did not see it (why, in words): never guessed.
    Unseen(String),
}

/// A name that refers to something: a module attribute slot (dotted path) or a dict key.
#[derive(Clone, Debug)]
pub struct Slot {
    /// Index into [`Diagram::owners`].
    pub owner: usize,
    pub name: String,
    pub target: Target,
    pub marks: Vec<Mark>,
}

/// Names collapsed into one line (unchanged subtrees of a large module).
#[derive(Clone, Debug)]
pub struct Collapsed {
    pub owner: usize,
    pub text: String,
    pub count: usize,
}

/// An object as one panel shows it: its value at that moment and what happened to it.
#[derive(Clone, Debug)]
pub struct Shown {
    /// Index into [`Diagram::objects`].
    pub object: usize,
    /// The value at that moment (small tensors), "not kept", or None (a large tensor: shape only).
    pub value: Option<String>,
    pub marks: Vec<Mark>,
}

/// One moment: the slots and the objects they refer to.
#[derive(Clone, Debug, Default)]
pub struct Panel {
    pub title: String,
    /// The stage's narration (the stepper), one sentence per line.
    pub narration: Vec<String>,
    pub slots: Vec<Slot>,
    pub collapsed: Vec<Collapsed>,
    /// The objects the slots refer to, in order of first reference in this panel.
    pub objects: Vec<Shown>,
    pub notes: Vec<(String, Tone)>,
}

/// A tensor object (same object, same label in every panel).
#[derive(Clone, Debug)]
pub struct Object {
    /// `t1`, `t2`, ... by first appearance in the diagram.
    pub label: String,
    pub id: u64,
    /// `Parameter` or `Tensor`.
    pub kind: &'static str,
    pub dtype: &'static str,
    pub shape: Vec<i64>,
}

/// Who owns slots: a module (by its variable's class) or a dict.
#[derive(Clone, Debug)]
pub struct Owner {
    /// `mod` / `dict 1` as shown.
    pub title: String,
    /// How its slots are written: `mod.foo` (module) or `a['foo']` (dict).
    pub dict: bool,
}

/// The whole diagram: owners, objects and panels.
#[derive(Clone, Debug, Default)]
pub struct Diagram {
    pub title: String,
    pub owners: Vec<Owner>,
    pub objects: Vec<Object>,
    pub panels: Vec<Panel>,
    /// Panels side by side per row in the SVG (3 for a call, 1 for the stepper).
    pub columns: usize,
}

/// More visible slots than this in a panel and the SVG labels targets instead of drawing arrows.
pub const ARROWS_UP_TO: usize = 16;

impl Diagram {
    /// `mod.foo` or `a['foo']`.
    pub fn slot_name(&self, s: &Slot) -> String {
        let o = &self.owners[s.owner];
        if o.dict {
            format!("{}['{}']", o.title, s.name)
        } else {
            format!("{}.{}", o.title, s.name)
        }
    }

    /// `Tensor float32[2, 3]`.
    pub fn object_type(&self, o: usize) -> String {
        let ob = &self.objects[o];
        format!("{} {}{}", ob.kind, ob.dtype, shape_text(&ob.shape))
    }

    /// The graph as readable lines (golden tests): per panel, each slot's edge with its marks,
    /// each object with its value and marks; object ids are left out (they differ per run).
    pub fn graph_text(&self) -> String {
        text::render(self, text::Style { color: false, ids: false })
    }

    /// The diagram as JSON: owners, objects (label, id, type) and panels (slots with edges and
    /// marks, objects with values and marks, collapsed lines, notes).
    pub fn json(&self) -> Json {
        let marks = |m: &[Mark]| -> Json { m.iter().map(|m| json!({"kind": m.kind.name(), "text": m.text})).collect::<Vec<_>>().into() };
        let target = |t: &Target| -> Json {
            match t {
                Target::Object(i) => json!({"object": self.objects[*i].label}),
                Target::Value(v) => json!({"value": v}),
                Target::Missing => json!({"missing": true}),
                Target::Unseen(why) => json!({"unseen": why}),
            }
        };
        json!({
            "title": self.title,
            "owners": self.owners.iter().map(|o| json!({"title": o.title, "kind": if o.dict { "dict" } else { "module" }})).collect::<Vec<_>>(),
            "objects": self.objects.iter().map(|o| json!({
                "label": o.label, "id": o.id, "type": o.kind, "dtype": o.dtype, "shape": o.shape,
            })).collect::<Vec<_>>(),
            "panels": self.panels.iter().map(|p| json!({
                "title": p.title,
                "narration": p.narration,
                "slots": p.slots.iter().map(|s| json!({
                    "owner": s.owner, "name": s.name, "path": self.slot_name(s), "to": target(&s.target), "marks": marks(&s.marks),
                })).collect::<Vec<_>>(),
                "collapsed": p.collapsed.iter().map(|c| json!({"owner": c.owner, "text": c.text, "count": c.count})).collect::<Vec<_>>(),
                "objects": p.objects.iter().map(|o| json!({
                    "label": self.objects[o.object].label, "value": o.value, "marks": marks(&o.marks),
                })).collect::<Vec<_>>(),
                "notes": p.notes.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// `[2, 3]`; a 0-d tensor is `[]`.
pub fn shape_text(shape: &[i64]) -> String {
    format!("[{}]", shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "))
}
