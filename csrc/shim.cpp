// What tch 0.26 does not expose, read straight from libtorch: the autograd node name
// (PyTorch's type(t.grad_fn).__name__) and the version counter (t._version) without a dispatch.
// tch's C_tensor is a pointer to at::Tensor.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/csrc/autograd/function.h>
#include <cstring>
#include <dlfcn.h>

extern "C" {

// Writes the grad_fn's name into buf (NUL-terminated, truncated to len) and returns 1, or 0 if none.
// The address of t's autograd node (what Python's `<AddBackward0 object at 0x..>` shows), or 0.
uintptr_t fcall_grad_fn_addr(const at::Tensor* t) {
  try {
    return reinterpret_cast<uintptr_t>(t->grad_fn().get());
  } catch (...) {
    return 0;
  }
}

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
#include <ATen/FuncTorchTLS.h>
#include <ATen/functorch/TensorWrapper.h>
#include <ATen/functorch/BatchedTensorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <c10/core/GradMode.h>
#include <c10/core/AutogradState.h>
#include <ATen/ops/_make_dual.h>
#include <ATen/ops/_unpack_dual.h>
#include <c10/core/InferenceMode.h>
#include <c10/core/impl/LocalDispatchKeySet.h>
#include <ATen/core/LegacyTypeDispatch.h>
#include <string>
#include "fcall_error_text.h"

namespace {
thread_local std::string last_error;
at::Tensor* heap(at::Tensor t) { return new at::Tensor(std::move(t)); }
// Records an error as the patched torch-sys does (vendor/README.md): Python's str(e), with the
// Python class as a "\x1fValueError\x1f" prefix when PyTorch raises it as other than RuntimeError.
void record(const std::exception& e) { last_error = torch_error_text(e); }
}

extern "C" {

const char* fcall_last_error() { return last_error.c_str(); }

int fcall_grad_mode_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }
void fcall_set_grad_mode(int enabled) { c10::GradMode::set_enabled(enabled != 0); }

// torch.inference_mode(mode): a c10::InferenceMode guard on the heap, entered by `with` and
// deleted (restoring the previous state) when the block exits, innermost first.
void* fcall_inference_mode_enter(int enabled) { return new c10::InferenceMode(enabled != 0); }
void fcall_inference_mode_exit(void* guard) { delete static_cast<c10::InferenceMode*>(guard); }
int fcall_inference_mode_enabled() { return c10::InferenceMode::is_enabled() ? 1 : 0; }
// `del t.grad`: the tensor has no grad afterwards.
void fcall_clear_grad(const at::Tensor* t) { const_cast<at::Tensor*>(t)->mutable_grad() = at::Tensor(); }

// torch._C._functorch._grad_increment_nesting(): returns the level, or -1 (see fcall_last_error).
int64_t fcall_grad_increment_nesting() {
  try {
    bool prev = c10::GradMode::is_enabled();
    return at::functorch::initAndPushDynamicLayer(at::functorch::TransformType::Grad, std::nullopt, std::nullopt, prev);
  } catch (const std::exception& e) { record(e); return -1; }
}

// torch._C._functorch._vmap_increment_nesting(batch_size, randomness): 0 error, 1 same, 2 different.
// Python's vmap loads its decompositions first (csrc/vmap_decomps.cpp).
void fcall_load_vmap_decompositions();
int64_t fcall_vmap_increment_nesting(int64_t batch_size, int randomness) {
  try {
    fcall_load_vmap_decompositions();
    auto r = randomness == 1 ? at::functorch::RandomnessType::Same
           : randomness == 2 ? at::functorch::RandomnessType::Different
                             : at::functorch::RandomnessType::Error;
    return at::functorch::initAndPushDynamicLayer(at::functorch::TransformType::Vmap, c10::SymInt(batch_size), r);
  } catch (const std::exception& e) { record(e); return -1; }
}

// Pops the innermost layer (grad or vmap).
int fcall_decrement_nesting() {
  try { at::functorch::popDynamicLayerAndDeleteMetadata(); return 1; }
  catch (const std::exception& e) { record(e); return 0; }
}

void fcall_set_inplace_requires_grad_allowed(int allowed) {
  at::functorch::setInplaceRequiresGradAllowed(allowed != 0);
}
int fcall_inplace_requires_grad_allowed() { return at::functorch::getInplaceRequiresGradAllowed() ? 1 : 0; }

// The check Python's Tensor.requires_grad_() makes before anything else (python_variable_methods.cpp):
// under a functorch transform it raises unless the transform allowed it.
int fcall_check_inplace_requires_grad() {
  try {
    const auto& tls = at::functorch::functorchTLSAccessor();
    if (tls) tls->checkSupportsInplaceRequiresGrad();
    return 1;
  } catch (const std::exception& e) { record(e); return 0; }
}

// torch.linalg.vector_norm (what Tensor.norm(p, dim, keepdim) calls for a number p or 'fro');
// tch has no binding. ndims < 0: dim=None.
at::Tensor* fcall_vector_norm(const at::Tensor* t, double ord, const int64_t* dims, int64_t ndims, int keepdim) {
  try {
    std::optional<at::IntArrayRef> dim;
    if (ndims >= 0) dim = at::IntArrayRef(dims, static_cast<size_t>(ndims));
    return heap(at::linalg_vector_norm(*t, ord, dim, keepdim != 0, std::nullopt));
  } catch (const std::exception& e) { record(e); return nullptr; }
}

// torch.arange with number arguments (kind 1: int, 2: float), as Python passes them; errors
// come back as errors (tch's Scalar arguments would panic on them).
at::Tensor* fcall_arange(int sk, double s, int ek, double e, int tk, double t, int scalar_type) {
  auto num = [](int kind, double v) { return kind == 1 ? at::Scalar(static_cast<int64_t>(v)) : at::Scalar(v); };
  try {
    return heap(at::arange(num(sk, s), num(ek, e), num(tk, t), at::TensorOptions().dtype(static_cast<at::ScalarType>(scalar_type))));
  } catch (const std::exception& e) { record(e); return nullptr; }
}

// clamp / clamp_ with Python-number bounds: the Scalar? overload, as Python picks it (tch's
// Scalar arguments cannot carry an error out: their destructor panics on it).
// kind: 0 no bound, 1 int, 2 float.
at::Tensor* fcall_clamp(const at::Tensor* t, int min_kind, double min, int max_kind, double max, int inplace) {
  auto bound = [](int kind, double v) -> std::optional<at::Scalar> {
    if (kind == 1) return at::Scalar(static_cast<int64_t>(v));
    if (kind == 2) return at::Scalar(v);
    return std::nullopt;
  };
  try {
    auto lo = bound(min_kind, min);
    auto hi = bound(max_kind, max);
    if (inplace) {
      at::Tensor r = *t;
      r.clamp_(lo, hi);
      return heap(r);
    }
    return heap(at::clamp(*t, lo, hi));
  } catch (const std::exception& e) { record(e); return nullptr; }
}

// The torch.nn activations whose number arguments tch drops (it binds only their defaults):
// which 0 leaky_relu(negative_slope), 1 elu(alpha), 2 softplus(beta, threshold),
// 3 hardtanh(min_val, max_val); inplace: the `_` variant on t itself. Errors come back as errors.
at::Tensor* fcall_scalar_activation(const at::Tensor* t, int which, double a, double b, int inplace) {
  try {
    at::Tensor r = *t;
    switch (which) {
      case 0: return heap(inplace ? at::leaky_relu_(r, a) : at::leaky_relu(r, a));
      case 1: return heap(inplace ? at::elu_(r, a) : at::elu(r, a));
      case 2: return heap(at::softplus(r, a, b));
      case 3: return heap(inplace ? at::hardtanh_(r, a, b) : at::hardtanh(r, a, b));
    }
    throw std::invalid_argument("unknown activation");
  } catch (const std::exception& e) { record(e); return nullptr; }
}

at::Tensor* fcall_wrap_for_grad(const at::Tensor* t, int64_t level) {
  try { return heap(at::functorch::makeTensorWrapper(*t, level)); }
  catch (const std::exception& e) { record(e); return nullptr; }
}

at::Tensor* fcall_unwrap_for_grad(const at::Tensor* t, int64_t level) {
  try {
    auto* w = at::functorch::maybeGetTensorWrapper(*t);
    if (!w) return heap(*t);
    if (w->level().has_value() && *w->level() == level) return heap(w->value());
    return heap(*t);
  } catch (const std::exception& e) { record(e); return nullptr; }
}

at::Tensor* fcall_add_batch_dim(const at::Tensor* t, int64_t dim, int64_t level) {
  try { return heap(at::functorch::addBatchDim(*t, dim, level)); }
  catch (const std::exception& e) { record(e); return nullptr; }
}

// torch.tensor(data) as torch/csrc/utils/tensor_new.cpp's internal_new_from_data makes it: the
// storage is allocated and filled with functorch's layers excluded (under a grad transform a
// factory's output would be a TensorWrapper without storage), then `lift_fresh` lets the current
// transform wrap it as a fresh tensor of its level. Outside any transform this is a plain tensor.
at::Tensor* fcall_tensor_from_data(const void* data, const int64_t* sizes, size_t ndim, int scalar_type) {
  try {
    at::Tensor t;
    {
      at::AutoDispatchBelowADInplaceOrView guard;
      c10::impl::ExcludeDispatchKeyGuard front(c10::DispatchKey::FuncTorchDynamicLayerFrontMode);
      c10::impl::ExcludeDispatchKeyGuard back(c10::DispatchKey::FuncTorchDynamicLayerBackMode);
      t = at::empty(c10::IntArrayRef(sizes, ndim), at::TensorOptions().dtype(static_cast<at::ScalarType>(scalar_type)));
      if (t.numel() > 0) std::memcpy(t.data_ptr(), data, t.nbytes());
    }
    {
      at::AutoDispatchBelowADInplaceOrView guard;
      t = at::lift_fresh(t);
    }
    return heap(t);
  } catch (const std::exception& e) { record(e); return nullptr; }
}

// torch._C._functorch.is_batchedtensor: a BatchedTensor of any level.
int fcall_is_batched(const at::Tensor* t) { return at::functorch::maybeGetBatchedImpl(*t) != nullptr ? 1 : 0; }

// What functorch wrapped t in, for repr (torch/_tensor_str.py, _functorch_wrapper_str_intern):
// 0 nothing, 1 a BatchedTensor (*bdim set), 2 a GradTrackingTensor (TensorWrapper). *level is
// torch._C._functorch.maybe_get_level: a dead TensorWrapper (its grad layer popped) says -2.
int fcall_functorch_wrapper(const at::Tensor* t, int64_t* level, int64_t* bdim) {
  if (auto* b = at::functorch::maybeGetBatchedImpl(*t)) {
    *level = b->level();
    *bdim = b->bdim();
    return 1;
  }
  if (auto* w = at::functorch::maybeGetTensorWrapper(*t)) {
    auto l = w->level();
    *level = l ? *l : -2;
    return 2;
  }
  return 0;
}

// torch._C._DisableFuncTorch: ops skip every functorch layer while the guard lives (repr reads
// the tensor inside a wrapper this way). Freed by fcall_enable_functorch, in LIFO order.
void* fcall_disable_functorch() {
  return new c10::impl::ExcludeDispatchKeyGuard(
      c10::DispatchKeySet({c10::DispatchKey::FuncTorchDynamicLayerFrontMode, c10::DispatchKey::FuncTorchDynamicLayerBackMode}));
}
void fcall_enable_functorch(void* guard) { delete static_cast<c10::impl::ExcludeDispatchKeyGuard*>(guard); }

// torch._C._functorch.get_unwrapped(t): the tensor inside one functorch wrapper.
at::Tensor* fcall_get_unwrapped(const at::Tensor* t) {
  try {
    if (auto* b = at::functorch::maybeGetBatchedImpl(*t)) return heap(b->value());
    if (auto* w = at::functorch::maybeGetTensorWrapper(*t)) return heap(w->value());
    return heap(*t);
  } catch (const std::exception& e) { record(e); return nullptr; }
}

// functorch's _remove_batch_dim (torch/csrc/functorch/init.cpp): without a batch dim of `level`,
// expand to batch_size at out_dim; otherwise move the level's batch dim to out_dim with a
// permute (init.cpp's _movedim, so the grad_fn is PermuteBackward0). out_dim is wrapped as
// maybe_wrap_dim does (IndexError when out of range). For the expand path PyTorch inserts at
// begin() + out_dim unchecked (undefined behaviour for a negative or too large out_dim); here
// out_dim is wrapped against dim() + 1 first.
at::Tensor* fcall_remove_batch_dim(const at::Tensor* t, int64_t level, int64_t batch_size, int64_t out_dim) {
  try {
    const auto* b = at::functorch::maybeGetBatchedImpl(*t);
    if (!b || b->level() < level) {
      auto sizes = t->sizes().vec();
      int64_t d = c10::maybe_wrap_dim(out_dim, static_cast<int64_t>(sizes.size()) + 1);
      sizes.insert(sizes.begin() + d, batch_size);
      return heap(t->expand(sizes));
    }
    TORCH_INTERNAL_ASSERT(b->level() == level);
    at::Tensor v = b->value();
    int64_t logical_dim = v.dim();
    int64_t src = c10::maybe_wrap_dim(b->bdim(), logical_dim);
    int64_t dst = c10::maybe_wrap_dim(out_dim, logical_dim);
    if (src == dst) return heap(v);
    std::vector<int64_t> perm;
    perm.reserve(logical_dim);
    for (int64_t d = 0; d < logical_dim; ++d) {
      if (d != src) perm.push_back(d);
    }
    perm.insert(perm.begin() + dst, src);
    return heap(v.permute(perm));
  } catch (const std::exception& e) { record(e); return nullptr; }
}

// torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused):
// grad_outputs[i] may be nullptr (None); retain_graph < 0 is None. results[i] is nullptr where
// the input was unused. Returns 0 on error (see fcall_last_error).
int fcall_autograd_grad(at::Tensor** outputs, int n, at::Tensor** inputs, int m, at::Tensor** grad_outputs, int retain_graph,
                        int create_graph, int allow_unused, at::Tensor** results) {
  try {
    std::vector<at::Tensor> outs, ins, gos;
    for (int i = 0; i < n; ++i) outs.push_back(*outputs[i]);
    for (int i = 0; i < m; ++i) ins.push_back(*inputs[i]);
    if (grad_outputs) {
      for (int i = 0; i < n; ++i) gos.push_back(grad_outputs[i] ? *grad_outputs[i] : at::Tensor());
    }
    std::optional<bool> retain;
    if (retain_graph >= 0) retain = retain_graph != 0;
    auto grads = torch::autograd::grad(outs, ins, gos, retain, create_graph != 0, allow_unused != 0);
    for (int i = 0; i < m; ++i) results[i] = grads[i].defined() ? heap(grads[i]) : nullptr;
    return 1;
  } catch (const std::exception& e) { record(e); return 0; }
}

// ---- forward-mode AD (torch.func.jvp): functorch's Jvp layer, the forward-grad mode and the
// dual levels of torch.autograd.forward_ad ----

// torch._C._functorch._jvp_increment_nesting(): returns the level, or -1.
int64_t fcall_jvp_increment_nesting() {
  try {
    bool prev = c10::AutogradState::get_tls_state().get_fw_grad_mode();
    return at::functorch::initAndPushDynamicLayer(at::functorch::TransformType::Jvp, std::nullopt, std::nullopt, std::nullopt, prev);
  } catch (const std::exception& e) { record(e); return -1; }
}

int fcall_fwd_grad_enabled() { return c10::AutogradState::get_tls_state().get_fw_grad_mode() ? 1 : 0; }
void fcall_set_fwd_grad_enabled(int enabled) { c10::AutogradState::get_tls_state().set_fw_grad_mode(enabled != 0); }

// torch._C._enter_dual_level(): the new level, or -1.
int64_t fcall_enter_dual_level() {
  try { return static_cast<int64_t>(torch::autograd::forward_ad::enter_dual_level()); }
  catch (const std::exception& e) { record(e); return -1; }
}
int fcall_exit_dual_level(int64_t level) {
  try { torch::autograd::forward_ad::exit_dual_level(static_cast<uint64_t>(level)); return 1; }
  catch (const std::exception& e) { record(e); return 0; }
}

// torch._VF._make_dual(primal, tangent, level).
at::Tensor* fcall_make_dual(const at::Tensor* primal, const at::Tensor* tangent, int64_t level) {
  try { return heap(at::_make_dual(*primal, *tangent, level)); }
  catch (const std::exception& e) { record(e); return nullptr; }
}

// torch._VF._unpack_dual(t, level): *primal always set, *tangent nullptr when there is none.
int fcall_unpack_dual(const at::Tensor* t, int64_t level, at::Tensor** primal, at::Tensor** tangent) {
  try {
    auto r = at::_unpack_dual(*t, level);
    *primal = heap(std::get<0>(r));
    *tangent = std::get<1>(r).defined() ? heap(std::get<1>(r)) : nullptr;
    return 1;
  } catch (const std::exception& e) { record(e); return 0; }
}

}

