_base_ = './metanet-b4_8xb128_in1k.py'

model = dict(backbone=dict(arch='b5', drop_path_rate=0.1))
