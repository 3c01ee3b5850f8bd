# torch.nn.functional's Python wrappers: their signatures and defaults, reduction=, inplace=,
# return_indices=, dim=/dtype=, padding_idx and max_norm, and their errors, printed the same way
# by fcall and by Python.
import torch
import torch.nn.functional as F


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__ + ":", e)


_ = torch.manual_seed(0)
x = torch.randn(2, 3, 6)
img = torch.randn(1, 2, 5, 5)
logits = torch.randn(4, 3)
target = torch.tensor([0, 2, 1, 2])
p = torch.rand(4, 3)
q = torch.rand(4, 3)

# activations
show("relu_inplace", lambda: F.relu(torch.tensor([-1.0, 2.0]), inplace=True))
show("glu", lambda: F.glu(torch.arange(8.0).reshape(2, 4)))
show("glu_dim", lambda: F.glu(torch.arange(8.0).reshape(4, 2), dim=0))
show("glu_scalar", lambda: F.glu(torch.tensor(1.0)))
show("logsigmoid", lambda: F.logsigmoid(torch.tensor([-1.0, 0.0, 3.0])))
show("softplus", lambda: F.softplus(torch.tensor([-1.0, 0.0, 3.0]), beta=2, threshold=1))
show("softsign", lambda: F.softsign(torch.tensor([-1.0, 0.0, 3.0])))
show("tanhshrink", lambda: F.tanhshrink(torch.tensor([-1.0, 0.0, 3.0])))
show("threshold", lambda: F.threshold(torch.tensor([-1.0, 0.5, 3.0]), 0.6, -2.0))
show("threshold_inplace", lambda: F.threshold(torch.tensor([-1.0, 0.5, 3.0]), 0.6, -2.0, inplace=True))
show("rrelu_eval", lambda: F.rrelu(torch.tensor([-1.0, 2.0])))
show("hardtanh", lambda: F.hardtanh(torch.tensor([-3.0, 0.5, 3.0]), -2.0, 2.0))
show("softmax_dim", lambda: F.softmax(logits, dim=1))
show("softmax_dtype", lambda: F.softmax(logits, dim=0, dtype=torch.float64).dtype)
show("log_softmax", lambda: F.log_softmax(logits, 1))
show("softmin", lambda: F.softmin(logits, dim=1))
show("softmax_nodim", lambda: F.softmax(torch.tensor([1.0, 2.0, 3.0])))
show("normalize", lambda: F.normalize(logits))
show("normalize_p1", lambda: F.normalize(logits, p=1.0, dim=0))

# dropout variants (deterministic cases)
show("dropout_eval", lambda: F.dropout(logits, 0.5, training=False))
show("dropout_p0", lambda: F.dropout(logits, p=0.0))
show("dropout_bad_p", lambda: F.dropout(logits, p=1.5))
show("dropout2d_eval", lambda: F.dropout2d(img, training=False).shape)
show("dropout1d_bad", lambda: F.dropout1d(img))
show("alpha_dropout_eval", lambda: F.alpha_dropout(logits))

# embedding
w = torch.randn(5, 3)
idx = torch.tensor([[0, 2], [4, 1]])
show("embedding", lambda: F.embedding(idx, w))
show("embedding_padding", lambda: F.embedding(idx, w, padding_idx=2))
show("embedding_padding_neg", lambda: F.embedding(idx, w, padding_idx=-1))
show("embedding_padding_bad", lambda: F.embedding(idx, w, padding_idx=7))
w2 = w.clone()
show("embedding_max_norm", lambda: F.embedding(idx, w2, max_norm=1.0))
show("embedding_renormed", lambda: w2.norm(dim=1))

# norms
rm, rv = torch.zeros(3), torch.ones(3)
show("batch_norm_eval", lambda: F.batch_norm(x, rm, rv))
show("batch_norm_train", lambda: F.batch_norm(x, rm, rv, training=True, momentum=0.5))
show("batch_norm_stats", lambda: (rm, rv))
show("batch_norm_one", lambda: F.batch_norm(torch.randn(1, 3), None, None, training=True))
show("instance_norm", lambda: F.instance_norm(x))
show("instance_norm_one", lambda: F.instance_norm(torch.randn(2, 3, 1)))
show("rms_norm", lambda: F.rms_norm(logits, [3], eps=1e-6))

