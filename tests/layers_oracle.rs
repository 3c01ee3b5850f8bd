//! Every built-in layer against real PyTorch 2.13 (the venv's python, `FCALL_PYTHON`): with the
//! same seed, the same layer must have the same parameters and buffers (names, order, shapes,
//! dtypes, values), the same `repr`, the same forward outputs (train and eval, several calls in
//! a row so that BatchNorm's running statistics and `num_batches_tracked` evolve), the same
//! buffers afterwards, and the same exceptions. All cases run in one Python process.
mod common;

use std::sync::OnceLock;

use common::{rng_lock, state, tj};

use fcall::func::functional_call_t;
use fcall::nn::layers::{self, Activation, BatchNormOptions, ConvOptions, ConvPadding, EncoderLayerOptions, MhaOptions, RnnOptions};
use fcall::tensor::to_f64_vec;
use fcall::{DictRef, Module, TensorRef, Value};
use serde_json::{json, Value as J};
use tch::{Kind, Tensor};

/// One argument of a forward call, made the same way on both sides (in call order, so the
/// global generator is consumed identically).
#[derive(Clone, Copy)]
enum In {
    /// `torch.randn(shape)`.
    Randn(&'static [i64]),
    /// `torch.tensor(values).reshape(shape)` (int64 indices).
    Idx(&'static [i64], &'static [i64]),
    /// `torch.rand(shape) > 0.7`: a bool mask, True about three times in ten.
    Mask(&'static [i64]),
    /// `torch.ones(n, n, dtype=torch.bool).triu(1)`: a causal bool mask (no RNG).
    Causal(i64),
    /// A tuple of inputs (LSTM's `(h_0, c_0)`).
    Tuple(&'static [In]),
    Bool(bool),
    None,
    /// A keyword argument `name=value` (made in its place in the call order).
    Kw(&'static str, &'static In),
    /// The previous argument again, the same object (self-attention's `m(x, x, x)`).
    Again,
}

struct Case {
    name: &'static str,
    seed: i64,
    /// Python expression that builds the layer (`nn` is `torch.nn`).
    py: &'static str,
    build: fn() -> fcall::Result<Module>,
    eval: bool,
    /// One entry per forward call: its positional arguments.
    calls: &'static [&'static [In]],
}

fn bn(momentum: Option<f64>, affine: bool, track: bool) -> BatchNormOptions {
    BatchNormOptions { momentum, affine, track_running_stats: track, ..BatchNormOptions::default() }
}

const X_4X6: &[&[In]] = &[&[In::Randn(&[4, 6])]];
const BN1D_CALLS: &[&[In]] = &[&[In::Randn(&[5, 3])], &[In::Randn(&[4, 3, 6])], &[In::Randn(&[5, 3])]];
const BN2D_CALLS: &[&[In]] = &[&[In::Randn(&[2, 3, 4, 5])], &[In::Randn(&[3, 3, 2, 2])], &[In::Randn(&[2, 3, 4, 5])]];

fn cases() -> Vec<Case> {
    vec![
        Case { name: "linear", seed: 0, py: "nn.Linear(6, 5)", build: || layers::linear(6, 5, true), eval: false, calls: X_4X6 },
        Case {
            name: "linear_nobias",
            seed: 1,
            py: "nn.Linear(6, 3, bias=False)",
            build: || layers::linear(6, 3, false),
            eval: false,
            calls: X_4X6,
        },
        Case { name: "linear_empty", seed: 2, py: "nn.Linear(0, 3)", build: || layers::linear(0, 3, true), eval: false, calls: &[&[In::Randn(&[2, 0])]] },
        Case {
            name: "bilinear",
            seed: 3,
            py: "nn.Bilinear(4, 3, 5)",
            build: || layers::bilinear(4, 3, 5, true),
            eval: false,
            calls: &[&[In::Randn(&[6, 4]), In::Randn(&[6, 3])]],
        },
        Case {
            name: "bilinear_nobias",
            seed: 4,
            py: "nn.Bilinear(2, 3, 4, bias=False)",
            build: || layers::bilinear(2, 3, 4, false),
            eval: false,
            calls: &[&[In::Randn(&[5, 2]), In::Randn(&[5, 3])]],
        },
        Case {
            name: "conv1d",
            seed: 5,
            py: "nn.Conv1d(4, 6, 3)",
            build: || layers::conv1d(4, 6, &[3], ConvOptions::default()),
            eval: false,
            calls: &[&[In::Randn(&[2, 4, 10])], &[In::Randn(&[4, 7])]],
        },
        Case {
            name: "conv1d_opts",
            seed: 6,
            py: "nn.Conv1d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2, bias=False)",
            build: || {
                layers::conv1d(
                    4,
                    6,
                    &[3],
                    ConvOptions { stride: vec![2], padding: 2.into(), dilation: vec![2], groups: 2, bias: false, ..Default::default() },
                )
            },
            eval: false,
            calls: &[&[In::Randn(&[3, 4, 11])]],
        },
        Case {
            name: "conv1d_same_circular",
            seed: 7,
            py: "nn.Conv1d(3, 2, 4, padding='same', padding_mode='circular')",
            build: || layers::conv1d(3, 2, &[4], ConvOptions { padding: ConvPadding::same(), padding_mode: "circular".into(), ..Default::default() }),
            eval: false,
            calls: &[&[In::Randn(&[2, 3, 9])]],
        },
        Case {
            name: "conv2d",
            seed: 8,
            py: "nn.Conv2d(3, 8, 3, padding=1)",
            build: || layers::conv2d(3, 8, &[3], ConvOptions { padding: 1.into(), ..Default::default() }),
            eval: false,
            calls: &[&[In::Randn(&[2, 3, 6, 5])]],
        },
        Case {
            name: "conv2d_rect",
            seed: 9,
            py: "nn.Conv2d(4, 4, (3, 2), stride=(2, 1), padding=(1, 0), groups=4, padding_mode='reflect')",
            build: || {
                layers::conv2d(
                    4,
                    4,
                    &[3, 2],
                    ConvOptions {
                        stride: vec![2, 1],
                        padding: vec![1, 0].into(),
                        groups: 4,
                        padding_mode: "reflect".into(),
                        ..Default::default()
                    },
                )
            },
            eval: false,
            calls: &[&[In::Randn(&[1, 4, 7, 6])]],
        },
        Case {
            name: "conv2d_valid",
            seed: 10,
            py: "nn.Conv2d(2, 3, 2, padding='valid', dilation=2)",
            build: || layers::conv2d(2, 3, &[2], ConvOptions { padding: ConvPadding::valid(), dilation: vec![2], ..Default::default() }),
            eval: false,
            calls: &[&[In::Randn(&[2, 2, 5, 5])]],
        },
        Case {
            name: "bn1d_train",
            seed: 11,
            py: "nn.BatchNorm1d(3)",
            build: || layers::batch_norm1d(3, BatchNormOptions::default()),
            eval: false,
            calls: BN1D_CALLS,
        },
        Case {
            name: "bn1d_train_cma",
            seed: 12,
            py: "nn.BatchNorm1d(3, momentum=None)",
            build: || layers::batch_norm1d(3, bn(None, true, true)),
            eval: false,
            calls: BN1D_CALLS,
        },
        Case {
            name: "bn1d_eval",
            seed: 13,
            py: "nn.BatchNorm1d(3, eps=1e-3, momentum=0.3)",
            build: || layers::batch_norm1d(3, BatchNormOptions { eps: 1e-3, momentum: Some(0.3), ..Default::default() }),
            eval: true,
            calls: BN1D_CALLS,
        },
        Case {
            name: "bn1d_train_untracked",
            seed: 14,
            py: "nn.BatchNorm1d(3, affine=False, track_running_stats=False)",
            build: || layers::batch_norm1d(3, bn(Some(0.1), false, false)),
            eval: false,
            calls: BN1D_CALLS,
        },
        Case {
            name: "bn1d_eval_untracked",
            seed: 15,
            py: "nn.BatchNorm1d(3, track_running_stats=False, bias=False)",
            build: || layers::batch_norm1d(3, BatchNormOptions { track_running_stats: false, bias: false, ..Default::default() }),
            eval: true,
            calls: BN1D_CALLS,
        },
        Case {
            name: "bn2d_train",
            seed: 16,
            py: "nn.BatchNorm2d(3, momentum=0.2)",
            build: || layers::batch_norm2d(3, bn(Some(0.2), true, true)),
            eval: false,
            calls: BN2D_CALLS,
        },
        Case {
            name: "bn2d_train_cma",
            seed: 17,
            py: "nn.BatchNorm2d(3, momentum=None, affine=False)",
            build: || layers::batch_norm2d(3, bn(None, false, true)),
            eval: false,
            calls: BN2D_CALLS,
        },
        Case {
            name: "bn2d_eval",
            seed: 18,
            py: "nn.BatchNorm2d(3)",
            build: || layers::batch_norm2d(3, BatchNormOptions::default()),
            eval: true,
            calls: BN2D_CALLS,
        },
        Case {
            name: "bn2d_eval_cma",
            seed: 19,
            py: "nn.BatchNorm2d(3, momentum=None)",
            build: || layers::batch_norm2d(3, bn(None, true, true)),
            eval: true,
            calls: BN2D_CALLS,
        },
        Case {
            name: "layer_norm",
            seed: 20,
            py: "nn.LayerNorm(6)",
            build: || layers::layer_norm(&[6], 1e-5, true, true),
            eval: false,
            calls: &[&[In::Randn(&[3, 6])], &[In::Randn(&[2, 4, 6])]],
        },
        Case {
            name: "layer_norm_2d",
            seed: 21,
            py: "nn.LayerNorm([4, 5], eps=1e-6, bias=False)",
            build: || layers::layer_norm(&[4, 5], 1e-6, true, false),
            eval: false,
            calls: &[&[In::Randn(&[3, 4, 5])]],
        },
        Case {
            name: "layer_norm_noaffine",
            seed: 22,
            py: "nn.LayerNorm((5,), elementwise_affine=False)",
            build: || layers::layer_norm(&[5], 1e-5, false, true),
            eval: false,
            calls: &[&[In::Randn(&[2, 5])]],
        },
        Case {
            name: "embedding",
            seed: 23,
            py: "nn.Embedding(10, 4)",
            build: || layers::embedding(10, 4, None),
            eval: false,
            calls: &[&[In::Idx(&[0, 3, 9, 3, 1, 7], &[2, 3])]],
        },
        Case {
            name: "embedding_pad",
            seed: 24,
            py: "nn.Embedding(8, 3, padding_idx=2)",
            build: || layers::embedding(8, 3, Some(2)),
            eval: false,
            calls: &[&[In::Idx(&[2, 0, 5, 2], &[4])]],
        },
        Case {
            name: "embedding_pad_neg",
            seed: 25,
            py: "nn.Embedding(6, 2, padding_idx=-1)",
            build: || layers::embedding(6, 2, Some(-1)),
            eval: false,
            calls: &[&[In::Idx(&[5, 4, 5], &[3])]],
        },
        Case {
            name: "dropout_eval",
            seed: 26,
            py: "nn.Dropout()",
            build: || layers::dropout(0.5),
            eval: true,
            calls: &[&[In::Randn(&[4, 5])]],
        },
        Case {
            name: "dropout_train",
            seed: 27,
            py: "nn.Dropout(0.3)",
            build: || layers::dropout(0.3),
            eval: false,
            calls: &[&[In::Randn(&[4, 5])], &[In::Randn(&[3, 40])]],
        },
        Case { name: "dropout_train_p1", seed: 28, py: "nn.Dropout(1.0)", build: || layers::dropout(1.0), eval: false, calls: &[&[In::Randn(&[3, 3])]] },
        Case { name: "relu", seed: 29, py: "nn.ReLU()", build: || Ok(layers::relu()), eval: false, calls: X_4X6 },
        Case { name: "tanh", seed: 30, py: "nn.Tanh()", build: || Ok(layers::tanh()), eval: false, calls: X_4X6 },
        Case { name: "sigmoid", seed: 31, py: "nn.Sigmoid()", build: || Ok(layers::sigmoid()), eval: false, calls: X_4X6 },
        Case { name: "gelu", seed: 32, py: "nn.GELU()", build: || Ok(layers::gelu("none")), eval: false, calls: X_4X6 },
        Case { name: "gelu_tanh", seed: 33, py: "nn.GELU(approximate='tanh')", build: || Ok(layers::gelu("tanh")), eval: false, calls: X_4X6 },
        Case { name: "flatten", seed: 34, py: "nn.Flatten()", build: || Ok(layers::flatten(1, -1)), eval: false, calls: &[&[In::Randn(&[2, 3, 4, 2])]] },
        Case {
            name: "flatten_mid",
            seed: 35,
            py: "nn.Flatten(0, 2)",
            build: || Ok(layers::flatten(0, 2)),
            eval: false,
            calls: &[&[In::Randn(&[2, 3, 4, 2])]],
        },
        Case { name: "identity", seed: 36, py: "nn.Identity()", build: || Ok(layers::identity()), eval: false, calls: X_4X6 },
        Case {
            name: "sequential_mlp",
            seed: 37,
            py: "nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Dropout(0.25), nn.Linear(8, 2))",
            build: || {
                layers::sequential(vec![layers::linear(6, 8, true)?, layers::relu(), layers::dropout(0.25)?, layers::linear(8, 2, true)?])
            },
            eval: false,
            calls: &[&[In::Randn(&[4, 6])], &[In::Randn(&[4, 6])]],
        },
        Case {
            name: "sequential_cnn",
            seed: 38,
            py: "nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.GELU(), nn.Flatten(), \
                 nn.Sequential(nn.Linear(36, 5), nn.LayerNorm(5), nn.Tanh()))",
            build: || {
                layers::sequential(vec![
                    layers::conv2d(2, 4, &[3], ConvOptions::default())?,
                    layers::batch_norm2d(4, BatchNormOptions::default())?,
                    layers::gelu("none"),
                    layers::flatten(1, -1),
                    layers::sequential(vec![layers::linear(36, 5, true)?, layers::layer_norm(&[5], 1e-5, true, true)?, layers::tanh()])?,
                ])
            },
            eval: false,
            calls: &[&[In::Randn(&[3, 2, 5, 5])], &[In::Randn(&[2, 2, 5, 5])]],
        },
        Case {
            name: "sequential_cnn_eval",
            seed: 39,
            py: "nn.Sequential(nn.Conv1d(3, 4, 2, bias=False), nn.BatchNorm1d(4, momentum=None), nn.Sigmoid(), nn.Flatten(), nn.Identity())",
            build: || {
                layers::sequential(vec![
                    layers::conv1d(3, 4, &[2], ConvOptions { bias: false, ..Default::default() })?,
                    layers::batch_norm1d(4, bn(None, true, true))?,
                    layers::sigmoid(),
                    layers::flatten(1, -1),
                    layers::identity(),
                ])
            },
            eval: true,
            calls: &[&[In::Randn(&[2, 3, 5])]],
        },
        Case {
            name: "rnn_tanh",
            seed: 41,
            py: "nn.RNN(4, 5)",
            build: || layers::rnn(4, 5, "tanh", RnnOptions::default()),
            eval: false,
            calls: &[&[In::Randn(&[3, 2, 4])], &[In::Randn(&[3, 2, 4]), In::Randn(&[1, 2, 5])], &[In::Randn(&[6, 4])]],
        },
        Case {
            name: "rnn_relu_bidir",
            seed: 42,
            py: "nn.RNN(3, 4, 2, 'relu', batch_first=True, bidirectional=True)",
            build: || layers::rnn(3, 4, "relu", RnnOptions { num_layers: 2, batch_first: true, bidirectional: true, ..Default::default() }),
            eval: false,
            calls: &[&[In::Randn(&[2, 5, 3])], &[In::Randn(&[5, 3]), In::Kw("hx", &In::Randn(&[4, 4]))]],
        },
        Case {
            name: "rnn_dropout_train",
            seed: 43,
            py: "nn.RNN(3, 4, num_layers=3, dropout=0.5, bias=False)",
            build: || layers::rnn(3, 4, "tanh", RnnOptions { num_layers: 3, dropout: 0.5, bias: false, ..Default::default() }),
            eval: false,
            calls: &[&[In::Randn(&[5, 2, 3])], &[In::Randn(&[4, 3, 3])]],
        },
        Case {
            name: "rnn_dropout_eval",
            seed: 44,
            py: "nn.RNN(3, 4, num_layers=2, dropout=0.5)",
            build: || layers::rnn(3, 4, "tanh", RnnOptions { num_layers: 2, dropout: 0.5, ..Default::default() }),
            eval: true,
            calls: &[&[In::Randn(&[5, 2, 3])]],
        },
        Case {
            name: "lstm",
            seed: 45,
            py: "nn.LSTM(4, 6)",
            build: || layers::lstm(4, 6, RnnOptions::default()),
            eval: false,
            calls: &[
                &[In::Randn(&[5, 3, 4])],
                &[In::Randn(&[5, 3, 4]), In::Tuple(&[In::Randn(&[1, 3, 6]), In::Randn(&[1, 3, 6])])],
                &[In::Randn(&[5, 4]), In::Kw("hx", &In::Tuple(&[In::Randn(&[1, 6]), In::Randn(&[1, 6])]))],
            ],
        },
        Case {
            name: "lstm_bidir_eval",
            seed: 46,
            py: "nn.LSTM(3, 5, num_layers=2, batch_first=True, bidirectional=True, dropout=0.3)",
            build: || layers::lstm(3, 5, RnnOptions { num_layers: 2, batch_first: true, bidirectional: true, dropout: 0.3, ..Default::default() }),
            eval: true,
            calls: &[&[In::Randn(&[2, 4, 3])], &[In::Randn(&[4, 3])]],
        },
        Case {
            name: "lstm_dropout_train",
            seed: 47,
            py: "nn.LSTM(4, 5, 2, dropout=0.4, bidirectional=True)",
            build: || layers::lstm(4, 5, RnnOptions { num_layers: 2, dropout: 0.4, bidirectional: true, ..Default::default() }),
            eval: false,
            calls: &[&[In::Randn(&[6, 2, 4])]],
        },
        Case {
            name: "lstm_proj",
            seed: 48,
            py: "nn.LSTM(4, 6, proj_size=3, num_layers=2, bias=False)",
            build: || layers::lstm(4, 6, RnnOptions { proj_size: 3, num_layers: 2, bias: false, ..Default::default() }),
            eval: false,
            calls: &[&[In::Randn(&[5, 2, 4])], &[In::Randn(&[5, 2, 4]), In::Tuple(&[In::Randn(&[2, 2, 3]), In::Randn(&[2, 2, 6])])]],
        },
        Case {
            name: "gru",
            seed: 49,
            py: "nn.GRU(4, 5)",
            build: || layers::gru(4, 5, RnnOptions::default()),
            eval: false,
            calls: &[&[In::Randn(&[3, 2, 4])], &[In::Randn(&[3, 2, 4]), In::Randn(&[1, 2, 5])], &[In::Randn(&[6, 4]), In::Randn(&[1, 5])]],
        },
        Case {
            name: "gru_bidir_train",
            seed: 50,
            py: "nn.GRU(3, 4, num_layers=2, bias=False, batch_first=True, bidirectional=True, dropout=0.2)",
            build: || layers::gru(3, 4, RnnOptions { num_layers: 2, bias: false, batch_first: true, bidirectional: true, dropout: 0.2, ..Default::default() }),
            eval: false,
            calls: &[&[In::Randn(&[2, 5, 3])], &[In::Randn(&[2, 5, 3]), In::Randn(&[4, 2, 4])]],
        },
        Case {
            name: "gru_eval",
            seed: 51,
            py: "nn.GRU(3, 4, num_layers=2, dropout=0.2)",
            build: || layers::gru(3, 4, RnnOptions { num_layers: 2, dropout: 0.2, ..Default::default() }),
            eval: true,
            calls: &[&[In::Randn(&[5, 2, 3])]],
        },
        Case {
            name: "mha",
            seed: 52,
            py: "nn.MultiheadAttention(8, 2)",
            build: || layers::multihead_attention(8, 2, MhaOptions::default()),
            eval: false,
            calls: &[
                &[In::Randn(&[5, 3, 8]), In::Randn(&[4, 3, 8]), In::Randn(&[4, 3, 8])],
                &[In::Randn(&[5, 3, 8]), In::Randn(&[4, 3, 8]), In::Randn(&[4, 3, 8]), In::Kw("need_weights", &In::Bool(false))],
                &[In::Randn(&[5, 3, 8]), In::Randn(&[4, 3, 8]), In::Randn(&[4, 3, 8]), In::Kw("average_attn_weights", &In::Bool(false))],
                &[In::Randn(&[5, 8]), In::Randn(&[4, 8]), In::Randn(&[4, 8])],
                &[In::Randn(&[5, 8]), In::Randn(&[4, 8]), In::Again, In::Kw("key_padding_mask", &In::Mask(&[4]))],
            ],
        },
        Case {
            name: "mha_self_batch_first",
            seed: 53,
            py: "nn.MultiheadAttention(8, 4, batch_first=True)",
            build: || layers::multihead_attention(8, 4, MhaOptions { batch_first: true, ..Default::default() }),
            eval: false,
            calls: &[
                &[In::Randn(&[2, 5, 8]), In::Again, In::Again],
                &[In::Randn(&[2, 5, 8]), In::Again, In::Again, In::Kw("attn_mask", &In::Causal(5))],
                &[
                    In::Randn(&[2, 5, 8]),
                    In::Again,
                    In::Again,
                    In::Kw("attn_mask", &In::Causal(5)),
                    In::Kw("is_causal", &In::Bool(true)),
                    In::Kw("need_weights", &In::Bool(false)),
                ],
                &[In::Randn(&[2, 5, 8]), In::Randn(&[2, 3, 8]), In::Again, In::Kw("key_padding_mask", &In::Mask(&[2, 3]))],
            ],
        },
        Case {
            name: "mha_masks",
            seed: 54,
            py: "nn.MultiheadAttention(6, 3)",
            build: || layers::multihead_attention(6, 3, MhaOptions::default()),
            eval: true,
            calls: &[
                &[
                    In::Randn(&[4, 2, 6]),
                    In::Randn(&[5, 2, 6]),
                    In::Randn(&[5, 2, 6]),
                    In::Kw("key_padding_mask", &In::Mask(&[2, 5])),
                    In::Kw("attn_mask", &In::Mask(&[4, 5])),
                ],
                &[In::Randn(&[4, 2, 6]), In::Randn(&[5, 2, 6]), In::Randn(&[5, 2, 6]), In::Kw("attn_mask", &In::Randn(&[4, 5]))],
                &[In::Randn(&[4, 2, 6]), In::Randn(&[5, 2, 6]), In::Randn(&[5, 2, 6]), In::Kw("attn_mask", &In::Randn(&[6, 4, 5]))],
                &[
                    In::Randn(&[4, 2, 6]),
                    In::Randn(&[5, 2, 6]),
                    In::Randn(&[5, 2, 6]),
                    In::Mask(&[2, 5]),
                    In::Bool(false),
                    In::Mask(&[6, 4, 5]),
                ],
            ],
        },
        Case {
            name: "mha_kvdim",
            seed: 55,
            py: "nn.MultiheadAttention(6, 2, kdim=4, vdim=3)",
            build: || layers::multihead_attention(6, 2, MhaOptions { kdim: Some(4), vdim: Some(3), ..Default::default() }),
            eval: false,
            calls: &[
                &[In::Randn(&[4, 2, 6]), In::Randn(&[5, 2, 4]), In::Randn(&[5, 2, 3])],
                &[In::Randn(&[4, 2, 6]), In::Randn(&[5, 2, 4]), In::Randn(&[5, 2, 3]), In::Kw("need_weights", &In::Bool(false))],
            ],
        },
        Case {
            name: "mha_bias_kv",
            seed: 56,
            py: "nn.MultiheadAttention(6, 2, bias=False, add_bias_kv=True, add_zero_attn=True)",
            build: || layers::multihead_attention(6, 2, MhaOptions { bias: false, add_bias_kv: true, add_zero_attn: true, ..Default::default() }),
            eval: false,
            calls: &[
                &[In::Randn(&[4, 2, 6]), In::Randn(&[5, 2, 6]), In::Randn(&[5, 2, 6]), In::Kw("key_padding_mask", &In::Mask(&[2, 5]))],
                &[In::Randn(&[4, 2, 6]), In::Randn(&[5, 2, 6]), In::Randn(&[5, 2, 6]), In::Kw("attn_mask", &In::Randn(&[4, 5])), In::Kw("need_weights", &In::Bool(false))],
            ],
        },
        Case {
            name: "mha_dropout_train",
            seed: 57,
            py: "nn.MultiheadAttention(8, 2, dropout=0.3)",
            build: || layers::multihead_attention(8, 2, MhaOptions { dropout: 0.3, ..Default::default() }),
            eval: false,
            calls: &[
                &[In::Randn(&[5, 3, 8]), In::Randn(&[4, 3, 8]), In::Randn(&[4, 3, 8])],
                &[In::Randn(&[5, 3, 8]), In::Randn(&[4, 3, 8]), In::Randn(&[4, 3, 8]), In::Kw("need_weights", &In::Bool(false))],
            ],
        },
        Case {
            name: "mha_dropout_eval",
            seed: 58,
            py: "nn.MultiheadAttention(8, 2, dropout=0.3)",
            build: || layers::multihead_attention(8, 2, MhaOptions { dropout: 0.3, ..Default::default() }),
            eval: true,
            calls: &[&[In::Randn(&[5, 3, 8]), In::Randn(&[4, 3, 8]), In::Randn(&[4, 3, 8])]],
        },
        Case {
            name: "encoder_layer",
            seed: 59,
            py: "nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)",
            build: || layers::transformer_encoder_layer(8, 2, EncoderLayerOptions { dim_feedforward: 16, ..Default::default() }),
            eval: false,
            calls: &[&[In::Randn(&[5, 3, 8])], &[In::Randn(&[5, 3, 8]), In::Kw("src_key_padding_mask", &In::Mask(&[3, 5]))]],
        },
        Case {
            name: "encoder_layer_norm_first_eval",
            seed: 60,
            py: "nn.TransformerEncoderLayer(8, 4, 16, 0.2, 'gelu', batch_first=True, norm_first=True)",
            build: || {
                layers::transformer_encoder_layer(
                    8,
                    4,
                    EncoderLayerOptions {
                        dim_feedforward: 16,
                        dropout: 0.2,
                        activation: Activation::Named("gelu".into(), None),
                        batch_first: true,
                        norm_first: true,
                        ..Default::default()
                    },
                )
            },
            eval: true,
            calls: &[
                &[In::Randn(&[2, 5, 8]), In::Kw("src_mask", &In::Causal(5))],
                &[In::Randn(&[2, 5, 8]), In::Kw("src_mask", &In::Causal(5)), In::Kw("is_causal", &In::Bool(true))],
                &[In::Randn(&[2, 5, 8]), In::None, In::Mask(&[2, 5])],
            ],
        },
        Case {
            name: "encoder_layer_nobias",
            seed: 61,
            py: "nn.TransformerEncoderLayer(6, 3, 12, dropout=0.0, bias=False, layer_norm_eps=1e-6)",
            build: || {
                layers::transformer_encoder_layer(6, 3, EncoderLayerOptions { dim_feedforward: 12, dropout: 0.0, bias: false, layer_norm_eps: 1e-6, ..Default::default() })
            },
            eval: false,
            calls: &[&[In::Randn(&[4, 2, 6])], &[In::Randn(&[4, 6])]],
        },
        Case {
            name: "encoder_layer_module_act",
            seed: 62,
            py: "nn.TransformerEncoderLayer(4, 2, 8, activation=nn.GELU(approximate='tanh'), batch_first=True)",
            build: || {
                layers::transformer_encoder_layer(
                    4,
                    2,
                    EncoderLayerOptions { dim_feedforward: 8, activation: Activation::Module(layers::gelu("tanh")), batch_first: true, ..Default::default() },
                )
            },
            eval: false,
            calls: &[&[In::Randn(&[3, 5, 4])]],
        },
        Case {
            name: "sequential_empty",
            seed: 40,
            py: "nn.Sequential()",
            build: || layers::sequential(vec![]),
            eval: false,
            calls: &[&[In::Randn(&[2, 2])]],
        },
    ]
}

/// An expression or statement that must raise: PyTorch's exception type and message.
struct ErrCase {
    name: &'static str,
    py: &'static str,
    rust: fn() -> fcall::Result<()>,
}

fn call(m: &Module, args: Vec<Value>) -> fcall::Result<()> {
    m.call(&args, &Vec::new()).map(|_| ())
}
fn randn(shape: &[i64]) -> Value {
    Value::Tensor(TensorRef::new(Tensor::randn(shape, (Kind::Float, tch::Device::Cpu))))
}

fn err_cases() -> Vec<ErrCase> {
    vec![
        ErrCase {
            name: "bn1d_dim",
            py: "nn.BatchNorm1d(3)(torch.randn(3))",
            rust: || call(&layers::batch_norm1d(3, BatchNormOptions::default())?, vec![randn(&[3])]),
        },
        ErrCase {
            name: "bn2d_dim",
            py: "nn.BatchNorm2d(3)(torch.randn(2, 3, 4))",
            rust: || call(&layers::batch_norm2d(3, BatchNormOptions::default())?, vec![randn(&[2, 3, 4])]),
        },
        ErrCase {
            name: "bn_batch_one",
            py: "nn.BatchNorm1d(3)(torch.randn(1, 3))",
            rust: || call(&layers::batch_norm1d(3, BatchNormOptions::default())?, vec![randn(&[1, 3])]),
        },
        ErrCase {
            name: "bn_eps_zero",
            py: "nn.BatchNorm1d(3, eps=0.0)(torch.randn(2, 3))",
            rust: || call(&layers::batch_norm1d(3, BatchNormOptions { eps: 0.0, ..Default::default() })?, vec![randn(&[2, 3])]),
        },
        ErrCase { name: "dropout_p", py: "nn.Dropout(1.5)", rust: || layers::dropout(1.5).map(|_| ()) },
        ErrCase { name: "conv_groups", py: "nn.Conv2d(3, 4, 3, groups=2)", rust: || {
            layers::conv2d(3, 4, &[3], ConvOptions { groups: 2, ..Default::default() }).map(|_| ())
        } },
        ErrCase { name: "conv_out_groups", py: "nn.Conv1d(4, 3, 3, groups=2)", rust: || {
            layers::conv1d(4, 3, &[3], ConvOptions { groups: 2, ..Default::default() }).map(|_| ())
        } },
        ErrCase { name: "conv_groups_zero", py: "nn.Conv1d(4, 4, 3, groups=0)", rust: || {
            layers::conv1d(4, 4, &[3], ConvOptions { groups: 0, ..Default::default() }).map(|_| ())
        } },
        ErrCase { name: "conv_same_strided", py: "nn.Conv1d(4, 4, 3, stride=2, padding='same')", rust: || {
            layers::conv1d(4, 4, &[3], ConvOptions { stride: vec![2], padding: ConvPadding::same(), ..Default::default() }).map(|_| ())
        } },
        ErrCase { name: "bilinear_in1", py: "nn.Bilinear(0, 2, 3)", rust: || layers::bilinear(0, 2, 3, true).map(|_| ()) },
        ErrCase {
            name: "bilinear_missing",
            py: "nn.Bilinear(2, 2, 3)(torch.randn(1, 2))",
            rust: || call(&layers::bilinear(2, 2, 3, true)?, vec![randn(&[1, 2])]),
        },
        ErrCase {
            name: "bilinear_missing_both",
            py: "nn.Bilinear(2, 2, 3)()",
            rust: || call(&layers::bilinear(2, 2, 3, true)?, vec![]),
        },
        ErrCase {
            name: "bilinear_too_many",
            py: "nn.Bilinear(2, 2, 3)(torch.randn(1, 2), torch.randn(1, 2), torch.randn(1, 2))",
            rust: || call(&layers::bilinear(2, 2, 3, true)?, vec![randn(&[1, 2]), randn(&[1, 2]), randn(&[1, 2])]),
        },
        ErrCase {
            name: "linear_missing",
            py: "nn.Linear(2, 2)()",
            rust: || call(&layers::linear(2, 2, true)?, vec![]),
        },
        ErrCase { name: "rnn_nonlinearity", py: "nn.RNN(3, 4, nonlinearity='sigmoid')", rust: || layers::rnn(3, 4, "sigmoid", RnnOptions::default()).map(|_| ()) },
        ErrCase { name: "gru_proj", py: "nn.GRU(3, 4, proj_size=2)", rust: || layers::gru(3, 4, RnnOptions { proj_size: 2, ..Default::default() }).map(|_| ()) },
        ErrCase { name: "lstm_proj_big", py: "nn.LSTM(4, 4, proj_size=4)", rust: || layers::lstm(4, 4, RnnOptions { proj_size: 4, ..Default::default() }).map(|_| ()) },
        ErrCase { name: "lstm_input_size", py: "nn.LSTM(0, 3)", rust: || layers::lstm(0, 3, RnnOptions::default()).map(|_| ()) },
        ErrCase { name: "rnn_dropout", py: "nn.RNN(3, 4, dropout=1.5)", rust: || layers::rnn(3, 4, "tanh", RnnOptions { dropout: 1.5, ..Default::default() }).map(|_| ()) },
        ErrCase { name: "rnn_layers", py: "nn.GRU(3, 4, num_layers=0)", rust: || layers::gru(3, 4, RnnOptions { num_layers: 0, ..Default::default() }).map(|_| ()) },
        ErrCase {
            name: "gru_input_size_fwd",
            py: "nn.GRU(3, 4)(torch.randn(2, 3, 5))",
            rust: || call(&layers::gru(3, 4, RnnOptions::default())?, vec![randn(&[2, 3, 5])]),
        },
        ErrCase {
            name: "lstm_hidden_size",
            py: "nn.LSTM(3, 4)(torch.randn(5, 2, 3), (torch.randn(1, 3, 4), torch.randn(1, 2, 4)))",
            rust: || {
                call(&layers::lstm(3, 4, RnnOptions::default())?, vec![randn(&[5, 2, 3]), Value::tuple(vec![randn(&[1, 3, 4]), randn(&[1, 2, 4])])])
            },
        },
        ErrCase {
            name: "lstm_cell_size",
            py: "nn.LSTM(3, 4)(torch.randn(5, 2, 3), (torch.randn(1, 2, 4), torch.randn(2, 2, 4)))",
            rust: || {
                call(&layers::lstm(3, 4, RnnOptions::default())?, vec![randn(&[5, 2, 3]), Value::tuple(vec![randn(&[1, 2, 4]), randn(&[2, 2, 4])])])
            },
        },
        ErrCase {
            name: "lstm_hx_dims",
            py: "nn.LSTM(3, 4)(torch.randn(5, 3), (torch.randn(1, 2, 4), torch.randn(1, 4)))",
            rust: || call(&layers::lstm(3, 4, RnnOptions::default())?, vec![randn(&[5, 3]), Value::tuple(vec![randn(&[1, 2, 4]), randn(&[1, 4])])]),
        },
        ErrCase { name: "rnn_input_dim", py: "nn.RNN(3, 4)(torch.randn(2, 2, 2, 3))", rust: || call(&layers::rnn(3, 4, "tanh", RnnOptions::default())?, vec![randn(&[2, 2, 2, 3])]) },
        ErrCase { name: "gru_input_dim", py: "nn.GRU(3, 4)(torch.randn(3))", rust: || call(&layers::gru(3, 4, RnnOptions::default())?, vec![randn(&[3])]) },
        ErrCase {
            name: "rnn_unbatched_hx",
            py: "nn.RNN(3, 4)(torch.randn(5, 3), torch.randn(1, 1, 4))",
            rust: || call(&layers::rnn(3, 4, "tanh", RnnOptions::default())?, vec![randn(&[5, 3]), randn(&[1, 1, 4])]),
        },
        ErrCase {
            name: "gru_batched_hx",
            py: "nn.GRU(3, 4)(torch.randn(5, 2, 3), torch.randn(2, 4))",
            rust: || call(&layers::gru(3, 4, RnnOptions::default())?, vec![randn(&[5, 2, 3]), randn(&[2, 4])]),
        },
        ErrCase {
            name: "rnn_hidden_size",
            py: "nn.RNN(3, 4, bidirectional=True)(torch.randn(5, 2, 3), torch.randn(1, 2, 4))",
            rust: || call(&layers::rnn(3, 4, "tanh", RnnOptions { bidirectional: true, ..Default::default() })?, vec![randn(&[5, 2, 3]), randn(&[1, 2, 4])]),
        },
        ErrCase {
            name: "rnn_too_many",
            py: "nn.RNN(3, 4)(torch.randn(5, 2, 3), None, None)",
            rust: || call(&layers::rnn(3, 4, "tanh", RnnOptions::default())?, vec![randn(&[5, 2, 3]), Value::None, Value::None]),
        },
        ErrCase {
            name: "mha_divisible",
            py: "nn.MultiheadAttention(6, 4)",
            rust: || layers::multihead_attention(6, 4, MhaOptions::default()).map(|_| ()),
        },
        ErrCase { name: "mha_zero", py: "nn.MultiheadAttention(0, 2)", rust: || layers::multihead_attention(0, 2, MhaOptions::default()).map(|_| ()) },
        ErrCase {
            name: "mha_query_dim",
            py: "nn.MultiheadAttention(4, 2)(torch.randn(4), torch.randn(4), torch.randn(4))",
            rust: || call(&layers::multihead_attention(4, 2, MhaOptions::default())?, vec![randn(&[4]), randn(&[4]), randn(&[4])]),
        },
        ErrCase {
            name: "mha_key_dim",
            py: "nn.MultiheadAttention(4, 2)(torch.randn(3, 2, 4), torch.randn(3, 4), torch.randn(3, 2, 4))",
            rust: || call(&layers::multihead_attention(4, 2, MhaOptions::default())?, vec![randn(&[3, 2, 4]), randn(&[3, 4]), randn(&[3, 2, 4])]),
        },
        ErrCase {
            name: "mha_embed_dim",
            py: "nn.MultiheadAttention(4, 2)(torch.randn(3, 2, 6), torch.randn(3, 2, 6), torch.randn(3, 2, 6))",
            rust: || call(&layers::multihead_attention(4, 2, MhaOptions::default())?, vec![randn(&[3, 2, 6]), randn(&[3, 2, 6]), randn(&[3, 2, 6])]),
        },
        ErrCase {
            name: "mha_attn_mask_shape",
            py: "nn.MultiheadAttention(4, 2)(torch.randn(3, 2, 4), torch.randn(5, 2, 4), torch.randn(5, 2, 4), attn_mask=torch.zeros(3, 3))",
            rust: || {
                let m = layers::multihead_attention(4, 2, MhaOptions::default())?;
                let kw = vec![("attn_mask".to_string(), Value::Tensor(TensorRef::new(Tensor::zeros([3, 3], (Kind::Float, tch::Device::Cpu)))))];
                m.call(&[randn(&[3, 2, 4]), randn(&[5, 2, 4]), randn(&[5, 2, 4])], &kw).map(|_| ())
            },
        },
        ErrCase {
            name: "mha_is_causal_no_mask",
            py: "nn.MultiheadAttention(4, 2)(torch.randn(3, 2, 4), torch.randn(3, 2, 4), torch.randn(3, 2, 4), is_causal=True)",
            rust: || {
                let m = layers::multihead_attention(4, 2, MhaOptions::default())?;
                m.call(&[randn(&[3, 2, 4]), randn(&[3, 2, 4]), randn(&[3, 2, 4])], &vec![("is_causal".to_string(), Value::Bool(true))]).map(|_| ())
            },
        },
        ErrCase {
            name: "mha_mask_int",
            py: "nn.MultiheadAttention(4, 2)(torch.randn(3, 2, 4), torch.randn(3, 2, 4), torch.randn(3, 2, 4), torch.zeros(2, 3, dtype=torch.long))",
            rust: || {
                let m = layers::multihead_attention(4, 2, MhaOptions::default())?;
                let mask = Value::Tensor(TensorRef::new(Tensor::zeros([2, 3], (Kind::Int64, tch::Device::Cpu))));
                call(&m, vec![randn(&[3, 2, 4]), randn(&[3, 2, 4]), randn(&[3, 2, 4]), mask])
            },
        },
        ErrCase {
            name: "mha_missing_value",
            py: "nn.MultiheadAttention(4, 2)(torch.randn(3, 2, 4), torch.randn(3, 2, 4))",
            rust: || call(&layers::multihead_attention(4, 2, MhaOptions::default())?, vec![randn(&[3, 2, 4]), randn(&[3, 2, 4])]),
        },
        ErrCase {
            name: "encoder_layer_activation",
            py: "nn.TransformerEncoderLayer(4, 2, 8, activation='tanh')",
            rust: || {
                layers::transformer_encoder_layer(4, 2, EncoderLayerOptions { dim_feedforward: 8, activation: Activation::Named("tanh".into(), None), ..Default::default() })
                    .map(|_| ())
            },
        },
        ErrCase {
            name: "encoder_layer_divisible",
            py: "nn.TransformerEncoderLayer(6, 4)",
            rust: || layers::transformer_encoder_layer(6, 4, EncoderLayerOptions::default()).map(|_| ()),
        },
        ErrCase {
            name: "bn_cma_float_multi",
            py: "torch.func.functional_call(nn.BatchNorm1d(2, momentum=None), {'num_batches_tracked': torch.zeros(2)}, (torch.randn(3, 2),))",
            rust: || {
                let m = layers::batch_norm1d(2, bn(None, true, true))?;
                let d = DictRef::new();
                d.insert("num_batches_tracked", Value::Tensor(TensorRef::new(Tensor::zeros([2], (Kind::Float, tch::Device::Cpu)))));
                functional_call_t(&m, &d, &[TensorRef::new(Tensor::randn([3, 2], (Kind::Float, tch::Device::Cpu)))]).map(|_| ())
            },
        },
    ]
}

const PRELUDE: &str = r#"
import json, math, torch
import torch.nn as nn
torch.set_num_threads(1)
def T(t):
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "requires_grad": t.requires_grad,
            "data": [x if math.isfinite(x) else None for x in t.detach().double().flatten().tolist()]}
def state(m):
    return {"params": [[k, T(v)] for k, v in m.named_parameters()],
            "buffers": [[k, T(v)] for k, v in m.named_buffers()]}
def randn(*shape):
    return torch.randn(shape)
def idx(values, shape):
    return torch.tensor(values, dtype=torch.long).reshape(shape)
def mask(*shape):
    return torch.rand(shape) > 0.7
def causal(n):
    return torch.ones(n, n, dtype=torch.bool).triu(1)
def V(v):
    if isinstance(v, torch.Tensor):
        return T(v)
    if isinstance(v, (tuple, list)):
        return {"tuple": [V(x) for x in v]}
    return {"py": repr(v)}
def run(seed, build, ev, calls):
    torch.manual_seed(seed)
    m = build()
    res = {"repr": repr(m), "init": state(m)}
    if ev:
        m.eval()
    outs = []
    for make in calls:
        vals = []
        for k, f in make:
            vals.append((k, vals[-1][1] if f == 'again' else f()))
        xs = [v for k, v in vals if k is None]
        kw = {k: v for k, v in vals if k is not None}
        y = m(*xs, **kw)
        outs.append({"inputs": [V(v) for k, v in vals], "out": V(y)})
    res["calls"] = outs
    res["after"] = state(m)
    return res
def err(f):
    torch.manual_seed(0)
    try:
        f()
    except Exception as e:
        return {"type": type(e).__name__, "message": str(e)}
    return {"type": None, "message": ""}
out = {"cases": {}, "errors": {}}
"#;

/// BatchNorm1d(momentum=None) under functional_call with all three buffers supplied.
const INPLACE: &str = r#"
from torch.func import functional_call
torch.manual_seed(5)
m = nn.BatchNorm1d(3, momentum=None)
rm, rv, nbt = torch.randn(3), torch.rand(3) + 0.5, torch.tensor(4)
x = torch.randn(6, 3)
y = functional_call(m, {"running_mean": rm, "running_var": rv, "num_batches_tracked": nbt}, (x,))
out["inplace"] = {"y": y.flatten().tolist(), "rm": rm.tolist(), "rv": rv.tolist(), "nbt": nbt.item(),
                  "own": [m.running_mean.tolist(), m.running_var.tolist(), m.num_batches_tracked.item()]}
"#;

/// `torch.nn.utils.parametrizations` on a Linear: registration (state-dict names, values,
/// spectral norm's `_u`/`_v`), forward twice (power iterations in training mode), the
/// parametrized weight, and a functional_call over the `parametrizations.weight.original*`
/// names.
const PARAMETRIZATIONS: &str = r#"
from torch.nn.utils import parametrizations as PZ
def preg(seed, reg, ev):
    torch.manual_seed(seed)
    m = nn.Linear(5, 4)
    reg(m)
    res = {"repr": repr(m), "init": state(m)}
    if ev:
        m.eval()
    x = torch.randn(3, 5)
    res["y1"] = T(m(x))
    res["y2"] = T(m(x))
    res["w"] = T(m.weight)
    sd = {k: v.detach() * 1.5 for k, v in m.named_parameters()}
    res["fc"] = T(functional_call(m, sd, (x,)))
    res["after"] = state(m)
    return res
out["param"] = {
    "weight_norm": preg(70, lambda m: PZ.weight_norm(m), False),
    "weight_norm_dim_none": preg(71, lambda m: PZ.weight_norm(m, dim=None), False),
    "spectral_norm": preg(72, lambda m: PZ.spectral_norm(m), False),
    "spectral_norm_eval": preg(73, lambda m: PZ.spectral_norm(m, n_power_iterations=3), True),
    "orthogonal": preg(74, lambda m: PZ.orthogonal(m), False),
    "orthogonal_matrix_exp": preg(75, lambda m: PZ.orthogonal(m, orthogonal_map="matrix_exp"), False),
    "orthogonal_cayley": preg(76, lambda m: PZ.orthogonal(m, orthogonal_map="cayley"), False),
    "orthogonal_householder_plain": preg(77, lambda m: PZ.orthogonal(m, use_trivialization=False), False),
}
"#;

/// The Python expression that makes an input.
fn py_expr(i: &In) -> String {
    let dims = |s: &[i64]| s.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    match i {
        In::Randn(s) => format!("randn({})", dims(s)),
        In::Idx(v, s) => format!("idx({v:?}, {s:?})"),
        In::Mask(s) => format!("mask({})", dims(s)),
        In::Causal(n) => format!("causal({n})"),
        In::Tuple(items) => format!("({},)", items.iter().map(py_expr).collect::<Vec<_>>().join(", ")),
        In::Bool(b) => (if *b { "True" } else { "False" }).to_string(),
        In::None => "None".to_string(),
        In::Kw(_, v) => py_expr(v),
        In::Again => "'again'".to_string(),
    }
}

/// `(keyword or None, lambda: value)`, one per argument of a call.
fn py_in(i: &In) -> String {
    match i {
        In::Kw(k, _) => format!("('{k}', lambda: {})", py_expr(i)),
        In::Again => "(None, 'again')".to_string(),
        _ => format!("(None, lambda: {})", py_expr(i)),
    }
}

fn script() -> String {
    let mut s = PRELUDE.to_string();
    for c in cases() {
        let calls: Vec<String> =
            c.calls.iter().map(|args| format!("[{}]", args.iter().map(py_in).collect::<Vec<_>>().join(", "))).collect();
        let ev = if c.eval { "True" } else { "False" };
        s += &format!("out['cases']['{}'] = run({}, lambda: {}, {ev}, [{}])\n", c.name, c.seed, c.py, calls.join(", "));
    }
    for e in err_cases() {
        s += &format!("out['errors']['{}'] = err(lambda: {})\n", e.name, e.py);
    }
    s += INPLACE;
    s += PARAMETRIZATIONS;
    s += "print(json.dumps(out))\n";
    s
}

/// PyTorch's answers for every case, computed once.
fn oracle() -> &'static J {
    static ORACLE: OnceLock<J> = OnceLock::new();
    ORACLE.get_or_init(|| common::run_oracle(&script()))
}




