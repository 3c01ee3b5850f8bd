//! The protocol: the shell loop (busy/idle around every request, execute, complete, inspect,
//! is_complete, history, comm_info, stop_on_error aborts) and the control loop (kernel_info,
//! interrupt, shutdown), over the channels of [`crate::wire`].
use std::collections::HashMap;

use jupyter_protocol::media::{Media, MediaType};
use jupyter_protocol::*;
use serde_json::json;
use tokio::sync::mpsc;

use crate::engine::{Cell, Engine, ErrorInfo, Output};
use crate::history::History;
use crate::wire::{Bound, Channel, Drain, Inbound, Replier};

/// The MIME type of the JSON record of LANGUAGE.md ("Machine-readable output") in every rich
/// output. Not plain `application/json`: JupyterLab ranks its JSON viewer above text/html, so
/// a bundle with `application/json` shows a JSON tree instead of the `call` table. A `+json`
/// type is stored as JSON by nbformat and left to tools; flip this constant to go back.
pub const RECORD_MIME: &str = "application/vnd.fcall.record+json";

pub fn kernel_info() -> KernelInfoReply {
    KernelInfoReply {
        status: ReplyStatus::Ok,
        protocol_version: "5.3".into(),
        implementation: "fcall".into(),
        implementation_version: env!("CARGO_PKG_VERSION").into(),
        language_info: LanguageInfo {
            name: "fcall".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            mimetype: Some("text/x-python".into()),
            file_extension: Some(".py".into()),
            // fcall reads like Python (def, class, for, if, #, strings): Python's lexer and
            // CodeMirror mode colour it well, in JupyterLab and in nbconvert exports.
            pygments_lexer: Some("python".into()),
            codemirror_mode: Some(CodeMirrorMode::Simple("python".into())),
            nbconvert_exporter: Some("script".into()),
        },
        banner: format!(
            "fcall {}: torch.func.functional_call, made visible (libtorch 2.13.0). Type `help` for the language.",
            env!("CARGO_PKG_VERSION")
        ),
        help_links: vec![HelpLink { text: "fcall language".into(), url: "https://github.com/fcall/fcall/blob/main/LANGUAGE.md".into() }],
        debugger: false,
        error: None,
    }
}

fn status(state: ExecutionState, parent: &JupyterMessage) -> JupyterMessage {
    Status { execution_state: state }.as_child_of(parent)
}

/// Runs the kernel until a shutdown request.
pub async fn serve(bound: Bound, engine: Engine) {
    let Bound { shell, shell_in, drain, control, iopub } = bound;
    iopub.send(Status::starting().into()).ok();
    let control_task = tokio::spawn(control_loop(control, iopub.clone()));
    let shell_task = tokio::spawn(
        Shell { out: shell, iopub, engine, count: 0, history: History::default(), inbox: shell_in, drain, aborting: false }.run(),
    );
    tokio::select! {
        _ = control_task => {}
        _ = shell_task => {}
    }
}

async fn control_loop(mut control: Channel, iopub: mpsc::UnboundedSender<JupyterMessage>) {
    loop {
        let msg = control.read().await;
        iopub.send(status(ExecutionState::Busy, &msg)).ok();
        let mut stop = false;
        let reply = match &msg.content {
            JupyterMessageContent::KernelInfoRequest(_) => kernel_info().as_child_of(&msg),
            JupyterMessageContent::InterruptRequest(_) => {
                crate::engine::interrupt();
                InterruptReply::new().as_child_of(&msg)
            }
            JupyterMessageContent::ShutdownRequest(r) => {
                stop = true;
                ShutdownReply { restart: r.restart, status: ReplyStatus::Ok, error: None }.as_child_of(&msg)
            }
            JupyterMessageContent::UnknownMessage(u) => unknown_reply(u, &msg),
            other => {
                crate::log(&format!("control: no handler for {}", other.message_type()));
                iopub.send(status(ExecutionState::Idle, &msg)).ok();
                continue;
            }
        };
        control.send(reply).await;
        iopub.send(status(ExecutionState::Idle, &msg)).ok();
        if stop {
            // Let the idle go out, then leave; on restart the client starts a new process.
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            return;
        }
    }
}

