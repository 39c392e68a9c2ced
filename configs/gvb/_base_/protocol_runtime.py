# What every GV-B protocol shares, whatever its library: mmintern's types,
# the frozen backbone under test (FrozenBackboneHook: BN in eval, no
# gradients), the data root and the percentage-shot split, set by
# tools/gvb.py through the environment, and the ImageNet normalisation.
# The library runtimes (hooks, visualizers, log processor) stay in each
# protocol's base: mmengine refuses a key that two bases define.
_base_ = ['../../_base_/imagenet_norm.py']
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)
custom_hooks = [dict(type='FrozenBackboneHook')]

gvb_root = '{{$GVB_DATA_ROOT:data/gvb}}'
percentage = float('{{$GVB_PERCENTAGE:10}}')
split_seed = int('{{$GVB_SEED:0}}')
