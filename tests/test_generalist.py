"""Up-G (UpGGeneralist, CrossBranchFusion) and the Up-E multi-dataset
pieces (RatioMultiDatasetSampler, MultiHeadClassifier)."""
import pytest
import torch
from mmengine.dataset import BaseDataset, ConcatDataset
from mmengine.registry import DATA_SAMPLERS, DefaultScope

from mmintern.datasets.multi_dataset_sampler import RatioMultiDatasetSampler
from mmintern.models.backbones import MetaNet
from mmintern.models.backbones.generalist import UpGGeneralist
from mmintern.models.classifiers import MultiHeadClassifier
from mmintern.models.layers.cross_branch_fusion import CrossBranchFusion

OUT = (1, 2, 4, 5)


def upg(**kwargs):
    cfg = dict(
        trunk=dict(type='MetaNet', arch='b1', out_indices=OUT),
        experts=dict(image=dict(type='MetaNet', arch='b1'),
                     pixel=dict(type='MetaNet', arch='b2')))
    cfg.update(kwargs)
    torch.manual_seed(0)
    return UpGGeneralist(**cfg)


@pytest.fixture(scope='module')
def model():
    return upg()


@pytest.fixture(scope='module')
def image():
    return torch.randn(2, 3, 64, 96,
                       generator=torch.Generator().manual_seed(1))


def test_upg_starts_as_the_trunk_exactly(model, image):
    model.init_weights()  # must not undo the zero init
    assert all(not f.norm.weight.detach().any()
               for fusions in model.fusions.values()
               for f in fusions.values())
    assert model.fuse_indices == OUT and model.out_indices == OUT
    # b2 expert: 48 -> 32 channels at output 1, 288 -> 192 at 5.
    assert model.fusions['pixel']['1'].conv.weight.shape[:2] == (32, 48)
    assert model.fusions['pixel']['5'].conv.weight.shape[:2] == (192, 288)
    for mode in (False, True):
        model.train(mode)
        with torch.no_grad():
            outs, alone = model(image), model.trunk(image)
        assert [tuple(o.shape) for o in outs] == [
            (2, 32, 16, 24), (2, 64, 8, 12), (2, 96, 4, 6), (2, 192, 2, 3)]
        assert all(torch.equal(o, a) for o, a in zip(outs, alone))
    # Frozen experts stay in eval mode; the trunk follows train().
    assert model.trunk.training and not any(
        e.training for e in model.experts.values())


def test_upg_fusion_changes_outputs_and_gradients(image):
    model = upg(fuse_indices=(4, 5)).eval()
    assert set(model.fusions['image']) == {'4', '5'}
    for fusions in model.fusions.values():
        for f in fusions.values():
            torch.nn.init.ones_(f.norm.weight)
    outs, alone = model(image), model.trunk(image)
    assert torch.equal(outs[0], alone[0]) and torch.equal(outs[1], alone[1])
    assert not torch.equal(outs[2], alone[2])
    assert not torch.equal(outs[3], alone[3])
    sum(o.square().mean() for o in outs).backward()
    assert all(p.grad is None and not p.requires_grad
               for p in model.experts.parameters())
    assert model.trunk.stem.conv.weight.grad.abs().sum() > 0
    for fusions in model.fusions.values():
        for f in fusions.values():
            assert f.conv.weight.grad.abs().sum() > 0


def test_fusion_resizes_and_fuses_vectors():
    fusion = CrossBranchFusion(8, 4).eval()
    assert torch.equal(fusion(torch.randn(1, 8, 4, 6), (8, 12)),
                       torch.zeros(1, 4, 8, 12))
    torch.nn.init.ones_(fusion.norm.weight)
    up = fusion(torch.randn(1, 8, 4, 6), (8, 12))
    assert up.shape == (1, 4, 8, 12) and torch.equal(up[..., ::2, ::2],
                                                     up[..., 1::2, 1::2])
    assert fusion(torch.randn(1, 8, 8, 8), (2, 2)).shape == (1, 4, 2, 2)
    assert fusion(torch.randn(3, 8)).shape == (3, 4)