fn make(i: &In) -> Value {
    let cpu = tch::Device::Cpu;
    let t = |t: Tensor| Value::Tensor(TensorRef::new(t));
    match i {
        In::Randn(s) => t(Tensor::f_randn(*s, (Kind::Float, cpu)).unwrap()),
        In::Idx(v, s) => t(Tensor::from_slice(v).reshape(*s)),
        In::Mask(s) => t(Tensor::f_rand(*s, (Kind::Float, cpu)).unwrap().gt(0.7)),
        In::Causal(n) => t(Tensor::ones([*n, *n], (Kind::Bool, cpu)).triu(1)),
        In::Tuple(items) => Value::tuple(items.iter().map(make).collect()),
        In::Bool(b) => Value::Bool(*b),
        In::None => Value::None,
        In::Kw(_, v) => make(v),
        In::Again => unreachable!("made by make_all"),
    }
}

/// The arguments of one call, in order (`Again` repeats the previous object).
fn make_all(args: &[In]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for a in args {
        let v = match a {
            In::Again => out.last().cloned().expect("Again needs a previous argument"),
            other => make(other),
        };
        out.push(v);
    }
    out
}

/// A forward's argument or output as the Python `V` encodes it.
fn vj(v: &Value) -> J {
    match v {
        Value::Tensor(t) => tj(t),
        Value::Tuple(items) | Value::List(items) => json!({"tuple": items.borrow().iter().map(vj).collect::<Vec<_>>()}),
        other => json!({"py": other.py_repr()}),
    }
}

