// What tch 0.26 does not expose, read straight from libtorch: the autograd node name
// (PyTorch's type(t.grad_fn).__name__) and the version counter (t._version) without a dispatch.
// tch's C_tensor is a pointer to at::Tensor.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/csrc/autograd/function.h>
#include <cstring>

extern "C" {

// Writes the grad_fn's name into buf (NUL-terminated, truncated to len) and returns 1, or 0 if none.
int fcall_grad_fn_name(const at::Tensor* t, char* buf, size_t len) {
  try {
    auto fn = t->grad_fn();
    if (!fn) return 0;
    std::string name = fn->name();
    const std::string ns = "torch::autograd::";
    if (name.rfind(ns, 0) == 0) name = name.substr(ns.size());
    if (len == 0) return 1;
    size_t n = std::min(len - 1, name.size());
    std::memcpy(buf, name.data(), n);
    buf[n] = 0;
    return 1;
  } catch (...) {
    return 0;
  }
}

int64_t fcall_version(const at::Tensor* t) {
  if (!t->defined()) return 0;
  return static_cast<int64_t>(t->unsafeGetTensorImpl()->version_counter().current_version());
}

// Identity of the TensorImpl behind a handle: two handles to one tensor object share it.
const void* fcall_impl_ptr(const at::Tensor* t) {
  return static_cast<const void*>(t->unsafeGetTensorImpl());
}

}
