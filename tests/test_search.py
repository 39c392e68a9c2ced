"""GV-A search: the space as decisions, PPO and random search on a
synthetic reward with a known optimum, the cost constraint, resume."""
import itertools
import json

import pytest
import torch

from mmintern.models.backbones import MetaNet
from mmintern.models.backbones.metanet_archs import METANET_ARCHS
from mmintern.registry import REWARDS, SEARCHERS
from mmintern.search import (LOG_NAME, MetaNetSpace, MnasReward,
                             PPOSearcher, RandomSearcher, StageOptions,
                             read_log, run_search)


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
    assert space.size == 1251246735360  # the DP count, by construction
    assert space.num_decisions == 30


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


def test_searchers_are_registered():
    space = tiny_space()
    for name in ('PPOSearcher', 'RandomSearcher'):
        searcher = SEARCHERS.build(dict(type=name, seed=1),
                                   default_args=dict(space=space))
        assert valid(space, searcher.ask())


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
    # Over the hard limit nothing is trained.
    assert _CountingAccuracy.calls - calls == len(entries) - len(beyond)


def test_macs_cost_matches_the_flops_tool():
    from mmengine.analysis import get_model_complexity_info
    from mmintern.search import MACsCost
    cfg = METANET_ARCHS['b1']
    cost = MACsCost(input_size=64)(cfg)
    model = MetaNet(arch='b1', out_indices=(6, )).eval()
    expected = get_model_complexity_info(model, input_shape=(3, 64, 64),
                                         show_table=False,
                                         show_arch=False)['flops']
    assert cost == expected > 0


# ----------------------------------------------------------------- resume
def test_killed_search_resumes_to_the_uninterrupted_log(tmp_path):
    space = MetaNetSpace()
    reward = Hamming(space.encode(METANET_ARCHS['b1']))

    def log(work):
        return [{k: v for k, v in e.items() if k != 'seconds'}
                for e in read_log(str(work / LOG_NAME))]

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