/// Compares two `V` encodings (tensors within tolerance, nested tuples item by item).
fn cmp_value(what: &str, ours: &J, theirs: &J, atol: f64, rtol: f64, errs: &mut Vec<String>) {
    match (ours.get("tuple"), theirs.get("tuple")) {
        (Some(J::Array(a)), Some(J::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                cmp_value(&format!("{what}[{i}]"), x, y, atol, rtol, errs);
            }
        }
        (None, None) if ours.get("py").is_none() && theirs.get("py").is_none() => {
            cmp_tensor(what, ours, theirs, atol, rtol, errs);
        }
        _ if ours == theirs => {}
        _ => errs.push(format!("{what}: {ours} != PyTorch's {theirs}")),
    }
}

/// The same run as the Python `run`, on the engine.
fn run_rust(c: &Case) -> J {
    tch::manual_seed(c.seed);
    let m = (c.build)().unwrap_or_else(|e| panic!("{}: build failed: {e}", c.name));
    let mut res = json!({"repr": m.repr(), "init": state(&m)});
    if c.eval {
        m.eval().unwrap();
    }
    let mut calls = Vec::new();
    for args in c.calls {
        let vals: Vec<Value> = make_all(args);
        let pos: Vec<Value> = args.iter().zip(&vals).filter(|(i, _)| !matches!(i, In::Kw(..))).map(|(_, v)| v.clone()).collect();
        let kw: Vec<(String, Value)> = args
            .iter()
            .zip(&vals)
            .filter_map(|(i, v)| match i {
                In::Kw(k, _) => Some((k.to_string(), v.clone())),
                _ => None,
            })
            .collect();
        let y = m.call(&pos, &kw).unwrap_or_else(|e| panic!("{}: forward failed: {e}", c.name));
        calls.push(json!({"inputs": vals.iter().map(vj).collect::<Vec<_>>(), "out": vj(&y)}));
    }
    res["calls"] = J::Array(calls);
    res["after"] = state(&m);
    res
}

