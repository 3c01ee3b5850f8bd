// Calls any ATen operator by its schema name through the dispatcher (a boxed call, as
// TorchScript and torch.ops do), so that fcall binds torch's Python API from the operator
// schemas (src/aten/) instead of one hand-written wrapper per op. Autograd, functorch's
// transforms and every backend see the call exactly as they see torch's own Python bindings.
//
// The caller builds an argument stack one value at a time; an argument not pushed by value is
// pushed as "default" and takes the schema's default here (None where the schema has none). After the call the stack holds the
// returns, read back one by one.
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/ivalue.h>
#include <ATen/ATen.h>
#include <ATen/ScalarOps.h>
#include <optional>
#include <string>
#include <vector>
#include "fcall_error_text.h"

namespace {
thread_local std::string op_error;

struct Stack {
  std::vector<std::optional<c10::IValue>> args;
  std::vector<c10::IValue> out;
};

Stack* S(void* s) { return static_cast<Stack*>(s); }
}  // namespace

extern "C" {

const char* fcall_op_error() { return op_error.c_str(); }

void* fcall_stack_new() { return new Stack(); }
void fcall_stack_free(void* s) { delete S(s); }

void fcall_push_default(void* s) { S(s)->args.emplace_back(std::nullopt); }
void fcall_push_none(void* s) { S(s)->args.emplace_back(c10::IValue()); }
void fcall_push_bool(void* s, int v) { S(s)->args.emplace_back(c10::IValue(v != 0)); }
void fcall_push_int(void* s, int64_t v) { S(s)->args.emplace_back(c10::IValue(v)); }
// A Python int in [2**63, 2**64): PyTorch's argument parser makes it a UInt64 Scalar.
void fcall_push_uint(void* s, uint64_t v) { S(s)->args.emplace_back(c10::IValue(c10::Scalar(v))); }
void fcall_push_double(void* s, double v) { S(s)->args.emplace_back(c10::IValue(v)); }
void fcall_push_complex(void* s, double re, double im) {
  S(s)->args.emplace_back(c10::IValue(c10::complex<double>(re, im)));
}
void fcall_push_string(void* s, const char* p, size_t n) { S(s)->args.emplace_back(c10::IValue(std::string(p, n))); }
void fcall_push_tensor(void* s, const at::Tensor* t) { S(s)->args.emplace_back(c10::IValue(*t)); }
void fcall_push_device(void* s, int type, int index) {
  S(s)->args.emplace_back(c10::IValue(c10::Device(static_cast<c10::DeviceType>(type), static_cast<c10::DeviceIndex>(index))));
}
void fcall_push_int_list(void* s, const int64_t* v, size_t n) {
  S(s)->args.emplace_back(c10::IValue(c10::List<int64_t>(std::vector<int64_t>(v, v + n))));
}
void fcall_push_double_list(void* s, const double* v, size_t n) {
  S(s)->args.emplace_back(c10::IValue(c10::List<double>(std::vector<double>(v, v + n))));
}
void fcall_push_bool_list(void* s, const int* v, size_t n) {
  c10::List<bool> l;
  for (size_t i = 0; i < n; i++) l.push_back(v[i] != 0);
  S(s)->args.emplace_back(c10::IValue(l));
}
void fcall_push_tensor_list(void* s, const at::Tensor* const* v, size_t n) {
  c10::List<at::Tensor> l;
  for (size_t i = 0; i < n; i++) l.push_back(*v[i]);
  S(s)->args.emplace_back(c10::IValue(l));
}
// A Python number where a Tensor is expected (torch.add(x, 2)): a 0-dim "wrapped number"
// tensor, as PythonArgs::tensor_slow makes it, so type promotion treats it as a scalar.
// kind: 0 bool, 1 int, 2 float.
void fcall_push_wrapped_number(void* s, int kind, int64_t i, double d) {
  // kind: 0 bool, 1 int64, 2 double, 3 uint64 (the bits of `i`).
  at::Scalar v = kind == 0 ? at::Scalar(i != 0)
      : kind == 1          ? at::Scalar(i)
      : kind == 3          ? at::Scalar(static_cast<uint64_t>(i))
                           : at::Scalar(d);
  at::Tensor t;
  {
    at::AutoDispatchBelowADInplaceOrView guard;
    t = at::scalar_to_tensor(v);
  }
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  S(s)->args.emplace_back(c10::IValue(t));
}
// A Python complex number bound to a Tensor parameter (`torch.mul(t, 1j)`): a wrapped number.
void fcall_push_wrapped_complex(void* s, double re, double im) {
  at::Tensor t;
  {
    at::AutoDispatchBelowADInplaceOrView guard;
    t = at::scalar_to_tensor(at::Scalar(c10::complex<double>(re, im)));
  }
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  S(s)->args.emplace_back(c10::IValue(t));
}
// `Tensor?[]` (indexing): a null pointer is None.
void fcall_push_optional_tensor_list(void* s, const at::Tensor* const* v, size_t n) {
  c10::List<std::optional<at::Tensor>> l;
  for (size_t i = 0; i < n; i++) l.push_back(v[i] ? std::optional<at::Tensor>(*v[i]) : std::nullopt);
  S(s)->args.emplace_back(c10::IValue(l));
}

// Calls `name.overload` with the pushed arguments; 0 on success, else the error is in
// fcall_op_error (with the Python class prefix of fcall_error_text.h).
int fcall_call_op(void* s, const char* name, const char* overload) {
  try {
    auto op = c10::Dispatcher::singleton().findSchemaOrThrow((std::string("aten::") + name).c_str(), overload);
    const auto& schema = op.schema();
    const auto& formals = schema.arguments();
    auto* st = S(s);
    if (st->args.size() > formals.size()) {
      op_error = "fcall: too many arguments for " + schema.name();
      return -1;
    }
    torch::jit::Stack stack;
    stack.reserve(formals.size());
    for (size_t i = 0; i < formals.size(); i++) {
      if (i < st->args.size() && st->args[i].has_value()) {
        stack.push_back(*st->args[i]);
      } else if (formals[i].default_value().has_value()) {
        stack.push_back(*formals[i].default_value());
      } else {
        // A None the Python signature allows for an argument without a schema default.
        stack.push_back(c10::IValue());
      }
    }
    // Factories (zeros, arange, *_like: the ops with TensorOptions) run below autograd's
    // ADInplaceOrView key, as torch's variable factories do, so their internal fill does not
    // count as an in-place write (`torch.zeros(2)._version == 0`).
    auto has = [&](const char* n) { return schema.argumentIndexWithName(n).has_value(); };
    if (has("dtype") && has("layout") && has("device") && has("pin_memory")) {
      at::AutoDispatchBelowADInplaceOrView guard;
      op.callBoxed(&stack);
    } else {
      op.callBoxed(&stack);
    }
    st->out = std::move(stack);
    return 0;
  } catch (const std::exception& e) {
    op_error = torch_error_text(e);
    return -1;
  }
}

size_t fcall_out_len(void* s) { return S(s)->out.size(); }

// 0 None, 1 Tensor, 2 int, 3 double, 4 bool, 5 Tensor list, 6 int list, 7 double list,
// 8 string, 9 complex, 10 bool list, 11 Tensor? list, 12 other.
int fcall_out_tag(void* s, size_t i) {
  const auto& v = S(s)->out.at(i);
  if (v.isNone()) return 0;
  if (v.isTensor()) return 1;
  if (v.isInt() || v.isSymInt()) return 2;
  if (v.isDouble() || v.isSymFloat()) return 3;
  if (v.isBool() || v.isSymBool()) return 4;
  if (v.isTensorList()) return 5;
  if (v.isIntList()) return 6;
  if (v.isDoubleList()) return 7;
  if (v.isString()) return 8;
  if (v.isComplexDouble()) return 9;
  if (v.isBoolList()) return 10;
  if (v.isList()) return 11;
  return 12;
}

at::Tensor* fcall_out_tensor(void* s, size_t i) { return new at::Tensor(S(s)->out.at(i).toTensor()); }
int64_t fcall_out_int(void* s, size_t i) {
  const auto& v = S(s)->out.at(i);
  return v.isSymInt() ? v.toSymInt().guard_int(__FILE__, __LINE__) : v.toInt();
}
double fcall_out_double(void* s, size_t i) {
  const auto& v = S(s)->out.at(i);
  return v.isSymFloat() ? v.toSymFloat().guard_float(__FILE__, __LINE__) : v.toDouble();
}
int fcall_out_bool(void* s, size_t i) { return S(s)->out.at(i).toBool() ? 1 : 0; }
double fcall_out_complex_imag(void* s, size_t i) { return S(s)->out.at(i).toComplexDouble().imag(); }
double fcall_out_complex_real(void* s, size_t i) { return S(s)->out.at(i).toComplexDouble().real(); }
const char* fcall_out_string(void* s, size_t i, size_t* n) {
  const auto& str = S(s)->out.at(i).toStringRef();
  *n = str.size();
  return str.data();
}
size_t fcall_out_list_len(void* s, size_t i) { return S(s)->out.at(i).toListRef().size(); }
// Element j of list output i: a tensor (null for None), or its int / double / bool.
at::Tensor* fcall_out_list_tensor(void* s, size_t i, size_t j) {
  const auto& e = S(s)->out.at(i).toListRef()[j];
  return e.isNone() ? nullptr : new at::Tensor(e.toTensor());
}
int64_t fcall_out_list_int(void* s, size_t i, size_t j) { return S(s)->out.at(i).toListRef()[j].toInt(); }
double fcall_out_list_double(void* s, size_t i, size_t j) { return S(s)->out.at(i).toListRef()[j].toDouble(); }
int fcall_out_list_bool(void* s, size_t i, size_t j) { return S(s)->out.at(i).toListRef()[j].toBool() ? 1 : 0; }

}  // extern "C"

extern "C" {
// The first byte of a tensor's data, or null where it has none to read (functorch's wrappers,
// meta tensors, undefined tensors): a pointer for overlap checks, never dereferenced.
const void* fcall_data_ptr_or_null(const at::Tensor* t) {
  try {
    if (!t->defined() || !t->has_storage() || t->is_meta()) return nullptr;
    return t->const_data_ptr();
  } catch (...) {
    return nullptr;
  }
}
}
