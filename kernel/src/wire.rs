//! The only module that touches ZeroMQ: binds the five sockets of a connection file, reads
//! requests leniently (the HMAC signature is still verified; a request whose content misses
//! optional fields is patched, never dropped), signs and sends replies, runs the heartbeat and
//! the IOPub actor (XPUB with `iopub_welcome`, JEP 65). The rest of the kernel sees only
//! [`JupyterMessage`]s and channels.
use std::time::Duration;

use jupyter_protocol::{ConnectionInfo, Header, IoPubWelcome, JupyterMessage, JupyterMessageContent, UnknownMessage};
use jupyter_zmq_client as jzc;
use jzc::{Connection, RawMessage, SubscriptionEvent};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use zeromq::{Socket, SocketRecv, ZmqMessage};

/// What the shell reader hands the shell loop, in arrival order.
pub enum Inbound {
    Request(JupyterMessage),
    /// Every request before this one had arrived when a [`Drain`] was asked for.
    Drained,
}

/// Asks the shell reader to read everything that has arrived (until the socket is quiet for
/// [`QUIET`]), queue [`Inbound::Drained`] after it, and then answer on the sender.
pub type Drain = mpsc::UnboundedSender<tokio::sync::oneshot::Sender<()>>;

/// How long the shell socket must stay silent for a drain to end: requests a front end sends
/// together (Run All) arrive within this of each other.
pub const QUIET: Duration = Duration::from_millis(20);

/// The kernel's end of a connection file, bound and ready.
pub struct Bound {
    pub shell: Replier<zeromq::RouterSendHalf>,
    pub shell_in: mpsc::UnboundedReceiver<Inbound>,
    pub drain: Drain,
    pub control: Channel,
    pub iopub: mpsc::UnboundedSender<JupyterMessage>,
}

/// A ROUTER channel read and answered from one task (control).
pub struct Channel {
    conn: Connection<zeromq::RouterSocket>,
}

/// The sending half of a ROUTER channel (shell replies).
pub struct Replier<S> {
    conn: Connection<S>,
}

/// Binds all five sockets (before the engine or libtorch does any work), then starts the
/// heartbeat, the shell reader and the IOPub actor on the current tokio runtime.
pub async fn bind(info: &ConnectionInfo, session: &str) -> anyhow::Result<Bound> {
    let mut hb = jzc::create_kernel_heartbeat_connection(info).await?;
    let mut shell = jzc::create_kernel_shell_connection(info, session).await?;
    let mut control = jzc::create_kernel_control_connection(info, session).await?;
    // Nothing is read from stdin yet (input_request is P2), but the socket must be bound.
    let mut stdin = jzc::create_kernel_stdin_connection(info, session).await?;
    let mut iopub = jzc::create_kernel_iopub_xpub_connection(info, session).await?;
    watch_accepts("heartbeat", hb.socket.monitor());
    watch_accepts("shell", shell.socket.monitor());
    watch_accepts("control", control.socket.monitor());
    watch_accepts("stdin", stdin.socket.monitor());
    watch_accepts("iopub", iopub.socket.monitor());

    tokio::spawn(async move {
        let _stdin = stdin;
        let mut errors = ErrorPause::default();
        loop {
            match hb.single_heartbeat().await {
                Ok(()) => errors.ok(),
                Err(e) => errors.failed("heartbeat", &e.to_string()).await,
            }
        }
    });

    let (shell_tx, shell_rx) = shell.split();
    let (in_tx, in_rx) = mpsc::unbounded_channel();
    let (drain_tx, drain_rx) = mpsc::unbounded_channel();
    tokio::spawn(read_loop(shell_rx, in_tx, drain_rx));

    let (io_tx, io_rx) = mpsc::unbounded_channel();
    tokio::spawn(iopub_actor(iopub, io_rx));

    Ok(Bound { shell: Replier { conn: shell_tx }, shell_in: in_rx, drain: drain_tx, control: Channel { conn: control }, iopub: io_tx })
}

