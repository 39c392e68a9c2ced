"""The Frechet distance between two sets of features, each taken as a
Gaussian (Heusel et al., 2017, on Inception features: FID). MF measures it
on the pretrained backbone's pooled features, between upstream and
downstream images, before and after VQ-GAN re-encoding."""
import numpy as np


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """``|mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2))`` of two
    ``(N, D)`` feature sets (their means and sample covariances)."""
    from scipy import linalg
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f'two (N, D) feature sets of one width, got '
                         f'{a.shape} and {b.shape}')
    if min(len(a), len(b)) < 2:
        raise ValueError('each set needs at least 2 features for a '
                         'covariance')
    mu = a.mean(0) - b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    cov_a, cov_b = np.atleast_2d(cov_a), np.atleast_2d(cov_b)
    root = linalg.sqrtm(cov_a @ cov_b)
    if np.iscomplexobj(root):
        # Numerical noise of a product of (near) singular covariances.
        root = root.real
    return float(mu @ mu + np.trace(cov_a + cov_b - 2 * root))
