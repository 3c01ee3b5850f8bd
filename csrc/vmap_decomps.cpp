// vmap's Python decompositions (torch/_functorch/predispatch.py, lazy_load_decompositions): on
// its first vmap, Python torch registers torch/_decomp's decompositions of these operators as
// their FuncTorchBatched kernels, so under vmap they run as a few batched ops instead of
// BatchedFallback's per-example loop (which also warns "There is a performance drop because we
// have not yet implemented the batching rule for aten::nll_loss_forward"). fcall registers the
// same decompositions, transcribed op for op from torch/_decomp/decompositions.py (2.13), on its
// first vmap too (fcall_vmap_increment_nesting); `addr`'s is torch/_refs' reference.
#include <ATen/ATen.h>
#include <ATen/native/TypeProperties.h>
#include <torch/library.h>
#include <mutex>
#include <tuple>

namespace {
using at::Tensor;
using OptTensor = std::optional<Tensor>;

// Reduction.NONE / MEAN / SUM.
constexpr int64_t NONE = 0, MEAN = 1, SUM = 2;

// @pw_cast_for_opmath: half and bfloat16 tensors computed in float32, the result cast back.
bool low(const Tensor& t) { return t.scalar_type() == at::kHalf || t.scalar_type() == at::kBFloat16; }
Tensor up(const Tensor& t) { return low(t) ? t.to(at::kFloat) : t; }

// decompositions.py `_nll_loss_forward`.
std::tuple<Tensor, Tensor> nll_loss_forward_impl(Tensor self, const Tensor& target, const OptTensor& weight, int64_t reduction,
                                                 int64_t ignore_index) {
  int64_t n_dims = self.dim();
  int64_t channel_dim = n_dims < 2 ? 0 : 1;
  Tensor w;
  bool has_weight = weight.has_value() && weight->defined();
  if (has_weight) {
    if (n_dims > 1) {
      std::vector<int64_t> shape(n_dims, 1);
      shape[channel_dim] = weight->size(0);
      w = weight->view(shape);
    } else {
      w = *weight;
    }
    self = self * w;
  }
  Tensor keep = target != ignore_index;
  Tensor safe_target = at::where(keep, target, 0);
  Tensor safe_target_ = safe_target.unsqueeze(channel_dim);
  Tensor result = -at::gather(self, channel_dim, safe_target_).squeeze(channel_dim);
  result = at::where(target != ignore_index, result, 0);
  if (reduction == NONE && n_dims > 1) {
    Tensor total_weight = self.new_full({}, 0.0);
    return {result, total_weight};
  }
  Tensor total_weight;
  if (has_weight) {
    w = w.expand(self.sizes());
    Tensor wsum = at::gather(w, channel_dim, safe_target_).squeeze(channel_dim);
    wsum = at::where(target != ignore_index, wsum, 0);
    total_weight = wsum.sum();
  } else {
    total_weight = (target != ignore_index).sum().to(self);
  }
  if (reduction == SUM) {
    result = result.sum();
  } else if (reduction == MEAN) {
    result = result.sum() / total_weight;
  }
  return {result, total_weight};
}

std::string shape(const Tensor& t) {
  std::string s = "torch.Size([";
  for (int64_t i = 0; i < t.dim(); i++) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "])";
}

std::tuple<Tensor, Tensor> nll_loss_forward(const Tensor& self, const Tensor& target, const OptTensor& weight, int64_t reduction,
                                            c10::SymInt ignore_index) {
  TORCH_CHECK(self.dim() > 0 && self.dim() <= 2, "input tensor should be 1D or 2D, got ", self.dim(), "D");
  TORCH_CHECK(target.dim() <= 1, "0D or 1D target tensor expected, multi-target not supported, got ", target.dim(), "D");
  bool no_batch_dim = self.dim() == 1 && target.dim() == 0;
  if (!no_batch_dim) {
    TORCH_CHECK(self.size(0) == target.size(0), "size mismatch (got input: ", shape(self), ", target: ", shape(target), ")");
  }
  int64_t n_classes = self.size(-1);
  if (weight.has_value() && weight->defined()) {
    TORCH_CHECK(weight->dim() == 1 && weight->numel() == n_classes, "weight tensor should be defined either for all ", n_classes,
                " classes or no classes but got weight tensor of shape: ", shape(*weight));
  }
  return nll_loss_forward_impl(self, target, weight, reduction, ignore_index.expect_int());
}

std::tuple<Tensor, Tensor> nll_loss2d_forward(const Tensor& self, const Tensor& target, const OptTensor& weight, int64_t reduction,
                                              c10::SymInt ignore_index) {
  return nll_loss_forward_impl(self, target, weight, reduction, ignore_index.expect_int());
}

// decompositions.py `_nll_loss_backward`.
Tensor nll_loss_backward_impl(Tensor grad_output, const Tensor& self, Tensor target, const OptTensor& weight, int64_t reduction,
                              int64_t ignore_index, const Tensor& total_weight) {
  int64_t channel_dim = self.dim() < 2 ? 0 : 1;
  if (reduction == MEAN) grad_output = grad_output / total_weight;
  if (self.dim() == 1 && target.dim() > 0) target = target[0];
  target = target.unsqueeze(channel_dim);
  Tensor safe_target = at::where(target != ignore_index, target, 0);
  Tensor grad_input = at::zeros_like(self);
  grad_input = at::scatter(grad_input, channel_dim, safe_target, -1.0);
  if (grad_input.dim() > grad_output.dim() && grad_output.dim() > 0) grad_output = grad_output.unsqueeze(channel_dim);
  if (weight.has_value() && weight->defined()) {
    std::vector<int64_t> new_shape(self.dim(), 1);
    new_shape[channel_dim] = weight->size(0);
    grad_output = grad_output * weight->reshape(new_shape);
  }
  grad_output = at::where(target != ignore_index, grad_output, 0);
  return grad_input * grad_output;
}

Tensor nll_loss_backward(const Tensor& grad_output, const Tensor& self, const Tensor& target, const OptTensor& weight, int64_t reduction,
                         c10::SymInt ignore_index, const Tensor& total_weight) {
  TORCH_CHECK(self.dim() >= 0 && self.dim() <= 2, "input tensor should be 1D or 2D, got ", self.dim(), "D");
  TORCH_CHECK(target.dim() <= 1, "0D or 1D target tensor expected, multi-target not supported, got ", target.dim(), "D");
  bool no_batch_dim = self.dim() == 1 && target.dim() == 0;
  TORCH_CHECK(no_batch_dim || self.size(0) == target.size(0), "size mismatch (got input: ", shape(self), ", target: ", shape(target), ")");
  TORCH_CHECK(total_weight.numel() == 1, "expected total_weight to be a single element tensor, got: ", shape(total_weight), " (",
              total_weight.numel(), " elements)");
  if (weight.has_value() && weight->defined()) {
    TORCH_CHECK(weight->numel() == self.size(-1), "weight tensor should be defined either for all or no classes");
  }
  if (reduction == NONE && self.dim() == 2) {
    TORCH_CHECK(grad_output.dim() == 1 && grad_output.size(0) == self.size(0), "Expected a tensor of dimension 1 and tensor.size[0] == ",
                self.size(0), " but got: dimension ", grad_output.dim(), " and tensor.size[0] == ", grad_output.size(0));
  } else {
    TORCH_CHECK(grad_output.dim() <= 1 && grad_output.numel() == 1, "Expected a single element grad_output tensor, but got: ",
                shape(grad_output));
  }
  return nll_loss_backward_impl(grad_output, self, target, weight, reduction, ignore_index.expect_int(), total_weight);
}

Tensor nll_loss2d_backward(const Tensor& grad_output, const Tensor& self, const Tensor& target, const OptTensor& weight,
                           int64_t reduction, c10::SymInt ignore_index, const Tensor& total_weight) {
  TORCH_CHECK(self.dim() == 4, "only batches of spatial inputs supported (4D tensors), but got input of dimension: ", self.dim());
  TORCH_CHECK(target.dim() == 3, "only batches of spatial targets supported (3D tensors) but got targets of dimension: ", target.dim());
  TORCH_CHECK(self.size(0) == target.size(0) && self.size(2) == target.size(1) && self.size(3) == target.size(2),
              "size mismatch (got input: ", shape(self), ", target: ", shape(target));
  TORCH_CHECK(total_weight.numel() == 1, "expected total_weight to be a single element tensor, got: ", shape(total_weight), " ( ",
              total_weight.numel(), ", elements)");
  return nll_loss_backward_impl(grad_output, self, target, weight, reduction, ignore_index.expect_int(), total_weight);
}

// decompositions.py `mse_loss_backward` (@pw_cast_for_opmath).
Tensor mse_loss_backward(const Tensor& grad_output, const Tensor& input, const Tensor& target, int64_t reduction) {
  double norm = reduction == MEAN ? 2.0 / static_cast<double>(input.numel()) : 2.0;
  Tensor r = norm * (up(input) - up(target)) * up(grad_output);
  return low(grad_output) ? r.to(grad_output.scalar_type()) : r;
}

// `smooth_l1_loss_backward` (@pw_cast_for_opmath).
Tensor smooth_l1_loss_backward(const Tensor& grad_output, const Tensor& self, const Tensor& target, int64_t reduction, double beta) {
  double norm = reduction == MEAN ? 1.0 / static_cast<double>(self.numel()) : 1.0;
  Tensor x = up(self) - up(target);
  Tensor abs_x = at::abs(x);
  Tensor norm_grad = norm * up(grad_output);
  Tensor r = at::where(abs_x < beta, norm_grad * x / beta, norm_grad * at::sign(x));
  return low(grad_output) ? r.to(grad_output.scalar_type()) : r;
}

// `huber_loss_backward` (@pw_cast_for_opmath).
Tensor huber_loss_backward(const Tensor& grad_output, const Tensor& self, const Tensor& target, int64_t reduction, double delta) {
  double norm = reduction == MEAN ? 1.0 / static_cast<double>(self.numel()) : 1.0;
  Tensor g = up(grad_output);
  Tensor x = up(self) - up(target);
  Tensor r = at::where(x < -delta, -norm * g * delta, at::where(x > delta, norm * g * delta, norm * x * g));
  return low(grad_output) ? r.to(grad_output.scalar_type()) : r;
}

// Python's name of a number's type (`<class 'float'>`) and of a dtype (`torch.float32`).
std::string py_type(const c10::Scalar& s) {
  return s.isBoolean() ? "<class 'bool'>" : s.isIntegral(false) ? "<class 'int'>" : s.isFloatingPoint() ? "<class 'float'>" : "<class 'complex'>";
}
std::string py_dtype(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "torch.float32";
    case at::kDouble: return "torch.float64";
    case at::kHalf: return "torch.float16";
    case at::kBFloat16: return "torch.bfloat16";
    case at::kLong: return "torch.int64";
    case at::kInt: return "torch.int32";
    case at::kShort: return "torch.int16";
    case at::kChar: return "torch.int8";
    case at::kByte: return "torch.uint8";
    case at::kBool: return "torch.bool";
    case at::kComplexHalf: return "torch.complex32";
    case at::kComplexFloat: return "torch.complex64";
    case at::kComplexDouble: return "torch.complex128";
    default: return std::string("torch.") + c10::toString(t);
  }
}
// is_weakly_lesser_type(type(x), dtype_to_type(dtype)): bool < int < float < complex.
int scalar_rank(const c10::Scalar& s) { return s.isBoolean() ? 0 : s.isIntegral(false) ? 1 : s.isFloatingPoint() ? 2 : 3; }
int dtype_rank(at::ScalarType t) {
  return t == at::kBool ? 0 : at::isIntegralType(t, false) ? 1 : at::isComplexType(t) ? 3 : 2;
}

