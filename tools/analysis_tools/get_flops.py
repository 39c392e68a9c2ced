"""Parameters and multiply-adds of a config's model (mmengine's analysis).

Classifiers are measured whole; for detectors and segmentors the backbone
and neck are measured (their heads depend on data samples and proposals).
``scaled_dot_product_attention`` is counted (see mmintern.utils.complexity).

Example:
    python tools/analysis_tools/get_flops.py \
        configs/metanet/metanet-b4_8xb128_in1k.py --shape 224
"""
import argparse

import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config, DictAction
from mmengine.registry import MODELS, init_default_scope

import mmintern  # noqa: F401


class _Features(torch.nn.Module):
    """Backbone (+ neck) of a detector or segmentor, as one module."""

    def __init__(self, model):
        super().__init__()
        self.backbone = model.backbone
        self.neck = getattr(model, 'neck', None)

    def forward(self, x):
        feats = self.backbone(x)
        return self.neck(feats) if self.neck is not None else feats


def measured_part(model):
    """The module to measure and its name."""
    if type(model).__name__ == 'ImageClassifier':
        return model, 'whole model'
    part = _Features(model)
    return part, 'backbone + neck' if part.neck is not None else 'backbone'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--shape', type=int, nargs='+', default=[224],
                        help='input size: S or H W')
    parser.add_argument('--show-table', action='store_true',
                        help='per-module table')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args()

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmengine'))
    model = MODELS.build(cfg.model).eval()
    h, w = (args.shape * 2)[:2]
    part, name = measured_part(model)
    result = get_model_complexity_info(
        part, input_shape=(3, h, w), show_table=args.show_table,
        show_arch=False)
    if args.show_table:
        print(result['out_table'])
    print(f'config: {args.config}\nmeasured: {name}, input 3x{h}x{w}')
    print(f'params: {result["params"] / 1e6:.2f} M')
    print(f'GMACs:  {result["flops"] / 1e9:.3f} G')


if __name__ == '__main__':
    main()