#include <c10/core/CPUAllocator.h>
// ---- .pt files: the storages behind torch.save / torch.load (src/interp/ptfile.rs) ----
extern "C" {

// A 1-D uint8 tensor over a fresh, non-resizable storage holding a copy of `data`: a record of a
// .pt archive as torch.load's get_storage_from_record makes it.
at::Tensor* fcall_storage_from_bytes(const void* data, int64_t nbytes) {
  try {
    c10::Storage st(c10::Storage::use_byte_size_t(), nbytes, c10::GetCPUAllocator(), /*resizable=*/false);
    if (nbytes > 0) std::memcpy(st.mutable_data(), data, nbytes);
    auto t = at::empty({0}, at::TensorOptions().dtype(at::kByte));
    t.set_(st, 0, {nbytes}, {1});
    return heap(t);
  } catch (const std::exception& e) { record(e); return nullptr; }
}

// A record mapped to the meta device (torch.load's map_location="meta"): a storage of its size
// with no data, so nothing of the record is read.
at::Tensor* fcall_meta_storage(int64_t nbytes) {
  try {
    return heap(at::empty({nbytes}, at::TensorOptions().dtype(at::kByte).device(at::kMeta)));
  } catch (const std::exception& e) { record(e); return nullptr; }
}

// torch._utils._rebuild_tensor: torch.empty((0,), dtype).set_(storage, offset, size, stride) on
// the storage of `base`, so every tensor of one record shares it (and an out-of-bounds view fails
// as torch.load's does: the storage cannot grow).
at::Tensor* fcall_tensor_on_storage(const at::Tensor* base, int scalar_type, int64_t offset, const int64_t* sizes, const int64_t* strides, size_t ndim) {
  try {
    auto t = at::empty({0}, at::TensorOptions().dtype(static_cast<at::ScalarType>(scalar_type)).device(base->device()));
    t.set_(base->storage(), offset, c10::IntArrayRef(sizes, ndim), c10::IntArrayRef(strides, ndim));
    return heap(t);
  } catch (const std::exception& e) { record(e); return nullptr; }
}

// The whole storage behind `t` as a 1-D uint8 tensor sharing it: what torch.save writes.
at::Tensor* fcall_storage_bytes(const at::Tensor* t) {
  try {
    auto st = t->storage();
    auto u = at::empty({0}, at::TensorOptions().dtype(at::kByte).device(t->device()));
    int64_t n = static_cast<int64_t>(st.nbytes());
    u.set_(st, 0, {n}, {1});
    return heap(u);
  } catch (const std::exception& e) { record(e); return nullptr; }
}

}

