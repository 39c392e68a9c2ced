# What the three searchers of this folder share: MetaNet-B1's neighbourhood
# (MetaNetSpace's default, docs/search.md), MnasNet's soft-constraint
# reward accuracy x (MACs / target) ** -0.07 with MetaNet-B1's 0.442 GMACs
# at 224 px as the target (a network over 1.5x the target gets 0 and is not
# trained), the proxy accuracy of proxy_distill_tinyimagenet.py (a 300-step
# distillation from EfficientNet-Lite0, then the linear probe on held-out
# Tiny ImageNet classes), and 24 evaluations. The candidate runs are shared
# by every search of this family (an architecture two searches propose is
# trained once).
#   python tools/search.py configs/search/ppo_metanet-b1-macs_tinyimagenet.py --seed 0
space = dict()
budget = 24
reward = dict(
    type='MnasReward',
    target=442340864.0,  # MetaNet-B1, MACsCost()(METANET_ARCHS['b1'])
    alpha=-0.07,
    beta=-0.07,
    max_ratio=1.5,
    cost=dict(type='MACsCost', input_size=224),
    accuracy=dict(type='DistillProbeAccuracy',
                  config='configs/search/_base_/proxy_distill_tinyimagenet.py',
                  work_dir='work_dirs/search_candidates'))