// torch/_refs `addr` under @elementwise_type_promotion_wrapper(DEFAULT): the three tensors
// promoted to one dtype (computed in float32 / complex64 for the 16-bit ones), the result cast
// to it.
Tensor addr_impl(const Tensor& self_, const Tensor& vec1_, const Tensor& vec2_, const c10::Scalar& beta, const c10::Scalar& alpha,
                 at::ScalarType dt) {
  Tensor self = self_.to(dt), vec1 = vec1_.to(dt), vec2 = vec2_.to(dt);
  TORCH_CHECK(vec1.dim() == 1, "addr: Expected 1-D argument vec1, but got ", vec1.dim(), "-D");
  TORCH_CHECK(vec2.dim() == 1, "addr: Expected 1-D argument vec2, but got ", vec2.dim(), "-D");
  for (auto [arg, name] : {std::pair{alpha, "alpha"}, std::pair{beta, "beta"}}) {
    if (arg.isBoolean()) {
      TORCH_CHECK(self.scalar_type() == at::kBool && vec1.scalar_type() == at::kBool && vec2.scalar_type() == at::kBool, "Boolean ", name,
                  " only supported for Boolean results.");
    }
  }
  self = self.expand({vec1.size(0), vec2.size(0)});
  if (self.scalar_type() == at::kBool) {
    TORCH_CHECK(scalar_rank(beta) <= 1, "expected bool/int beta but got ", py_type(beta));
    TORCH_CHECK(scalar_rank(alpha) <= 1, "expected bool/int alpha but got ", py_type(alpha));
    Tensor term = alpha.toBool() ? at::outer(vec1, vec2) : at::full_like(self, false);
    return beta.toBool() ? at::logical_or(self, term) : term;
  }
  TORCH_CHECK(scalar_rank(beta) <= dtype_rank(self.scalar_type()), "cannot safely convert ", py_type(beta), " to ", py_dtype(self.scalar_type()));
  TORCH_CHECK(scalar_rank(alpha) <= dtype_rank(self.scalar_type()), "cannot safely convert ", py_type(alpha), " to ",
              py_dtype(self.scalar_type()));
  if (beta.equal(0)) return at::outer(vec1, vec2) * alpha;
  return self * beta + at::outer(vec1, vec2) * alpha;
}

