# The Lite0 -> MetaNet-B1 recipe of efficientnet-lite0_to_metanet-b1_tinyimagenet.py
# at the distillation issue's budget: 6000 steps of 32 images, about 1.5
# hours on 2 CPU cores (the 2000-step recipe is the 30-minute one that
# make distill runs). The same warm-up and cosine decay, stretched.
#   python tools/train.py configs/distill/efficientnet-lite0_to_metanet-b1_tinyimagenet_6k.py
_base_ = ['./efficientnet-lite0_to_metanet-b1_tinyimagenet.py']

max_iters = 6000
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=_base_.warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=_base_.warmup_iters,
         end=max_iters, T_max=max_iters - _base_.warmup_iters, eta_min=1e-5),
]
train_cfg = dict(max_iters=max_iters)
