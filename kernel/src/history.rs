//! The in-memory input history of one kernel session (`history_request` tail, range, search).
//! Session number 1 is "this session", in every answer.
use jupyter_protocol::{HistoryEntry, HistoryRequest};

pub const SESSION: usize = 1;

#[derive(Default)]
pub struct History {
    /// (execution count, input, output text)
    entries: Vec<(usize, String, String)>,
}

impl History {
    pub fn push(&mut self, count: usize, input: &str, output: &str) {
        self.entries.push((count, input.to_string(), output.to_string()));
    }

    pub fn answer(&self, req: &HistoryRequest) -> Vec<HistoryEntry> {
        let (picked, output): (Vec<&(usize, String, String)>, bool) = match req {
            HistoryRequest::Tail { n, output, .. } => (last(self.entries.iter().collect(), *n), *output),
            HistoryRequest::Range { session, start, stop, output, .. } => {
                let ours = session.map_or(true, |s| s == 0 || s == SESSION as i32 || s < 0);
                let stop = if *stop <= 0 { i32::MAX } else { *stop };
                let hits = self.entries.iter().filter(|e| ours && (e.0 as i64) >= *start as i64 && (e.0 as i64) < stop as i64).collect();
                (hits, *output)
            }
            HistoryRequest::Search { pattern, unique, output, n, .. } => {
                let mut hits: Vec<&(usize, String, String)> = self.entries.iter().filter(|e| glob(pattern, &e.1)).collect();
                if *unique {
                    // Keep the latest occurrence of each input.
                    let mut seen = std::collections::HashSet::new();
                    hits = hits.into_iter().rev().filter(|e| seen.insert(e.1.clone())).collect();
                    hits.reverse();
                }
                (last(hits, *n), *output)
            }
        };
        picked
            .into_iter()
            .map(|(count, input, out)| {
                if output {
                    HistoryEntry::InputOutput(SESSION, *count, (input.clone(), out.clone()))
                } else {
                    HistoryEntry::Input(SESSION, *count, input.clone())
                }
            })
            .collect()
    }
}

fn last<T>(v: Vec<T>, n: i32) -> Vec<T> {
    if n <= 0 {
        return v;
    }
    let skip = v.len().saturating_sub(n as usize);
    v.into_iter().skip(skip).collect()
}

/// Glob match with `*` and `?`, as SQLite's GLOB (which IPython's history search uses).
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globbing() {
        assert!(glob("1 +*", "1 + 2"));
        assert!(glob("*", ""));
        assert!(!glob("1 +*", "x = 1 + 2"));
        assert!(glob("a?c*", "abcdef"));
    }

    #[test]
    fn tail_range_search() {
        let mut h = History::default();
        for (i, c) in ["1 + 2", "x = 1", "1 + 2"].iter().enumerate() {
            h.push(i + 1, c, "");
        }
        assert_eq!(h.answer(&HistoryRequest::Tail { n: 2, output: false, raw: true }).len(), 2);
        let r = h.answer(&HistoryRequest::Range { session: Some(1), start: 2, stop: 3, output: false, raw: true });
        assert!(matches!(&r[..], [HistoryEntry::Input(1, 2, s)] if s == "x = 1"));
        let s = h.answer(&HistoryRequest::Search { pattern: "1 +*".into(), unique: true, output: false, raw: true, n: 10 });
        assert_eq!(s.len(), 1);
    }
}
