//! The neutral table: a title, a header, rows of toned cells and footer notes. Front ends never
//! format tables themselves; they pick a renderer (text or HTML).

/// How a cell should stand out: the renderers map tones to colours or CSS classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// Secondary information (ids, "not passed").
    Muted,
    /// As it should be (restored, same object).
    Good,
    /// Something changed, as PyTorch intends (in-place write, new object written back).
    Changed,
    /// Worth a second look (a tied alias, a merged dict that loses rebindings).
    Warn,
    /// A permanent change to the module, or a known PyTorch bug.
    Alarm,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    pub fn new(text: impl Into<String>, tone: Tone) -> Cell {
        Cell { text: text.into(), tone }
    }
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell::new(text, Tone::Plain)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Lines under the table (legend, known bugs, the merged-dict warning).
    pub notes: Vec<Cell>,
}

impl Table {
    /// A palette index for every object id (`#N`) in the table, by first appearance (rows, then
    /// notes), so each object has one colour wherever it appears.
    pub fn id_colours(&self) -> std::collections::HashMap<u64, usize> {
        let mut ids = std::collections::HashMap::new();
        let cells = self.rows.iter().flatten().chain(&self.notes);
        for c in cells {
            for_each_id(&c.text, |_, id| {
                if let Some(id) = id {
                    let n = ids.len();
                    ids.entry(id).or_insert(n);
                }
            });
        }
        ids
    }
}

/// Splits `text` into pieces, calling `f(piece, Some(id))` for each `#N` object id and
/// `f(piece, None)` for the text between them.
pub fn for_each_id(text: &str, mut f: impl FnMut(&str, Option<u64>)) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            if j > i + 1 && (j == bytes.len() || !bytes[j].is_ascii_alphanumeric()) {
                if start < i {
                    f(&text[start..i], None);
                }
                f(&text[i..j], text[i + 1..j].parse().ok());
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if start < text.len() {
        f(&text[start..], None);
    }
}
