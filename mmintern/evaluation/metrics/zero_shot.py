"""Zero-shot classification with a CLIP/DeCLIP model (INTERN's Up-A).

Flow:

1. ``weights = zero_shot_classifier(model, class_names, templates)``:
   every class name is written into every prompt template, the prompts go
   through the model's text side (``model.encode_text``), the normalised
   embeddings are averaged per class and normalised again: ``[D, C]``.
2. The model runs in ``predict`` mode on the test images and puts each
   image's normalised embedding in its data sample (``img_embed``).
3. :class:`ZeroShotAccuracy` (given ``weights``, at construction or later
   through :meth:`ZeroShotAccuracy.set_classifier`) scores
   ``img_embed @ weights`` and compares the argmax with ``gt_label``.

The metric never holds the model, so it works under a Runner's test loop:
build the weights before ``runner.test()`` (e.g. in a hook or a script)
and hand them to the metric.
"""
from typing import List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric

from mmintern.registry import register_metric

__all__ = ['zero_shot_classifier', 'ZeroShotAccuracy', 'DEFAULT_TEMPLATES']

#: A few of CLIP's ImageNet prompt templates.
DEFAULT_TEMPLATES = (
    'a photo of a {}.', 'a bad photo of a {}.', 'a photo of the large {}.',
    'a photo of the small {}.', 'a close-up photo of a {}.',
    'itap of a {}.', 'art of the {}.',
)


@torch.no_grad()
def zero_shot_classifier(model, class_names: Sequence[str],
                         templates: Sequence[str] = DEFAULT_TEMPLATES
                         ) -> torch.Tensor:
    """Text classifier weights ``[embed_dim, num_classes]`` (unit columns).

    Args:
        model: Anything with ``encode_text(list_of_str) -> [N, D]``, e.g.
            :class:`mmintern.models.DeCLIP`.
        class_names (Sequence[str]): The class names.
        templates (Sequence[str]): Prompts with one ``{}``.
    """
    if not class_names or not templates:
        raise ValueError('need at least one class name and one template')
    was_training = getattr(model, 'training', False)
    if hasattr(model, 'eval'):
        model.eval()
    try:
        weights = []
        for name in class_names:
            prompts = [t.format(name) for t in templates]
            emb = F.normalize(model.encode_text(prompts), dim=-1)
            weights.append(F.normalize(emb.mean(dim=0), dim=-1))
    finally:
        if was_training:
            model.train()
    return torch.stack(weights, dim=1)


@register_metric
class ZeroShotAccuracy(BaseMetric):
    """Top-k accuracy of image embeddings against a text classifier.

    Args:
        classifier (Tensor, optional): ``[D, C]`` weights from
            :func:`zero_shot_classifier`; may be set later with
            :meth:`set_classifier`, before evaluation.
        class_names (Sequence[str], optional): Only kept for reference and
            reports.
        topk (Sequence[int]): The k's. Defaults to ``(1,)``.
        embed_key (str): Field of the predictions with the image embedding.
            Defaults to ``'img_embed'``.
        collect_device (str): Defaults to ``'cpu'``.
        prefix (str, optional): Defaults to ``'zero_shot'``.
    """
    default_prefix = 'zero_shot'

    def __init__(self, classifier: Optional[torch.Tensor] = None,
                 class_names: Optional[Sequence[str]] = None,
                 topk: Sequence[int] = (1, ),
                 embed_key: str = 'img_embed',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.classifier = None
        if classifier is not None:
            self.set_classifier(classifier)
        self.class_names = list(class_names) if class_names else None
        self.topk = tuple(topk)
        self.embed_key = embed_key

    def set_classifier(self, classifier: torch.Tensor) -> None:
        classifier = torch.as_tensor(classifier).detach().float().cpu()
        if classifier.dim() != 2:
            raise ValueError(f'classifier must be [D, C], got '
                             f'{tuple(classifier.shape)}')
        self.classifier = classifier

    @staticmethod
    def _get(sample, key):
        if isinstance(sample, dict):
            return sample.get(key)
        return getattr(sample, key, None)

    def process(self, data_batch, data_samples: Sequence) -> None:
        for sample in data_samples:
            emb = self._get(sample, self.embed_key)
            label = self._get(sample, 'gt_label')
            if emb is None or label is None:
                raise KeyError(f'predictions need {self.embed_key!r} and '
                               '"gt_label"')
            self.results.append(
                (torch.as_tensor(emb).detach().float().cpu().flatten(),
                 int(torch.as_tensor(label).flatten()[0])))

    def compute_metrics(self, results: List) -> dict:
        if self.classifier is None:
            raise RuntimeError('ZeroShotAccuracy has no classifier: pass '
                               'zero_shot_classifier(...) weights')
        emb = F.normalize(torch.stack([r[0] for r in results]), dim=-1)
        labels = torch.tensor([r[1] for r in results])
        logits = emb @ self.classifier
        out = {}
        for k in self.topk:
            k_ = min(k, logits.shape[1])
            hit = (logits.topk(k_, dim=1).indices == labels[:, None]).any(1)
            out[f'top{k}'] = float(hit.float().mean()) * 100
        return out