fn unknown_reply(u: &UnknownMessage, msg: &JupyterMessage) -> JupyterMessage {
    let content = if u.msg_type.ends_with("_request") {
        json!({"status": "error", "ename": "BadRequest", "evalue": format!("fcall cannot read this {}", u.msg_type), "traceback": []})
    } else {
        json!({"status": "error", "ename": "UnknownMessage", "evalue": format!("unknown message type {}", u.msg_type), "traceback": []})
    };
    JupyterMessage::new(u.reply(content), Some(msg))
}

struct Shell {
    out: Replier<zeromq::RouterSendHalf>,
    iopub: mpsc::UnboundedSender<JupyterMessage>,
    engine: Engine,
    count: usize,
    history: History,
    inbox: mpsc::UnboundedReceiver<Inbound>,
    /// Asks the shell reader to mark what has arrived (stop_on_error).
    drain: Drain,
    /// stop_on_error, as ipykernel 7: after a failed execute, every execute request that had
    /// arrived before its reply went out is aborted (until [`Inbound::Drained`]); other
    /// requests in between are answered as usual.
    aborting: bool,
}

impl Shell {
    async fn run(mut self) {
        while let Some(item) = self.inbox.recv().await {
            let msg = match item {
                Inbound::Drained => {
                    self.aborting = false;
                    continue;
                }
                Inbound::Request(m) => m,
            };
            self.pub_(status(ExecutionState::Busy, &msg));
            if self.aborting && matches!(msg.content, JupyterMessageContent::ExecuteRequest(_)) {
                self.out.send(aborted_reply(&msg)).await;
            } else {
                self.handle(&msg).await;
            }
            self.pub_(status(ExecutionState::Idle, &msg));
            // The first request is answered: the engine may take the CPU now.
            self.engine.go();
            if matches!(msg.content, JupyterMessageContent::ShutdownRequest(_)) {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                return;
            }
        }
    }

    fn pub_(&self, m: JupyterMessage) {
        self.iopub.send(m).ok();
    }

    /// Answers one request.
    async fn handle(&mut self, msg: &JupyterMessage) {
        let reply: JupyterMessage = match &msg.content {
            JupyterMessageContent::ExecuteRequest(r) => return self.execute(r, msg).await,
            JupyterMessageContent::KernelInfoRequest(_) => kernel_info().as_child_of(msg),
            JupyterMessageContent::IsCompleteRequest(r) => is_complete(&r.code).as_child_of(msg),
            JupyterMessageContent::CompleteRequest(r) => {
                let c = self.engine.complete(r.code.clone(), r.cursor_pos).await;
                CompleteReply { matches: c.matches, cursor_start: c.start, cursor_end: c.end, metadata: Default::default(), status: ReplyStatus::Ok, error: None }
                    .as_child_of(msg)
            }
            JupyterMessageContent::InspectRequest(r) => {
                let i = self.engine.inspect(r.code.clone(), r.cursor_pos).await;
                let data = if i.found { Media::new(vec![MediaType::Plain(i.text)]) } else { Media::default() };
                InspectReply { found: i.found, data, metadata: Default::default(), status: ReplyStatus::Ok, error: None }.as_child_of(msg)
            }
            JupyterMessageContent::HistoryRequest(r) => HistoryReply::new(self.history.answer(r)).as_child_of(msg),
            JupyterMessageContent::CommInfoRequest(_) => CommInfoReply::default().as_child_of(msg),
            JupyterMessageContent::CommOpen(o) => {
                // No comm targets yet: close what a front end opens, as ipykernel does.
                self.pub_(CommClose { comm_id: o.comm_id.clone(), data: Default::default() }.as_child_of(msg));
                return;
            }
            JupyterMessageContent::CommMsg(_) | JupyterMessageContent::CommClose(_) => return,
            JupyterMessageContent::ShutdownRequest(r) => ShutdownReply { restart: r.restart, status: ReplyStatus::Ok, error: None }.as_child_of(msg),
            JupyterMessageContent::InterruptRequest(_) => {
                crate::engine::interrupt();
                InterruptReply::new().as_child_of(msg)
            }
            JupyterMessageContent::UnknownMessage(u) => unknown_reply(u, msg),
            other => {
                crate::log(&format!("shell: ignoring {}", other.message_type()));
                return;
            }
        };
        self.out.send(reply).await;
    }

