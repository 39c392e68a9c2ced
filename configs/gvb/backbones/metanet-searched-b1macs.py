# Found by tools/search.py configs/search/ppo_metanet-b1-macs_tinyimagenet.py --seed 0 --budget 4: proposal 28, reward 0.2569.
backbone = dict(type='MetaNet', arch=
{   'stem_width': 16,
    'stages': (   {   'block': 'mbconv',
                      'depth': 1,
                      'width': 16,
                      'expansion': 1,
                      'stride': 1,
                      'downsampler': 'block'},
                  {   'block': 'mbconv',
                      'depth': 1,
                      'width': 24,
                      'expansion': 6,
                      'stride': 2,
                      'downsampler': 'block'},
                  {   'block': 'mbconv',
                      'depth': 2,
                      'width': 96,
                      'expansion': 4,
                      'stride': 2,
                      'downsampler': 'l_dsm'},
                  {   'block': 'mixer',
                      'depth': 4,
                      'width': 96,
                      'expansion': 4,
                      'stride': 2,
                      'downsampler': 'block'},
                  {   'block': 'mhsa',
                      'depth': 3,
                      'width': 144,
                      'expansion': 4,
                      'stride': 1,
                      'downsampler': 'block'},
                  {   'block': 'mixer',
                      'depth': 6,
                      'width': 240,
                      'expansion': 3,
                      'stride': 2,
                      'downsampler': 'l_dsm'}),
    'head_width': 1280,
    'head_dim': 48,
    'drop_path_rate': 0.0})
checkpoint = None

pooled_out_indices = 5
pooled_channels = 240
pooled_needs_gap = True

dense_out_indices = (1, 2, 4, 5)
dense_channels = [24, 96, 144, 240]
