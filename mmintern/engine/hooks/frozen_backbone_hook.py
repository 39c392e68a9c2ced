from mmengine.hooks import Hook
from torch.nn.modules.batchnorm import _BatchNorm

from mmintern.registry import register_hook
from .schedule_utils import unwrap_model


@register_hook
class FrozenBackboneHook(Hook):
    """Keep ``model.backbone`` frozen, whatever the backbone is.

    GV-B evaluates a backbone's features as they are: its parameters get no
    gradient and its norm layers keep their statistics. Backbones spell
    that differently (``frozen_stages``, ``norm_eval``, or not at all), and
    the runner puts the whole model back into train mode at every epoch, so
    this hook freezes the parameters before training and switches the
    backbone to eval mode before every iteration.

    Args:
        attribute (str): The frozen sub-module. Defaults to ``'backbone'``.
    """
    priority = 'VERY_HIGH'

    def __init__(self, attribute: str = 'backbone'):
        self.attribute = attribute

    def _backbone(self, runner):
        model = unwrap_model(runner)
        if not hasattr(model, self.attribute):
            raise AttributeError(f'{type(model).__name__} has no '
                                 f'{self.attribute!r} to freeze')
        return getattr(model, self.attribute)

    def before_train(self, runner) -> None:
        backbone = self._backbone(runner)
        frozen = 0
        for param in backbone.parameters():
            param.requires_grad_(False)
            frozen += param.numel()
        norms = sum(isinstance(m, _BatchNorm) for m in backbone.modules())
        runner.logger.info(f'FrozenBackboneHook: froze {frozen} parameters '
                           f'and {norms} BN layers of model.{self.attribute}')

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self._backbone(runner).eval()
