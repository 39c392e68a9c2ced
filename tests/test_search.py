"""GV-A search: the space as decisions; PPO, random and TPE search on a
synthetic reward with a known optimum; the cost constraint; resume; the
proxy accuracy as one training run per candidate; tools/search.py and its
plot."""
import dataclasses
import itertools
import json
import os
import os.path as osp
import sys

import pytest
import torch
from mmengine.config import Config

from _utils import REPO, config_path, needs_data
from mmintern.gvb.backbone_spec import load_backbone_spec
from mmintern.models.backbones import MetaNet
from mmintern.models.backbones.metanet_arch import MetaNetCfg
from mmintern.models.backbones.metanet_archs import METANET_ARCHS
from mmintern.registry import REWARDS, SEARCHERS
from mmintern.search import (LOG_NAME, DistillProbeAccuracy, MetaNetSpace,
                             MnasReward, PPOSearcher, RandomSearcher,
                             StageOptions, TPESearcher, evaluated,
                             gvb_backbone_spec, read_log, run_search)
from mmintern.search.searchers import nearest_allowed


def tiny_space():
    """Three stages, small enough to enumerate."""
    return MetaNetSpace(stages=(
        StageOptions(1, (16, 32), (1, 2), (1, ), blocks=('mbconv', ),
                     downsamplers=('block', )),
        StageOptions(2, (32, 48), (1, ), (2, 4),
                     blocks=('mbconv', 'mhsa'),
                     downsamplers=('block', 'l_dsm', 'g_dsm')),
        StageOptions(2, (48, 64), (1, 2), (2, ),
                     blocks=('fused_mbconv', 'xca', 'mixer'),
                     downsamplers=('block', 'lg_dsm'))),
        stem_width=16, head_width=64, head_dim=16)


def valid(space, vector):
    try:
        space.decode(vector)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- space
def test_size_counts_exactly_the_valid_points():
    space = tiny_space()
    ranges = [range(len(space.options(i)))
              for i in range(space.num_decisions)]
    points = [v for v in itertools.product(*ranges) if valid(space, v)]
    assert space.size == len(points) > 0
    # The constraints bite: conv after token, head_dim, stride-1 stages.
    assert len(points) < len(list(itertools.product(*ranges)))
    # What a prefix allows always completes, and nothing valid is masked.
    for point in points:
        for i in range(space.num_decisions):
            assert point[i] in space.allowed(point[:i])


