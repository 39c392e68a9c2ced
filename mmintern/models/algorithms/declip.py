"""DeCLIP on mmengine, INTERN's upstream-amplifier stage A (Up-A).

DeCLIP: Supervision Exists Everywhere (https://arxiv.org/abs/2110.05208).
Plain CLIP is the same model with only the contrastive term and one view
of each modality.

Batch format
------------
``forward(inputs, data_samples, mode='loss')``:

* ``inputs``: the image views, normalised float tensors ``[B, 3, H, W]``:
  one tensor (one view), a list/tuple of views (what mmpretrain's
  ``MultiView`` + ``PackInputs`` + ``SelfSupDataPreprocessor`` give), or
  ``dict(img1=..., img2=...)``.
* ``data_samples``: the captions, either a list of per-sample data elements
  (e.g. mmpretrain ``DataSample``) carrying ``text`` (a string, or ids
  ``[L]``) and optionally ``text_aug`` (the EDA view, same kinds), or a
  dict ``dict(text=..., text_aug=...)`` whose values are lists of strings
  or id tensors ``[B, L]``. Strings are tokenized here by
  :class:`ClipTokenizer` to ``context_length``.

``mode='tensor'`` / ``'predict'`` take one image view and return the
L2-normalised image embeddings ``[B, embed_dim]`` (``tensor``), or the data
samples with ``img_embed`` set (``predict``), for zero-shot evaluation with
:func:`mmintern.evaluation.zero_shot_classifier`.
"""
from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.registry import MODELS as ROOT_MODELS

from mmintern.registry import register_model
from ..losses import (MaskedLMLoss, MultiViewInfoNCELoss,
                      NearestNeighbourLoss, SimSiamHead, mask_tokens)
from ..text.tokenizer import ClipTokenizer
from ..utils import last_output_width

__all__ = ['DeCLIP']

_KNOWN_LOSSES = ('contrastive', 'simsiam', 'mlm', 'nn')