# pooling
show("max_pool1d", lambda: F.max_pool1d(x, 2))
show("max_pool1d_idx", lambda: F.max_pool1d(x, 3, stride=2, return_indices=True))
show("max_pool2d", lambda: F.max_pool2d(img, 2))
show("max_pool2d_ceil", lambda: F.max_pool2d(img, 2, ceil_mode=True).shape)
show("max_pool2d_idx", lambda: F.max_pool2d(img, kernel_size=3, stride=2, padding=1, return_indices=True)[1])
show("avg_pool2d", lambda: F.avg_pool2d(img, 2, stride=1).shape)
show("adaptive_avg_pool1d", lambda: F.adaptive_avg_pool1d(x, 2))
show("adaptive_avg_pool2d", lambda: F.adaptive_avg_pool2d(img, (2, 3)))
show("adaptive_max_pool1d", lambda: F.adaptive_max_pool1d(x, 2))
show("adaptive_max_pool2d_idx", lambda: F.adaptive_max_pool2d(img, 2, return_indices=True))
show("interpolate_nearest", lambda: F.interpolate(x, scale_factor=2))
show("interpolate_bilinear", lambda: F.interpolate(img, size=(3, 4), mode="bilinear", align_corners=True))
show("interpolate_none", lambda: F.interpolate(img))

# losses
show("mse", lambda: F.mse_loss(p, q))
show("mse_sum", lambda: F.mse_loss(p, q, reduction="sum"))
show("mse_none", lambda: F.mse_loss(p, q, reduction="none"))
show("mse_bad", lambda: F.mse_loss(p, q, reduction="avg"))
show("mse_legacy", lambda: F.mse_loss(p, q, size_average=False))
show("mse_weight", lambda: F.mse_loss(p, q, weight=torch.ones(4, 3) * 2))
show("l1", lambda: F.l1_loss(p, q))
show("l1_none", lambda: F.l1_loss(p, q, reduction="none"))
show("smooth_l1", lambda: F.smooth_l1_loss(p * 3, q, beta=0.5))
show("smooth_l1_beta0", lambda: F.smooth_l1_loss(p, q, beta=0.0))
show("huber", lambda: F.huber_loss(p * 3, q, delta=0.5))
show("nll", lambda: F.nll_loss(F.log_softmax(logits, 1), target))
show("nll_ignore", lambda: F.nll_loss(F.log_softmax(logits, 1), target, ignore_index=2, reduction="sum"))
show("nll_weight", lambda: F.nll_loss(F.log_softmax(logits, 1), target, weight=torch.tensor([1.0, 2.0, 3.0])))
show("bce", lambda: F.binary_cross_entropy(p, q))
show("bce_weight", lambda: F.binary_cross_entropy(p, q, weight=torch.tensor([1.0, 2.0, 3.0])))
show("bce_size", lambda: F.binary_cross_entropy(p, q[0]))
show("bce_logits", lambda: F.binary_cross_entropy_with_logits(logits, q))
show("bce_logits_pos", lambda: F.binary_cross_entropy_with_logits(logits, q, pos_weight=torch.tensor([1.0, 2.0, 0.5]), reduction="none"))
show("bce_logits_size", lambda: F.binary_cross_entropy_with_logits(logits, q[0]))
show("kl_div", lambda: F.kl_div(F.log_softmax(logits, 1), F.softmax(q, 1), reduction="batchmean"))
show("kl_div_sum_log", lambda: F.kl_div(F.log_softmax(logits, 1), F.log_softmax(q, 1), reduction="sum", log_target=True))
show("soft_margin", lambda: F.soft_margin_loss(logits, torch.sign(q - 0.5)))
show("hinge", lambda: F.hinge_embedding_loss(logits, torch.sign(q - 0.5), margin=0.5))
show("margin_ranking", lambda: F.margin_ranking_loss(p[0], q[0], torch.tensor([1.0, -1.0, 1.0])))
show("cosine_embedding", lambda: F.cosine_embedding_loss(p, q, torch.tensor([1.0, -1.0, 1.0, -1.0])))
show("triplet", lambda: F.triplet_margin_loss(p, q, logits))
show("poisson_nll", lambda: F.poisson_nll_loss(logits, q))
show("multi_margin", lambda: F.multi_margin_loss(logits, target))