/// Compares two tensor encodings: shape, dtype, requires_grad exactly; values within
/// `|a - b| <= atol + rtol * |b|`. Returns the largest difference seen.
fn cmp_tensor(what: &str, ours: &J, theirs: &J, atol: f64, rtol: f64, errs: &mut Vec<String>) -> f64 {
    for key in ["shape", "dtype", "requires_grad"] {
        if ours[key] != theirs[key] {
            errs.push(format!("{what}: {key} {} != PyTorch's {}", ours[key], theirs[key]));
            return f64::INFINITY;
        }
    }
    // float32 values travel as float64 text; serde_json may read the last bit of a float64
    // differently from Python's repr, which rounding back to float32 removes.
    let f32_ = ours["dtype"] == "float32";
    let data = |j: &J| -> Vec<f64> {
        j["data"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).map(|v| if f32_ { v as f32 as f64 } else { v }).collect()
    };
    let (a, b) = (data(ours), data(theirs));
    if a.len() != b.len() {
        errs.push(format!("{what}: {} values != PyTorch's {}", a.len(), b.len()));
        return f64::INFINITY;
    }
    let mut worst = 0f64;
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        if x.is_nan() || y.is_nan() {
            if x.is_nan() != y.is_nan() {
                errs.push(format!("{what}[{i}]: {x} != PyTorch's {y}"));
                break;
            }
            continue;
        }
        let d = (x - y).abs();
        worst = worst.max(d);
        if d > atol + rtol * y.abs() {
            errs.push(format!("{what}[{i}]: {x} != PyTorch's {y}"));
            break;
        }
    }
    worst
}

