//! The torch.nn layers of issue 11 (pooling, GroupNorm/RMSNorm/InstanceNorm/BatchNorm3d, the
//! activations, Conv3d/ConvTranspose, Unflatten, Upsample, ...) against real PyTorch 2.13, each
//! built from the same Python text on both sides: fcall's interpreter evaluates the constructor
//! call (so the argument binding is under test too), PyTorch evaluates it in the venv's python.
//! With the same seed the layer must have the same repr, parameters and buffers (names, order,
//! shapes, dtypes, values), forward outputs (train and eval, several calls so running statistics
//! evolve) and buffers afterwards; bad arguments must raise PyTorch's exception class and
//! message; and short scripts must print the same text. All cases run in one Python process.
mod common;

use std::sync::OnceLock;

use common::{rng_lock, state, tj};

use fcall::interp::output::Failure;
use fcall::interp::{RunOptions, Session};
use fcall::{TensorRef, Value};
use serde_json::{json, Value as J};
use tch::{Kind, Tensor};

/// One layer: built from `py` with `seed`, called once per entry of `calls` with fresh
/// `torch.randn(shape)` inputs (made in call order on both sides).
struct Case {
    name: &'static str,
    seed: i64,
    py: &'static str,
    eval: bool,
    calls: &'static [&'static [&'static [i64]]],
}

const fn case(name: &'static str, seed: i64, py: &'static str, calls: &'static [&'static [&'static [i64]]]) -> Case {
    Case { name, seed, py, eval: false, calls }
}
const fn eval_case(name: &'static str, seed: i64, py: &'static str, calls: &'static [&'static [&'static [i64]]]) -> Case {
    Case { name, seed, py, eval: true, calls }
}

const X1D: &[&[&[i64]]] = &[&[&[2, 3, 10]], &[&[3, 9]]];
const X2D: &[&[&[i64]]] = &[&[&[2, 3, 7, 8]], &[&[3, 6, 5]]];
const ACT: &[&[&[i64]]] = &[&[&[4, 6]], &[&[2, 3, 4]]];

const CASES: &[Case] = &[
    // Pooling.
    case("pool_max1d", 1, "nn.MaxPool1d(3, stride=2, padding=1)", X1D),
    case("pool_max1d_indices_ceil", 2, "nn.MaxPool1d(2, return_indices=True, ceil_mode=True)", &[&[&[2, 3, 7]]]),
    case("pool_max2d", 3, "nn.MaxPool2d(2)", X2D),
    case("pool_max2d_opts", 4, "nn.MaxPool2d((3, 2), stride=(2, 1), padding=1, dilation=(1, 2), ceil_mode=True)", X2D),
    case("pool_max2d_indices", 5, "nn.MaxPool2d(3, stride=2, return_indices=True)", &[&[&[2, 2, 7, 7]]]),
    case("pool_avg1d", 6, "nn.AvgPool1d(3)", X1D),
    case("pool_avg1d_opts", 7, "nn.AvgPool1d(4, stride=2, padding=2, ceil_mode=True, count_include_pad=False)", &[&[&[2, 2, 9]]]),
    case("pool_avg2d", 8, "nn.AvgPool2d(2)", X2D),
    case("pool_avg2d_opts", 9, "nn.AvgPool2d((3, 2), stride=(2, 1), padding=(1, 1), ceil_mode=True, count_include_pad=False)", X2D),
    case("pool_avg2d_divisor", 10, "nn.AvgPool2d(3, stride=2, padding=1, divisor_override=2)", X2D),
    case("pool_adaptive_avg1d", 11, "nn.AdaptiveAvgPool1d(4)", X1D),
    case("pool_adaptive_avg2d", 12, "nn.AdaptiveAvgPool2d((3, None))", X2D),
    case("pool_adaptive_avg2d_int", 13, "nn.AdaptiveAvgPool2d(1)", X2D),
    case("pool_adaptive_max1d", 14, "nn.AdaptiveMaxPool1d(3, return_indices=True)", X1D),
    case("pool_adaptive_max2d", 15, "nn.AdaptiveMaxPool2d((2, 3))", X2D),
    // Normalisation.
    case("norm_group", 20, "nn.GroupNorm(2, 6)", &[&[&[4, 6, 5]], &[&[3, 6, 2, 2]]]),
    case("norm_group_noaffine", 21, "nn.GroupNorm(3, 6, eps=1e-3, affine=False)", &[&[&[4, 6]]]),
    case("norm_group_nobias", 22, "nn.GroupNorm(1, 4, bias=False)", &[&[&[2, 4, 3]]]),
    case("norm_rms", 23, "nn.RMSNorm(6)", &[&[&[4, 6]], &[&[2, 3, 6]]]),
    case("norm_rms_opts", 24, "nn.RMSNorm([3, 4], eps=1e-6, elementwise_affine=False)", &[&[&[2, 3, 4]]]),
    case("norm_rms_eps", 25, "nn.RMSNorm((4,), 0.1)", &[&[&[3, 4]]]),
    case("norm_instance1d", 26, "nn.InstanceNorm1d(3)", &[&[&[2, 3, 6]], &[&[3, 5]]]),
    case(
        "norm_instance1d_track_train",
        27,
        "nn.InstanceNorm1d(3, affine=True, track_running_stats=True)",
        &[&[&[2, 3, 6]], &[&[4, 3, 5]], &[&[3, 4]]],
    ),
    eval_case("norm_instance2d_track_eval", 28, "nn.InstanceNorm2d(3, track_running_stats=True, momentum=0.3)", &[&[&[2, 3, 4, 4]]]),
    case(
        "norm_instance2d_track_cma",
        29,
        "nn.InstanceNorm2d(3, eps=1e-3, momentum=None, track_running_stats=True)",
        &[&[&[2, 3, 4, 4]], &[&[3, 2, 5]]],
    ),
    case("norm_bn3d_train", 30, "nn.BatchNorm3d(3)", &[&[&[2, 3, 2, 3, 2]], &[&[3, 3, 1, 2, 2]]]),
    eval_case("norm_bn3d_eval", 31, "nn.BatchNorm3d(3, momentum=None, affine=False)", &[&[&[2, 3, 2, 3, 2]]]),
    case("norm_bn3d_cma", 32, "nn.BatchNorm3d(2, momentum=None, eps=1e-3)", &[&[&[2, 2, 2, 2, 2]], &[&[3, 2, 1, 2, 2]]]),
    // Activations.
    case("act_relu_inplace", 40, "nn.ReLU(inplace=True)", ACT),
    case("act_relu6", 41, "nn.ReLU6()", ACT),
    case("act_silu", 42, "nn.SiLU()", ACT),
    case("act_mish", 43, "nn.Mish(inplace=True)", ACT),
    case("act_hardswish", 44, "nn.Hardswish()", ACT),
    case("act_hardsigmoid", 45, "nn.Hardsigmoid(inplace=True)", ACT),
    case("act_leaky_relu", 46, "nn.LeakyReLU()", ACT),
    case("act_leaky_relu_slope", 47, "nn.LeakyReLU(0.2, inplace=True)", ACT),
    case("act_leaky_relu_int", 48, "nn.LeakyReLU(negative_slope=2)", ACT),
    case("act_elu", 49, "nn.ELU()", ACT),
    case("act_elu_alpha", 50, "nn.ELU(alpha=0.5, inplace=True)", ACT),
    case("act_softplus", 51, "nn.Softplus()", ACT),
    case("act_softplus_opts", 52, "nn.Softplus(beta=2, threshold=1)", ACT),
    case("act_hardtanh", 53, "nn.Hardtanh()", ACT),
    case("act_hardtanh_range", 54, "nn.Hardtanh(-0.5, 2, inplace=True)", ACT),
    case("act_hardtanh_deprecated", 55, "nn.Hardtanh(min_value=-0.25)", ACT),
    case("act_softsign", 56, "nn.Softsign()", ACT),
    case("act_tanhshrink", 57, "nn.Tanhshrink()", ACT),
    case("act_softmax", 58, "nn.Softmax(dim=1)", ACT),
    case("act_softmax_implicit", 59, "nn.Softmax()", ACT),
    case("act_log_softmax", 60, "nn.LogSoftmax(dim=-1)", ACT),
    case("act_log_softmax_implicit", 61, "nn.LogSoftmax()", &[&[&[5]], &[&[2, 3, 4, 2]]]),
    case("act_glu", 62, "nn.GLU()", ACT),
    case("act_glu_dim", 63, "nn.GLU(dim=0)", ACT),
    case("act_prelu", 64, "nn.PReLU()", ACT),
    case("act_prelu_channels", 65, "nn.PReLU(3, init=0.1)", &[&[&[2, 3, 4]], &[&[5, 3]]]),
    // Convolutions.
    case("conv3d", 70, "nn.Conv3d(2, 4, 3, padding=1)", &[&[&[2, 2, 4, 5, 3]]]),
    case(
        "conv3d_opts",
        71,
        "nn.Conv3d(4, 4, (2, 3, 1), stride=(1, 2, 1), padding=(1, 1, 0), groups=2, bias=False, padding_mode='replicate')",
        &[&[&[1, 4, 3, 5, 2]]],
    ),
    case("conv3d_same", 72, "nn.Conv3d(2, 3, 2, padding='same', dilation=2)", &[&[&[1, 2, 4, 4, 4]]]),
    case("conv_transpose1d", 73, "nn.ConvTranspose1d(4, 6, 3)", &[&[&[2, 4, 5]], &[&[4, 3]]]),
    case(
        "conv_transpose1d_opts",
        74,
        "nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, bias=False, dilation=2)",
        &[&[&[2, 4, 5]]],
    ),
    case("conv_transpose2d", 75, "nn.ConvTranspose2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 0))", &[&[&[2, 3, 4, 5]]]),
    case("conv_transpose2d_groups", 76, "nn.ConvTranspose2d(4, 6, 3, stride=2, output_padding=1, groups=2)", &[&[&[1, 4, 3, 3]]]),
    // Shapes.
    case("shape_unflatten", 80, "nn.Unflatten(1, (2, 3))", &[&[&[4, 6]]]),
    case("shape_unflatten_list", 81, "nn.Unflatten(-1, [2, -1])", &[&[&[3, 4, 8]]]),
    case("up_nearest", 82, "nn.Upsample(scale_factor=2)", &[&[&[1, 2, 3, 3]], &[&[2, 2, 4]]]),
    case("up_nearest_size", 83, "nn.Upsample(size=(5, 4))", &[&[&[1, 2, 3, 3]]]),
    case("up_nearest_exact", 84, "nn.Upsample(scale_factor=1.7, mode='nearest-exact')", &[&[&[1, 1, 5, 5]]]),
    case("up_bilinear", 85, "nn.Upsample(scale_factor=1.5, mode='bilinear')", &[&[&[2, 2, 4, 3]]]),
    case("up_bilinear_corners", 86, "nn.Upsample(size=7, mode='bilinear', align_corners=True)", &[&[&[1, 2, 4, 3]]]),
    case("up_linear", 87, "nn.Upsample(scale_factor=(2.5,), mode='linear')", &[&[&[2, 3, 4]]]),
    case("up_bicubic", 88, "nn.Upsample(scale_factor=2, mode='bicubic', recompute_scale_factor=True)", &[&[&[1, 1, 3, 4]]]),
    case("up_area", 89, "nn.Upsample(size=(2, 3), mode='area')", &[&[&[1, 2, 5, 7]]]),
    case("up_trilinear", 90, "nn.Upsample(scale_factor=(1, 2, 1.5), mode='trilinear')", &[&[&[1, 1, 2, 3, 2]]]),
    // A small CNN made of them.
    case(
        "seq_cnn",
        95,
        "nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 8, 3), \
         nn.SiLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 4), nn.LogSoftmax(dim=1))",
        &[&[&[2, 3, 8, 8]], &[&[3, 3, 8, 8]]],
    ),
    eval_case(
        "seq_cnn_eval",
        96,
        "nn.Sequential(nn.ConvTranspose2d(2, 4, 2, stride=2), nn.GroupNorm(2, 4), nn.GELU(), nn.AvgPool2d(2), \
         nn.Upsample(scale_factor=2, mode='bilinear'), nn.InstanceNorm2d(4, affine=True), nn.LeakyReLU(0.1), nn.Flatten(), \
         nn.Unflatten(1, (4, 16)), nn.RMSNorm(16))",
        &[&[&[2, 2, 2, 2]]],
    ),
];

/// A constructor or forward that must raise: PyTorch's exception class and message.
const ERRORS: &[(&str, &str)] = &[
    ("group_norm_divisible", "nn.GroupNorm(4, 6)"),
    ("group_norm_zero", "nn.GroupNorm(0, 6)"),
    ("group_norm_batch_one", "nn.GroupNorm(2, 2)(torch.randn(1, 2))"),
    ("group_norm_dim", "nn.GroupNorm(2, 4)(torch.randn(4))"),
    ("hardtanh_range", "nn.Hardtanh(1.0, -1.0)"),
    ("hardtanh_equal", "nn.Hardtanh(0, 0)"),
    ("leaky_relu_str", "nn.LeakyReLU('a')(torch.randn(2))"),
    ("softplus_none", "nn.Softplus(threshold=None)(torch.randn(2))"),
    ("conv_transpose_padding_mode", "nn.ConvTranspose2d(4, 4, 3, padding_mode='reflect')"),
    ("conv_transpose_groups", "nn.ConvTranspose1d(4, 3, 3, groups=2)"),
    ("conv3d_groups", "nn.Conv3d(4, 4, 3, groups=3)"),
    ("conv3d_same_strided", "nn.Conv3d(2, 2, 3, stride=2, padding='same')"),
    ("conv_transpose_output_size", "nn.ConvTranspose1d(2, 2, 3, stride=2)(torch.randn(1, 2, 4), output_size=[20])"),
    ("conv_transpose_output_len", "nn.ConvTranspose1d(2, 2, 3, stride=2)(torch.randn(1, 2, 4), output_size=[1, 2, 3, 4])"),
    ("conv_transpose_too_many", "nn.ConvTranspose1d(2, 2, 3)(torch.randn(1, 2, 4), None, None)"),
    ("unflatten_int", "nn.Unflatten(1, 6)"),
    ("unflatten_float", "nn.Unflatten(1, (2, 3.0))"),
    ("instance_norm_features", "nn.InstanceNorm1d(3, affine=True)(torch.randn(2, 4, 5))"),
    ("instance_norm_spatial", "nn.InstanceNorm1d(3)(torch.randn(2, 3, 1))"),
    ("instance_norm_dim", "nn.InstanceNorm2d(3)(torch.randn(3, 4))"),
    ("bn3d_dim", "nn.BatchNorm3d(3)(torch.randn(2, 3, 4, 4))"),
    ("max_pool_pad", "nn.MaxPool2d(2, padding=2)(torch.randn(1, 1, 4, 4))"),
    ("max_pool_small", "nn.MaxPool2d(3)(torch.randn(1, 1, 2, 2))"),
    ("adaptive_dims", "nn.AdaptiveAvgPool2d((2, None))(torch.randn(3))"),
    ("upsample_rank", "nn.Upsample(scale_factor=2, mode='bilinear')(torch.randn(1, 2, 3))"),
    ("upsample_align", "nn.Upsample(scale_factor=2, align_corners=True)(torch.randn(1, 2, 3, 3))"),
    ("upsample_nothing", "nn.Upsample()(torch.randn(1, 1, 2, 2))"),
    ("upsample_size_len", "nn.Upsample(size=(2, 2))(torch.randn(1, 2, 3))"),
    ("upsample_recompute", "nn.Upsample(size=4, recompute_scale_factor=True)(torch.randn(1, 1, 2))"),
    ("glu_odd", "nn.GLU()(torch.randn(3))"),
    ("glu_scalar", "nn.GLU()(torch.tensor(1.0))"),
    ("softmax_dim", "nn.Softmax(dim=2)(torch.randn(2, 3))"),
    ("prelu_channels", "nn.PReLU(3)(torch.randn(2, 4))"),
];

/// Scripts whose printed output must be the same text as PyTorch's.
const SCRIPTS: &[(&str, &str)] = &[
    (
        "embedding_padding_idx",
        "torch.manual_seed(0)\n\
         e = nn.Embedding(5, 3, padding_idx=1)\n\
         print(e.weight)\n\
         y = e(torch.tensor([[1, 2], [1, 4]]))\n\
         y.sum().backward()\n\
         print(e.weight.grad)\n\
         print(e)\n",
    ),
    (
        "conv_transpose_output_size",
        "torch.manual_seed(0)\n\
         up = nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)\n\
         x = torch.randn(1, 2, 3, 3)\n\
         print(up(x, output_size=[6, 6]).shape)\n\
         print(up(x, output_size=(1, 2, 5, 5)).shape)\n\
         print(up(x).shape, up(input=x).shape)\n\
         print(up.weight.shape, up.transposed, up.output_padding)\n",
    ),
    (
        "settings",
        "m = nn.MaxPool2d(2)\n\
         print(m.kernel_size, m.stride, m.padding, m.dilation, m.return_indices, m.ceil_mode)\n\
         a = nn.AvgPool1d(3)\n\
         print(a.kernel_size, a.stride, a.padding, a.count_include_pad)\n\
         print(nn.Upsample(scale_factor=2).scale_factor, nn.Upsample(scale_factor=(1, 2)).scale_factor, nn.Upsample(size=3).scale_factor)\n\
         print(nn.Upsample(scale_factor=2), nn.Upsample(size=(3, 4), mode='bilinear'))\n\
         print(nn.RMSNorm(3).eps, nn.RMSNorm(3).normalized_shape, nn.GroupNorm(2, 4).num_groups)\n\
         print(nn.SiLU(), nn.SiLU(inplace=True), nn.Hardswish(inplace=True), nn.ReLU6(True), nn.ReLU(inplace=True))\n\
         print(nn.LeakyReLU(1), nn.ELU(2), nn.Softplus(2, 10), nn.Hardtanh(-2, 2), nn.PReLU(4), nn.GLU(), nn.Softmax(), nn.LogSoftmax(0))\n\
         print(nn.Tanhshrink(), nn.Softsign(), nn.Unflatten(1, torch.randn(2, 3).shape))\n\
         print(type(nn.MaxPool2d(2)), type(nn.GroupNorm(1, 2)), type(nn.InstanceNorm1d(2)), type(nn.Upsample(size=2)))\n\
         print(isinstance(nn.ReLU6(), nn.ReLU6), type(nn.ConvTranspose1d(1, 1, 1)) is nn.ConvTranspose1d)\n\
         print(nn.Conv3d(2, 4, 3), nn.ConvTranspose2d(2, 4, 3, stride=2, output_padding=1, groups=2, bias=False))\n\
         print(list(nn.InstanceNorm1d(3, affine=True, track_running_stats=True).state_dict().keys()))\n\
         print(list(nn.BatchNorm3d(2).state_dict().keys()), list(nn.PReLU().state_dict().keys()))\n",
    ),
    (
        "functional_call_cnn",
        "from torch.func import functional_call\n\
         torch.manual_seed(0)\n\
         net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2, 3))\n\
         x = torch.randn(2, 1, 6, 6)\n\
         params = {k: torch.zeros(v.shape) for k, v in net.named_parameters()}\n\
         print(functional_call(net, params, (x,)))\n\
         print(net[1].num_batches_tracked)\n",
    ),
    (
        "parameter_list_dict",
        "torch.manual_seed(0)\n\
         pl = nn.ParameterList([nn.Parameter(torch.randn(2, 3)), torch.zeros(3)])\n\
         print(pl)\n\
         print(len(pl), type(pl[1]).__name__, pl[1].requires_grad, pl[-1])\n\
         pl.append(torch.ones(1))\n\
         pl.extend([torch.ones(2)])\n\
         print(list(dict(pl.named_parameters()).keys()), list(pl.state_dict().keys()))\n\
         print([p.shape for p in pl])\n\
         pl[0] = torch.ones(2)\n\
         print(pl[0], nn.ParameterList(), nn.ParameterList([torch.ones(1)]))\n\
         pd = nn.ParameterDict({'a': nn.Parameter(torch.ones(2)), 'b': torch.zeros(2, 2)})\n\
         print(pd)\n\
         print(len(pd), 'a' in pd, 'z' in pd, list(pd.keys()), type(pd['b']).__name__)\n\
         pd['c'] = torch.ones(1)\n\
         pd.update({'d': torch.ones(3)})\n\
         print(list(pd), list(pd.state_dict().keys()), [k for k, v in pd.items()])\n\
         print(pd.pop('a').shape, list(pd.keys()), pd.get('zz'), pd.get('b').shape)\n\
         class M(nn.Module):\n\
         \x20   def __init__(self):\n\
         \x20       super().__init__()\n\
         \x20       self.ws = nn.ParameterList([nn.Parameter(torch.ones(2)) for _ in range(2)])\n\
         \x20       self.pd = nn.ParameterDict({'x': nn.Parameter(torch.ones(2))})\n\
         \x20   def forward(self, x):\n\
         \x20       for w in self.ws:\n\
         \x20           x = x * w\n\
         \x20       return x + self.pd['x']\n\
         m = M()\n\
         print(m)\n\
         print(list(dict(m.named_parameters()).keys()))\n\
         print(torch.func.functional_call(m, {'ws.0': torch.full((2,), 3.0), 'pd.x': torch.zeros(2)}, (torch.ones(2),)))\n\
         try:\n\
         \x20   pl[10]\n\
         except IndexError as e:\n\
         \x20   print('IndexError', e)\n",
    ),
    (
        "orthogonal_and_remove",
        "from torch.nn.utils import parametrize\n\
         from torch.nn.utils.parametrizations import orthogonal\n\
         torch.manual_seed(0)\n\
         m = orthogonal(nn.Linear(4, 4))\n\
         print(m)\n\
         w = m.weight\n\
         print(torch.allclose(w @ w.T, torch.eye(4), atol=1e-5))\n\
         print(m.parametrizations.weight[0])\n\
         print(len(m.parametrizations.weight), [type(p).__name__ for p in m.parametrizations.weight])\n\
         print(sorted(k for k, _ in m.named_buffers()), sorted(k for k, _ in m.named_parameters()))\n\
         before = m.weight.detach().clone()\n\
         parametrize.remove_parametrizations(m, 'weight')\n\
         print(m)\n\
         print(type(m).__name__, torch.allclose(m.weight, before), type(m.weight).__name__, sorted(k for k, _ in m.named_parameters()))\n\
         c = orthogonal(nn.Linear(3, 5), orthogonal_map='cayley')\n\
         print(c.weight.shape, torch.allclose(c.weight.T @ c.weight, torch.eye(3), atol=1e-5))\n\
         parametrize.remove_parametrizations(c, 'weight', leave_parametrized=False)\n\
         print(c.weight.shape, parametrize.is_parametrized(c))\n\
         try:\n\
         \x20   parametrize.remove_parametrizations(c, 'weight')\n\
         except ValueError as e:\n\
         \x20   print('ValueError', str(e)[-30:])\n\
         try:\n\
         \x20   orthogonal(nn.Linear(3, 3), orthogonal_map='qr')\n\
         except ValueError as e:\n\
         \x20   print('ValueError', e)\n\
         try:\n\
         \x20   orthogonal(nn.Linear(3, 3), name='bias')\n\
         except ValueError as e:\n\
         \x20   print('ValueError', e)\n",
    ),
    (
        // orthogonal on batched (2 x 4 x 3) and complex weights, every map, with and without
        // the trivialization; assigning to the parametrized weight.
        "orthogonal_batched_and_complex",
        "from torch.nn.utils import parametrize\n\
         from torch.nn.utils.parametrizations import orthogonal\n\
         torch.manual_seed(0)\n\
         class B(nn.Module):\n\
         \x20   def __init__(self, *shape, dtype=torch.float32):\n\
         \x20       super().__init__()\n\
         \x20       self.weight = nn.Parameter(torch.randn(*shape, dtype=dtype))\n\
         def show(make):\n\
         \x20   try:\n\
         \x20       m = make()\n\
         \x20   except Exception as e:\n\
         \x20       print(type(e).__name__, e)\n\
         \x20       return None\n\
         \x20   w = m.weight\n\
         \x20   n = w.shape[-1] if w.shape[-2] >= w.shape[-1] else w.shape[-2]\n\
         \x20   g = w.mH @ w if w.shape[-2] >= w.shape[-1] else w @ w.mH\n\
         \x20   print(w.dtype, tuple(w.shape), torch.allclose(g, torch.eye(n, dtype=w.dtype).expand_as(g), atol=1e-5))\n\
         \x20   print(w)\n\
         \x20   print(sorted(k for k, _ in m.named_parameters()))\n\
         \x20   return m\n\
         for omap in [None, 'matrix_exp', 'cayley', 'householder']:\n\
         \x20   show(lambda: orthogonal(B(2, 4, 3), orthogonal_map=omap))\n\
         \x20   show(lambda: orthogonal(B(2, 3, 5), orthogonal_map=omap, use_trivialization=False))\n\
         \x20   show(lambda: orthogonal(B(3, 3, dtype=torch.cfloat), orthogonal_map=omap))\n\
         \x20   show(lambda: orthogonal(B(2, 4, 2, dtype=torch.cdouble), orthogonal_map=omap))\n\
         \x20   show(lambda: orthogonal(B(3, 5, dtype=torch.cfloat), orthogonal_map=omap, use_trivialization=False))\n\
         c = show(lambda: orthogonal(B(3, 3, dtype=torch.cfloat)))\n\
         with torch.no_grad():\n\
         \x20   c.weight = torch.linalg.qr(torch.randn(3, 3, dtype=torch.cfloat))[0]\n\
         print(c.weight)\n\
         print(c.parametrizations.weight.original)\n\
         b = show(lambda: orthogonal(B(2, 4, 3)))\n\
         with torch.no_grad():\n\
         \x20   b.weight = torch.linalg.qr(torch.randn(2, 4, 3))[0]\n\
         print(b.weight)\n",
    ),
];

const PRELUDE: &str = r#"
import contextlib, io, json, math, torch
import torch.nn as nn
import torch.nn.functional as F
torch.set_num_threads(1)
def T(t):
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "requires_grad": t.requires_grad,
            "data": [x if math.isfinite(x) else None for x in t.detach().double().flatten().tolist()]}
def V(v):
    if isinstance(v, torch.Tensor):
        return T(v)
    return {"tuple": [V(x) for x in v]}
def state(m):
    return {"params": [[k, T(v)] for k, v in m.named_parameters()],
            "buffers": [[k, T(v)] for k, v in m.named_buffers()]}
def run(seed, src, ev, calls):
    torch.manual_seed(seed)
    m = eval(src)
    res = {"repr": repr(m), "init": state(m)}
    if ev:
        m.eval()
    outs = []
    for shapes in calls:
        xs = [torch.randn(s) for s in shapes]
        y = m(*xs)
        outs.append({"inputs": [T(x) for x in xs], "out": V(y)})
    res["calls"] = outs
    res["after"] = state(m)
    return res
def err(src):
    torch.manual_seed(0)
    try:
        eval(src)
    except Exception as e:
        return {"type": type(e).__name__, "message": str(e)}
    return {"type": None, "message": ""}
def script(src):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(src, {"torch": torch, "nn": nn, "F": F})
    return buf.getvalue()
out = {"cases": {}, "errors": {}, "scripts": {}}
"#;

fn script() -> String {
    let mut s = PRELUDE.to_string();
    for c in CASES {
        let calls: Vec<String> = c.calls.iter().map(|shapes| format!("{shapes:?}")).collect();
        let ev = if c.eval { "True" } else { "False" };
        s += &format!("out['cases'][{:?}] = run({}, {:?}, {ev}, [{}])\n", c.name, c.seed, c.py, calls.join(", "));
    }
    for (name, py) in ERRORS {
        s += &format!("out['errors'][{name:?}] = err({py:?})\n");
    }
    for (name, py) in SCRIPTS {
        s += &format!("out['scripts'][{name:?}] = script({py:?})\n");
    }
    s += "print(json.dumps(out))\n";
    s
}

/// PyTorch's answers for every case, computed once.
fn oracle() -> &'static J {
    static ORACLE: OnceLock<J> = OnceLock::new();
    ORACLE.get_or_init(|| common::run_oracle(&script()))
}


/// Runs `code` in a fresh session: what it printed, or the first error (class and message).
fn run_fcall(s: &mut Session, code: &str) -> Result<String, (String, String)> {
    let mut printed = String::new();
    for o in s.run(code, RunOptions::default()) {
        printed += &o.printed;
        match &o.failure {
            Some(Failure::Raised(e)) => return Err((e.exc.name().to_string(), e.message.to_string())),
            Some(Failure::Syntax(d)) => return Err(("SyntaxError".into(), format!("{d:?}"))),
            None => {}
        }
    }
    Ok(printed)
}


fn vj(v: &Value) -> J {
    match v {
        Value::Tensor(t) => tj(t),
        Value::Tuple(items) | Value::List(items) => json!({"tuple": items.borrow().iter().map(vj).collect::<Vec<_>>()}),
        other => panic!("a forward returned {}", other.type_name()),
    }
}


/// The same run as the Python `run`, with the layer built by fcall's interpreter.
fn run_ours(c: &Case) -> J {
    let mut s = Session::new();
    tch::manual_seed(c.seed);
    if let Err((t, msg)) = run_fcall(&mut s, &format!("m = {}", c.py)) {
        panic!("{}: building `{}` failed: {t}: {msg}", c.name, c.py);
    }
    let Some(Value::Module(m)) = s.get("m") else { panic!("{}: not a module", c.name) };
    let mut res = json!({"repr": m.repr(), "init": state(&m)});
    if c.eval {
        m.eval().unwrap();
    }
    let mut calls = Vec::new();
    for shapes in c.calls {
        let xs: Vec<TensorRef> = shapes.iter().map(|s| TensorRef::new(Tensor::f_randn(*s, (Kind::Float, tch::Device::Cpu)).unwrap())).collect();
        let vals: Vec<Value> = xs.iter().cloned().map(Value::Tensor).collect();
        let y = m.call(&vals, &Vec::new()).unwrap_or_else(|e| panic!("{}: forward failed: {e}", c.name));
        calls.push(json!({"inputs": xs.iter().map(tj).collect::<Vec<_>>(), "out": vj(&y)}));
    }
    res["calls"] = J::Array(calls);
    res["after"] = state(&m);
    res
}

/// Shape, dtype and requires_grad exactly; values within `atol + rtol * |theirs|` (NaN where
/// PyTorch has NaN).
fn cmp_tensor(what: &str, ours: &J, theirs: &J, atol: f64, rtol: f64, errs: &mut Vec<String>) {
    for key in ["shape", "dtype", "requires_grad"] {
        if ours[key] != theirs[key] {
            errs.push(format!("{what}: {key} {} != PyTorch's {}", ours[key], theirs[key]));
            return;
        }
    }
    // float32 values travel as float64 text; rounding back to float32 removes the last-bit noise.
    let f32_ = ours["dtype"] == "float32";
    let data = |j: &J| -> Vec<f64> {
        j["data"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).map(|v| if f32_ { v as f32 as f64 } else { v }).collect()
    };
    let (a, b) = (data(ours), data(theirs));
    if a.len() != b.len() {
        errs.push(format!("{what}: {} values != PyTorch's {}", a.len(), b.len()));
        return;
    }
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        let bad = if x.is_nan() || y.is_nan() { x.is_nan() != y.is_nan() } else { (x - y).abs() > atol + rtol * y.abs() };
        if bad {
            errs.push(format!("{what}[{i}]: {x} != PyTorch's {y}"));
            return;
        }
    }
}

