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
