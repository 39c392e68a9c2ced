# MetaNet-B4 with UniNet's context-aware down-sampling: L-DSM before the conv
# stages, LG-DSM before the two transformer stages. The arch is written out
# as a point of the search space, which is how any searched model is used.
_base_ = './metanet-b4_8xb128_in1k.py'

model = dict(
    backbone=dict(
        arch=dict(
            _delete_=True,  # replaces the base's arch name
            stem_width=32,
            head_dim=48,
            stages=[
                dict(block='mbconv', depth=2, width=32, expansion=1,
                     stride=1, downsampler='block'),
                dict(block='mbconv', depth=3, width=64, expansion=4,
                     stride=2, downsampler='l_dsm'),
                dict(block='mbconv', depth=6, width=128, expansion=6,
                     stride=2, downsampler='l_dsm'),
                dict(block='mbconv', depth=6, width=192, expansion=3,
                     stride=2, downsampler='l_dsm'),
                dict(block='mhsa', depth=6, width=192, expansion=2,
                     stride=1, downsampler='lg_dsm'),
                dict(block='mhsa', depth=12, width=384, expansion=5,
                     stride=2, downsampler='lg_dsm'),
            ])))