def test_upg_delegates_to_trunk_and_loads_experts(tmp_path, image):
    expert = MetaNet('b1')
    path = str(tmp_path / 'expert.pth')
    torch.save(dict(state_dict={f'backbone.{k}': v for k, v in
                                expert.state_dict().items()}), path)
    model = upg(trunk=dict(type='MetaNet', arch='b1', frozen_stages=1,
                           norm_eval=True),
                experts=dict(image=dict(type='MetaNet', arch='b1')),
                out_indices=OUT, fuse_indices=-2,
                expert_checkpoints=dict(image=(path, 'backbone.')),
                init_cfg=dict(type='Constant', layer='BatchNorm2d', val=1))
    assert model.frozen_stages == 1 and model.norm_eval
    assert model.fuse_indices == (5, )
    model.init_weights()
    assert not model.fusions['image']['5'].norm.weight.detach().any()
    assert torch.equal(model.trunk.stem.bn.weight,
                       torch.ones_like(model.trunk.stem.bn.weight))
    assert torch.equal(model.experts['image'].stem.conv.weight,
                       expert.stem.conv.weight)
    model.train()
    assert not model.trunk.stem.training and not any(
        p.requires_grad for p in model.trunk.stages[0].parameters())
    assert all(not m.training for m in model.trunk.modules()
               if isinstance(m, torch.nn.BatchNorm2d))
    depth, layers = model.get_layer_depth('backbone.trunk.stem.conv.weight',
                                          'backbone.')
    assert depth == 0 and model.get_layer_depth(
        'backbone.fusions.image.5.conv.weight', 'backbone.') == (layers - 1,
                                                                  layers)
    with pytest.raises(IndexError):
        upg(fuse_indices=(3, ))


def test_upg_builds_from_mmdet_config(image):
    import mmdet.models  # noqa: F401  (registers ResNet in mmdet's scope)
    from mmengine.registry import MODELS
    backbone = dict(
        type='UpGGeneralist',
        trunk=dict(type='MetaNet', arch='b1', out_indices=OUT),
        experts=dict(patch=dict(type='MetaNet', arch='b1')),
        fuse_indices=(4, 5))
    resnets = dict(
        type='UpGGeneralist',
        trunk=dict(type='ResNet', depth=18, out_indices=(2, 3)),
        experts=dict(pixel=dict(type='ResNet', depth=18)))
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = MODELS.build(backbone).eval()
        assert type(model) is UpGGeneralist
        assert [o.shape[1] for o in model(image)] == [32, 64, 96, 192]
        with pytest.raises(ValueError, match='channels'):
            MODELS.build(resnets)
        model = MODELS.build(dict(
            resnets, channels=dict(trunk=[256, 512], pixel=[256, 512])))
        assert type(model.experts['pixel']).__name__ == 'ResNet'
        outs = model.eval()(image)
    assert [tuple(o.shape) for o in outs] == [(2, 256, 4, 6), (2, 512, 2, 3)]


class Items(BaseDataset):

    def __init__(self, n):
        self.n = n
        super().__init__(serialize_data=False)

    def load_data_list(self):
        return [dict(i=i) for i in range(self.n)]


def batches(sampler, n):
    it = iter(sampler)
    return [[next(it) for _ in range(sampler.batch_size)] for _ in range(n)]


