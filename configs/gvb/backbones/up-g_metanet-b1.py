# The tiny Up-G generalist of configs/intern/up-g_metanet-b1_multitask.py
# for GV-B: a MetaNet-B1 trunk plus image / patch / pixel MetaNet-B1 expert
# branches fused into its outputs. Random initialisation unless a checkpoint
# is given: tools/intern_pipeline.py --gvb-spec THIS_FILE passes the Up-G
# stage's final checkpoint (its generalist is the model's `backbone`).
backbone = dict(
    type='UpGGeneralist',
    trunk=dict(type='MetaNet', arch='b1'),
    experts=dict(
        image=dict(type='MetaNet', arch='b1'),
        patch=dict(type='MetaNet', arch='b1'),
        pixel=dict(type='MetaNet', arch='b1')))
checkpoint = None
checkpoint_prefix = 'backbone.'

# The outputs are the trunk's, with the experts' fused in.
pooled_out_indices = 5
pooled_channels = 192
pooled_needs_gap = True

dense_out_indices = (1, 2, 4, 5)
dense_channels = [32, 64, 96, 192]