fn cmp_state(what: &str, ours: &J, theirs: &J, atol: f64, rtol: f64, errs: &mut Vec<String>) -> f64 {
    let mut worst = 0f64;
    for kind in ["params", "buffers"] {
        let a = ours[kind].as_array().unwrap();
        let b = theirs[kind].as_array().unwrap();
        let names = |v: &Vec<J>| v.iter().map(|e| e[0].as_str().unwrap().to_string()).collect::<Vec<_>>();
        if names(a) != names(b) {
            errs.push(format!("{what} {kind}: names {:?} != PyTorch's {:?}", names(a), names(b)));
            continue;
        }
        for (x, y) in a.iter().zip(b) {
            let w = cmp_tensor(&format!("{what} {}", x[0].as_str().unwrap()), &x[1], &y[1], atol, rtol, errs);
            worst = worst.max(w);
        }
    }
    worst
}

/// The output tolerance: PyTorch's fused eval paths (MultiheadAttention's and
/// TransformerEncoderLayer's fast paths) add up in another order than the composite ops.
fn out_atol(name: &str) -> f64 {
    if name.contains("fast") {
        1e-4
    } else {
        1e-5
    }
}

fn check_case(c: &Case) -> Vec<String> {
    let theirs = &oracle()["cases"][c.name];
    assert!(theirs.is_object(), "{}: no oracle result", c.name);
    let ours = {
        let _g = rng_lock();
        run_rust(c)
    };
    let mut errs = Vec::new();
    if ours["repr"] != theirs["repr"] {
        errs.push(format!("repr:\n  ours:    {}\n  PyTorch: {}", ours["repr"], theirs["repr"]));
    }
    // Initial values: the same RNG calls give the same float32 numbers.
    let init = cmp_state("init", &ours["init"], &theirs["init"], 1e-6, 0.0, &mut errs);
    let (a, b) = (ours["calls"].as_array().unwrap(), theirs["calls"].as_array().unwrap());
    assert_eq!(a.len(), b.len());
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        for (j, (xi, yi)) in x["inputs"].as_array().unwrap().iter().zip(y["inputs"].as_array().unwrap()).enumerate() {
            cmp_value(&format!("call {k} input {j}"), xi, yi, 0.0, 0.0, &mut errs);
        }
        cmp_value(&format!("call {k} output"), &x["out"], &y["out"], out_atol(c.name), 1e-5, &mut errs);
    }
    cmp_state("after", &ours["after"], &theirs["after"], 1e-5, 1e-5, &mut errs);
    if errs.is_empty() && init > 0.0 {
        eprintln!("{}: init max |diff| {init:e}", c.name);
    }
    errs.into_iter().map(|e| format!("{}: {e}", c.name)).collect()
}

