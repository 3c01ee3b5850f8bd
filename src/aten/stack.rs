//! The boxed call of csrc/ops.cpp: an argument stack filled value by value, one call through
//! libtorch's dispatcher, the returns read back.
use std::ffi::{c_void, CStr, CString};
use std::os::raw::{c_char, c_int};
use tch::Tensor;

use crate::error::{Error, Result};

type T = torch_sys::C_tensor;

extern "C" {
    fn fcall_op_error() -> *const c_char;
    fn fcall_stack_new() -> *mut c_void;
    fn fcall_stack_free(s: *mut c_void);
    fn fcall_push_default(s: *mut c_void);
    fn fcall_push_none(s: *mut c_void);
    fn fcall_push_bool(s: *mut c_void, v: c_int);
    fn fcall_push_int(s: *mut c_void, v: i64);
    fn fcall_push_uint(s: *mut c_void, v: u64);
    fn fcall_push_double(s: *mut c_void, v: f64);
    fn fcall_push_complex(s: *mut c_void, re: f64, im: f64);
    fn fcall_push_wrapped_complex(s: *mut c_void, re: f64, im: f64);
    fn fcall_push_string(s: *mut c_void, p: *const c_char, n: usize);
    fn fcall_push_tensor(s: *mut c_void, t: *const T);
    fn fcall_push_wrapped_number(s: *mut c_void, kind: c_int, i: i64, d: f64);
    fn fcall_push_device(s: *mut c_void, ty: c_int, index: c_int);
    fn fcall_push_int_list(s: *mut c_void, v: *const i64, n: usize);
    fn fcall_push_double_list(s: *mut c_void, v: *const f64, n: usize);
    fn fcall_push_tensor_list(s: *mut c_void, v: *const *const T, n: usize);
    fn fcall_push_optional_tensor_list(s: *mut c_void, v: *const *const T, n: usize);
    fn fcall_call_op(s: *mut c_void, name: *const c_char, overload: *const c_char) -> c_int;
    fn fcall_out_len(s: *mut c_void) -> usize;
    fn fcall_out_tag(s: *mut c_void, i: usize) -> c_int;
    fn fcall_out_tensor(s: *mut c_void, i: usize) -> *mut T;
    fn fcall_out_int(s: *mut c_void, i: usize) -> i64;
    fn fcall_out_double(s: *mut c_void, i: usize) -> f64;
    fn fcall_out_bool(s: *mut c_void, i: usize) -> c_int;
    fn fcall_out_string(s: *mut c_void, i: usize, n: *mut usize) -> *const c_char;
    fn fcall_out_list_len(s: *mut c_void, i: usize) -> usize;
    fn fcall_out_list_tensor(s: *mut c_void, i: usize, j: usize) -> *mut T;
    fn fcall_out_list_int(s: *mut c_void, i: usize, j: usize) -> i64;
    fn fcall_out_list_double(s: *mut c_void, i: usize, j: usize) -> f64;
    fn fcall_out_list_bool(s: *mut c_void, i: usize, j: usize) -> c_int;
}

