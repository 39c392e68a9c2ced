"""DeCLIP's supervision terms (INTERN's Up-A), checked against hand-computed
values, plus the gathered InfoNCE under two gloo processes."""
import math
import os
import subprocess
import sys
import textwrap

import pytest
import torch
import torch.nn.functional as F

from _utils import REPO
from mmintern.models.losses import (IGNORE_INDEX, MaskedLMLoss,
                                    MultiViewInfoNCELoss,
                                    NearestNeighbourLoss, SimSiamHead,
                                    SymmetricInfoNCELoss, TextEmbeddingQueue,
                                    gather_with_grad, mask_tokens)


def reference_infonce(images, texts, scale):
    """CLIP's loss on one process, written out independently."""
    images, texts = F.normalize(images, dim=-1), F.normalize(texts, dim=-1)
    logits = scale * images @ texts.t()
    labels = torch.arange(len(images))
    return (F.cross_entropy(logits, labels) +
            F.cross_entropy(logits.t(), labels)) / 2


# --- InfoNCE -------------------------------------------------------------

def test_infonce_default_scale_and_registry():
    from mmengine.registry import MODELS
    loss = MODELS.build(dict(type='SymmetricInfoNCELoss'))
    assert isinstance(loss, SymmetricInfoNCELoss)
    assert loss.logit_scale.requires_grad
    assert loss.scale().item() == pytest.approx(1 / 0.07, rel=1e-6)
    x = torch.randn(3, 4)
    assert gather_with_grad(x) is x  # identity outside a process group


def test_infonce_2x2_by_hand():
    images = torch.tensor([[1., 0.], [0., 3.]])   # normalise to e0, e1
    texts = torch.tensor([[2., 0.], [1., 1.]])    # e0 and (e0 + e1) / r2
    loss = SymmetricInfoNCELoss(logit_scale_init=math.log(2.))(images, texts)
    r = math.sqrt(2)
    # scale 2 times the cosines: [[2, r], [0, r]]
    lse = lambda *v: math.log(sum(math.exp(t) for t in v))  # noqa: E731
    image_to_text = (lse(2, r) - 2 + lse(0, r) - r) / 2
    text_to_image = (lse(2, 0) - 2 + lse(r, r) - r) / 2   # the transpose
    assert loss.item() == pytest.approx((image_to_text + text_to_image) / 2,
                                        rel=1e-6)


def test_infonce_is_symmetric():
    torch.manual_seed(0)
    images, texts = torch.randn(6, 8), torch.randn(6, 8)
    loss = SymmetricInfoNCELoss()
    torch.testing.assert_close(loss(images, texts), loss(texts, images))
    torch.testing.assert_close(
        loss(images, texts), reference_infonce(images, texts, 1 / 0.07))


def test_infonce_scale_is_clamped_at_100():
    torch.manual_seed(0)
    images, texts = torch.randn(4, 8), torch.randn(4, 8)
    capped = SymmetricInfoNCELoss(logit_scale_init=math.log(1000.))
    assert capped.scale().item() == pytest.approx(100.)
    loss = capped(images, texts)
    torch.testing.assert_close(
        loss, SymmetricInfoNCELoss(logit_scale_init=math.log(100.))(
            images, texts))
    loss.backward()
    assert capped.logit_scale.grad.item() == 0  # no push past the cap
    with pytest.raises(ValueError, match='max_logit_scale'):
        SymmetricInfoNCELoss(max_logit_scale=0)


def test_infonce_rejects_mismatched_features():
    with pytest.raises(ValueError, match='same shape'):
        SymmetricInfoNCELoss()(torch.randn(4, 8), torch.randn(3, 8))
    with pytest.raises(ValueError, match=r'\[batch, dim\]'):
        SymmetricInfoNCELoss()(torch.randn(4, 8, 1), torch.randn(4, 8, 1))


def test_multi_view_averages_the_four_pairings():
    torch.manual_seed(0)
    images = [torch.randn(5, 8) for _ in range(2)]
    texts = [torch.randn(5, 8) for _ in range(2)]
    single = SymmetricInfoNCELoss()
    pairings = [single(i, t) for i in images for t in texts]
    assert len(pairings) == 4
    expected = sum(pairings) / 4
    torch.testing.assert_close(
        MultiViewInfoNCELoss(loss_weight=1.)(images, texts), expected)
    torch.testing.assert_close(
        MultiViewInfoNCELoss()(images, texts), 0.4 * expected)  # default
    torch.testing.assert_close(
        MultiViewInfoNCELoss(loss_weight=1.)(images[0], texts[1]),
        pairings[1])
    with pytest.raises(ValueError, match='at least one view'):
        MultiViewInfoNCELoss()([], texts)