/// Reports connections a socket could not accept (its monitor's AcceptFailed: no descriptor
/// left, ...): the first, then at each power of two, so a flood is reported without flooding
/// the log. (The accept loop itself pauses after a failure: vendor/README.md.)
fn watch_accepts(name: &'static str, mut events: futures::channel::mpsc::Receiver<zeromq::SocketEvent>) {
    use futures::StreamExt;
    tokio::spawn(async move {
        let mut failed = 0u32;
        while let Some(event) = events.next().await {
            if let zeromq::SocketEvent::AcceptFailed(e) = event {
                failed += 1;
                if failed.is_power_of_two() {
                    crate::log(&format!("{name}: cannot accept a connection ({failed} so far): {e}"));
                }
            }
        }
    });
}

/// Reads the shell socket forever; a bad message is logged and skipped, never fatal. A drain
/// request reads on until the socket is quiet, then marks the queue.
async fn read_loop(
    mut conn: Connection<zeromq::RouterRecvHalf>,
    out: mpsc::UnboundedSender<Inbound>,
    mut drains: mpsc::UnboundedReceiver<tokio::sync::oneshot::Sender<()>>,
) {
    let mut errors = ErrorPause::default();
    loop {
        tokio::select! {
            biased;
            Some(done) = drains.recv() => {
                // (A pending `recv` is dropped here: the socket's fair queue keeps the message.)
                // A client that never stops sending ends the drain after a second.
                let until = tokio::time::Instant::now() + Duration::from_secs(1);
                while tokio::time::Instant::now() < until {
                    let Ok(r) = tokio::time::timeout(QUIET, conn.socket.recv()).await else { break };
                    if !forward(r, &conn.mac, &out, &mut errors, "shell").await {
                        return;
                    }
                }
                if out.send(Inbound::Drained).is_err() {
                    return;
                }
                let _ = done.send(());
            }
            r = conn.socket.recv() => {
                if !forward(r, &conn.mac, &out, &mut errors, "shell").await {
                    return;
                }
            }
        }
    }
}

/// Queues one read's message; false when the shell loop has gone.
async fn forward(r: zeromq::ZmqResult<ZmqMessage>, mac: &Option<ring::hmac::Key>, out: &mpsc::UnboundedSender<Inbound>, errors: &mut ErrorPause, channel: &str) -> bool {
    match r {
        Ok(frames) => {
            errors.ok();
            match decode(frames, mac) {
                Some(msg) => out.send(Inbound::Request(msg)).is_ok(),
                None => true,
            }
        }
        Err(e) => {
            errors.failed(channel, &e.to_string()).await;
            true
        }
    }
}

/// Failed reads (a peer gone, descriptors exhausted): each one is reported the first time and
/// then once in a while, and repeated failures back off up to a second, so a broken socket
/// never turns into a busy loop.
#[derive(Default)]
struct ErrorPause {
    run: u32,
}

impl ErrorPause {
    fn ok(&mut self) {
        self.run = 0;
    }
    async fn failed(&mut self, channel: &str, why: &str) {
        self.run += 1;
        if self.run == 1 || self.run.is_power_of_two() {
            crate::log(&format!("{channel}: receive failed ({} in a row): {why}", self.run));
        }
        tokio::time::sleep(Duration::from_millis(5u64 << self.run.min(8))).await;
    }
}

impl Channel {
    /// The next well-signed request (bad ones are logged and skipped).
    pub async fn read(&mut self) -> JupyterMessage {
        let mut errors = ErrorPause::default();
        loop {
            match self.conn.socket.recv().await {
                Ok(frames) => {
                    errors.ok();
                    if let Some(msg) = decode(frames, &self.conn.mac) {
                        return msg;
                    }
                }
                Err(e) => errors.failed("control", &e.to_string()).await,
            }
        }
    }
    pub async fn send(&mut self, msg: JupyterMessage) {
        if let Err(e) = self.conn.send(stamp(msg)).await {
            crate::log(&format!("control: send failed: {e}"));
        }
    }
}

