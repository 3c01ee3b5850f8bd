//! Shared by the binary's integration tests: running `fcall` on a file, a readable line diff.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (the workspace folder above `repl/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repl/ has a parent").to_path_buf()
}

/// What `fcall run [--json] FILE` printed: stdout, stderr and the exit status. Colour is off
/// (stdout is a pipe, and NO_COLOR is set) and tables are 100 columns wide.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

pub fn fcall_run(file: &Path, json: bool) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fcall"));
    cmd.arg("run");
    if json {
        cmd.arg("--json");
    }
    let out = cmd
        .arg(file)
        .current_dir(repo_root())
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run fcall on {}: {e}", file.display()));
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code().unwrap_or(-1),
    }
}

/// The `.fc` files of a folder, sorted by name.
pub fn scripts_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py" || x == "fc"))
        .collect();
    v.sort();
    v
}

/// A unified line diff (`-` expected, `+` actual) with three lines of context, or None when
/// the texts are equal.
/// `<TBackward0 object at 0x7f3b..>` with the address, which changes from run to run, as `0x…`.
pub fn without_addresses(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(" object at 0x") {
        let (head, tail) = rest.split_at(i + " object at 0x".len());
        out.push_str(head);
        out.push('…');
        rest = tail.trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

/// A line diff of two transcripts (None when equal), autograd-node addresses aside.
pub fn line_diff(expected: &str, actual: &str) -> Option<String> {
    let (expected, actual) = (&without_addresses(expected), &without_addresses(actual));
    if expected == actual {
        return None;
    }
    let a: Vec<&str> = expected.split('\n').collect();
    let b: Vec<&str> = actual.split('\n').collect();
    // Longest common subsequence table (outputs are a few hundred lines).
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    // Edit script: (tag, expected line number, text).
    let mut ops: Vec<(char, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i + 1, a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', i + 1, a[i]));
            i += 1;
        } else {
            ops.push(('+', i + 1, b[j]));
            j += 1;
        }
    }
    let changed: Vec<usize> = ops.iter().enumerate().filter(|(_, o)| o.0 != ' ').map(|(k, _)| k).collect();
    let mut out = String::new();
    let mut last_shown: Option<usize> = None;
    for (k, op) in ops.iter().enumerate() {
        let near = changed.iter().any(|c| c.abs_diff(k) <= 3);
        if !near {
            continue;
        }
        if last_shown.is_none_or(|l| l + 1 != k) {
            out.push_str(&format!("@@ expected line {} @@\n", op.1));
        }
        out.push_str(&format!("{}{}\n", op.0, op.2));
        last_shown = Some(k);
    }
    Some(out)
}
