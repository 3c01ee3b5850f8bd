//! `fcall export FILE -o FILE.py` and `fcall check FILE...`: the script as an equivalent
//! PyTorch script, and the two run side by side (fcall's JSON records against PyTorch's).
//!
//! A `.py` file is its own export; a `.fc` in the Python language exports as its text with the
//! command lines replaced (fcall::export::python), and `fcall check` runs it statement by
//! statement under fcall::export::RUNNER.
use std::path::{Path, PathBuf};
use std::process::Command;

use fcall::export::python::{self as pyexport, Mode};
use fcall::export::{compare, export_file, RUNNER};
use fcall::interp::{RunOptions, Session, Targets};
use fcall::export::serde_json::{self, Value as Json};

pub fn main(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("export") => export(&args[1..]),
        Some("check") => check(&args[1..]),
        _ => 2,
    }
}

fn read(path: &str) -> Result<String, i32> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("fcall: cannot read {path}: {e}");
        2
    })
}

fn export(args: &[String]) -> i32 {
    let mut input = None;
    let mut output = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--output" => output = it.next().cloned(),
            _ if input.is_none() => input = Some(a.clone()),
            _ => {
                eprintln!("usage: fcall export FILE.py|FILE.fc [-o OUT.py]");
                return 2;
            }
        }
    }
    let Some(input) = input else {
        eprintln!("usage: fcall export FILE.py|FILE.fc [-o OUT.py]");
        return 2;
    };
    if is_py(&input) {
        // Plain Python: its own export, byte for byte.
        return match std::fs::read(&input) {
            Ok(bytes) => write_out(output.as_deref(), &bytes),
            Err(e) => {
                eprintln!("fcall: cannot read {input}: {e}");
                2
            }
        };
    }
    let code = match read(&input) {
        Ok(c) => c,
        Err(rc) => return rc,
    };
    let py = match export_file(&code, &input) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fcall: {input}: {e}");
            return 1;
        }
    };
    write_out(output.as_deref(), py.as_bytes())
}

fn is_py(path: &str) -> bool {
    Path::new(path).extension().is_some_and(|e| e == "py")
}

/// Writes an export to `output` (standard output for none or `-`).
fn write_out(output: Option<&str>, bytes: &[u8]) -> i32 {
    use std::io::Write;
    match output {
        Some(o) if o != "-" => match std::fs::write(o, bytes) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("fcall: cannot write {o}: {e}");
                2
            }
        },
        _ => {
            let mut out = std::io::stdout().lock();
            if out.write_all(bytes).and_then(|_| out.flush()).is_err() {
                return 2;
            }
            0
        }
    }
}

/// The project's Python: $FCALL_PYTHON, else the venv scripts/env.sh makes.
fn python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FCALL_PYTHON").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let cache = std::env::var_os("FCALL_CACHE").map(PathBuf::from).or_else(|| {
        std::env::var_os("XDG_CACHE_HOME").map(|x| PathBuf::from(x).join("fcall")).or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/fcall")))
    })?;
    let p = cache.join("venv-2.13.0/bin/python");
    p.exists().then_some(p)
}

fn check(args: &[String]) -> i32 {
    let inputs: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if inputs.is_empty() {
        eprintln!("usage: fcall check FILE.py|FILE.fc [FILE ...]");
        return 2;
    }
    check_all(&inputs)
}

/// Runs the exported script(s) in Python, then removes them and their folder; exit code 2 if
/// Python cannot be started.
fn run_python(mut cmd: Command, python: &Path, scripts: &[PathBuf], dir: &Path) -> Result<std::process::Output, i32> {
    let run = cmd.output();
    for s in scripts {
        let _ = std::fs::remove_file(s);
    }
    let _ = std::fs::remove_dir(dir);
    run.map_err(|e| {
        eprintln!("fcall check: cannot run {}: {e}", python.display());
        2
    })
}

/// Both sides start every script from this random seed (`seed 0` / `torch.manual_seed(0)`), so
/// a script that draws random numbers without a `seed` of its own compares too.
const CHECK_SEED: i64 = 0;

/// fcall's JSON records of one script, in a fresh session in this process.
fn fcall_records(code: &str) -> Vec<Json> {
    tch::manual_seed(CHECK_SEED);
    let mut session = Session::new();
    session.targets = Targets { width: 100, text: false, color: false, html: false, json: true };
    session.run(code, RunOptions { keep_going: true }).iter().map(|o| o.json()).collect()
}

