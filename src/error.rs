//! Errors of the engine: PyTorch's exception type and exact message, a stable code, an optional
//! hint, and a marker when the behaviour is a known PyTorch bug that fcall reproduces on purpose.
use std::fmt;

/// The Python exception class PyTorch raises (or would raise) for this error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExcType {
    ValueError,
    TypeError,
    KeyError,
    RuntimeError,
    AttributeError,
    RecursionError,
    IndexError,
    NotImplementedError,
    NameError,
    ZeroDivisionError,
    KeyboardInterrupt,
    AssertionError,
    OSError,
    /// A subclass of OSError (`except OSError` catches it): a path that does not exist.
    FileNotFoundError,
    /// A subclass of OSError: `open()` of a directory (`[Errno 21] Is a directory: 'x'`).
    IsADirectoryError,
    /// Input ended early (`torch.load` of a truncated pickle).
    EOFError,
    /// `pickle.UnpicklingError`: what torch.load's weights-only unpickler raises.
    UnpicklingError,
    /// `safetensors.SafetensorError`: a malformed safetensors file.
    SafetensorError,
    ImportError,
    /// A subclass of ImportError (`except ImportError` catches it).
    ModuleNotFoundError,
    OverflowError,
    /// An allocation that cannot be made (`[0] * 10**11`), as CPython raises it.
    MemoryError,
    /// Raised at run time for what the parser cannot see (`*x` outside a display).
    SyntaxError,
    /// Python's own classes a script can raise (`raise Exception("x")`) or catch; a user
    /// exception class is its nearest built-in ancestor here (see [`Error::object`]).
    BaseException,
    Exception,
    LookupError,
    ArithmeticError,
    StopIteration,
    UnboundLocalError,
}

impl ExcType {
    pub fn name(self) -> &'static str {
        match self {
            ExcType::ValueError => "ValueError",
            ExcType::TypeError => "TypeError",
            ExcType::KeyError => "KeyError",
            ExcType::RuntimeError => "RuntimeError",
            ExcType::AttributeError => "AttributeError",
            ExcType::RecursionError => "RecursionError",
            ExcType::IndexError => "IndexError",
            ExcType::NotImplementedError => "NotImplementedError",
            ExcType::NameError => "NameError",
            ExcType::ZeroDivisionError => "ZeroDivisionError",
            ExcType::KeyboardInterrupt => "KeyboardInterrupt",
            ExcType::AssertionError => "AssertionError",
            ExcType::OSError => "OSError",
            ExcType::FileNotFoundError => "FileNotFoundError",
            ExcType::IsADirectoryError => "IsADirectoryError",
            ExcType::EOFError => "EOFError",
            ExcType::UnpicklingError => "UnpicklingError",
            ExcType::SafetensorError => "SafetensorError",
            ExcType::ImportError => "ImportError",
            ExcType::ModuleNotFoundError => "ModuleNotFoundError",
            ExcType::OverflowError => "OverflowError",
            ExcType::MemoryError => "MemoryError",
            ExcType::SyntaxError => "SyntaxError",
            ExcType::BaseException => "BaseException",
            ExcType::Exception => "Exception",
            ExcType::LookupError => "LookupError",
            ExcType::ArithmeticError => "ArithmeticError",
            ExcType::StopIteration => "StopIteration",
            ExcType::UnboundLocalError => "UnboundLocalError",
        }
    }
}

/// A known PyTorch 2.13 bug that the engine reproduces, with where it is tracked upstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownBug {
    pub summary: &'static str,
    pub upstream: Option<&'static str>,
}

pub const BUG_TIED_GROUP_KEYERROR: KnownBug = KnownBug {
    summary: "PyTorch 2.13 bug: for a tied group of 3+ names given in part, the tie check indexes the \
              caller's dict with every name of the group and raises KeyError for a missing alias",
    upstream: None,
};

pub const BUG_SHARED_SLOT_RESTORE: KnownBug = KnownBug {
    summary: "PyTorch 2.13 bug: two keys reach the same slot (a submodule registered at two paths); \
              the restore runs in swap order, not LIFO, so the module keeps a supplied tensor",
    upstream: Some("pytorch/pytorch#164759"),
};

