_base_ = './metanet-b4_8xb128_in1k.py'

# B15-style blocks are large: smaller per-GPU batch, activation checkpointing.
model = dict(backbone=dict(arch='b8', drop_path_rate=0.2, with_cp=True))
train_dataloader = dict(batch_size=32)
val_dataloader = dict(batch_size=32)
test_dataloader = val_dataloader
