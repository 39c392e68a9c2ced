"""Released MetaNet checkpoints convert onto mmintern's keys, exactly."""
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmintern.models import MetaNet
from mmintern.models.backbones.metanet_convert import (
    convert_released_checkpoint, convert_released_metanet)
from _utils import REPO
from released_metanet_layout import RELEASED


def fake_weights(layout):
    return {k: torch.zeros(shape) if shape else torch.tensor(0)
            for k, shape in layout.items()}


@pytest.mark.parametrize('arch', ['b4', 'b15'])
def test_every_key_filled_once_with_the_right_shape(arch):
    layout = RELEASED[arch]
    with torch.device('meta'):
        target = MetaNet(arch).state_dict()
    converted = convert_released_metanet(
        {k: torch.empty(s, device='meta') for k, s in layout.items()},
        MetaNet.parse_arch(arch))
    assert len(converted) == len(layout)  # nothing dropped, nothing doubled
    assert set(converted) == set(target)
    for key, value in converted.items():
        assert value.shape == target[key].shape, key


def test_converted_b4_loads_strictly_and_keeps_values():
    layout = RELEASED['b4']
    weights = {k: torch.randn(s) if s else torch.tensor(7)
               for k, s in layout.items()}
    model = MetaNet('b4')
    ckpt = dict(state_dict={'backbone.' + k: v for k, v in weights.items()}
                | {'head.fc.weight': torch.zeros(1000, 1280)})
    converted = convert_released_checkpoint(ckpt, model.arch)
    assert 'head.fc.weight' in converted  # classifier head kept
    model.load_state_dict({k[len('backbone.'):]: v for k, v in
                           converted.items() if k.startswith('backbone.')})
    torch.testing.assert_close(model.stages[5].blocks[3].attn.qkv.weight,
                               weights['blocks.26.attn.qkv.weight'])
    torch.testing.assert_close(model.stages[1].blocks[0].expand.conv.weight,
                               weights['blocks.2.b1.1.weight'])


def test_foreign_keys_are_named():
    weights = fake_weights(RELEASED['b4'])
    weights['blocks.35.attn.qkv.weight'] = torch.zeros(1)
    weights['fc.weight'] = torch.zeros(1)
    with pytest.raises(KeyError, match=r"2 keys .*blocks.35.*fc.weight"):
        convert_released_metanet(weights, MetaNet.parse_arch('b4'))


def test_loading_a_released_layout_without_conversion_is_refused():
    with pytest.raises(KeyError, match='convert it first'):
        MetaNet('b4').load_state_dict(fake_weights(RELEASED['b4']),
                                      strict=False)


def test_converter_tool(tmp_path):
    src, dst = tmp_path / 'released.pth', tmp_path / 'out' / 'b4.pth'
    torch.save(fake_weights(RELEASED['b4']), src)
    subprocess.run([sys.executable,
                    osp.join(REPO, 'tools/model_converters/'
                             'metanet_to_mmintern.py'),
                    str(src), str(dst), '--arch', 'b4'], check=True)
    state = torch.load(dst, weights_only=True)['state_dict']
    assert all(k.startswith('backbone.') for k in state)
    MetaNet('b4').load_state_dict(
        {k[len('backbone.'):]: v for k, v in state.items()})