#[derive(Clone, Debug)]
pub struct Error {
    pub exc: ExcType,
    /// Exactly `str(exception)` in Python (for KeyError, the repr of the key).
    pub message: String,
    /// Stable code, e.g. `call::tied_conflict`.
    pub code: &'static str,
    pub hint: Option<String>,
    pub known_bug: Option<KnownBug>,
    /// For KeyError: the raw key argument (`e.args[0]`).
    pub key_arg: Option<String>,
    /// Where in the user's source the error was raised (innermost first).
    pub location: Option<Location>,
    /// CPython 3.11's "Did you mean" for a NameError or AttributeError: shown after the message
    /// (`name 'zeroes' is not defined. Did you mean: 'zeros'?`), as Python's traceback shows it,
    /// but not part of `str(e)` (so not of `message`).
    pub suggestion: Option<String>,
    /// The user functions the error came out of, innermost first (a short traceback:
    /// "in Half.forward, line 6, called from line 12").
    pub trace: Vec<TraceFrame>,
    /// The Python exception object, once there is one: made by `raise`, or by an `except ... as
    /// e` that caught this error (so `raise e` raises the same object again).
    pub object: Option<ExcObject>,
}

/// The exception object an [`Error`] carries, with its class name (a user class's own name:
/// `MyError: ...` in the headline).
#[derive(Clone)]
pub struct ExcObject {
    pub value: crate::value::Value,
    pub class_name: String,
}

impl fmt::Debug for ExcObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} object>", self.class_name)
    }
}

/// One user function an error passed through: its name, and where it was called from (the
/// call expression in its caller, set by the first [`Error::at`] after the function returned).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceFrame {
    /// `Half.forward`, `f`, `<lambda>`.
    pub function: String,
    /// The call that ran it.
    pub called_from: Option<Location>,
}

/// A span in one of the session's sources (a script, a REPL entry, a notebook cell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    pub source: u32,
    pub start: usize,
    pub end: usize,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(exc: ExcType, code: &'static str, message: impl Into<String>) -> Error {
        Error { exc, message: message.into(), code, hint: None, known_bug: None, key_arg: None, location: None, suggestion: None, trace: Vec::new(), object: None }
    }
    pub fn value(code: &'static str, m: impl Into<String>) -> Error {
        Error::new(ExcType::ValueError, code, m)
    }
    pub fn type_error(code: &'static str, m: impl Into<String>) -> Error {
        Error::new(ExcType::TypeError, code, m)
    }
    pub fn runtime(code: &'static str, m: impl Into<String>) -> Error {
        Error::new(ExcType::RuntimeError, code, m)
    }
    pub fn attribute(code: &'static str, m: impl Into<String>) -> Error {
        Error::new(ExcType::AttributeError, code, m)
    }
    /// Python's KeyError: `str(e)` is the repr of the argument.
    pub fn key(code: &'static str, arg: impl Into<String>) -> Error {
        let arg = arg.into();
        let mut e = Error::new(ExcType::KeyError, code, crate::value::py_str_repr(&arg));
        e.key_arg = Some(arg);
        e
    }
    /// CPython's MemoryError (its message is empty).
    pub fn memory(code: &'static str) -> Error {
        Error::new(ExcType::MemoryError, code, "")
    }
    pub fn recursion() -> Error {
        Error::new(
            ExcType::RecursionError,
            "nn::recursion",
            "maximum recursion depth exceeded while calling a Python object",
        )
        .with_hint("the module graph has a cycle; PyTorch recurses forever here too (tie_weights=false without strict works)")
    }
    /// A libtorch error (tch's fallible call failed), raised as the class PyTorch's binding gives
    /// it: c10::IndexError is IndexError, ..., any other error RuntimeError (vendor/README.md).
    pub fn torch(e: tch::TchError) -> Error {
        let raw = match e {
            tch::TchError::Torch(s) => s,
            other => other.to_string(),
        };
        if raw.contains(HOOK_RAISED) {
            if let Some(e) = RAISED_IN_HOOK.with(|r| r.borrow_mut().take()) {
                return e;
            }
        }
        let (exc, message) = torch_class(&raw);
        Error::new(exc, "torch::error", without_backtrace(message))
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }
    /// Records where the error happened, unless an inner location is already known; once the
    /// error has left a user function, the first location given is where that function was
    /// called from.
    pub fn at(mut self, location: Location) -> Error {
        if self.location.is_none() {
            self.location = Some(location);
        } else if let Some(f) = self.trace.last_mut() {
            if f.called_from.is_none() {
                f.called_from = Some(location);
            }
        }
        self
    }
    /// Notes that the error came out of the user function `function` (see [`Error::trace`]).
    pub fn in_function(mut self, function: &str) -> Error {
        if self.location.is_some() {
            self.trace.push(TraceFrame { function: function.to_string(), called_from: None });
        }
        self
    }
    /// Adds CPython's "Did you mean: 'name'?" (see [`Error::suggestion`]).
    pub fn with_suggestion(mut self, name: Option<String>) -> Error {
        self.suggestion = name;
        self
    }
    /// The first line Python's traceback shows: `NameError: name 'x' is not defined`, with the
    /// "Did you mean" suggestion where there is one.
    pub fn headline(&self) -> String {
        match &self.suggestion {
            Some(s) => format!("{}: {}. Did you mean: '{s}'?", self.type_name(), self.message),
            // Python's traceback shows a bare class name for an empty message (`raise ValueError`).
            None if self.message.is_empty() => self.type_name().to_string(),
            None => format!("{}: {}", self.type_name(), self.message),
        }
    }
    /// `type(e).__name__`: the class of the exception object if there is one (a user class),
    /// else the built-in class.
    pub fn type_name(&self) -> &str {
        match &self.object {
            Some(o) => &o.class_name,
            None => self.exc.name(),
        }
    }
    pub fn with_bug(mut self, bug: KnownBug) -> Error {
        self.known_bug = Some(bug);
        self
    }
}

