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

    Frozen means cheap: with ``fold_bn``, once the weights are loaded
    (before training, validation or test), the backbone's forward runs a
    copy with every BatchNorm folded into its convolution, channels-last
    (:func:`~mmintern.models.utils.fold_for_inference`, which keeps the
    copy only if its outputs match). Only the forward is redirected: the
    backbone's own parameters stay in the model, so checkpoints keep their
    keys and values, and a test process that loads them folds again.

    Args:
        attribute (str): The frozen sub-module. Defaults to ``'backbone'``.
        fold_bn (bool): Run the folded copy. Defaults to True.
    """
    priority = 'VERY_HIGH'

    def __init__(self, attribute: str = 'backbone', fold_bn: bool = True):
        self.attribute = attribute
        self.fold_bn = fold_bn
        self.folded = None  # the copy that runs, once folded

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
        self._fold(runner)

    def before_val(self, runner) -> None:
        self._fold(runner)

    def before_test(self, runner) -> None:
        self._fold(runner)

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self._backbone(runner).eval()

    def _fold(self, runner) -> None:
        from mmintern.models.utils import fold_for_inference
        backbone = self._backbone(runner)
        if not self.fold_bn or 'forward' in vars(backbone):
            return  # off, or folded already
        try:
            fast = fold_for_inference(backbone)
        except Exception as e:  # e.g. a backbone that needs 224 px input
            runner.logger.warning(
                f'FrozenBackboneHook: model.{self.attribute} runs as built, '
                f'not folded: its forward on a 64x64 example failed ({e})')
            self.fold_bn = False
            return
        # An instance attribute: nn.Module.__call__ finds it first.
        backbone.forward = fast.forward
        self.folded = fast
        runner.logger.info(
            f'FrozenBackboneHook: model.{self.attribute} runs folded, '
            f'{sum(isinstance(m, _BatchNorm) for m in fast.modules())} BN '
            'layers left, channels-last')
