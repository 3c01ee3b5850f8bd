//! Terminal manners: colour only on a TTY and never with NO_COLOR; tables as wide as the terminal.
use std::io::IsTerminal;

pub struct Term {
    pub width: u16,
    pub color: bool,
}

impl Term {
    pub fn detect() -> Term {
        let tty = std::io::stdout().is_terminal();
        let color = tty && std::env::var_os("NO_COLOR").is_none();
        let width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).or_else(|| if tty { terminal_width() } else { None }).unwrap_or(100);
        Term { width: width.clamp(40, 400), color }
    }
}

fn terminal_width() -> Option<u16> {
    // TIOCGWINSZ on stdout.
    #[repr(C)]
    struct WinSize {
        rows: u16,
        cols: u16,
        x: u16,
        y: u16,
    }
    extern "C" {
        fn ioctl(fd: i32, request: u64, ...) -> i32;
    }
    let mut ws = WinSize { rows: 0, cols: 0, x: 0, y: 0 };
    // SAFETY: TIOCGWINSZ writes a winsize struct into `ws`.
    let r = unsafe { ioctl(1, 0x5413, &mut ws as *mut WinSize) };
    if r == 0 && ws.cols > 0 {
        Some(ws.cols)
    } else {
        None
    }
}
