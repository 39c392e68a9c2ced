# What every GV-B protocol shares, whatever its library: mmintern's types,
# the frozen backbone under test (FrozenBackboneHook: BN in eval, no
# gradients), the data root, the percentage-shot split and the ImageNet
# normalisation. All are plain fields: tools/gvb.py sets them per run, and
# tools/train.py / tools/test.py take them as --cfg-options, e.g.
# gvb_root=/data/gvb train_dataloader.dataset.percentage=1
# train_dataloader.dataset.seed=3. Every dataset path is built from
# gvb_root when the config is parsed; the tools move those paths when
# --cfg-options sets gvb_root (mmintern.utils.cli.merge_cfg_options).
# The library runtimes (hooks, visualizers, log processor) stay in each
# protocol's base: mmengine refuses a key that two bases define.
_base_ = ['../../_base_/imagenet_norm.py']
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)
custom_hooks = [dict(type='FrozenBackboneHook')]

gvb_root = 'data/gvb'
percentage = 10.
split_seed = 0

# On several processes: FrozenBackboneHook freezes the backbone after the
# runner has wrapped the model in DDP, which registered the backbone's
# parameters as trainable; they then get no gradient. DDP must expect that.
find_unused_parameters = True