@register_model
class DeCLIP(BaseModel):
    """DeCLIP: CLIP plus self-, multi-view and nearest-neighbour supervision.

    Args:
        image_encoder (dict): Config of any registered backbone (root
            registry, e.g. ``dict(type='MetaNet', arch='b1')``). Its last
            output is used; a map ``[B, C, H, W]`` is average pooled.
        text_encoder (dict): :class:`TextTransformer` config.
        embed_dim (int): Width of the shared embedding space. Defaults to
            512.
        image_feat_dim (int, optional): Width of the image encoder's
            features; None reads ``out_channels`` of the encoder (MetaNet)
            or runs a dummy 64x64 forward.
        losses (dict): The terms and their weights; a term missing is off.
            ``contrastive=dict(weight, **SymmetricInfoNCELoss kwargs)``,
            ``simsiam=dict(weight, proj_channels=2048, pred_channels=512)``
            (needs two image views), ``mlm=dict(weight, ratio=0.15)``,
            ``nn=dict(weight, queue_size=65536, query='text')`` (shares the
            contrastive logit scale when that term is on). Defaults to
            DeCLIP's four terms with its ResNet-50 weights.
        context_length (int): Token length strings are tokenized to.
            Defaults to the text encoder's context length.
        data_preprocessor (dict, optional): e.g. mmpretrain's
            ``SelfSupDataPreprocessor`` for multi-view batches.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 image_encoder: dict,
                 text_encoder: dict,
                 embed_dim: int = 512,
                 image_feat_dim: Optional[int] = None,
                 losses: Optional[dict] = None,
                 context_length: Optional[int] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if losses is None:
            losses = dict(contrastive=dict(weight=0.4),
                          simsiam=dict(weight=0.2), mlm=dict(weight=0.2),
                          nn=dict(weight=0.2))
        unknown = set(losses) - set(_KNOWN_LOSSES)
        if unknown:
            raise KeyError(f'unknown DeCLIP loss terms {sorted(unknown)}; '
                           f'known: {list(_KNOWN_LOSSES)}')
        if not losses:
            raise ValueError('DeCLIP needs at least one loss term')
        self.loss_cfg = {k: dict(v) for k, v in losses.items()}

        self.image_encoder = ROOT_MODELS.build(image_encoder)
        self.text_encoder = ROOT_MODELS.build(text_encoder)
        self.tokenizer = None  # built lazily: only strings need it
        self.context_length = context_length or \
            self.text_encoder.context_length
        if image_feat_dim is None:
            image_feat_dim = last_output_width(self.image_encoder)
        self.image_feat_dim = image_feat_dim
        text_width = self.text_encoder.width
        self.embed_dim = embed_dim
        self.image_proj = nn.Linear(image_feat_dim, embed_dim, bias=False)
        self.text_proj = nn.Linear(text_width, embed_dim, bias=False)

        cfg = self.loss_cfg
        if 'contrastive' in cfg:
            c = dict(cfg['contrastive'])
            w = c.pop('weight', 1.0)
            self.contrastive = MultiViewInfoNCELoss(loss_weight=w, **c)
        if 'simsiam' in cfg:
            c = dict(cfg['simsiam'])
            self.simsiam = SimSiamHead(
                image_feat_dim, c.pop('proj_channels', 2048),
                c.pop('pred_channels', 512), loss_weight=c.pop('weight', 0.2))
            if c:
                raise KeyError(f'unknown simsiam options {sorted(c)}')
        if 'mlm' in cfg:
            if getattr(self.text_encoder, 'mlm_head', None) is None:
                raise ValueError('the mlm term needs a text encoder with an '
                                 'MLM head')
            self.mlm = MaskedLMLoss(loss_weight=cfg['mlm'].get('weight', 0.2))
            self.mlm_ratio = cfg['mlm'].get('ratio', 0.15)
        if 'nn' in cfg:
            c = dict(cfg['nn'])
            w = c.pop('weight', 0.2)
            if 'contrastive' in cfg:
                c.setdefault('logit_scale_init', None)  # share that scale
            self.nn = NearestNeighbourLoss(embed_dim, loss_weight=w, **c)

    # ------------------------------------------------------------------
    @staticmethod
    def _pool(feats) -> torch.Tensor:
        if isinstance(feats, (list, tuple)):
            feats = feats[-1]
        if feats.dim() == 4:
            feats = feats.mean(dim=(2, 3))
        elif feats.dim() == 3:  # tokens [B, N, C]
            feats = feats.mean(dim=1)
        return feats

    def get_tokenizer(self) -> ClipTokenizer:
        if self.tokenizer is None:
            self.tokenizer = ClipTokenizer()
        return self.tokenizer

    def image_features(self, img: torch.Tensor) -> torch.Tensor:
        """Pooled image encoder features ``[B, image_feat_dim]``."""
        return self._pool(self.image_encoder(img))

    def encode_image(self, img: torch.Tensor,
                     normalize: bool = True) -> torch.Tensor:
        """Image embeddings ``[B, embed_dim]``."""
        emb = self.image_proj(self.image_features(img))
        return F.normalize(emb, dim=-1) if normalize else emb

    def to_tokens(self, texts) -> torch.Tensor:
        """Ids ``[B, L]`` on the model's device from strings or ids."""
        device = self.image_proj.weight.device
        if isinstance(texts, torch.Tensor):
            return texts.long().to(device)
        texts = list(texts)
        if texts and isinstance(texts[0], torch.Tensor):
            return torch.stack([t.long() for t in texts]).to(device)
        return self.get_tokenizer().tokenize(
            texts, self.context_length).to(device)

    def encode_text(self, texts, normalize: bool = True) -> torch.Tensor:
        """Text embeddings ``[B, embed_dim]`` of strings or ids."""
        _, pooled = self.text_encoder(self.to_tokens(texts))
        emb = self.text_proj(pooled)
        return F.normalize(emb, dim=-1) if normalize else emb

    # ------------------------------------------------------------------
    @staticmethod
    def _image_views(inputs) -> List[torch.Tensor]:
        if isinstance(inputs, torch.Tensor):
            return [inputs]
        if isinstance(inputs, dict):
            keys = sorted(k for k in inputs if k.startswith('img'))
            return [inputs[k] for k in keys]
        views = list(inputs)
        if not views:
            raise ValueError('no image view in inputs')
        return views

    @staticmethod
    def _text_views(data_samples) -> List[list]:
        """``[texts]`` or ``[texts, aug_texts]`` from the data samples."""
        if isinstance(data_samples, dict):
            views = [data_samples['text']]
            if data_samples.get('text_aug') is not None:
                views.append(data_samples['text_aug'])
            return views
        if not data_samples:
            raise ValueError('loss mode needs captions in data_samples')

        def field(s, key):
            if isinstance(s, dict):
                return s.get(key)
            return s.get(key) if hasattr(s, 'get') else getattr(s, key, None)

        views = [[field(s, 'text') for s in data_samples]]
        if any(v is None for v in views[0]):
            raise KeyError('every data sample needs a `text` field')
        aug = [field(s, 'text_aug') for s in data_samples]
        if all(v is not None for v in aug):
            views.append(aug)
        return views

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode in ('tensor', 'predict'):
            img = self._image_views(inputs)[0]
            emb = self.encode_image(img)
            if mode == 'tensor':
                return emb
            if data_samples is None:
                from mmengine.structures import BaseDataElement
                data_samples = [BaseDataElement() for _ in range(len(emb))]
            for sample, e in zip(data_samples, emb):
                sample.set_field(e.detach(), 'img_embed')
            return data_samples
        raise RuntimeError(f'invalid mode {mode!r}: use loss, predict or '
                           'tensor')

    def loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """The enabled terms, each already weighted: ``loss_contrastive``,
        ``loss_simsiam``, ``loss_mlm``, ``loss_nn``."""
        images = self._image_views(inputs)
        texts = [self.to_tokens(v) for v in self._text_views(data_samples)]
        cfg = self.loss_cfg
        losses = {}

        img_feats = [self.image_features(x) for x in images]
        img_embs = [self.image_proj(f) for f in img_feats]
        txt_embs = [self.text_proj(self.text_encoder(t)[1]) for t in texts]

        if 'contrastive' in cfg:
            losses['loss_contrastive'] = self.contrastive(img_embs, txt_embs)
        if 'simsiam' in cfg:
            if len(img_feats) < 2:
                raise ValueError('the simsiam term needs two image views')
            losses['loss_simsiam'] = self.simsiam.loss(img_feats[0],
                                                       img_feats[1])
        if 'mlm' in cfg:
            tok = self.get_tokenizer_ids()
            masked, labels = mask_tokens(
                texts[0], self.text_encoder.vocab_size, tok['mask_id'],
                tok['special_ids'], tok['pad_id'], ratio=self.mlm_ratio)
            token_feats, _ = self.text_encoder(masked)
            # Score only the selected positions: the full [B, L, vocab]
            # logits would be large for nothing.
            sel = labels != -100
            logits = self.text_encoder.mlm_logits(token_feats[sel])
            if sel.any():
                losses['loss_mlm'] = self.mlm(logits, labels[sel])
            else:
                losses['loss_mlm'] = token_feats.sum() * 0.
        if 'nn' in cfg:
            scale = self.contrastive.infonce.scale() \
                if 'contrastive' in cfg else None
            losses['loss_nn'] = self.nn(img_embs[0], txt_embs[0], scale)
        return losses

    def get_tokenizer_ids(self) -> dict:
        """Ids for masked LM, derived from the text encoder without loading
        the tokenizer: the mask id is the last embedding row (the BPE
        vocabulary size, :attr:`ClipTokenizer.mask_id`), the end id is the
        encoder's ``eot_id`` (CLIP's 49407) and the start id the one before
        it (CLIP's layout); padding is 0."""
        vocab = self.text_encoder.vocab_size
        mask_id = vocab - 1
        eot = getattr(self.text_encoder, 'eot_id', None) or 49407
        return dict(mask_id=mask_id, pad_id=ClipTokenizer.pad_id,
                    special_ids=[eot - 1, eot, mask_id])
