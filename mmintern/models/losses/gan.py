"""The VQ-GAN's adversarial terms: the hinge loss (Lim & Ye, 2017) and
the adaptive weight of the generator's term (Esser et al., 2021)."""
import torch
import torch.nn.functional as F


def hinge_d_loss(real_logits: torch.Tensor,
                 fake_logits: torch.Tensor) -> torch.Tensor:
    """``(mean relu(1 - real) + mean relu(1 + fake)) / 2``."""
    return 0.5 * (F.relu(1. - real_logits).mean() +
                  F.relu(1. + fake_logits).mean())


def hinge_g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """The generator's side: ``-mean fake``."""
    return -fake_logits.mean()


def adaptive_weight(rec_loss: torch.Tensor, g_loss: torch.Tensor,
                    last_layer: torch.Tensor, max_weight: float = 1e4
                    ) -> torch.Tensor:
    """``|grad rec| / (|grad g| + 1e-4)`` at ``last_layer`` (the decoder's
    output weight), clamped to ``[0, max_weight]`` and detached: the GAN
    term then moves the decoder about as much as the reconstruction does,
    whatever their scales."""
    rec_grad, = torch.autograd.grad(rec_loss, last_layer, retain_graph=True)
    g_grad, = torch.autograd.grad(g_loss, last_layer, retain_graph=True)
    weight = rec_grad.norm() / (g_grad.norm() + 1e-4)
    return weight.clamp(0., max_weight).detach()
