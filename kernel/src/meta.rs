//! Notebook-only cell forms, checked before the cell goes to the engine:
//! `:clear` / `:clear wait` (clear the cell's output, as IPython's `clear_output()`) and
//! `name?` (the value or the help on `name`, shown in the pager, as IPython's `name?`).
pub enum Meta {
    Clear { wait: bool },
    Page(String),
}

pub fn parse(code: &str) -> Option<Meta> {
    let c = code.trim();
    match c {
        ":clear" => return Some(Meta::Clear { wait: false }),
        ":clear wait" => return Some(Meta::Clear { wait: true }),
        _ => {}
    }
    let word = c.strip_suffix('?')?.trim();
    let ok = !word.is_empty()
        && !word.starts_with('.')
        && word.chars().all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '.');
    ok.then(|| Meta::Page(word.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert!(matches!(parse(" :clear\n"), Some(Meta::Clear { wait: false })));
        assert!(matches!(parse("model.weight?"), Some(Meta::Page(w)) if w == "model.weight"));
        assert!(parse("x = 1").is_none());
        assert!(parse("a ? b").is_none());
    }
}