fn check_group(prefix: &[&str]) {
    let all = cases();
    let chosen: Vec<&Case> = all.iter().filter(|c| prefix.iter().any(|p| c.name.starts_with(p))).collect();
    assert!(!chosen.is_empty());
    let errs: Vec<String> = chosen.iter().flat_map(|c| check_case(c)).collect();
    assert!(errs.is_empty(), "mismatches with PyTorch:\n{}", errs.join("\n"));
}

#[test]
fn linear_and_bilinear_match_pytorch() {
    check_group(&["linear", "bilinear"]);
}

#[test]
fn conv_matches_pytorch() {
    check_group(&["conv"]);
}

#[test]
fn batch_norm_matches_pytorch() {
    check_group(&["bn"]);
}

#[test]
fn layer_norm_matches_pytorch() {
    check_group(&["layer_norm"]);
}

#[test]
fn embedding_matches_pytorch() {
    check_group(&["embedding"]);
}

#[test]
fn dropout_matches_pytorch() {
    check_group(&["dropout"]);
}

#[test]
fn activations_flatten_identity_match_pytorch() {
    check_group(&["relu", "tanh", "sigmoid", "gelu", "flatten", "identity"]);
}

#[test]
fn sequential_matches_pytorch() {
    check_group(&["sequential"]);
}

