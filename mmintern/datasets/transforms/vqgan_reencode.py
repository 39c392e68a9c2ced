"""MF stage 2 on the fly: the image of a pipeline re-encoded by a trained
VQ-GAN, for mmpretrain, mmdet and mmseg pipelines alike (after
``LoadImageFromFile``, before anything that changes the pixels' values).
``tools/dataset_converters/reencode_dataset.py`` writes the same images
to disk once, which is what a long run should read."""
from mmcv.transforms import BaseTransform

from mmintern.registry import register_transform

__all__ = ['VQGANReencode']


@register_transform
class VQGANReencode(BaseTransform):
    """Replace ``results['img']`` (BGR uint8, as mmcv loads it) by its
    VQ-GAN re-encoding, same shape.

    Args:
        config (str): The VQ-GAN's training config.
        checkpoint (str): Its checkpoint (loaded weights-only, on the first
            image of each worker process).
    """

    def __init__(self, config: str, checkpoint: str):
        self.config, self.checkpoint = config, checkpoint
        self._model = None

    def transform(self, results: dict) -> dict:
        if self._model is None:
            from mmintern.models.algorithms.vqgan import load_vqgan
            self._model = load_vqgan(self.config, self.checkpoint)
        results['img'] = self._model.reencode(results['img'], order='bgr')
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(config={self.config!r}, '
                f'checkpoint={self.checkpoint!r})')