fn cmp_value(what: &str, ours: &J, theirs: &J, errs: &mut Vec<String>) {
    match (ours.get("tuple"), theirs.get("tuple")) {
        (Some(J::Array(a)), Some(J::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                cmp_value(&format!("{what}[{i}]"), x, y, errs);
            }
        }
        (None, None) => cmp_tensor(what, ours, theirs, 1e-5, 1e-5, errs),
        _ => errs.push(format!("{what}: {ours} != PyTorch's {theirs}")),
    }
}

fn cmp_state(what: &str, ours: &J, theirs: &J, tol: f64, errs: &mut Vec<String>) {
    for kind in ["params", "buffers"] {
        let (a, b) = (ours[kind].as_array().unwrap(), theirs[kind].as_array().unwrap());
        let names = |v: &Vec<J>| v.iter().map(|e| e[0].as_str().unwrap().to_string()).collect::<Vec<_>>();
        if names(a) != names(b) {
            errs.push(format!("{what} {kind}: names {:?} != PyTorch's {:?}", names(a), names(b)));
            continue;
        }
        for (x, y) in a.iter().zip(b) {
            cmp_tensor(&format!("{what} {}", x[0].as_str().unwrap()), &x[1], &y[1], tol, tol, errs);
        }
    }
}

fn check_case(c: &Case) -> Vec<String> {
    let theirs = &oracle()["cases"][c.name];
    assert!(theirs.is_object(), "{}: no oracle result", c.name);
    let ours = {
        let _g = rng_lock();
        run_ours(c)
    };
    let mut errs = Vec::new();
    if ours["repr"] != theirs["repr"] {
        errs.push(format!("repr:\n  ours:    {}\n  PyTorch: {}", ours["repr"], theirs["repr"]));
    }
    // The same RNG calls give the same float32 numbers.
    cmp_state("init", &ours["init"], &theirs["init"], 1e-6, &mut errs);
    let (a, b) = (ours["calls"].as_array().unwrap(), theirs["calls"].as_array().unwrap());
    assert_eq!(a.len(), b.len(), "{}: number of calls", c.name);
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        for (j, (xi, yi)) in x["inputs"].as_array().unwrap().iter().zip(y["inputs"].as_array().unwrap()).enumerate() {
            cmp_tensor(&format!("call {k} input {j}"), xi, yi, 0.0, 0.0, &mut errs);
        }
        cmp_value(&format!("call {k} output"), &x["out"], &y["out"], &mut errs);
    }
    cmp_state("after", &ours["after"], &theirs["after"], 1e-5, &mut errs);
    errs.into_iter().map(|e| format!("{}: {e}", c.name)).collect()
}