Tensor addr(const Tensor& self, const Tensor& vec1, const Tensor& vec2, const c10::Scalar& beta, const c10::Scalar& alpha) {
  at::native::ResultTypeState state = {};
  for (const Tensor* t : {&self, &vec1, &vec2}) state = at::native::update_result_type_state(*t, state);
  at::ScalarType result = at::native::result_type(state);
  at::ScalarType compute = result == at::kHalf || result == at::kBFloat16 ? at::kFloat : result == at::kComplexHalf ? at::kComplexFloat : result;
  return addr_impl(self, vec1, vec2, beta, alpha, compute).to(result);
}

std::once_flag loaded;
}  // namespace

extern "C" {
// lazy_load_decompositions(): registers the kernels once per process (the Library is kept).
void fcall_load_vmap_decompositions() {
  std::call_once(loaded, [] {
    auto* lib = new torch::Library(torch::Library::IMPL, "aten", c10::DispatchKey::FuncTorchBatched, __FILE__, __LINE__);
    lib->impl("mse_loss_backward", TORCH_FN(mse_loss_backward));
    lib->impl("smooth_l1_loss_backward", TORCH_FN(smooth_l1_loss_backward));
    lib->impl("huber_loss_backward", TORCH_FN(huber_loss_backward));
    lib->impl("nll_loss_forward", TORCH_FN(nll_loss_forward));
    lib->impl("nll_loss2d_forward", TORCH_FN(nll_loss2d_forward));
    lib->impl("nll_loss_backward", TORCH_FN(nll_loss_backward));
    lib->impl("nll_loss2d_backward", TORCH_FN(nll_loss2d_backward));
    lib->impl("addr", TORCH_FN(addr));
  });
}
}