impl<S: zeromq::SocketSend> Replier<S> {
    pub async fn send(&mut self, msg: JupyterMessage) {
        if let Err(e) = self.conn.send(stamp(msg)).await {
            crate::log(&format!("shell: send failed: {e}"));
        }
    }
}

fn stamp(mut msg: JupyterMessage) -> JupyterMessage {
    msg.header.username = "fcall".into();
    msg
}

/// Frames → message. The signature is checked by the crate (constant time); then the header is
/// parsed, missing optional content fields get the defaults jupyter_client leaves out, and a
/// content that still fails to parse becomes an `UnknownMessage` (so the request is answered).
pub fn decode(frames: ZmqMessage, mac: &Option<ring::hmac::Key>) -> Option<JupyterMessage> {
    let signature = signature_of(&frames);
    let raw = match RawMessage::from_multipart(frames, mac) {
        Ok(r) => r,
        Err(e) => {
            crate::log(&format!("rejected a message: {e}"));
            return None;
        }
    };
    if mac.is_some() && !SEEN.lock().map(|mut s| s.first_time(signature.unwrap_or_default())).unwrap_or(true) {
        crate::log("rejected a message: duplicate signature (a replayed message)");
        return None;
    }
    let header: Header = match serde_json::from_slice(&raw.jparts[0]) {
        Ok(h) => h,
        Err(e) => {
            crate::log(&format!("rejected a message with a malformed header: {e}"));
            return None;
        }
    };
    let parent_header = serde_json::from_slice(&raw.jparts[1]).ok();
    let metadata: Value = serde_json::from_slice(&raw.jparts[2]).unwrap_or_else(|_| json!({}));
    let mut content: Value = serde_json::from_slice(&raw.jparts[3]).unwrap_or_else(|_| json!({}));
    if !content.is_object() {
        content = json!({});
    }
    patch_defaults(&header.msg_type, &mut content);
    let content = JupyterMessageContent::from_type_and_content(&header.msg_type, content.clone()).unwrap_or_else(|e| {
        crate::log(&format!("{}: content does not parse ({e}); answering as unknown", header.msg_type));
        JupyterMessageContent::UnknownMessage(UnknownMessage { msg_type: header.msg_type.clone(), content })
    });
    Some(JupyterMessage {
        zmq_identities: raw.zmq_identities,
        header,
        parent_header,
        metadata,
        content,
        buffers: raw.jparts.get(4..).map(|b| b.to_vec()).unwrap_or_default(),
        channel: None,
    })
}

/// The signature frame (the one after `<IDS|MSG>`).
fn signature_of(frames: &ZmqMessage) -> Option<Vec<u8>> {
    let mut it = frames.iter().skip_while(|f| &f[..] != b"<IDS|MSG>");
    it.next()?;
    it.next().map(|f| f.to_vec())
}

/// The signatures of the signed messages read so far (shell and control together), as
/// jupyter_client's `Session.digest_history`: a message whose signature was seen before is a
/// replay and is dropped. Past [`SEEN_MAX`] signatures the oldest tenth is forgotten.
#[derive(Default)]
struct Seen {
    set: std::collections::HashSet<Vec<u8>>,
    order: std::collections::VecDeque<Vec<u8>>,
}

const SEEN_MAX: usize = 1 << 16;

impl Seen {
    fn first_time(&mut self, sig: Vec<u8>) -> bool {
        if !self.set.insert(sig.clone()) {
            return false;
        }
        self.order.push_back(sig);
        if self.order.len() > SEEN_MAX {
            for old in self.order.drain(..SEEN_MAX / 10) {
                self.set.remove(&old);
            }
        }
        true
    }
}

static SEEN: std::sync::LazyLock<std::sync::Mutex<Seen>> = std::sync::LazyLock::new(Default::default);

