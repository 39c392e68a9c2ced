"""Dense SimSiam between two views' feature maps, INTERN's Up-A-L term.

Up-A-L tunes the Up-A-G (DeCLIP) image encoder for dense prediction with a
feature-map-level objective: every location of one view predicts the
projection of its corresponding location in the other view.

Two random crops of one image (mmpretrain's ``RandomResizedCrop``) keep no
record of where they were cut, so the pixel correspondence between them is
unknown. As in DenseCL (https://arxiv.org/abs/2011.09157) it is estimated
from the backbone features themselves: each location is paired with the
most cosine-similar location of the other view (:func:`match_locations`).
The objective on those pairs is SimSiam's negative cosine with a
stop-gradient on the target (https://arxiv.org/abs/2011.10566), which needs
no negatives (:func:`dense_simsiam_loss`).
"""
import torch
import torch.nn.functional as F

__all__ = ['match_locations', 'dense_simsiam_loss']


def _check_map(name: str, x: torch.Tensor) -> None:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f'{name} must be a tensor [B, C, H, W], got '
                        f'{type(x).__name__}')
    if x.dim() != 4:
        raise ValueError(f'{name} must be a feature map [B, C, H, W], got '
                         f'shape {tuple(x.shape)}')


def match_locations(feat_a: torch.Tensor,
                    feat_b: torch.Tensor) -> torch.Tensor:
    """Index of the most cosine-similar location of view b for each
    location of view a.

    Computed without gradient: the correspondence is a target assignment,
    not something to optimize (``argmax`` has no gradient anyway, and not
    recording the ``[B, HWa, HWb]`` similarity saves memory). Ties go to
    the lowest index (``torch.argmax``'s rule); an all-zero feature has
    cosine 0 with everything.

    Args:
        feat_a (Tensor): View a's map ``[B, C, Ha, Wa]``.
        feat_b (Tensor): View b's map ``[B, C, Hb, Wb]``; the spatial size
            may differ from view a's.

    Returns:
        LongTensor: ``[B, Ha * Wa]``; entry ``(n, i)`` is the flattened
        (row-major, ``h * Wb + w``) index into view b's map of the location
        that matches location ``i`` of view a's map in sample ``n``.
    """
    _check_map('feat_a', feat_a)
    _check_map('feat_b', feat_b)
    if feat_a.shape[:2] != feat_b.shape[:2]:
        raise ValueError(
            'feat_a and feat_b must have the same batch size and channels '
            f'[B, C, *, *], got {tuple(feat_a.shape)} and '
            f'{tuple(feat_b.shape)}')
    with torch.no_grad():
        a = F.normalize(feat_a.flatten(2).float(), dim=1)  # [B, C, HWa]
        b = F.normalize(feat_b.flatten(2).float(), dim=1)  # [B, C, HWb]
        sim = torch.bmm(a.transpose(1, 2), b)  # [B, HWa, HWb]
        return sim.argmax(dim=2)


def dense_simsiam_loss(p_a: torch.Tensor, z_b: torch.Tensor,
                       index: torch.Tensor) -> torch.Tensor:
    """Negative cosine between each location's prediction and the
    stop-gradient projection of its matched location.

    ``-mean_{n, i} cos(p_a[n, :, i], sg(z_b[n, :, index[n, i]]))`` with the
    maps flattened over space. The stop-gradient (``z_b.detach()``) is what
    keeps SimSiam from collapsing without negatives: only the prediction
    branch is trained by this term. Symmetrize by adding the b->a term.

    Args:
        p_a (Tensor): Predictions of view a, ``[B, D, Ha, Wa]``.
        z_b (Tensor): Projections (targets) of view b, ``[B, D, Hb, Wb]``.
        index (LongTensor): ``[B, Ha * Wa]``, flattened indices into view
            b's ``Hb * Wb`` locations, e.g. from :func:`match_locations`.

    Returns:
        Tensor: A scalar in ``[-1, 1]``; -1 when every prediction points
        the same way as its matched target.
    """
    _check_map('p_a', p_a)
    _check_map('z_b', z_b)
    if p_a.shape[:2] != z_b.shape[:2]:
        raise ValueError(
            'p_a and z_b must have the same batch size and channels '
            f'[B, D, *, *], got {tuple(p_a.shape)} and {tuple(z_b.shape)}')
    batch, dim, h_a, w_a = p_a.shape
    num_b = z_b.shape[2] * z_b.shape[3]
    if not isinstance(index, torch.Tensor) or index.dtype != torch.long:
        raise TypeError('index must be a LongTensor [B, Ha * Wa] (see '
                        'match_locations), got '
                        f'{getattr(index, "dtype", type(index).__name__)}')
    if tuple(index.shape) != (batch, h_a * w_a):
        raise ValueError(
            f'index must have shape [B, Ha * Wa] = {(batch, h_a * w_a)} for '
            f'p_a of shape {tuple(p_a.shape)}, got {tuple(index.shape)}')
    # gather would fail on CPU with an opaque message and on CUDA with a
    # device-side assert that poisons the context: check the range first.
    if index.numel() and (int(index.min()) < 0 or int(index.max()) >= num_b):
        raise IndexError(
            f'index values must be in [0, Hb * Wb) = [0, {num_b}) for z_b of '
            f'shape {tuple(z_b.shape)}, got range [{int(index.min())}, '
            f'{int(index.max())}]')
    target = z_b.detach().flatten(2)  # [B, D, HWb]
    target = target.gather(2, index.unsqueeze(1).expand(-1, dim, -1))
    cos = F.cosine_similarity(p_a.flatten(2), target, dim=1)  # [B, HWa]
    return -cos.mean()
