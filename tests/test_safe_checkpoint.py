"""mmengine checkpoints load with weights_only on; pickled code does not."""
import os
import os.path as osp

import pytest
import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.runner import Runner, load_checkpoint
from torch.utils.data import Dataset

import mmintern  # noqa: F401
from mmintern.utils import UnsafeCheckpointError, load_weights_only


class TinyModel(BaseModel):

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, x, y, mode='loss'):
        return dict(loss=((self.linear(x) - y)**2).mean())


class Points(Dataset):

    def __len__(self):
        return 16

    def __getitem__(self, i):
        return dict(x=torch.tensor([i / 16., 1.]), y=torch.tensor([i % 3.]))


def make_runner(work_dir, max_iters, resume=False):
    torch.manual_seed(0)  # the same initial weights for every run
    return Runner(
        model=TinyModel(),
        work_dir=work_dir,
        train_dataloader=dict(
            dataset=Points(), batch_size=4,
            sampler=dict(type='DefaultSampler', shuffle=True),
            collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='AdamW', lr=0.01)),
        param_scheduler=dict(type='MultiStepLR', milestones=[3],
                             by_epoch=False),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(checkpoint=dict(
            type='CheckpointHook', by_epoch=False, interval=2)),
        randomness=dict(seed=0),
        resume=resume,
        log_level='WARNING')


def test_training_checkpoint_loads_and_resumes_with_weights_only(tmp_path):
    work = str(tmp_path / 'run')
    make_runner(work, 4).train()
    ckpt = osp.join(work, 'iter_4.pth')
    # The metadata that broke torch >= 2.6 loads:
    meta = torch.load(ckpt, weights_only=True)
    assert 'message_hub' in meta and 'optimizer' in meta
    model = TinyModel()
    load_checkpoint(model, ckpt)
    torch.testing.assert_close(model.state_dict()['linear.weight'],
                               meta['state_dict']['linear.weight'])

    resumed = make_runner(work, 6, resume=True)
    resumed.train()
    assert resumed.iter == 6
    straight = make_runner(str(tmp_path / 'straight'), 6)
    straight.train()
    torch.testing.assert_close(resumed.model.linear.weight,
                               straight.model.linear.weight)


class Payload:
    """Unpickling this would create a file: arbitrary code execution."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.makedirs, (self.path, ))


def test_checkpoint_with_pickled_callable_is_refused(tmp_path):
    marker = str(tmp_path / 'pwned')
    bad = str(tmp_path / 'bad.pth')
    torch.save(dict(state_dict={}, meta=Payload(marker)), bad)
    with pytest.raises(UnsafeCheckpointError,
                       match=r'refused to load .*bad.pth.*os.makedirs'):
        load_checkpoint(TinyModel(), bad)
    with pytest.raises(UnsafeCheckpointError):
        load_weights_only(bad)
    assert not osp.exists(marker)


def test_getattr_is_allowed_only_for_history_buffer_methods(tmp_path):
    bad = str(tmp_path / 'getattr.pth')

    class Sneaky:

        def __reduce__(self):
            # torch.Tensor itself is allowed; its attributes must not be.
            return (getattr, (torch.Tensor, '__reduce_ex__'))

    torch.save(dict(meta=Sneaky()), bad)
    with pytest.raises(Exception, match='only HistoryBuffer statistics'):
        load_weights_only(bad)


def test_empty_numpy_array_in_metadata_loads(tmp_path):
    """A HistoryBuffer never updated holds empty arrays: protocol 2 writes
    their data as the call bytes(), which must load, and nothing more."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    path = str(tmp_path / 'empty.pth')
    torch.save(dict(meta=dict(buffer=HistoryBuffer(), empty=np.zeros(0)),
                    state_dict=TinyModel().state_dict()), path)
    loaded = load_weights_only(path)
    assert loaded['meta']['empty'].shape == (0, )
    assert len(loaded['meta']['buffer'].data[0]) == 0
    load_checkpoint(TinyModel(), path)

    class SizedBytes:

        def __reduce__(self):
            return (bytes, (10**6, ))

    bad = str(tmp_path / 'sized.pth')
    torch.save(dict(meta=SizedBytes()), bad)
    with pytest.raises(Exception, match=r'only bytes\(\) \(empty\) is'):
        load_weights_only(bad)


def test_missing_checkpoint_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing.pth does not exist'):
        load_checkpoint(TinyModel(), str(tmp_path / 'nothing.pth'))