#[test]
fn recurrent_layers_match_pytorch() {
    check_group(&["rnn", "lstm", "gru"]);
}

#[test]
fn multihead_attention_matches_pytorch() {
    check_group(&["mha"]);
}

#[test]
fn transformer_encoder_layer_matches_pytorch() {
    check_group(&["encoder"]);
}

#[test]
fn every_case_is_in_a_group() {
    let groups = [
        "linear", "bilinear", "conv", "bn", "layer_norm", "embedding", "dropout", "relu", "tanh", "sigmoid", "gelu", "flatten",
        "identity", "sequential", "rnn", "lstm", "gru", "mha", "encoder",
    ];
    for c in cases() {
        assert!(groups.iter().any(|g| c.name.starts_with(g)), "{} is in no test group", c.name);
    }
}

#[test]
fn errors_match_pytorch() {
    let mut errs = Vec::new();
    for e in err_cases() {
        let theirs = &oracle()["errors"][e.name];
        let ours = {
            let _g = rng_lock();
            tch::manual_seed(0);
            (e.rust)()
        };
        match ours {
            Ok(()) => errs.push(format!("{}: no error, PyTorch raised {} {}", e.name, theirs["type"], theirs["message"])),
            Err(err) => {
                if theirs["type"] != err.exc.name() || theirs["message"] != err.message.as_str() {
                    errs.push(format!(
                        "{}:\n  ours:    {}: {}\n  PyTorch: {}: {}",
                        e.name,
                        err.exc.name(),
                        err.message,
                        theirs["type"],
                        theirs["message"]
                    ));
                }
            }
        }
    }
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

/// `_BatchNorm.forward` under `functional_call`: `num_batches_tracked.add_(1)` and the running
/// statistics update land in place in the tensors the caller supplied, and the module's own
/// buffers stay as they were.
#[test]
fn batch_norm_updates_supplied_buffers_in_place() {
    let theirs = &oracle()["inplace"];

    let _g = rng_lock();
    tch::manual_seed(5);
    let m = layers::batch_norm1d(3, bn(None, true, true)).unwrap();
    let opts = (Kind::Float, tch::Device::Cpu);
    let rm = TensorRef::new(Tensor::randn([3], opts));
    let rv = TensorRef::new(Tensor::rand([3], opts) + 0.5);
    let nbt = TensorRef::new(Tensor::from(4i64));
    let x = TensorRef::new(Tensor::randn([6, 3], opts));
    let d = DictRef::new();
    d.insert("running_mean", Value::Tensor(rm.clone()));
    d.insert("running_var", Value::Tensor(rv.clone()));
    d.insert("num_batches_tracked", Value::Tensor(nbt.clone()));
    let y = functional_call_t(&m, &d, &[x]).unwrap();
    let y = y.as_tensor().unwrap();

    let close = |a: &[f64], b: &J| {
        let b: Vec<f64> = b.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= 1e-5 + 1e-5 * y.abs())
    };
    assert!(close(&to_f64_vec(y.tensor()).unwrap(), &theirs["y"]), "output");
    assert!(close(&to_f64_vec(rm.tensor()).unwrap(), &theirs["rm"]), "supplied running_mean");
    assert!(close(&to_f64_vec(rv.tensor()).unwrap(), &theirs["rv"]), "supplied running_var");
    assert_eq!(nbt.tensor().int64_value(&[]), theirs["nbt"].as_i64().unwrap(), "supplied num_batches_tracked");
    let own = m.data().buffers.values().map(|b| to_f64_vec(b.as_ref().unwrap().tensor()).unwrap()).collect::<Vec<_>>();
    assert!(close(&own[0], &theirs["own"][0]), "module running_mean untouched");
    assert!(close(&own[1], &theirs["own"][1]), "module running_var untouched");
    assert_eq!(own[2], vec![theirs["own"][2].as_f64().unwrap()], "module num_batches_tracked untouched");
}