def test_sampler_ratios_homogeneous_batches_and_ranks():
    concat = ConcatDataset([Items(3000), Items(1500)])
    sampler = DATA_SAMPLERS.build(dict(
        type='RatioMultiDatasetSampler', dataset=concat, batch_size=4,
        ratios=[2, 1], seed=7))
    assert isinstance(sampler, RatioMultiDatasetSampler)
    drawn = batches(sampler, 600)
    assert all(len({i < 3000 for i in b}) == 1 for b in drawn)
    from_a = sum(b[0] < 3000 for b in drawn)
    assert from_a == 398 and abs(from_a / 600 - 2 / 3) < 0.03
    assert batches(sampler, 600) == drawn  # seeded
    sampler.set_epoch(1)
    assert batches(sampler, 600) != drawn

    ranks = [
        RatioMultiDatasetSampler(concat, 4, ratios=[2, 1], seed=7, rank=r,
                                 world_size=2) for r in (0, 1)
    ]
    per_rank = [batches(s, 150) for s in ranks]
    # Same dataset at the same step on both ranks, disjoint indices.
    assert [b[0] < 3000 for b in per_rank[0]] == \
        [b[0] < 3000 for b in per_rank[1]]
    flat = [set(i for b in batches_ for i in b) for batches_ in per_rank]
    assert len(flat[0]) == len(flat[1]) == 600 and not flat[0] & flat[1]
    with pytest.raises(ValueError):
        RatioMultiDatasetSampler(concat, 4, ratios=[1], seed=0)


def classifier(**kwargs):
    torch.manual_seed(0)
    return MultiHeadClassifier(
        backbone=dict(type='MetaNet', arch='b1'),
        heads=dict(A=5, B=3), loss_weights=dict(A=2., B=1.), **kwargs)


def samples(*names_labels):
    from mmpretrain.structures import DataSample
    return [DataSample(metainfo=dict(dataset=n)).set_gt_label(label)
            for n, label in names_labels]


def test_multi_head_routing_loss_and_predict():
    model = classifier().eval()
    x = torch.randn(3, 3, 32, 32)
    data = samples(('B', 2), ('A', 4), ('B', 0))
    losses = model.loss(x, data)
    with torch.no_grad():
        feats = model.extract_feat(x)
        ce_a = torch.nn.functional.cross_entropy(model.heads.A(feats[[1]]),
                                                 torch.tensor([4]))
        ce_b = torch.nn.functional.cross_entropy(model.heads.B(feats[[0, 2]]),
                                                 torch.tensor([2, 0]))
    torch.testing.assert_close(losses['ce_A'], ce_a)
    torch.testing.assert_close(losses['ce_B'], ce_b)
    torch.testing.assert_close(losses['loss'], (2 * ce_a + ce_b) / 3)

    # Only samples of B: head A gets no gradient, head B and the backbone do.
    model.zero_grad(set_to_none=True)
    model(x[[0, 2]], [data[0], data[2]], mode='loss')['loss'].backward()
    assert model.heads.A.weight.grad is None
    assert model.heads.B.weight.grad.abs().sum() > 0
    assert model.backbone.stem.conv.weight.grad is not None

    preds = model(x, [dict(dataset='A'), data[0], data[1]], mode='predict')
    assert [p.pred_score.shape[0] for p in preds] == [5, 3, 5]
    assert preds[1] is data[0] and preds[0].metainfo['dataset'] == 'A'
    assert set(model(x)) == {'A', 'B'}
    with pytest.raises(KeyError, match='no head'):
        model.loss(x[:1], samples(('C', 0)))


def test_export_trunk_round_trips_into_metanet(tmp_path):
    model = classifier()
    path = str(tmp_path / 'trunk.pth')
    model.export_trunk(path)
    ckpt = torch.load(path, weights_only=True)
    state = {k[len('backbone.'):]: v for k, v in ckpt['state_dict'].items()}
    assert all(k.startswith('backbone.') for k in ckpt['state_dict'])
    net = MetaNet('b1')
    net.load_state_dict(state, strict=True)
    for k, v in model.backbone.state_dict().items():
        assert torch.equal(net.state_dict()[k], v)
    # The same file as an mmengine Pretrained init_cfg.
    net = MetaNet('b1', init_cfg=dict(type='Pretrained', checkpoint=path,
                                      prefix='backbone.'))
    net.init_weights()
    assert torch.equal(net.stem.conv.weight, model.backbone.stem.conv.weight)