# --- SimSiam -------------------------------------------------------------

def cosine(a, b):
    return (a / a.norm(dim=-1, keepdim=True) * b /
            b.norm(dim=-1, keepdim=True)).sum(-1).mean()


def test_simsiam_head_loss_by_hand_and_stop_gradient():
    torch.manual_seed(0)
    head = SimSiamHead(8, proj_channels=16, pred_channels=4)
    x1, x2 = torch.randn(4, 8), torch.randn(4, 8)
    p1, p2, z1, z2 = head(x1, x2)
    assert p1.shape == z1.shape == (4, 16)
    loss = head.loss(x1, x2)
    torch.testing.assert_close(
        loss, 0.2 * -(cosine(p1, z2) + cosine(p2, z1)) / 2)
    loss.backward()
    # Both parts learn; the targets z carry no gradient, so the projector
    # learns through the prediction branch only.
    assert head.projector.fc0.weight.grad.abs().sum() > 0
    assert head.predict.predictor.fc1.weight.grad.abs().sum() > 0
    # Only through the prediction branch: with the predictor's output
    # weight at zero, no gradient reaches the projector at all.
    head.zero_grad()
    torch.nn.init.zeros_(head.predict.predictor.fc1.weight)
    head.loss(x1, x2).backward()
    assert head.projector.fc0.weight.grad.abs().sum() == 0
    with pytest.raises(ValueError, match='one shape'):
        head.loss(x1, x2[:2])


# --- masked language modelling -------------------------------------------

PAD, SOT, EOT, MASK, VOCAB = 0, 1, 2, 3, 1000


def captions(batch=1024, length=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    tokens = torch.randint(4, VOCAB, (batch, length), generator=g)
    ends = torch.randint(8, length, (batch,), generator=g)
    pos = torch.arange(length)
    tokens[:, 0] = SOT
    tokens[pos[None] == ends[:, None]] = EOT
    tokens[pos[None] > ends[:, None]] = PAD
    return tokens


def test_mask_tokens_ratios_and_protected_ids():
    tokens = captions()
    masked, labels = mask_tokens(
        tokens, VOCAB, MASK, special_ids=(SOT, EOT, MASK), pad_id=PAD,
        generator=torch.Generator().manual_seed(1))
    maskable = tokens >= 4
    selected = labels != IGNORE_INDEX
    assert not (selected & ~maskable).any()  # special and padding never
    assert (masked[~maskable] == tokens[~maskable]).all()
    assert (masked[~selected] == tokens[~selected]).all()
    assert (labels[selected] == tokens[selected]).all()
    assert (labels[~selected] == IGNORE_INDEX).all()
    ratio = selected.sum() / maskable.sum()
    assert abs(ratio - 0.15) < 0.01, ratio
    n = selected.sum()
    to_mask = (masked == MASK) & selected
    changed = (masked != tokens) & selected & ~to_mask
    kept = (masked == tokens) & selected
    # ~2300 selected tokens: the binomial std of each share is < 0.01.
    assert abs(to_mask.sum() / n - 0.8) < 0.03
    assert abs(changed.sum() / n - 0.1) < 0.03
    assert abs(kept.sum() / n - 0.1) < 0.03
    assert (masked[changed] >= 4).all()  # random ids are never special
    again = mask_tokens(tokens, VOCAB, MASK, (SOT, EOT, MASK), PAD,
                        generator=torch.Generator().manual_seed(1))
    assert torch.equal(again[0], masked) and torch.equal(again[1], labels)


def test_mask_tokens_rejects_bad_arguments():
    tokens = captions(2, 16)
    with pytest.raises(ValueError, match='ratio'):
        mask_tokens(tokens, VOCAB, MASK, (), PAD, ratio=0)
    with pytest.raises(ValueError, match='mask_id'):
        mask_tokens(tokens, VOCAB, VOCAB, (), PAD)
    with pytest.raises(TypeError, match='int'):
        mask_tokens(tokens.float(), VOCAB, MASK, (), PAD)


def test_masked_lm_loss_only_counts_masked_positions():
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 7, requires_grad=True)
    labels = torch.full((2, 3), IGNORE_INDEX)
    labels[0, 1], labels[1, 2] = 4, 6
    expected = -(logits[0, 1].log_softmax(-1)[4] +
                 logits[1, 2].log_softmax(-1)[6]) / 2
    loss = MaskedLMLoss(loss_weight=1.)(logits, labels)
    torch.testing.assert_close(loss, expected)
    loss.backward()
    assert logits.grad[0, 0].abs().sum() == 0  # unmasked: no gradient
    empty = MaskedLMLoss()(logits, torch.full((2, 3), IGNORE_INDEX))
    assert empty.item() == 0 and empty.requires_grad
    with pytest.raises(ValueError, match='vocabulary dimension'):
        MaskedLMLoss()(logits, labels[:1])


