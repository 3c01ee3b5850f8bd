// Tensor gradient hooks (Python's Tensor.register_hook): libtorch's own hook on the tensor,
// which calls back into fcall with the gradient. The autograd engine runs CPU backward on the
// thread that called it, so the callback runs on the evaluator's thread.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/variable.h>
#include <stdexcept>

extern "C" {

// fcall's side: runs hook `id` on `grad` (a fresh heap at::Tensor that the callee owns).
// Returns a fresh heap at::Tensor to use instead, or nullptr to keep the gradient; sets
// *failed when the hook raised (the Python error waits on fcall's side).
typedef at::Tensor* (*fcall_tensor_hook_fn)(uint64_t id, at::Tensor* grad, int* failed);

// Registers hook `id` on `t`; returns its position for fcall_remove_tensor_hook, or -1.
int64_t fcall_register_tensor_hook(const at::Tensor* t, fcall_tensor_hook_fn fn, uint64_t id) {
  try {
    auto pos = const_cast<at::Tensor*>(t)->register_hook([fn, id](const at::Tensor& grad) -> at::Tensor {
      int failed = 0;
      at::Tensor* r = fn(id, new at::Tensor(grad), &failed);
      if (failed) throw std::runtime_error("fcall: a tensor hook raised");
      if (!r) return at::Tensor();
      at::Tensor out = std::move(*r);
      delete r;
      return out;
    });
    return static_cast<int64_t>(pos);
  } catch (...) {
    return -1;
  }
}

void fcall_remove_tensor_hook(const at::Tensor* t, int64_t pos) {
  try {
    const_cast<at::Tensor*>(t)->remove_hook(static_cast<unsigned>(pos));
  } catch (...) {
  }
}

}