/// The line the batch driver prints before each script's records (it does not start with `{`).
const BATCH_MARK: &str = "#fcall-check-file ";

/// The export of one script for the Python side, which the runner runs statement by statement:
/// a `.py` as it is, a `.fc` with its command lines in check mode.
fn export_for_check(code: &str, input: &str) -> Result<String, String> {
    if is_py(input) {
        Ok(code.to_string())
    } else {
        pyexport::replace_commands(code, Mode::Check)
    }
}

/// `fcall check A.fc B.py ...`: each script runs in fcall and, exported, in Python (every export
/// in one Python process under the runner (runner.py: each script from CHECK_SEED, in fresh
/// globals holding the session prelude), in this folder, as fcall's run is). Prints one line per
/// file that agrees, the table of each that does not, and a summary; exit 1 if any does not
/// agree.
fn check_all(inputs: &[&String]) -> i32 {
    let Some(python) = python() else {
        eprintln!("fcall check: no Python with torch 2.13 found: set FCALL_PYTHON, or run `source scripts/env.sh` (it makes the venv)");
        return 2;
    };
    let dir = std::env::temp_dir().join(format!("fcall-check-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut rc = 0;
    // (input, fcall records, script path) of the files that export.
    let mut jobs = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let code = match read(input) {
            Ok(c) => c,
            Err(r) => {
                rc = rc.max(r);
                continue;
            }
        };
        let py = match export_for_check(&code, input) {
            Ok(p) => p,
            Err(e) => {
                println!("fcall check: {input}: {e}");
                rc = rc.max(1);
                continue;
            }
        };
        let script = dir.join(format!("s{i}.py"));
        if let Err(e) = std::fs::write(&script, &py) {
            eprintln!("fcall check: cannot write {}: {e}", script.display());
            return 2;
        }
        jobs.push((input.as_str(), fcall_records(&code), script));
    }
    let mut cmd = Command::new(&python);
    cmd.arg("-c").arg(RUNNER).arg(CHECK_SEED.to_string()).arg(pyexport::SESSION_PRELUDE);
    cmd.args(jobs.iter().map(|j| j.2.display().to_string()));
    // Python's string hashing (set order) decides which of two conflicting tie groups PyTorch
    // reports; the conformance cases were recorded, and fcall chooses, as under PYTHONHASHSEED=0.
    cmd.env("PYTHONHASHSEED", "0");
    let scripts: Vec<PathBuf> = jobs.iter().map(|j| j.2.clone()).collect();
    let out = match run_python(cmd, &python, &scripts, &dir) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let mut per_file: Vec<Vec<Json>> = vec![Vec::new(); jobs.len()];
    let mut cur: Option<usize> = None;
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some(n) = l.strip_prefix(BATCH_MARK) {
            cur = n.trim().parse().ok().filter(|&n: &usize| n < jobs.len());
        } else if l.starts_with('{') {
            if let (Some(c), Ok(v)) = (cur, serde_json::from_str(l)) {
                per_file[c].push(v);
            }
        }
    }
    let mut bad = 0;
    for (j, pyrecs) in jobs.iter().zip(&per_file) {
        let diffs = compare::compare(&j.1, pyrecs);
        if diffs.is_empty() {
            println!("{}: {} statements, fcall and PyTorch agree", j.0, j.1.len());
        } else {
            bad += 1;
            println!("{}: {} difference(s) between fcall and PyTorch {}:", j.0, diffs.len(), python.display());
            print!("{}", compare::table(&diffs));
            if pyrecs.is_empty() {
                println!("(no records from Python: see the Python run below)");
            }
        }
    }
    if !out.status.success() {
        println!("the Python run failed ({}):", out.status);
        for l in String::from_utf8_lossy(&out.stderr).lines().rev().take(12).collect::<Vec<_>>().iter().rev() {
            println!("  {l}");
        }
    }
    println!(
        "fcall check: {} file(s), {} agree, {} differ (numbers within {:e} rel + {:e} abs; ids by equality pattern; both sides seeded with {CHECK_SEED}, PYTHONHASHSEED=0)",
        inputs.len(),
        jobs.len() - bad,
        inputs.len() - (jobs.len() - bad),
        compare::REL_TOL,
        compare::ABS_TOL
    );
    if bad > 0 { rc.max(1) } else { rc }
}