/// One argument as the stack takes it.
pub enum Arg<'a> {
    /// Not given (or None): the schema's default, None where it has none.
    Default,
    /// A Python number bound to a Tensor parameter: a wrapped-number tensor.
    WrappedBool(bool),
    WrappedInt(i64),
    WrappedDouble(f64),
    /// A Python int in [2**63, 2**64) bound to a Tensor parameter: a uint64 wrapped number.
    WrappedUInt(u64),
    /// A Python complex number bound to a Tensor parameter: a complex128 wrapped number.
    WrappedComplex(f64, f64),
    None,
    Bool(bool),
    Int(i64),
    /// A c10::Scalar of type UInt64 (a Python int in [2**63, 2**64)).
    UInt(u64),
    Double(f64),
    /// A c10::complex<double> (a Python complex number as a Scalar).
    Complex(f64, f64),
    Str(&'a str),
    Tensor(&'a Tensor),
    /// A c10::Device: type code (c10::DeviceType) and index (-1: none).
    Device(i32, i32),
    Ints(Vec<i64>),
    Doubles(Vec<f64>),
    Tensors(Vec<&'a Tensor>),
    OptTensors(Vec<Option<&'a Tensor>>),
}

/// A return read back from the stack.
pub enum Out {
    None,
    Tensor(Tensor),
    Int(i64),
    Double(f64),
    Bool(bool),
    Str(String),
    Tensors(Vec<Option<Tensor>>),
    Ints(Vec<i64>),
    Doubles(Vec<f64>),
    Bools(Vec<bool>),
}

struct Stack(*mut c_void);

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: made by fcall_stack_new, freed once.
        unsafe { fcall_stack_free(self.0) }
    }
}

fn owned(p: *mut T) -> Option<Tensor> {
    // SAFETY: the shim hands over a heap at::Tensor the caller owns.
    (!p.is_null()).then(|| unsafe { Tensor::from_ptr(p) })
}

/// Calls `name.overload` with `args` (in the schema's order) and returns its results.
pub fn call(name: &str, overload: &str, args: &[Arg]) -> Result<Vec<Out>> {
    // SAFETY: every pointer handed to the shim lives for the call (tensors are borrowed from
    // `args`; the shim copies what it keeps).
    unsafe {
        let s = Stack(fcall_stack_new());
        for a in args {
            match a {
                Arg::Default => fcall_push_default(s.0),
                Arg::None => fcall_push_none(s.0),
                Arg::WrappedBool(b) => fcall_push_wrapped_number(s.0, 0, *b as i64, 0.0),
                Arg::WrappedInt(i) => fcall_push_wrapped_number(s.0, 1, *i, 0.0),
                Arg::WrappedDouble(d) => fcall_push_wrapped_number(s.0, 2, 0, *d),
                Arg::WrappedUInt(u) => fcall_push_wrapped_number(s.0, 3, *u as i64, 0.0),
                Arg::WrappedComplex(r, i) => fcall_push_wrapped_complex(s.0, *r, *i),
                Arg::Bool(b) => fcall_push_bool(s.0, *b as c_int),
                Arg::Int(i) => fcall_push_int(s.0, *i),
                Arg::UInt(u) => fcall_push_uint(s.0, *u),
                Arg::Double(d) => fcall_push_double(s.0, *d),
                Arg::Complex(r, i) => fcall_push_complex(s.0, *r, *i),
                Arg::Str(v) => fcall_push_string(s.0, v.as_ptr() as *const c_char, v.len()),
                Arg::Tensor(t) => fcall_push_tensor(s.0, t.as_ptr()),
                Arg::Device(ty, i) => fcall_push_device(s.0, *ty, *i),
                Arg::Ints(v) => fcall_push_int_list(s.0, v.as_ptr(), v.len()),
                Arg::Doubles(v) => fcall_push_double_list(s.0, v.as_ptr(), v.len()),
                Arg::Tensors(v) => {
                    let ptrs: Vec<*const T> = v.iter().map(|t| t.as_ptr()).collect();
                    fcall_push_tensor_list(s.0, ptrs.as_ptr(), ptrs.len())
                }
                Arg::OptTensors(v) => {
                    let ptrs: Vec<*const T> = v.iter().map(|t| t.map_or(std::ptr::null(), |t| t.as_ptr())).collect();
                    fcall_push_optional_tensor_list(s.0, ptrs.as_ptr(), ptrs.len())
                }
            }
        }
        let (n, o) = (CString::new(name).unwrap_or_default(), CString::new(overload).unwrap_or_default());
        if fcall_call_op(s.0, n.as_ptr(), o.as_ptr()) != 0 {
            let raw = CStr::from_ptr(fcall_op_error()).to_string_lossy().into_owned();
            return Err(Error::torch(tch::TchError::Torch(raw)));
        }
        let mut outs = Vec::new();
        for i in 0..fcall_out_len(s.0) {
            outs.push(match fcall_out_tag(s.0, i) {
                0 => Out::None,
                1 => owned(fcall_out_tensor(s.0, i)).map_or(Out::None, Out::Tensor),
                2 => Out::Int(fcall_out_int(s.0, i)),
                3 => Out::Double(fcall_out_double(s.0, i)),
                4 => Out::Bool(fcall_out_bool(s.0, i) != 0),
                5 | 11 => Out::Tensors((0..fcall_out_list_len(s.0, i)).map(|j| owned(fcall_out_list_tensor(s.0, i, j))).collect()),
                6 => Out::Ints((0..fcall_out_list_len(s.0, i)).map(|j| fcall_out_list_int(s.0, i, j)).collect()),
                7 => Out::Doubles((0..fcall_out_list_len(s.0, i)).map(|j| fcall_out_list_double(s.0, i, j)).collect()),
                10 => Out::Bools((0..fcall_out_list_len(s.0, i)).map(|j| fcall_out_list_bool(s.0, i, j) != 0).collect()),
                8 => {
                    let mut len = 0usize;
                    let p = fcall_out_string(s.0, i, &mut len);
                    Out::Str(String::from_utf8_lossy(std::slice::from_raw_parts(p as *const u8, len)).into_owned())
                }
                _ => return Err(Error::runtime("aten::return_type", format!("fcall cannot read a return value of {name}.{overload}"))),
            });
        }
        Ok(outs)
    }
}
