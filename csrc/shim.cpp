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

// ---- torch.func transforms: the same C++ functorch layers Python's torch.func drives ----
#include <ATen/functorch/DynamicLayer.h>
#include <ATen/functorch/TensorWrapper.h>
#include <ATen/functorch/BatchedTensorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <c10/core/GradMode.h>
#include <string>

namespace {
thread_local std::string last_error;
at::Tensor* heap(at::Tensor t) { return new at::Tensor(std::move(t)); }
}

extern "C" {

const char* fcall_last_error() { return last_error.c_str(); }

int fcall_grad_mode_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }
void fcall_set_grad_mode(int enabled) { c10::GradMode::set_enabled(enabled != 0); }

// torch._C._functorch._grad_increment_nesting(): returns the level, or -1 (see fcall_last_error).
int64_t fcall_grad_increment_nesting() {
  try {
    bool prev = c10::GradMode::is_enabled();
    return at::functorch::initAndPushDynamicLayer(at::functorch::TransformType::Grad, std::nullopt, std::nullopt, prev);
  } catch (const std::exception& e) { last_error = e.what(); return -1; }
}

// torch._C._functorch._vmap_increment_nesting(batch_size, randomness): 0 error, 1 same, 2 different.
int64_t fcall_vmap_increment_nesting(int64_t batch_size, int randomness) {
  try {
    auto r = randomness == 1 ? at::functorch::RandomnessType::Same
           : randomness == 2 ? at::functorch::RandomnessType::Different
                             : at::functorch::RandomnessType::Error;
    return at::functorch::initAndPushDynamicLayer(at::functorch::TransformType::Vmap, c10::SymInt(batch_size), r);
  } catch (const std::exception& e) { last_error = e.what(); return -1; }
}

// Pops the innermost layer (grad or vmap).
int fcall_decrement_nesting() {
  try { at::functorch::popDynamicLayerAndDeleteMetadata(); return 1; }
  catch (const std::exception& e) { last_error = e.what(); return 0; }
}

void fcall_set_inplace_requires_grad_allowed(int allowed) {
  at::functorch::setInplaceRequiresGradAllowed(allowed != 0);
}
int fcall_inplace_requires_grad_allowed() { return at::functorch::getInplaceRequiresGradAllowed() ? 1 : 0; }

at::Tensor* fcall_wrap_for_grad(const at::Tensor* t, int64_t level) {
  try { return heap(at::functorch::makeTensorWrapper(*t, level)); }
  catch (const std::exception& e) { last_error = e.what(); return nullptr; }
}

at::Tensor* fcall_unwrap_for_grad(const at::Tensor* t, int64_t level) {
  try {
    auto* w = at::functorch::maybeGetTensorWrapper(*t);
    if (!w) return heap(*t);
    if (w->level().has_value() && *w->level() == level) return heap(w->value());
    return heap(*t);
  } catch (const std::exception& e) { last_error = e.what(); return nullptr; }
}

at::Tensor* fcall_add_batch_dim(const at::Tensor* t, int64_t dim, int64_t level) {
  try { return heap(at::functorch::addBatchDim(*t, dim, level)); }
  catch (const std::exception& e) { last_error = e.what(); return nullptr; }
}

// functorch's _remove_batch_dim: move the batch dim of `level` to out_dim, or expand if absent.
at::Tensor* fcall_remove_batch_dim(const at::Tensor* t, int64_t level, int64_t batch_size, int64_t out_dim) {
  try {
    const auto* b = at::functorch::maybeGetBatchedImpl(*t);
    if (!b || b->level() != level) {
      auto sizes = t->sizes().vec();
      sizes.insert(sizes.begin() + out_dim, batch_size);
      return heap(t->expand(sizes));
    }
    at::Tensor v = b->value();
    int64_t bdim = b->bdim();
    if (bdim == out_dim) return heap(v);
    return heap(v.movedim(bdim, out_dim));
  } catch (const std::exception& e) { last_error = e.what(); return nullptr; }
}

// torch.autograd.grad(outputs, inputs, create_graph=..., allow_unused=True): results[i] is
// nullptr where the input was unused. Returns 0 on error (see fcall_last_error).
int fcall_autograd_grad(at::Tensor** outputs, int n, at::Tensor** inputs, int m, int create_graph, at::Tensor** results) {
  try {
    std::vector<at::Tensor> outs, ins;
    for (int i = 0; i < n; ++i) outs.push_back(*outputs[i]);
    for (int i = 0; i < m; ++i) ins.push_back(*inputs[i]);
    auto grads = torch::autograd::grad(outs, ins, {}, std::nullopt, create_graph != 0, true);
    for (int i = 0; i < m; ++i) results[i] = grads[i].defined() ? heap(grads[i]) : nullptr;
    return 1;
  } catch (const std::exception& e) { last_error = e.what(); return 0; }
}

}
