//! The REPL as a person uses it: the real `fcall` binary on a pseudo-terminal, keys typed into
//! it, the screen's bytes read back. Each test has its own HOME and XDG_DATA_HOME (history).
//!
//! Timeouts are generous (the machine may be loaded; the first entry waits for libtorch to load).
//! Output is matched on text that only the evaluation can produce (`42` for `6 * 7`), never on
//! the echo of what was typed.
mod pty;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use pty::Pty;

const LONG: Duration = Duration::from_secs(180);
const SHORT: Duration = Duration::from_secs(60);
/// What the line editor writes when it starts reading a new entry (bracketed paste on).
const NEW_LINE: &str = "\x1b[?2004h";

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("fcall-repl-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("data")).expect("scratch dir");
        Scratch(d)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fcall(home: &Path, env: &[(&str, &str)], cols: u16) -> Pty {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fcall"));
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("LINES")
        .env_remove("FCALL_MAX_LINES");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut p = Pty::spawn(cmd, cols, 40).expect("start fcall on a pseudo-terminal");
    p.expect(">>> ", LONG).expect("the first prompt");
    p
}

/// Types a line and waits for `answer` in what follows.
fn entry(p: &mut Pty, line: &str, answer: &str) -> String {
    p.send(&format!("{line}\r"));
    p.expect(answer, LONG).unwrap_or_else(|e| panic!("after `{line}`: {e}"))
}

/// Ctrl-D at the prompt (once the line editor reads keys: typed earlier, the terminal driver would
/// take it as its own end-of-line).
fn quit(mut p: Pty) -> Pty {
    p.wait_raw(LONG).expect("a prompt");
    p.send("\x04");
    let st = p.wait_exit(SHORT).expect("fcall exits on Ctrl-D");
    assert!(st.success(), "exit status {st:?}");
    p
}

#[test]
fn tab_completes_names_dotted_paths_and_dict_keys() {
    let s = Scratch::new("complete");
    let mut p = fcall(&s.0, &[], 100);
    entry(&mut p, "my_long_variable = 6 * 7; print(\"set\", 1 + 1)", "set 2");
    // A workspace name.
    p.send("my_long_v\t");
    entry(&mut p, "", "42");
    // A dotted path through a submodule to a parameter.
    entry(&mut p, "net = nn.ModuleDict({\"lin\": nn.Linear(2, 3)}); print(\"made\", 2 + 2)", "made 4");
    p.send("net.lin.we\t");
    entry(&mut p, ".shape", "torch.Size([3, 2])\r\n");
    // Members of torch's modules.
    p.send("torch.arang\t");
    entry(&mut p, "3).shape", "torch.Size([3])\r\n");
    // A dict key inside a["...
    entry(&mut p, "p = dict(net.named_parameters()); print(\"keys\", len(p))", "keys 2");
    p.send("p[\"lin.b\t");
    entry(&mut p, ".shape", "torch.Size([3])\r\n");
    quit(p);
}

#[test]
fn a_block_continues_with_dots_and_auto_indent_until_a_blank_line() {
    let s = Scratch::new("continue");
    let mut p = fcall(&s.0, &[], 100);
    p.send("for i in range(3):\r");
    // The `...` prompt comes with the block's indentation already typed.
    p.expect("...     ", LONG).expect("a continuation prompt, indented");
    p.send("print(i * 100 + 1)\r");
    p.expect("...     ", SHORT).expect("the block goes on until a blank line");
    // A blank line (only the offered indentation) closes the block and runs it.
    let out = entry(&mut p, "", "201");
    assert!(out.contains("1\r\n101\r\n201"), "{}", pty::visible(out.as_bytes()));
    assert!(!out.contains("rror"), "the first line ran on its own: {}", pty::visible(out.as_bytes()));
    // A class typed line by line: each `...` line comes indented one level deeper after a `:`.
    p.send("class Half(nn.Module):\r");
    p.send("def forward(self, x):\r");
    p.send("return x / 2\r");
    p.send("\r");
    entry(&mut p, "", ">>> ");
    entry(&mut p, "print(\"half\", Half()(torch.tensor(3.0)).item())", "half 1.5");
    // A pasted block (bracketed paste) runs whole.
    p.send("\x1b[200~def twice(x):\n    return 2 * x\n\nprint(\"twice\", twice(21))\x1b[201~");
    let out = entry(&mut p, "", "twice 42");
    assert!(!out.contains("rror"), "{}", pty::visible(out.as_bytes()));
    quit(p);
}

/// The functional_call documentation's examples (examples/functional_call_docs.py), pasted into
/// the REPL as a user would: every statement runs and shows what the page's comments promise.
#[test]
fn the_documentation_page_runs_as_pasted() {
    let s = Scratch::new("docs");
    let mut p = fcall(&s.0, &[("NO_COLOR", "1")], 120);
    let page = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/functional_call_docs.py")).expect("the docs example");
    p.send(&format!("\x1b[200~{}\x1b[201~", page.trim_end()));
    let out = entry(&mut p, "", "functional_call on Bar");
    let out = out + &p.expect(">>> ", LONG).expect("the prompt after the paste");
    let text = pty::visible(out.as_bytes());
    // What ran: everything after the echo of the pasted page (its last line ends so).
    let ran = text.rsplit_once("outside of grad").map_or(text.as_str(), |(_, after)| after);
    for want in ["tensor(0.)", "tensor(1.)", "functional_call on Foo", "foo_tied", "ValueError: functional_call got multiple values", "functional_call on Bar"] {
        assert!(ran.contains(want), "{want:?} missing from: {ran}");
    }
    assert!(!text.contains("rror["), "a statement failed: {text}");
    quit(p);
}

#[test]
fn history_is_recalled_in_a_new_process() {
    let s = Scratch::new("history");
    let p = {
        let mut p = fcall(&s.0, &[], 100);
        entry(&mut p, "40 + 2", "42");
        quit(p)
    };
    drop(p);
    let file = s.0.join("data/fcall/history");
    let saved = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    assert!(saved.contains("40 + 2"), "{saved}");
    let mut p = fcall(&s.0, &[], 100);
    // Up arrow, Enter.
    p.wait_raw(LONG).expect("the line editor");
    p.send("\x1b[A");
    entry(&mut p, "", "42");
    quit(p);
}

#[test]
fn ctrl_c_stops_a_running_loop_and_keeps_the_workspace() {
    let s = Scratch::new("interrupt");
    let mut p = fcall(&s.0, &[], 100);
    entry(&mut p, "keep = 6 * 7; print(\"kept\", keep)", "kept 42");
    let started = s.0.join("started.pt");
    let _ = std::fs::remove_file(&started);
    // The loop saves a file on its first iteration, so the test knows it is running.
    entry(&mut p, "i = 0", ">>> ");
    p.send(&format!("while True: i += 1; _ = torch.save({{\"a\": torch.zeros(())}}, \"{}\") if i == 1 else None\r", started.display()));
    let t0 = Instant::now();
    while !started.exists() {
        assert!(t0.elapsed() < LONG, "the loop never started: {}", pty::visible(&p.out[p.seen..]));
        p.drain_for(Duration::from_millis(50));
    }
    p.drain_for(Duration::from_millis(300));
    p.send("\x03");
    let out = p.expect("KeyboardInterrupt", SHORT).unwrap_or_else(|e| panic!("Ctrl-C did not stop the loop: {e}"));
    drop(out);
    p.expect(">>> ", SHORT).expect("a prompt after the interrupt");
    entry(&mut p, "print(\"still\", keep + 1)", "still 43");
    // Python keeps what the loop did before the interrupt: the counter advanced.
    entry(&mut p, "print(\"advanced\", i > 1)", "advanced True");
    // Ctrl-C at the prompt drops the line being typed. (Keys typed after it go with the line, as
    // a terminal drops them; so: the line editor is up, the text is echoed, Ctrl-C, a new line.)
    p.wait_raw(SHORT).expect("the line editor");
    p.send("undefined_name_here");
    p.expect("undefined_name_here", SHORT).expect("the echo of the typed line");
    p.send("\x03");
    p.expect(NEW_LINE, SHORT).expect("a new prompt after Ctrl-C");
    entry(&mut p, "print(\"after\", 2 * 3)", "after 6");
    assert!(!p.all_text().contains("NameError"), "{}", pty::visible(&p.out));
    quit(p);
}

#[test]
fn no_color_means_no_colour_codes() {
    let s = Scratch::new("nocolor");
    let script = |p: &mut Pty| {
        entry(p, "x = 1.5  # a comment", ">>> ");
        entry(p, "for k in [1]: print(\"str\", k + 1)", "str 2");
        entry(p, "undefined_thing + 1", "NameError");
        entry(p, "show dict(nn.Linear(2, 2).named_parameters())", "requires_grad");
    };
    let mut p = fcall(&s.0, &[("NO_COLOR", "1")], 100);
    script(&mut p);
    let p = quit(p);
    assert!(!pty::has_sgr(&p.out), "colour with NO_COLOR: {}", pty::visible(&p.out));
    // The same session with colour on does colour (so the check above can fail).
    let mut p = fcall(&s.0, &[], 100);
    script(&mut p);
    let p = quit(p);
    assert!(pty::has_sgr(&p.out), "no colour without NO_COLOR: {}", pty::visible(&p.out));
}

#[test]
fn tables_follow_the_terminal_width_and_long_output_is_cut() {
    let s = Scratch::new("width");
    let mut p = fcall(&s.0, &[("NO_COLOR", "1")], 60);
    let widest = |text: &str| text.lines().filter(|l| l.contains('│')).map(|l| l.trim_end_matches('\r').chars().count()).max().unwrap_or(0);
    entry(&mut p, "p = dict(nn.Linear(6, 4).named_parameters()); print(\"ok\", 3 * 3)", "ok 9");
    let narrow = entry(&mut p, "p", "2 entries");
    let narrow = narrow + &p.expect(">>> ", SHORT).expect("prompt");
    assert!(widest(&narrow) > 0 && widest(&narrow) <= 60, "{narrow}");
    // The window grows: the next table may use it.
    p.resize(160, 40);
    let wide = entry(&mut p, "p", "2 entries");
    let wide = wide + &p.expect(">>> ", SHORT).expect("prompt");
    assert!(widest(&wide) > 60 && widest(&wide) <= 160, "{wide}");
    // Thousands of lines: summarised.
    let out = entry(&mut p, "for i in range(5000): print(\"line\", i)", "line 4999");
    assert!(out.contains("more lines not shown"), "{}", pty::visible(out.as_bytes()));
    assert!(out.lines().count() < 300, "{} lines", out.lines().count());
    quit(p);
}

#[test]
fn help_prints_within_the_width() {
    let s = Scratch::new("help");
    let mut p = fcall(&s.0, &[("NO_COLOR", "1")], 70);
    let out = entry(&mut p, "help builtins", "isinstance");
    for line in out.lines().skip(1) {
        assert!(line.trim_end_matches('\r').chars().count() <= 70, "{line:?} in {out}");
    }
    let out = entry(&mut p, "help", "Topics:");
    for line in out.lines().skip(1) {
        assert!(line.trim_end_matches('\r').chars().count() <= 70, "{line:?} in {out}");
    }
    quit(p);
}

#[test]
fn plots_draw_braille_charts_and_a_slow_loop_shows_a_progress_bar() {
    let s = Scratch::new("plot");
    let mut p = fcall(&s.0, &[("NO_COLOR", "1")], 100);
    let braille = |t: &str| t.chars().filter(|c| ('\u{2801}'..='\u{28ff}').contains(c)).count();
    // The y range's top label ends a chart line; the echo has `25]`.
    let out = entry(&mut p, "plot([1, 4, 9, 16, 25], title=\"squares\")", " 25\r\n");
    let out = out + &p.expect(">>> ", SHORT).expect("prompt");
    assert!(braille(&out) > 10, "a braille chart: {}", pty::visible(out.as_bytes()));
    // A watched value over a loop.
    entry(&mut p, "bn = nn.BatchNorm1d(2); x = torch.arange(8.).reshape(4, 2); print(\"made\", 7 * 6)", "made 42");
    let out = entry(&mut p, "watch bn.running_mean", "2 numbers");
    drop(out);
    entry(&mut p, "for i in range(5): _ = bn(x * (i + 1))", ">>> ");
    let out = entry(&mut p, "watch", "6 samples");
    drop(out);
    let out = entry(&mut p, "plot watch", "bn.running_mean[1] (last ");
    let out = out + &p.expect(">>> ", SHORT).expect("prompt");
    assert!(braille(&out) > 10, "{}", pty::visible(out.as_bytes()));
    // A short loop shows no progress.
    let out = entry(&mut p, "for i in range(3): print(\"quick\", i * 11)", "quick 22");
    let out = out + &p.expect(">>> ", SHORT).expect("prompt");
    assert!(!out.contains("/3"), "no progress for a short loop: {}", pty::visible(out.as_bytes()));
    // A slow loop (work, not sleep: large matrix products) shows its bar with the count, which
    // Ctrl-C clears along with the loop.
    entry(&mut p, "a = torch.randn(1024, 1024); print(\"ready\", 3 * 3)", "ready 9");
    p.send("for i in range(100000): b = a @ a\r");
    let bar = p.expect("/100000", LONG).unwrap_or_else(|e| panic!("no progress bar: {e}"));
    assert!(bar.contains("for i in range(100000):"), "the bar names the loop: {}", pty::visible(bar.as_bytes()));
    // The bar updates: a later count appears.
    p.expect("/100000", SHORT).expect("an update of the bar");
    p.send("\x03");
    p.expect("KeyboardInterrupt", SHORT).expect("Ctrl-C stops the loop");
    p.expect(">>> ", SHORT).expect("a prompt after the interrupt");
    entry(&mut p, "print(\"counted\", i > 0)", "counted True");
    quit(p);
}

#[test]
fn draw_shows_the_diagram_and_step_walks_the_stages_one_key_at_a_time() {
    let s = Scratch::new("draw");
    let mut p = fcall(&s.0, &[("NO_COLOR", "1")], 100);
    entry(&mut p, "m = nn.BatchNorm1d(2); a = dict(m.named_parameters()); print(\"ok\", 2 * 2)", "ok 4");
    // The three panels in text, the module's own running statistics marked as a permanent change.
    let out = entry(&mut p, "draw call m with a (torch.ones(2, 2))", "── after the call ──");
    let out = out + &p.expect(">>> ", SHORT).expect("prompt");
    assert!(out.contains("── during forward (after the swap) ──") && out.contains("m.weight") && out.contains("swapped in from a['weight']"), "{out}");
    assert!(out.contains("PERMANENT CHANGE: the module's own tensor"), "{out}");
    // The stepper: the first stage, then one per key; q stops.
    let first = entry(&mut p, "step call m with a (torch.ones(2, 2))", "Enter next, q stop]");
    assert!(first.contains("── step 1 of ") && first.contains("1. merge") && !first.contains("── step 2 of "), "{first}");
    p.send("\r");
    let second = p.expect("Enter next, q stop]", SHORT).expect("the second stage");
    assert!(second.contains("── step 2 of ") && !second.contains("── step 3 of "), "{second}");
    p.send("q");
    let stop = p.expect(">>> ", SHORT).expect("back at the prompt after q");
    assert!(stop.contains("(stopped after stage 2 of ") && !stop.contains("── step 3 of "), "{stop}");
    // draw of the module now.
    entry(&mut p, "draw m", "m.num_batches_tracked");
    quit(p);
}