fn patch_defaults(msg_type: &str, c: &mut Value) {
    let o = c.as_object_mut().expect("object");
    let mut def = |k: &str, v: Value| {
        if o.get(k).map_or(true, Value::is_null) {
            o.insert(k.into(), v);
        }
    };
    match msg_type {
        "execute_request" => {
            def("code", json!(""));
            def("silent", json!(false));
            def("store_history", json!(true));
            def("user_expressions", json!({}));
            def("allow_stdin", json!(false));
            def("stop_on_error", json!(true));
        }
        "complete_request" | "inspect_request" => {
            def("code", json!(""));
            let n = o.get("code").and_then(Value::as_str).map_or(0, |s| s.chars().count());
            if o.get("cursor_pos").map_or(true, Value::is_null) {
                o.insert("cursor_pos".into(), json!(n));
            }
            if msg_type == "inspect_request" && o.get("detail_level").map_or(true, Value::is_null) {
                o.insert("detail_level".into(), json!(0));
            }
        }
        "is_complete_request" => def("code", json!("")),
        "history_request" => {
            def("hist_access_type", json!("tail"));
            def("output", json!(false));
            def("raw", json!(true));
            def("n", json!(10));
            def("unique", json!(false));
            def("pattern", json!("*"));
            def("start", json!(0));
            def("stop", json!(i32::MAX));
        }
        "shutdown_request" => def("restart", json!(false)),
        "comm_open" | "comm_msg" | "comm_close" => def("data", json!({})),
        _ => {}
    }
}

/// The only owner of the XPUB socket, so IOPub messages go out in the order they were queued.
/// Each new subscription gets an `iopub_welcome`.
async fn iopub_actor(mut iopub: Connection<zeromq::XPubSocket>, mut rx: mpsc::UnboundedReceiver<JupyterMessage>) {
    let mut errors = ErrorPause::default();
    loop {
        tokio::select! {
            biased;
            sub = iopub.recv_subscription() => {
                match sub {
                    Ok(SubscriptionEvent::Subscribe(topic)) => {
                        errors.ok();
                        let welcome: JupyterMessage = IoPubWelcome::new(topic).into();
                        if let Err(e) = iopub.send(stamp(welcome)).await {
                            crate::log(&format!("iopub: welcome failed: {e}"));
                        }
                    }
                    Ok(SubscriptionEvent::Unsubscribe(_)) => {}
                    // A subscriber went away; the socket carries on.
                    Err(e) => errors.failed("iopub subscription", &e.to_string()).await,
                }
            }
            msg = rx.recv() => {
                let Some(msg) = msg else { return };
                if let Err(e) = iopub.send(stamp(msg)).await {
                    crate::log(&format!("iopub: send failed: {e}"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_accepted_once_and_old_ones_are_forgotten_past_the_limit() {
        let mut seen = Seen::default();
        assert!(seen.first_time(b"abc".to_vec()));
        assert!(!seen.first_time(b"abc".to_vec()));
        assert!(seen.first_time(b"abd".to_vec()));
        for i in 0..SEEN_MAX {
            seen.first_time(i.to_string().into_bytes());
        }
        // The oldest tenth went (jupyter_client culls a random tenth): "abc" may come again.
        assert!(seen.set.len() <= SEEN_MAX);
        assert!(seen.first_time(b"abc".to_vec()));
        assert!(!seen.first_time(SEEN_MAX.saturating_sub(1).to_string().into_bytes()));
    }

    #[test]
    fn the_signature_frame_follows_the_delimiter() {
        let mut msg = ZmqMessage::from("id");
        for f in ["<IDS|MSG>", "sig", "{}", "{}", "{}", "{}"] {
            msg.push_back(f.as_bytes().to_vec().into());
        }
        assert_eq!(signature_of(&msg), Some(b"sig".to_vec()));
        let msg = ZmqMessage::from("no delimiter".to_string());
        assert_eq!(signature_of(&msg), None);
    }
}