/// What csrc/hooks.cpp throws through libtorch's autograd engine when a tensor hook raised.
const HOOK_RAISED: &str = "fcall: a tensor hook raised";

thread_local! {
    /// The error a tensor hook raised inside libtorch's backward, until backward returns.
    static RAISED_IN_HOOK: std::cell::RefCell<Option<Error>> = const { std::cell::RefCell::new(None) };
}

/// Keeps the error a hook raised inside a libtorch call: the call fails with csrc/hooks.cpp's
/// marker, and [`Error::torch`] gives this error back in its place (Python's exception
/// leaves `backward()` as the hook raised it).
pub fn raise_through_torch(e: Error) {
    RAISED_IN_HOOK.with(|r| *r.borrow_mut() = Some(e));
}

impl From<tch::TchError> for Error {
    fn from(e: tch::TchError) -> Error {
        Error::torch(e)
    }
}

/// Splits the class prefix `"\x1fValueError\x1f"` that the patched torch-sys and the shim put
/// before the message of a c10 error PyTorch does not raise as RuntimeError.
fn torch_class(raw: &str) -> (ExcType, &str) {
    let tagged = raw.strip_prefix('\u{1f}').and_then(|rest| rest.split_once('\u{1f}'));
    let Some((class, message)) = tagged else {
        return (ExcType::RuntimeError, raw);
    };
    let exc = match class {
        "IndexError" => ExcType::IndexError,
        "ValueError" => ExcType::ValueError,
        "TypeError" => ExcType::TypeError,
        "NotImplementedError" => ExcType::NotImplementedError,
        _ => ExcType::RuntimeError,
    };
    (exc, message)
}

/// The message without a C++ backtrace ("Exception raised from ..."), as Python's `str(e)`.
fn without_backtrace(message: &str) -> String {
    let first = message.split("\nException raised from").next().unwrap_or(message);
    first.trim_end().to_string()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.type_name(), self.message)
    }
}

impl std::error::Error for Error {}
