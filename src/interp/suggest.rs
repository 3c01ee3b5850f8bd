//! CPython 3.11's "Did you mean" (Python/suggestions.c): the closest name by a Levenshtein
//! distance where a case flip costs 1 and any other edit 2, accepted only when at most about a
//! third of the characters change. Used by NameError (locals, then globals, then built-ins) and
//! by AttributeError on a module (its `dir()`).

const MAX_CANDIDATE_ITEMS: usize = 750;
const MAX_STRING_SIZE: usize = 40;
const MOVE_COST: usize = 2;
const CASE_COST: usize = 1;

fn substitution_cost(a: u8, b: u8) -> usize {
    if (a & 31) != (b & 31) {
        return MOVE_COST;
    }
    if a == b {
        return 0;
    }
    if a.eq_ignore_ascii_case(&b) {
        CASE_COST
    } else {
        MOVE_COST
    }
}

/// `levenshtein_distance` of suggestions.c (on UTF-8 bytes, as CPython compares them).
fn distance(a: &[u8], b: &[u8], max_cost: usize) -> usize {
    let (mut a, mut b) = (a, b);
    while let (Some(x), Some(y)) = (a.first(), b.first()) {
        if x != y {
            break;
        }
        a = &a[1..];
        b = &b[1..];
    }
    while let (Some(x), Some(y)) = (a.last(), b.last()) {
        if x != y {
            break;
        }
        a = &a[..a.len() - 1];
        b = &b[..b.len() - 1];
    }
    if a.is_empty() || b.is_empty() {
        return (a.len() + b.len()) * MOVE_COST;
    }
    if a.len() > MAX_STRING_SIZE || b.len() > MAX_STRING_SIZE {
        return max_cost + 1;
    }
    if b.len() < a.len() {
        std::mem::swap(&mut a, &mut b);
    }
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    let mut row: Vec<usize> = (1..=a.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (bi, &code) in b.iter().enumerate() {
        let mut dist = bi * MOVE_COST;
        result = dist;
        let mut minimum = usize::MAX;
        for (ai, &c) in a.iter().enumerate() {
            let substitute = dist + substitution_cost(code, c);
            dist = row[ai];
            let insert_delete = result.min(dist) + MOVE_COST;
            result = insert_delete.min(substitute);
            row[ai] = result;
            minimum = minimum.min(result);
        }
        if minimum > max_cost {
            return max_cost + 1;
        }
    }
    result
}

/// The closest of `candidates` to `name`, in CPython's order of preference (the first of equally
/// close ones), or None. Like CPython, gives up on 750 or more candidates.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if candidates.len() >= MAX_CANDIDATE_ITEMS {
        return None;
    }
    closest(name, candidates)
}

/// The closest candidate by CPython's distance, however many there are (fcall's own hints).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(&str, usize)> = None;
    for item in candidates {
        if item == name {
            continue;
        }
        let mut max = (name.len() + item.len() + 3) * MOVE_COST / 6;
        if let Some((_, d)) = best {
            max = max.min(d.saturating_sub(1));
        }
        let d = distance(name.as_bytes(), item.as_bytes(), max);
        if d > max {
            continue;
        }
        if best.is_none_or(|(_, bd)| d < bd) {
            best = Some((item, d));
        }
    }
    best.map(|(s, _)| s.to_string())
}

/// NameError's suggestion: the local scopes (innermost first), then the globals, then the
/// built-ins, each searched on its own; the first scope with a close name wins.
pub fn for_name<S: AsRef<str>>(name: &str, scopes: &[Vec<S>]) -> Option<String> {
    scopes.iter().find_map(|names| suggestion(name, names.iter().map(|s| s.as_ref())))
}

#[cfg(test)]
mod tests {
    use super::suggestion;

    #[test]
    fn matches_cpython_311() {
        // Checked against CPython 3.11's traceback display.
        assert_eq!(suggestion("zeroes", ["ones", "zeros"]), Some("zeros".into()));
        assert_eq!(suggestion("Linearr", ["Linear", "Bilinear"]), Some("Linear".into()));
        assert_eq!(suggestion("relux", ["relu", "relu6", "rrelu"]), Some("relu".into()));
        assert_eq!(suggestion("sqrtt", ["sqrt", "sin"]), Some("sqrt".into()));
        assert_eq!(suggestion("itemsiz", ["itemsize", "is_signed"]), Some("itemsize".into()));
        // Too far: `gard` is 4 away from `grad`, more than a third of 4 + 4 characters.
        assert_eq!(suggestion("gard", ["grad", "vmap"]), None);
        // A case flip is cheap.
        assert_eq!(suggestion("linear", ["Linear"]), Some("Linear".into()));
        assert_eq!(suggestion("x", ["x"]), None);
        let many: Vec<String> = (0..750).map(|i| format!("n{i}")).collect();
        assert_eq!(suggestion("n1x", many.iter().map(String::as_str)), None);
    }
}