def test_constraints_name_what_is_wrong():
    space = tiny_space()
    b1 = [0, 0, 0, 0, 0]
    with pytest.raises(ValueError, match='after a token stage'):
        # stage 1 MHSA at 32 (a multiple of 16), stage 2 FusedMBConv
        space.decode(b1 + [1, 0, 0, 0, 0] + [0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match='option 5 of 2'):
        space.decode(b1 + [5, 0, 0, 0, 0] + [0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match='the space has 15'):
        space.decode([0])
    with pytest.raises(ValueError, match='stride-1 stage'):
        StageOptions(1, (16, ), (1, ), (1, ), downsamplers=('l_dsm', ))
    with pytest.raises(ValueError, match="stage2.width 96 is not an option"):
        cfg = space.decode(b1 + [0] * 10)
        stages = list(cfg.stages)
        stages[2] = stages[2].__class__(**{**stages[2].__dict__,
                                           'width': 96})
        space.encode(cfg.__class__(**{**cfg.__dict__,
                                      'stages': tuple(stages)}))


def test_metanet_b1_is_a_point_of_the_default_space():
    space = MetaNetSpace()
    vector = space.encode(METANET_ARCHS['b1'])
    assert space.decode(vector) == METANET_ARCHS['b1']
    assert space.size == 1344122781696  # the DP count, by construction
    assert space.num_decisions == 30


def test_only_attention_needs_whole_heads():
    space = dataclasses.replace(tiny_space(), head_dim=48)
    conv = [0, 0, 0, 0, 0] + [0, 0, 0, 0, 0]  # ... stage 1 MBConv at 32
    # The mixer at width 64, not a multiple of 48: a valid network.
    cfg = space.decode(conv + [2, 0, 1, 0, 0])
    assert (cfg.stages[2].block, cfg.stages[2].width) == ('mixer', 64)
    model = MetaNet(arch=cfg.to_dict(), out_indices=(2, )).eval()
    with torch.no_grad():
        assert model(torch.zeros(1, 3, 64, 64))[0].shape == (1, 64, 8, 8)
    # XCA at 64 is not whole heads; at 48, its first block takes 32.
    with pytest.raises(ValueError, match='xca at width 64'):
        space.decode(conv + [1, 0, 1, 0, 0])
    with pytest.raises(ValueError, match='takes width 32'):
        space.decode(conv + [1, 0, 0, 0, 0])
    assert space.decode([0] * 7 + [1] + [0] * 2 + [1, 0, 0, 0, 0])


def test_decisions_and_config_round_trip_and_build():
    space = MetaNetSpace()
    searcher = RandomSearcher(space, seed=0)
    for i in range(200):
        vector = searcher.ask()
        cfg = space.decode(vector)
        assert space.encode(cfg) == vector
        if i < 4:  # and they are networks MetaNet builds and runs
            model = MetaNet(arch=cfg.to_dict(), out_indices=(5, )).eval()
            with torch.no_grad():
                out = model(torch.zeros(1, 3, 64, 64))
            assert out[0].shape == (1, cfg.stages[-1].width, 2, 2)


# ------------------------------------------------------------ searchers
class Hamming:
    """Reward: the share of decisions equal to a known optimum's."""

    def __init__(self, optimum):
        self.optimum = optimum

    def __call__(self, cfg, decisions):
        hits = sum(a == b for a, b in zip(decisions, self.optimum))
        return dict(reward=hits / len(self.optimum), cost=0., accuracy=None)


def best_after(searcher, space, reward, budget, work_dir):
    entries = run_search(space, searcher, reward, budget, str(work_dir),
                         report=None)
    return max(e['reward'] for e in entries)


def test_ppo_finds_the_optimum_and_beats_random_search(tmp_path):
    space = MetaNetSpace()
    optimum = space.encode(METANET_ARCHS['b1'])
    reward = Hamming(optimum)
    ppo, rand = [], []
    for seed in range(3):
        searcher = PPOSearcher(space, seed=seed)  # the defaults
        ppo.append(best_after(searcher, space, reward, 400,
                              tmp_path / f'ppo{seed}'))
        assert searcher.best() == optimum  # the policy's mode is it
        rand.append(best_after(RandomSearcher(space, seed=seed), space,
                               reward, 400, tmp_path / f'random{seed}'))
    assert min(ppo) == 1.0  # found, each seed
    assert all(p > r for p, r in zip(ppo, rand)), (ppo, rand)


def test_tpe_proposes_valid_networks_deterministically():
    assert nearest_allowed(3, [0, 2, 4]) == 2  # the lower of two as close
    assert nearest_allowed(5, [1, 2]) == 2
    space = MetaNetSpace()
    reward = Hamming(space.encode(METANET_ARCHS['b1']))
    runs = []
    for _ in range(2):
        searcher, asked = TPESearcher(space, seed=3), []
        for _ in range(14):  # past the 10 random start-up suggestions
            vector = searcher.ask()
            space.decode(vector)  # valid, or ValueError
            searcher.tell(vector, reward(None, vector)['reward'])
            asked.append(vector)
        runs.append(asked)
    assert runs[0] == runs[1]
    assert len({tuple(v) for v in runs[0]}) > 1
    with pytest.raises(ValueError, match='but asked'):
        searcher.ask()
        searcher.tell([0] * space.num_decisions, 0.)


def test_gvb_spec_of_b1_is_the_hand_written_one(tmp_path):
    path = tmp_path / 'spec.py'
    path.write_text(gvb_backbone_spec(METANET_ARCHS['b1']))
    spec = load_backbone_spec(str(path))
    hand = load_backbone_spec(config_path('gvb', 'backbones', 'metanet-b1.py'))
    for key in ('pooled_out_indices', 'pooled_channels', 'pooled_needs_gap',
                'dense_out_indices', 'dense_channels'):
        assert getattr(spec, key) == getattr(hand, key), key
    assert MetaNet.parse_arch(spec.backbone['arch']) == METANET_ARCHS['b1']
    no_stride_32 = dataclasses.replace(
        METANET_ARCHS['b1'], stages=METANET_ARCHS['b1'].stages[:-1])
    with pytest.raises(ValueError, match='strides'):
        gvb_backbone_spec(no_stride_32)


def test_searchers_are_registered():
    space = tiny_space()
    for name in ('PPOSearcher', 'RandomSearcher', 'TPESearcher'):
        searcher = SEARCHERS.build(dict(type=name, seed=1),
                                   default_args=dict(space=space))
        assert valid(space, searcher.ask())


def log(work):
    """A work dir's candidates log without the timings."""
    return [{k: v for k, v in e.items() if k != 'seconds'}
            for e in read_log(str(work / LOG_NAME))]


# ----------------------------------------------------------------- reward
@REWARDS.register_module(force=True)
class _CountingAccuracy:
    calls = 0

    def __call__(self, cfg, decisions):
        type(self).calls += 1
        return 0.5


@REWARDS.register_module(force=True)
class _WidthCost:
    def __call__(self, cfg):
        return float(sum(s.width * s.depth for s in cfg.stages))


def test_mnas_reward_and_the_cost_constraint(tmp_path):
    reward = MnasReward(accuracy=dict(type='_CountingAccuracy'),
                        cost=dict(type='_WidthCost'), target=200.,
                        alpha=0., beta=-1., max_ratio=1.1)
    space = tiny_space()
    cfg = space.decode([0] * 15)  # widths 16, 32, 48, depth 1: cost 96
    assert reward(cfg, None) == dict(reward=0.5, cost=96., accuracy=0.5)
    over = space.decode([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0])
    out = reward(over, None)  # 16x2 + 48 + 64x2 = 208: 1.04 x target
    assert out['reward'] == pytest.approx(0.5 / 1.04)
    calls = _CountingAccuracy.calls
    entries = run_search(space, RandomSearcher(space, 0), reward, 40,
                         str(tmp_path), report=None)
    beyond = [e for e in entries if e['cost'] > 220.]
    assert beyond and all(e['reward'] == 0 and e['accuracy'] is None
                          for e in beyond)
    # Over the hard limit nothing is trained, and the budget counts only
    # what was: 40 evaluated, the rejected ones on top.
    assert all(e.get('rejected') for e in beyond)
    assert _CountingAccuracy.calls - calls == len(entries) - len(beyond)
    assert evaluated(entries) == 40 and len(entries) == 40 + len(beyond)
    # Killed after some evaluations, resumed: the same log.
    run_search(space, RandomSearcher(space, 0), reward, 7,
               str(tmp_path / 'killed'), report=None)
    run_search(space, RandomSearcher(space, 0), reward, 40,
               str(tmp_path / 'killed'), report=None)
    assert log(tmp_path / 'killed') == log(tmp_path)
    # A reward that rejects everything stops the search, saying so.
    never = MnasReward(accuracy=dict(type='_CountingAccuracy'),
                       cost=dict(type='_WidthCost'), target=1.,
                       max_ratio=1.1)
    with pytest.raises(RuntimeError, match='only 0 of the budget 5'):
        run_search(space, RandomSearcher(space, 0), never, 5,
                   str(tmp_path / 'never'), report=None)
    assert len(read_log(str(tmp_path / 'never' / LOG_NAME))) == 500


def test_macs_cost_grows_with_the_network_and_the_input():
    from mmintern.search import MACsCost
    space = MetaNetSpace()
    b1 = space.encode(METANET_ARCHS['b1'])
    deeper = list(b1)
    deeper[28] += 1  # stage 5: 6 -> 8 blocks
    small, large = MACsCost(input_size=64), MACsCost(input_size=128)
    b1_small = small(space.decode(b1))
    assert small(space.decode(deeper)) > b1_small > 0
    # Convolutions scale with the pixels: 4x the MACs at twice the side,
    # to within the stride-32 stage's rounding of the map.
    assert large(space.decode(b1)) / b1_small == pytest.approx(4, rel=0.1)
    assert small(space.decode(b1)) == b1_small  # cached, same number


# ----------------------------------------------------------------- resume
def test_killed_search_resumes_to_the_uninterrupted_log(tmp_path):
    space = MetaNetSpace()
    reward = Hamming(space.encode(METANET_ARCHS['b1']))
    run_search(space, PPOSearcher(space, seed=4), reward, 40,
               str(tmp_path / 'whole'), report=None)
    # "Killed" after 13 evaluations (mid-batch), its last line cut off.
    run_search(space, PPOSearcher(space, seed=4), reward, 13,
               str(tmp_path / 'killed'), report=None)
    path = tmp_path / 'killed' / LOG_NAME
    text = path.read_text()
    path.write_text(text[:-7])
    messages = []
    run_search(space, PPOSearcher(space, seed=4), reward, 40,
               str(tmp_path / 'killed'), report=messages.append)
    assert any('cut off' in m for m in messages)
    assert any('replaying 12' in m for m in messages)
    assert log(tmp_path / 'killed') == log(tmp_path / 'whole')
    # Another seed on the same log is refused, naming the line.
    with pytest.raises(RuntimeError, match='line 1 holds'):
        run_search(space, PPOSearcher(space, seed=5), reward, 40,
                   str(tmp_path / 'killed'), report=None)
    assert json.loads(path.read_text().splitlines()[0])['step'] == 0


def test_tpe_search_resumes_to_the_uninterrupted_log(tmp_path):
    space = MetaNetSpace()
    reward = Hamming(space.encode(METANET_ARCHS['b1']))
    run_search(space, TPESearcher(space, seed=1), reward, 14,
               str(tmp_path / 'whole'), report=None)
    run_search(space, TPESearcher(space, seed=1), reward, 11,
               str(tmp_path / 'killed'), report=None)
    run_search(space, TPESearcher(space, seed=1), reward, 14,
               str(tmp_path / 'killed'), report=None)
    assert log(tmp_path / 'killed') == log(tmp_path / 'whole')


# ------------------------------------------------------------ proxy task
@needs_data('tiny_imagenet', 'train')
def test_proxy_accuracy_is_one_training_run_per_candidate(tmp_path):
    """DistillProbeAccuracy on the real proxy config, shrunk to 2 steps and
    a 2-class probe: one tools/train.py run writes probe.json; the same
    architecture again reads it without running; a failed run is named."""
    proxy = config_path('search', '_base_', 'proxy_distill_tinyimagenet.py')
    small = tmp_path / 'proxy.py'
    small.write_text(f"""_base_ = [{proxy!r}]
classes = ['n01443537', 'n01784675']
probe = dict(_base_.probe_set, classes=classes,
             folders={{c: c + '/images' for c in classes}})
custom_hooks = [dict(
    type='LinearProbeHook',
    fit_dataloader=dict(batch_size=50, dataset=dict(probe, part=0)),
    eval_dataloader=dict(batch_size=50, dataset=dict(probe, part=1)))]
train_cfg = dict(max_iters=2)
default_hooks = dict(checkpoint=dict(interval=2))
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False,
                        dataset=dict(indices=4))
""")
    space = MetaNetSpace()
    b1 = space.encode(METANET_ARCHS['b1'])
    proxy = DistillProbeAccuracy(str(small), str(tmp_path / 'runs'))
    accuracy = proxy(space.decode(b1), b1)
    run = tmp_path / 'runs' / proxy.proxy_hash / '-'.join(map(str, b1))
    assert proxy.run_dir(b1) == str(run)
    result = json.loads((run / 'probe.json').read_text())
    assert accuracy == result['top1'] and 0 <= accuracy <= 1
    assert (result['num_fit'], result['num_eval'], result['dim']) == \
        (100, 100, 192)  # 2 classes x 50 + 50; B1's stride-32 width
    assert (run / 'iter_2.pth').is_file()
    candidate = Config.fromfile(str(run / 'candidate.py'))
    assert MetaNet.parse_arch(candidate.model.backbone.arch) == \
        METANET_ARCHS['b1']
    # Proposed again: read, not run (a run would fail with this command).
    again = DistillProbeAccuracy(str(small), str(tmp_path / 'runs'),
                                 command='false')
    assert again(space.decode(b1), b1) == accuracy
    # An edited proxy task is another task: its runs are not reused.
    edited = tmp_path / 'edited.py'
    edited.write_text(small.read_text().replace('max_iters=2', 'max_iters=3'))
    other = DistillProbeAccuracy(str(edited), str(tmp_path / 'runs'),
                                 command='false')
    assert other.proxy_hash != proxy.proxy_hash
    with pytest.raises(RuntimeError, match='ended with code 1'):
        other(space.decode(b1), b1)
    failing = DistillProbeAccuracy(
        str(small), str(tmp_path / 'failing'),
        command='{python} -c "import sys; sys.exit(3)"')
    with pytest.raises(RuntimeError, match='ended with code 3'):
        failing(space.decode(b1), b1)
    with pytest.raises(FileNotFoundError, match='no proxy task config'):
        DistillProbeAccuracy('configs/search/missing.py', str(tmp_path))


# ------------------------------------------------------------------ tools
@REWARDS.register_module(force=True)
class _B1Likeness:
    """Accuracy: the share of decisions equal to MetaNet-B1's."""

    def __call__(self, cfg, decisions):
        space = MetaNetSpace()
        return Hamming(space.encode(METANET_ARCHS['b1']))(
            cfg, decisions)['reward']


def test_search_tool_writes_the_best_network_as_a_config(tmp_path, capsys):
    sys.path.insert(0, osp.join(REPO, 'tools'))
    sys.path.insert(0, osp.join(REPO, 'tools', 'analysis_tools'))
    import plot_search
    import search
    for name, seed in (('PPOSearcher', 0), ('PPOSearcher', 1),
                       ('RandomSearcher', 0), ('TPESearcher', 0)):
        real = f'{name[:-8].lower()}_metanet-b1-macs_tinyimagenet.py'
        config = tmp_path / real  # the real config, a cheap accuracy
        config.write_text(
            f"_base_ = [{config_path('search', real)!r}]\n"
            "budget = 12\n"
            "reward = dict(accuracy=dict(_delete_=True, type='_B1Likeness'),"
            "\n              cost=dict(input_size=32))\n")
        work = tmp_path / f'{name}{seed}'
        assert search.main([str(config), '--work-dir', str(work), '--seed',
                            str(seed)]) == 0
        best = json.loads((work / 'best.json').read_text())
        entries = read_log(str(work / LOG_NAME))
        assert evaluated(entries) == 12  # the rejected ones are free
        assert best['reward'] == max(e['reward'] for e in entries)
        searched = Config.fromfile(str(work / 'metanet-searched.py'))
        model = MetaNet(**{k: v for k, v in searched.model.backbone.items()
                           if k != 'type'})
        assert json.loads(json.dumps(model.arch.to_dict())) == best['arch']
        spec = load_backbone_spec(str(work / 'gvb-backbone.py'))
        assert MetaNet.parse_arch(spec.backbone['arch']) == model.arch
        assert spec.dense_channels == tuple(
            model.arch.stages[i].width for i in spec.dense_out_indices)
    out = capsys.readouterr().out
    assert 'evaluations in a space of 1,344,122,781,696 networks' in out

    # --export on the finished search: a replay, then the network in
    # configs/ beside the named MetaNets, each config resolving its _base_.
    name = f'pytest{os.getpid()}'
    exported = [config_path('metanet',
                            f'metanet-searched-{name}_8xb128_in1k.py'),
                config_path('gvb', 'backbones', f'metanet-searched-{name}.py'),
                config_path('distill', 'efficientnet-lite0_to_metanet-'
                            f'searched-{name}_tinyimagenet.py')]
    try:
        assert search.main([str(config), '--work-dir', str(work), '--seed',
                            str(seed), '--export', name]) == 0
        arch = MetaNetCfg.from_dict(best['arch'])
        model_cfg, spec_file, distill_cfg = exported
        for path in (model_cfg, distill_cfg):
            built = Config.fromfile(path).model.backbone.arch
            assert MetaNet.parse_arch(built) == arch, path
        assert Config.fromfile(distill_cfg).model.backbone.out_indices == (
            2, 4, 5)  # the recipe's, kept
        assert MetaNet.parse_arch(
            load_backbone_spec(spec_file).backbone['arch']) == arch
    finally:
        for path in exported:
            if osp.isfile(path):
                os.remove(path)
    assert 'resuming: replaying' in capsys.readouterr().out

    assert plot_search.main([str(tmp_path / w) for w in
                             ('PPOSearcher0', 'PPOSearcher1',
                              'RandomSearcher0', 'TPESearcher0')] +
                            ['--out', str(tmp_path / 'plot.png')]) == 0
    table = capsys.readouterr().out
    assert '| PPOSearcher | 2 |' in table and '| RandomSearcher | 1 |' in table
    assert '| TPESearcher | 1 |' in table
    assert (tmp_path / 'plot.png').stat().st_size > 0
    with pytest.raises(ValueError, match='two work dirs of PPOSearcher'):
        plot_search.main([str(tmp_path / 'PPOSearcher0')] * 2)


def test_search_evidence_names_what_is_missing(tmp_path):
    sys.path.insert(0, osp.join(REPO, 'tools', 'analysis_tools'))
    import search_evidence
    with pytest.raises(FileNotFoundError, match='distill_evidence.py'):
        search_evidence.main(['b1macs', '--b1-evidence-dir', str(tmp_path)])
    (tmp_path / 'metanet-b1_distilled.pth').write_bytes(b'')
    with pytest.raises(FileNotFoundError, match='--export nosuch'):
        search_evidence.main(['nosuch', '--b1-evidence-dir', str(tmp_path)])


def test_the_exported_searched_network_is_one_network_in_three_configs():
    """configs/*/metanet-searched-b1macs*: the model config, the GV-B spec
    and the distillation recipe hold the same network, which builds, and
    the recipe is MetaNet-B1's with only the student changed."""
    from mmengine.registry import MODELS, init_default_scope
    model_cfg = Config.fromfile(config_path(
        'metanet', 'metanet-searched-b1macs_8xb128_in1k.py'))
    spec = load_backbone_spec(config_path(
        'gvb', 'backbones', 'metanet-searched-b1macs.py'))
    recipe = Config.fromfile(config_path(
        'distill', 'efficientnet-lite0_to_metanet-searched-b1macs_'
        'tinyimagenet.py'))
    arch = MetaNet.parse_arch(model_cfg.model.backbone.arch)
    assert MetaNet.parse_arch(spec.backbone['arch']) == arch
    assert MetaNet.parse_arch(recipe.model.backbone.arch) == arch
    b1 = Config.fromfile(config_path(
        'distill', 'efficientnet-lite0_to_metanet-b1_tinyimagenet.py'))
    recipe.model.backbone.arch = 'b1'
    assert recipe.to_dict() == b1.to_dict()
    assert MetaNetSpace().encode(arch)  # a point of the searched space
    init_default_scope('mmpretrain')
    distiller = MODELS.build(Config.fromfile(config_path(
        'distill', 'efficientnet-lite0_to_metanet-searched-b1macs_'
        'tinyimagenet.py')).model)
    maps = distiller(torch.zeros(1, 3, 64, 64), mode='tensor')
    assert [m.shape[1] for m in maps] == [arch.stages[i].width
                                          for i in (2, 4, 5)]
