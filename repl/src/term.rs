//! Terminal manners: colour only on a TTY and never with NO_COLOR; tables as wide as the
//! terminal, its size read again before every statement (the window may have been resized).
use std::io::IsTerminal;

pub struct Term {
    pub width: u16,
    pub color: bool,
    pub tty: bool,
}

impl Term {
    pub fn detect() -> Term {
        let tty = std::io::stdout().is_terminal();
        let color = tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let width = if tty { window_size().map(|(c, _)| c) } else { None }.or_else(columns_env).unwrap_or(100);
        Term { width: width.clamp(40, 400), color, tty }
    }

    /// The width now (the terminal's, else $COLUMNS, else what it was).
    pub fn current_width(&self) -> u16 {
        if self.tty { window_size().map(|(c, _)| c) } else { None }.or_else(columns_env).unwrap_or(self.width).clamp(40, 400)
    }
}

fn columns_env() -> Option<u16> {
    std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse().ok()).filter(|c| *c > 0)
}

/// (columns, rows) of the terminal on stdout (TIOCGWINSZ).
fn window_size() -> Option<(u16, u16)> {
    // SAFETY: TIOCGWINSZ writes a winsize struct into `ws`.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::ioctl(1, libc::TIOCGWINSZ, &mut ws as *mut libc::winsize) };
    if r == 0 && ws.ws_col > 0 {
        Some((ws.ws_col, ws.ws_row))
    } else {
        None
    }
}