fn check_group(prefix: &str) {
    let chosen: Vec<&Case> = CASES.iter().filter(|c| c.name.starts_with(prefix)).collect();
    assert!(!chosen.is_empty());
    let errs: Vec<String> = chosen.iter().flat_map(|c| check_case(c)).collect();
    assert!(errs.is_empty(), "mismatches with PyTorch:\n{}", errs.join("\n"));
}

const GROUPS: &[&str] = &["pool_", "norm_", "act_", "conv", "shape_", "up_", "seq_"];

#[test]
fn pooling_matches_pytorch() {
    check_group("pool_");
}

#[test]
fn norms_match_pytorch() {
    check_group("norm_");
}

#[test]
fn activations_match_pytorch() {
    check_group("act_");
}

#[test]
fn conv3d_and_transposed_match_pytorch() {
    check_group("conv");
}

#[test]
fn unflatten_and_upsample_match_pytorch() {
    check_group("shape_");
    check_group("up_");
}

#[test]
fn sequential_cnns_match_pytorch() {
    check_group("seq_");
}

#[test]
fn every_case_is_in_a_group() {
    for c in CASES {
        assert!(GROUPS.iter().any(|g| c.name.starts_with(g)), "{} is in no test group", c.name);
    }
}

#[test]
fn errors_match_pytorch() {
    let mut errs = Vec::new();
    for (name, py) in ERRORS {
        let theirs = &oracle()["errors"][name];
        let ours = {
            let _g = rng_lock();
            let mut s = Session::new();
            run_fcall(&mut s, &format!("torch.manual_seed(0)\n{py}\n"))
        };
        match ours {
            Ok(_) => errs.push(format!("{name}: no error, PyTorch raised {} {}", theirs["type"], theirs["message"])),
            Err((t, msg)) => {
                if theirs["type"] != t.as_str() || theirs["message"] != msg.as_str() {
                    errs.push(format!("{name}:\n  ours:    {t}: {msg}\n  PyTorch: {}: {}", theirs["type"], theirs["message"]));
                }
            }
        }
    }
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

#[test]
fn scripts_print_what_pytorch_prints() {
    let mut errs = Vec::new();
    for (name, py) in SCRIPTS {
        let theirs = oracle()["scripts"][name].as_str().unwrap();
        let ours = {
            let _g = rng_lock();
            let mut s = Session::new();
            run_fcall(&mut s, py)
        };
        match ours {
            Ok(text) if text == theirs => {}
            Ok(text) => errs.push(format!("{name}:\n--- ours ---\n{text}--- PyTorch ---\n{theirs}")),
            Err((t, msg)) => errs.push(format!("{name}: {t}: {msg}\n--- PyTorch ---\n{theirs}")),
        }
    }
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}