# --- nearest-neighbour supervision ---------------------------------------

def test_queue_is_fifo_with_wrap_around():
    e = torch.eye(9)
    queue = TextEmbeddingQueue(9, size=4)
    assert queue.filled().shape == (0, 9)
    queue.enqueue(2 * e[0:3])  # stored normalised
    assert torch.equal(queue.queue, torch.stack([e[0], e[1], e[2],
                                                 torch.zeros(9)]))
    assert queue.ptr.item() == 3 and queue.num_filled.item() == 3
    queue.enqueue(e[3:6])  # rows 3, 0, 1: e0 and e1 (the oldest) go
    assert torch.equal(queue.queue, e[[4, 5, 2, 3]])
    assert queue.ptr.item() == 2 and queue.num_filled.item() == 4
    queue.enqueue(e[6:9])  # rows 2, 3, 0
    assert torch.equal(queue.queue, e[[8, 5, 6, 7]])
    assert queue.ptr.item() == 1 and queue.num_filled.item() == 4
    queue.enqueue(e[:6])  # more than fits: the newest four, from row 1
    assert torch.equal(queue.queue, e[[5, 2, 3, 4]])
    assert queue.ptr.item() == 1
    with pytest.raises(ValueError, match=r'\[N, 9\]'):
        queue.enqueue(torch.ones(2, 3))


def test_queue_nearest_and_state_dict_round_trip():
    queue = TextEmbeddingQueue(3, size=8)
    with pytest.raises(RuntimeError, match='empty'):
        queue.nearest(torch.ones(1, 3))
    bank = torch.tensor([[1., 0., 0.], [0., 1., 0.], [0., 0., 1.],
                         [1., 1., 0.]])
    queue.enqueue(bank)
    query = torch.tensor([[0.1, 0.2, 5.], [3., 2.5, 0.], [0.2, 4., 0.]])
    neighbours, index = queue.nearest(query)
    assert index.tolist() == [2, 3, 1]
    torch.testing.assert_close(neighbours, F.normalize(bank[[2, 3, 1]]))

    state = queue.state_dict()
    assert set(state) == {'queue', 'ptr', 'num_filled'}
    resumed = TextEmbeddingQueue(3, size=8)
    resumed.load_state_dict(state)
    more = torch.randn(6, 3)
    queue.enqueue(more)
    resumed.enqueue(more)
    for key, value in queue.state_dict().items():
        assert torch.equal(resumed.state_dict()[key], value), key
    assert resumed.ptr.item() == 2 and resumed.num_filled.item() == 8


def test_nearest_neighbour_loss_then_update():
    torch.manual_seed(0)
    loss_fn = NearestNeighbourLoss(4, queue_size=16, loss_weight=1.)
    images, texts = torch.randn(3, 4), torch.randn(3, 4)
    first = loss_fn(images, texts)  # empty queue: zero, then enqueue
    assert first.item() == 0 and first.requires_grad
    assert loss_fn.queue.num_filled.item() == 3

    images2 = torch.randn(3, 4, requires_grad=True)
    texts2 = torch.randn(3, 4)
    bank = F.normalize(texts)
    index = (F.normalize(texts2) @ bank.t()).argmax(1)
    logits = (1 / 0.07) * F.normalize(images2.detach()) @ bank[index].t()
    expected = F.cross_entropy(logits, torch.arange(3))
    loss = loss_fn(images2, texts2)
    torch.testing.assert_close(loss, expected)
    loss.backward()
    assert images2.grad.abs().sum() > 0
    # The update came after the lookup, oldest first.
    torch.testing.assert_close(loss_fn.queue.filled(),
                               torch.cat([bank, F.normalize(texts2)]))

    loss_fn.eval()
    loss_fn(images2, texts2)
    assert loss_fn.queue.num_filled.item() == 6  # no update in eval
    assert {'queue.queue', 'queue.ptr', 'queue.num_filled'} <= set(
        loss_fn.state_dict())

    shared = NearestNeighbourLoss(4, queue_size=16, logit_scale_init=None)
    assert not list(shared.parameters())
    with pytest.raises(ValueError, match='logit_scale'):
        shared(images, texts)
    shared(images, texts, logit_scale=torch.tensor(10.))
    with pytest.raises(ValueError, match='query'):
        NearestNeighbourLoss(4, query='caption')