/// The Rust side of `preg` in [`PARAMETRIZATIONS`].
fn run_parametrized(seed: i64, reg: fn(&Module) -> fcall::Result<()>, ev: bool) -> J {
    let _g = rng_lock();
    tch::manual_seed(seed);
    let m = layers::linear(5, 4, true).unwrap();
    reg(&m).unwrap();
    let mut res = json!({"repr": m.repr(), "init": state(&m)});
    if ev {
        m.eval().unwrap();
    }
    let x = TensorRef::new(Tensor::randn([3, 5], (Kind::Float, tch::Device::Cpu)));
    res["y1"] = tj(&m.forward_t(&x).unwrap());
    res["y2"] = tj(&m.forward_t(&x).unwrap());
    res["w"] = tj(m.getattr("weight").unwrap().as_tensor().unwrap());
    let d = DictRef::new();
    for (k, v) in m.named_parameters().unwrap() {
        d.insert(k, Value::Tensor(TensorRef::new(v.tensor().detach() * 1.5)));
    }
    let y = functional_call_t(&m, &d, &[x]).unwrap();
    res["fc"] = tj(y.as_tensor().unwrap());
    res["after"] = state(&m);
    res
}

#[test]
fn parametrizations_match_pytorch() {
    use fcall::nn::parametrizations as pz;
    let cases: [(&str, i64, fn(&Module) -> fcall::Result<()>, bool); 8] = [
        ("weight_norm", 70, |m| pz::weight_norm(m, "weight", Some(0)), false),
        ("weight_norm_dim_none", 71, |m| pz::weight_norm(m, "weight", None), false),
        ("spectral_norm", 72, |m| pz::spectral_norm(m, "weight", 1, 1e-12, None), false),
        ("spectral_norm_eval", 73, |m| pz::spectral_norm(m, "weight", 3, 1e-12, None), true),
        ("orthogonal", 74, |m| pz::orthogonal(m, "weight", None, true), false),
        ("orthogonal_matrix_exp", 75, |m| pz::orthogonal(m, "weight", Some("matrix_exp"), true), false),
        ("orthogonal_cayley", 76, |m| pz::orthogonal(m, "weight", Some("cayley"), true), false),
        ("orthogonal_householder_plain", 77, |m| pz::orthogonal(m, "weight", None, false), false),
    ];
    let mut errs = Vec::new();
    for (name, seed, reg, ev) in cases {
        let theirs = &oracle()["param"][name];
        let ours = run_parametrized(seed, reg, ev);
        if ours["repr"] != theirs["repr"] {
            errs.push(format!("{name} repr:\n  ours:    {}\n  PyTorch: {}", ours["repr"], theirs["repr"]));
        }
        cmp_state(&format!("{name} init"), &ours["init"], &theirs["init"], 1e-6, 1e-6, &mut errs);
        for k in ["y1", "y2", "w", "fc"] {
            cmp_tensor(&format!("{name} {k}"), &ours[k], &theirs[k], 1e-5, 1e-5, &mut errs);
        }
        cmp_state(&format!("{name} after"), &ours["after"], &theirs["after"], 1e-5, 1e-5, &mut errs);
    }
    assert!(errs.is_empty(), "mismatches with PyTorch:\n{}", errs.join("\n"));
}