// ---- devices: what tch's `Tensor::device()` cannot say (it panics on meta) ----
extern "C" {

// The tensor's c10::Device: its DeviceType code and index (-1: none).
void fcall_device(const at::Tensor* t, int* type, int* index) {
  auto d = t->device();
  *type = static_cast<int>(d.type());
  *index = static_cast<int>(d.index());
}

// `param.data = new_data` (Variable::set_data): the same TensorImpl takes the new data, dtype
// and device, so the Python object keeps its identity. 0 on error (see fcall_last_error).
int fcall_set_data(const at::Tensor* self, const at::Tensor* new_data) {
  try {
    const_cast<at::Tensor*>(self)->set_data(*new_data);
    return 1;
  } catch (const std::exception& e) {
    record(e);
    return 0;
  }
}

// What Python's torch does before any CUDA tensor is made (torch::utils::device_lazy_init ->
// torch.cuda._lazy_init -> torch._C._cuda_init): initialise CUDA, raising its error where there is
// no driver or device. 0 on error (see fcall_last_error).
// fcall runs libtorch without its CUDA library loaded (libtorch_cuda's hooks are not
// registered), so a CUDA request says what PyTorch says where there is no driver (c10's
// device_count_impl for cudaErrorInsufficientDriver) when the driver library cannot be loaded,
// and that fcall has no CUDA otherwise. 0 with the error (see fcall_last_error).
int fcall_cuda_lazy_init() {
  void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (driver == nullptr) {
    last_error =
        "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from "
        "http://www.nvidia.com/Download/index.aspx";
    return 0;
  }
  dlclose(driver);
  last_error = std::string("\x1f") + "NotImplementedError" + "\x1f" + "fcall runs tensors on the CPU (and meta): CUDA is not available in fcall";
  return 0;
}

// torch._has_compatible_shallow_copy_type(a, b): whether `a.data = b` may keep a's TensorImpl
// (nn.Module._apply's choice between `param.data = ...` and a new Parameter).
int fcall_has_compatible_shallow_copy_type(const at::Tensor* a, const at::Tensor* b) {
  return a->unsafeGetTensorImpl()->has_compatible_shallow_copy_type(b->key_set()) ? 1 : 0;
}

}