# --- two gloo processes --------------------------------------------------

DIST_SCRIPT = textwrap.dedent("""
    import math
    import torch
    import torch.distributed as dist
    import torch.nn.functional as F

    dist.init_process_group('gloo')
    rank, world = dist.get_rank(), dist.get_world_size()
    from mmintern.models.losses import NearestNeighbourLoss, \\
        SymmetricInfoNCELoss

    def reference(images, texts, scale):
        images, texts = F.normalize(images, dim=-1), F.normalize(texts, dim=-1)
        logits = scale * images @ texts.t()
        labels = torch.arange(len(images))
        return (F.cross_entropy(logits, labels) +
                F.cross_entropy(logits.t(), labels)) / 2

    def mean_over_ranks(t):
        t = t.detach().clone()
        dist.all_reduce(t)
        return t / world

    B, D = 3, 5
    torch.manual_seed(0)  # the same global batch on every rank
    images, texts = torch.randn(world * B, D), torch.randn(world * B, D)
    mine = slice(rank * B, (rank + 1) * B)

    ref_images = images.clone().requires_grad_()
    ref_texts = texts.clone().requires_grad_()
    ref_log_scale = torch.tensor(math.log(1 / 0.07), requires_grad=True)
    ref = reference(ref_images, ref_texts, ref_log_scale.exp())
    ref.backward()

    loss_fn = SymmetricInfoNCELoss()
    local_images = images[mine].clone().requires_grad_()
    local_texts = texts[mine].clone().requires_grad_()
    loss = loss_fn(local_images, local_texts)
    loss.backward()
    # Rank r's loss averages its B rows, each against the global batch, so
    # the mean of the ranks' losses is the single-process loss L. The
    # gather's backward sums over ranks, so the local features get the
    # gradient of sum_r L_r = world * L: world times the single-process
    # gradient of their slice. DDP divides parameter gradients by world,
    # so the parameters (and the scale, below) see exactly dL.
    torch.testing.assert_close(mean_over_ranks(loss), ref.detach())
    torch.testing.assert_close(local_images.grad,
                               world * ref_images.grad[mine])
    torch.testing.assert_close(local_texts.grad,
                               world * ref_texts.grad[mine])
    torch.testing.assert_close(mean_over_ranks(loss_fn.logit_scale.grad),
                               ref_log_scale.grad)

    # The queue takes the gathered texts in rank order, on every rank.
    nn_loss = NearestNeighbourLoss(D, queue_size=64, loss_weight=1.)
    nn_loss(local_images, local_texts)
    bank = F.normalize(texts)
    torch.testing.assert_close(nn_loss.queue.filled(), bank)
    images2, texts2 = torch.randn(world * B, D), torch.randn(world * B, D)
    local2 = images2[mine].clone().requires_grad_()
    loss2 = nn_loss(local2, texts2[mine])
    loss2.backward()
    ref2_images = images2.clone().requires_grad_()
    index = (F.normalize(texts2) @ bank.t()).argmax(1)
    logits = (1 / 0.07) * F.normalize(ref2_images) @ bank[index].t()
    ref2 = F.cross_entropy(logits, torch.arange(world * B))
    ref2.backward()
    torch.testing.assert_close(mean_over_ranks(loss2), ref2.detach())
    torch.testing.assert_close(local2.grad, world * ref2_images.grad[mine])
    print(f'rank {rank} of {world} ok', flush=True)
    dist.destroy_process_group()
""")


def test_gathered_infonce_equals_one_process_on_two_gloo_ranks(tmp_path):
    script = tmp_path / 'gathered_infonce.py'
    script.write_text(DIST_SCRIPT)
    env = {**os.environ, 'OMP_NUM_THREADS': '1',
           'PYTHONPATH': REPO + os.pathsep + os.environ.get('PYTHONPATH', '')}
    # --standalone lets the rendezvous pick a free port.
    result = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--standalone',
         '--nproc_per_node', '2', str(script)],
        cwd=REPO, capture_output=True, text=True, timeout=300, env=env)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert 'rank 0 of 2 ok' in out and 'rank 1 of 2 ok' in out, out[-4000:]
