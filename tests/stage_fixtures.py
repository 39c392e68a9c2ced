"""A tiny model and data set for the stage-chaining tests (importable from
configs with ``custom_imports=dict(imports=['stage_fixtures'])`` and
``tests`` on PYTHONPATH)."""
import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.registry import DATASETS, MODELS
from torch.utils.data import Dataset


@MODELS.register_module(force=True)
class StageToyModel(BaseModel):
    """``<encoder>`` Linear -> ``head`` Linear; two weighted losses.

    ``trace`` records, per training forward, the loss weights used and
    whether the encoder was in train mode.
    """

    def __init__(self, encoder='backbone'):
        super().__init__()
        self.encoder = encoder
        setattr(self, encoder, nn.Linear(2, 4))
        self.head = nn.Linear(4, 1)
        self.loss_weights = dict(contrastive=1.0)
        self.trace = []

    def forward(self, x, y, mode='loss'):
        encoder = getattr(self, self.encoder)
        feat = torch.tanh(encoder(x))
        self.trace.append(dict(weights=dict(self.loss_weights),
                               encoder_training=encoder.training))
        losses = dict(
            contrastive=((self.head(feat) - y)**2).mean(),
            simsiam=(feat**2).mean())
        return {f'loss_{k}': v * self.loss_weights.get(k, 0.)
                for k, v in losses.items() if k in self.loss_weights}


@DATASETS.register_module(force=True)
class StagePoints(Dataset):

    def __len__(self):
        return 16

    def __getitem__(self, i):
        return dict(x=torch.tensor([i / 16., 1.]), y=torch.tensor([i % 3.]))
