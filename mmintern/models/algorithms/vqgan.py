"""The VQ-GAN of MF stage 1 (Esser et al., 2021, as INTERN's article
uses it): an image autoencoder with a vector-quantized bottleneck, trained
on upstream images, that later re-encodes downstream images so that they
look like upstream data to the pretrained model.

- ``generator``: :class:`ConvEncoder` -> mmpretrain's
  ``NormEMAVectorQuantizer`` (BEiT v2's: cosine codebook, EMA updates,
  k-means initialised on the first batch, the commitment term ``beta``)
  -> :class:`ConvDecoder`;
- its loss: L1 reconstruction + ``perceptual_weight`` x the distance on the
  frozen upstream backbone's features (:class:`BackbonePerceptualLoss`) +
  the commitment term + from iteration ``disc_start`` on, the hinge
  generator term times ``disc_weight`` x the adaptive weight;
- ``discriminator``: a :class:`PatchDiscriminator` on the hinge loss, from
  ``disc_start`` on.

Two optimizers, ``optim_wrapper['generator']`` and
``optim_wrapper['discriminator']`` (an ``OptimWrapperDict``:
``MultiOptimWrapperConstructor``). The iteration count that switches the
discriminator on is a buffer, so a resumed run switches it at the same
step. Images are the data preprocessor's, scaled to [-1, 1].
"""
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapperDict
from mmengine.registry import MODELS as ROOT_MODELS

from mmintern.registry import register_model
from ..layers.conv_codec import ConvDecoder, ConvEncoder, pad_to_multiple
from ..layers.patch_discriminator import PatchDiscriminator
from ..losses.gan import adaptive_weight, hinge_d_loss, hinge_g_loss

__all__ = ['VQGAN', 'codebook_usage', 'load_vqgan']

# [-1, 1] from 0-255 RGB.
DATA_PREPROCESSOR = dict(type='ImgDataPreprocessor', mean=[127.5] * 3,
                         std=[127.5] * 3, bgr_to_rgb=True)


def codebook_usage(indices: torch.Tensor, num_embed: int) -> Dict[str, float]:
    """``perplexity`` (``exp`` of the codes' entropy: how many codes are in
    effect used, at most ``num_embed``) and ``usage`` (the share of codes
    that occur at all) of a tensor of code indices."""
    counts = torch.bincount(indices.flatten(), minlength=num_embed).double()
    p = counts / counts.sum()
    entropy = -(p[p > 0] * p[p > 0].log()).sum()
    return dict(perplexity=float(entropy.exp()),
                usage=float((counts > 0).double().mean()))


class Generator(nn.Module):
    """Encoder, quantizer, decoder: the part the generator optimizer
    trains."""

    def __init__(self, encoder: ConvEncoder, quantizer: nn.Module,
                 decoder: ConvDecoder):
        super().__init__()
        self.encoder, self.quantizer, self.decoder = (encoder, quantizer,
                                                      decoder)