    /// Runs a cell and replies; with stop_on_error, a failure puts what is queued in `to_abort`.
    async fn execute(&mut self, r: &ExecuteRequest, msg: &JupyterMessage) {
        let silent = r.silent;
        let store = r.store_history && !silent;
        if store {
            self.count += 1;
        }
        let count = ExecutionCount::new(self.count.max(1));
        if !silent {
            self.pub_(ExecuteInput { code: r.code.clone(), execution_count: count }.as_child_of(msg));
        }
        let mut payload = vec![];
        let cell = match crate::meta::parse(&r.code) {
            Some(crate::meta::Meta::Clear { wait }) => {
                if !silent {
                    self.pub_(ClearOutput { wait }.as_child_of(msg));
                }
                Cell { outputs: vec![], result_text: String::new() }
            }
            Some(crate::meta::Meta::Page(word)) => {
                let n = word.chars().count();
                let i = self.engine.inspect(word.clone(), n).await;
                let text = if i.found { i.text } else { format!("no help or value for '{word}'") };
                payload.push(Payload::Page { data: Media::new(vec![MediaType::Plain(text)]), start: 0 });
                Cell { outputs: vec![], result_text: String::new() }
            }
            None => self.engine.run(r.code.clone()).await,
        };
        let mut error: Option<ErrorInfo> = None;
        for o in cell.outputs {
            match o {
                Output::Error(e) => {
                    if !silent {
                        self.pub_(ErrorOutput { ename: e.ename.clone(), evalue: e.evalue.clone(), traceback: e.traceback.clone() }.as_child_of(msg));
                    }
                    error = Some(e);
                }
                _ if silent => {}
                Output::Stdout(s) => self.pub_(StreamContent::stdout(&s).as_child_of(msg)),
                Output::Stderr(s) => self.pub_(StreamContent::stderr(&s).as_child_of(msg)),
                Output::Rich { text, html, svg, json, result } => {
                    let mut data = vec![MediaType::Plain(text)];
                    if !html.is_empty() {
                        data.push(MediaType::Html(html));
                    }
                    if !svg.is_empty() {
                        data.push(MediaType::Svg(svg));
                    }
                    if json.is_object() {
                        data.push(MediaType::Other((RECORD_MIME.to_string(), json)));
                    }
                    let data = Media::new(data);
                    if result {
                        let m = ExecuteResult { execution_count: count, data, metadata: Default::default(), transient: Some(Transient::default()) };
                        self.pub_(m.as_child_of(msg));
                    } else {
                        self.pub_(DisplayData::new(data).as_child_of(msg));
                    }
                }
            }
        }
        if store {
            self.history.push(self.count, &r.code, &cell.result_text);
        }
        let failed = error.is_some();
        let reply = ExecuteReply {
            status: if failed { ReplyStatus::Error } else { ReplyStatus::Ok },
            execution_count: count,
            payload,
            user_expressions: Some(HashMap::new()),
            error: error.map(|e| Box::new(ReplyError { ename: e.ename, evalue: e.evalue, traceback: e.traceback })),
        };
        let abort = failed && r.stop_on_error && !silent && {
            // Everything that arrived before the reply goes out is queued ahead of the mark.
            let (done, drained) = tokio::sync::oneshot::channel();
            self.drain.send(done).is_ok() && drained.await.is_ok()
        };
        self.out.send(reply.as_child_of(msg)).await;
        self.aborting |= abort;
    }
}

/// ipykernel's reply to an aborted request: content and metadata `{"status": "aborted"}`, no
/// execution count (the cell was not run).
fn aborted_reply(msg: &JupyterMessage) -> JupyterMessage {
    let content = json!({"status": "aborted"});
    let reply_type = format!("{}_reply", msg.header.msg_type.trim_end_matches("_request"));
    let mut m = JupyterMessage::new(JupyterMessageContent::UnknownMessage(UnknownMessage { msg_type: reply_type, content: content.clone() }), Some(msg));
    m.metadata = content;
    m
}

/// The same function the terminal REPL uses to decide whether to read another line.
pub fn is_complete(code: &str) -> IsCompleteReply {
    match fcall_lang::is_complete(code) {
        fcall_lang::Completeness::Complete => IsCompleteReply::complete(),
        fcall_lang::Completeness::Incomplete { indent } => IsCompleteReply::incomplete(" ".repeat(indent)),
        fcall_lang::Completeness::Invalid => IsCompleteReply::invalid(),
    }
}
