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
use zeromq::{SocketRecv, ZmqMessage};

/// The kernel's end of a connection file, bound and ready.
pub struct Bound {
    pub shell: Replier<zeromq::RouterSendHalf>,
    pub shell_in: mpsc::UnboundedReceiver<JupyterMessage>,
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
    let shell = jzc::create_kernel_shell_connection(info, session).await?;
    let control = jzc::create_kernel_control_connection(info, session).await?;
    // Nothing is read from stdin yet (input_request is P2), but the socket must be bound.
    let stdin = jzc::create_kernel_stdin_connection(info, session).await?;
    let iopub = jzc::create_kernel_iopub_xpub_connection(info, session).await?;

    tokio::spawn(async move {
        let _stdin = stdin;
        loop {
            if let Err(e) = hb.single_heartbeat().await {
                crate::log(&format!("heartbeat: {e}"));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    });

    let (shell_tx, shell_rx) = shell.split();
    let (in_tx, in_rx) = mpsc::unbounded_channel();
    tokio::spawn(read_loop(shell_rx, in_tx));

    let (io_tx, io_rx) = mpsc::unbounded_channel();
    tokio::spawn(iopub_actor(iopub, io_rx));

    Ok(Bound { shell: Replier { conn: shell_tx }, shell_in: in_rx, control: Channel { conn: control }, iopub: io_tx })
}

/// Reads the shell socket forever; a bad message is logged and skipped, never fatal.
async fn read_loop(mut conn: Connection<zeromq::RouterRecvHalf>, out: mpsc::UnboundedSender<JupyterMessage>) {
    loop {
        match conn.socket.recv().await {
            Ok(frames) => {
                if let Some(msg) = decode(frames, &conn.mac) {
                    if out.send(msg).is_err() {
                        return;
                    }
                }
            }
            Err(e) => {
                crate::log(&format!("shell: receive failed: {e}"));
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
}

impl Channel {
    /// The next well-signed request (bad ones are logged and skipped).
    pub async fn read(&mut self) -> JupyterMessage {
        loop {
            match self.conn.socket.recv().await {
                Ok(frames) => {
                    if let Some(msg) = decode(frames, &self.conn.mac) {
                        return msg;
                    }
                }
                Err(e) => {
                    crate::log(&format!("control: receive failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
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
    let raw = match RawMessage::from_multipart(frames, mac) {
        Ok(r) => r,
        Err(e) => {
            crate::log(&format!("rejected a message: {e}"));
            return None;
        }
    };
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
    loop {
        tokio::select! {
            biased;
            sub = iopub.recv_subscription() => {
                match sub {
                    Ok(SubscriptionEvent::Subscribe(topic)) => {
                        let welcome: JupyterMessage = IoPubWelcome::new(topic).into();
                        if let Err(e) = iopub.send(stamp(welcome)).await {
                            crate::log(&format!("iopub: welcome failed: {e}"));
                        }
                    }
                    Ok(SubscriptionEvent::Unsubscribe(_)) => {}
                    // A subscriber went away; the socket carries on.
                    Err(e) => crate::log(&format!("iopub: subscription read failed: {e}")),
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