@register_model
class VQGAN(BaseModel):
    """Args:
        embed_dims (int): The codes' width.
        num_embed (int): Codebook size.
        base_channels, channel_mults, num_res_blocks: The codec
            (:class:`ConvEncoder`); the down-sampling factor is
            ``2 ** (len(channel_mults) - 1)``.
        beta (float): The commitment weight.
        decay (float): The codebook's EMA decay.
        perceptual (dict, optional): A ``BackbonePerceptualLoss`` config;
            None leaves the term out.
        perceptual_weight (float): Its weight.
        discriminator (dict): ``PatchDiscriminator`` arguments.
        disc_start (int): The iteration the adversarial terms start at.
        disc_weight (float): The generator term's weight (times the
            adaptive weight).
    """

    def __init__(self, embed_dims: int = 32, num_embed: int = 512,
                 base_channels: int = 64,
                 channel_mults: Sequence[int] = (1, 2, 2),
                 num_res_blocks: int = 1, beta: float = 0.25,
                 decay: float = 0.99, perceptual: Optional[dict] = None,
                 perceptual_weight: float = 1.0,
                 discriminator: Optional[dict] = None,
                 disc_start: int = 0, disc_weight: float = 0.8,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(data_preprocessor or DATA_PREPROCESSOR, init_cfg)
        from mmpretrain.models.utils.vector_quantizer import \
            NormEMAVectorQuantizer
        codec = dict(base_channels=base_channels,
                     channel_mults=channel_mults,
                     num_res_blocks=num_res_blocks)
        self.generator = Generator(
            ConvEncoder(embed_dims, **codec),
            NormEMAVectorQuantizer(num_embed, embed_dims, beta=beta,
                                   decay=decay),
            ConvDecoder(embed_dims, **codec))
        self.discriminator = PatchDiscriminator(**(discriminator or {}))
        self.perceptual = (ROOT_MODELS.build(perceptual)
                           if perceptual else None)
        self.num_embed, self.factor = num_embed, self.generator.encoder.factor
        self.perceptual_weight = perceptual_weight
        self.disc_start, self.disc_weight = disc_start, disc_weight
        self.register_buffer('iteration', torch.zeros((), dtype=torch.long))

    # ------------------------------------------------------------ coding
    def quantize(self, img: torch.Tensor):
        """``img`` in [-1, 1] (sides multiples of ``factor``) -> quantized
        latent, commitment loss, code indices."""
        z = self.generator.encoder(img)
        return self.generator.quantizer(z)

    @torch.no_grad()
    def reconstruct(self, img: torch.Tensor) -> torch.Tensor:
        """Re-encode a batch in [-1, 1] of any size (padded to a multiple of
        the factor, cropped back), in eval mode: deterministic."""
        was_training = self.training
        self.eval()
        try:
            h, w = img.shape[-2:]
            zq, _, _ = self.quantize(pad_to_multiple(img, self.factor))
            out = self.generator.decoder(zq)[..., :h, :w]
        finally:
            self.train(was_training)
        return out.clamp(-1, 1)

    def reencode(self, images: np.ndarray, order: str = 'bgr',
                 batch_size: int = 16) -> np.ndarray:
        """MF stage 2 on arrays: ``(N, H, W, 3)`` (or one ``(H, W, 3)``)
        uint8 images in channel ``order`` ('bgr', as mmcv loads them, or
        'rgb', as CIFAR stores them) -> their re-encoded copies, same shape,
        dtype and order, deterministic."""
        if order not in ('bgr', 'rgb'):
            raise ValueError(f"order must be 'bgr' or 'rgb', got {order!r}")
        single = images.ndim == 3
        batch = images[None] if single else images
        if batch.ndim != 4 or batch.shape[-1] != 3 or \
                batch.dtype != np.uint8:
            raise ValueError('reencode takes uint8 (N, H, W, 3) or (H, W, 3) '
                             f'images, got {batch.dtype} {batch.shape}')
        # The model saw what its data preprocessor made of mmcv's BGR.
        model_order = ('rgb' if self.data_preprocessor._channel_conversion
                       else 'bgr')
        flip = order != model_order
        mean, std = self.data_preprocessor.mean, self.data_preprocessor.std
        device = next(self.parameters()).device
        out = []
        for start in range(0, len(batch), batch_size):
            x = torch.from_numpy(np.ascontiguousarray(
                batch[start:start + batch_size])).to(device)
            x = x.permute(0, 3, 1, 2).float()
            if flip:
                x = x.flip(1)
            y = self.reconstruct((x - mean) / std) * std + mean
            if flip:
                y = y.flip(1)
            out.append(y.round().clamp(0, 255).to(torch.uint8)
                       .permute(0, 2, 3, 1).cpu().numpy())
        result = np.concatenate(out)
        return result[0] if single else result

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'tensor':
            return self.reconstruct(inputs)
        raise ValueError(f'VQGAN trains through train_step and re-encodes '
                         f"with mode='tensor'; got mode={mode!r}")

    # ---------------------------------------------------------- training
    def generator_losses(self, img: torch.Tensor, disc_on: bool) -> tuple:
        """The generator's loss terms and usage statistics, and the
        reconstruction (for the discriminator)."""
        zq, commit, indices = self.quantize(img)
        rec = self.generator.decoder(zq)
        losses = dict(loss_rec=(rec - img).abs().mean(), loss_commit=commit)
        if self.perceptual is not None:
            losses['loss_perceptual'] = (self.perceptual_weight *
                                         self.perceptual(rec, img))
        if disc_on:
            # The discriminator scores the reconstruction but is not
            # trained by the generator's loss.
            self.discriminator.requires_grad_(False)
            g_loss = hinge_g_loss(self.discriminator(rec))
            self.discriminator.requires_grad_(True)
            nll = losses['loss_rec'] + losses.get('loss_perceptual', 0.)
            weight = adaptive_weight(
                nll, g_loss, self.generator.decoder.last_layer.weight)
            losses['loss_g'] = self.disc_weight * weight * g_loss
            losses['adaptive_weight'] = weight
        usage = codebook_usage(indices, self.num_embed)
        losses.update({k: torch.tensor(v) for k, v in usage.items()})
        return losses, rec

    def train_step(self, data, optim_wrapper: OptimWrapperDict
                   ) -> Dict[str, torch.Tensor]:
        img = self.data_preprocessor(data, True)['inputs']
        if img.shape[-1] % self.factor or img.shape[-2] % self.factor:
            raise ValueError(f'VQGAN: training crops must be multiples of the '
                             f'factor {self.factor}, got {tuple(img.shape)}')
        disc_on = int(self.iteration) >= self.disc_start
        g_optim = optim_wrapper['generator']
        with g_optim.optim_context(self.generator):
            losses, rec = self.generator_losses(img, disc_on)
        loss, log_vars = self.parse_losses(losses)
        g_optim.update_params(loss)
        if disc_on:
            d_optim = optim_wrapper['discriminator']
            with d_optim.optim_context(self.discriminator):
                d_loss = hinge_d_loss(self.discriminator(img),
                                      self.discriminator(rec.detach()))
            d_optim.update_params(d_loss)
            log_vars['loss_d'] = d_loss.detach()
        self.iteration += 1
        return log_vars


def load_vqgan(config: str, checkpoint: str, device: str = 'cpu') -> VQGAN:
    """A trained VQ-GAN from its training config and a checkpoint of it
    (loaded weights-only), in eval mode. The perceptual backbone's own
    weights are not needed: they are part of the checkpoint."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmintern.utils import load_weights_only
    cfg = Config.fromfile(config)
    if cfg.model.get('type') not in ('VQGAN', 'mmintern.VQGAN'):
        raise ValueError(f'{config} is not a VQGAN config (its model is '
                         f'{cfg.model.get("type")!r})')
    init_default_scope(cfg.get('default_scope', 'mmengine'))
    model = ROOT_MODELS.build(cfg.model)
    state = load_weights_only(checkpoint, map_location='cpu')
    state = state.get('state_dict', state)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(
            f'{checkpoint} is not a checkpoint of {config}: missing '
            f'{missing[:5]}{"..." if len(missing) > 5 else ""}, unexpected '
            f'{unexpected[:5]}{"..." if len(unexpected) > 5 else ""}')
    return model.to(device).eval()
