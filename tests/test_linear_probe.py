"""The fast linear probe: the L-BFGS solver, the feature cache and the metric
it is scored by (the dataset config's own)."""

import pytest
import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader

from mmengine.config import Config

from _utils import config_path
from mmintern.engine.linear_probe import (DEFAULT_WEIGHT_DECAYS,
                                          extract_features, fit_linear_probe,
                                          predict, stratified_split, top1)
from mmintern.gvb.runner import evaluate_logits


def blobs(num_classes=4, per_class=30, dim=16, spread=0.3, noise_seed=0):
    """Gaussian blobs around fixed, well-separated class centres."""
    centres = 3 * torch.randn(
        num_classes, dim, generator=torch.Generator().manual_seed(0))
    y = torch.arange(num_classes).repeat_interleave(per_class)
    noise = torch.randn(
        y.numel(), dim, generator=torch.Generator().manual_seed(noise_seed))
    return centres[y] + spread * noise, y


# ----------------------------------------------------------------- metrics
def one_hot_logits(pred, num_classes):
    return torch.nn.functional.one_hot(torch.tensor(pred), num_classes).float()


def gvb_config(key):
    cfg = Config.fromfile(config_path('gvb', 'classification', f'{key}.py'))
    return cfg


def test_fast_probe_scores_with_the_configs_accuracy_by_hand():
    logits = one_hot_logits([0, 1, 2, 2], 3)
    raw = evaluate_logits(gvb_config('cifar10'), logits,
                          torch.tensor([0, 1, 1, 2]))
    assert raw['accuracy/top1'] == pytest.approx(75.)
    assert raw['gvb/accuracy'] == pytest.approx(75.)


def test_mean_per_class_accuracy_by_hand():
    # Class 0: 2/2, class 1: 1/2, class 2: 0/1 -> (1 + 0.5 + 0) / 3.
    y = torch.tensor([0, 0, 1, 1, 2])
    logits = one_hot_logits([0, 0, 1, 0, 0], 3)
    raw = evaluate_logits(gvb_config('pets'), logits, y)
    assert raw['single-label/recall'] == pytest.approx(50.)
    assert top1(logits, y) == pytest.approx(0.6)


def test_mean_per_class_accuracy_counts_absent_classes_as_zero():
    """One definition for both probes: the dataset config's
    SingleLabelMetric, macro over every class. Class 1 has no test sample:
    (1 + 0 + 0.5) / 3, as the SGD head's test loop reports it."""
    y = torch.tensor([0, 2, 2])
    logits = one_hot_logits([0, 2, 1], 3)
    raw = evaluate_logits(gvb_config('pets'), logits, y)
    assert raw['single-label/recall'] == pytest.approx(50.)


# ------------------------------------------------------------------ solver
def test_solver_separates_blobs():
    x, y = blobs()
    test_x, test_y = blobs(noise_seed=1)
    result = fit_linear_probe(x, y, num_classes=4)
    assert result.weight.shape == (4, 16) and result.bias.shape == (4, )
    assert set(result.val_accuracy) == set(DEFAULT_WEIGHT_DECAYS)
    assert result.weight_decay in DEFAULT_WEIGHT_DECAYS
    assert top1(predict(result, x), y) == 1.0
    assert top1(predict(result, test_x), test_y) > 0.95


def test_solver_is_deterministic():
    x, y = blobs(spread=2.0)  # overlapping: the fit has work to do
    a = fit_linear_probe(x, y, 4, weight_decays=(1e-4, 1e-2), max_iter=50)
    b = fit_linear_probe(x, y, 4, weight_decays=(1e-4, 1e-2), max_iter=50)
    assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
    assert a.val_accuracy == b.val_accuracy


def test_ties_go_to_the_larger_weight_decay():
    # Separable blobs: every decay of the grid is perfect on the hold-out.
    x, y = blobs()
    result = fit_linear_probe(x, y, 4, weight_decays=(1e-2, 1e-5, 1e-3),
                              max_iter=50)
    assert set(result.val_accuracy.values()) == {1.0}
    assert result.weight_decay == 1e-2


def test_folded_probe_matches_predict():
    x, y = blobs(spread=2.0)
    x = 5 * x + 7  # unstandardised on purpose
    result = fit_linear_probe(x, y, 4, weight_decays=(1e-3, ), max_iter=30)
    assert result.val_accuracy == {}
    weight, bias = result.fold_standardisation()
    torch.testing.assert_close(x @ weight.T + bias, predict(result, x),
                               rtol=1e-4, atol=1e-3)


def test_stratified_split_keeps_class_balance():
    y = torch.tensor([0] * 10 + [1] * 5 + [2])
    fit, val = stratified_split(y, 3, 0.2, seed=0)
    assert torch.bincount(y[val], minlength=3).tolist() == [2, 1, 0]
    assert sorted(fit.tolist() + val.tolist()) == list(range(16))
    again = stratified_split(y, 3, 0.2, seed=0)
    assert torch.equal(fit, again[0]) and torch.equal(val, again[1])


def test_solver_rejects_bad_labels():
    x, y = blobs()
    with pytest.raises(ValueError, match=r'\[0, 3\)'):
        fit_linear_probe(x, y, num_classes=3)


# ----------------------------------------------------------- feature cache
class CountingModel(BaseModel):
    """A tiny mmengine model that counts its ``extract_feat`` calls."""

    def __init__(self):
        super().__init__()  # the default BaseDataPreprocessor
        self.proj = torch.nn.Linear(4, 3)
        self.calls = 0

    def extract_feat(self, inputs):
        self.calls += 1
        inputs = torch.stack(inputs)  # pseudo_collate keeps a list
        # A tuple of [B, C, 1, 1] maps: the last must be taken and flattened.
        feats = self.proj(inputs).unsqueeze(-1).unsqueeze(-1)
        return (inputs, feats)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return self.extract_feat(inputs)


def loader(num_samples, batch_size=4):
    g = torch.Generator().manual_seed(0)
    data = [
        dict(inputs=torch.randn(4, generator=g),
             data_samples=BaseDataElement(gt_label=torch.tensor([i % 3])))
        for i in range(num_samples)
    ]
    return DataLoader(data, batch_size=batch_size, collate_fn=pseudo_collate)


def test_extract_features_shapes_and_mode():
    model = CountingModel().train()
    feats, labels = extract_features(model, loader(10))
    assert feats.shape == (10, 3) and feats.dtype == torch.float32
    assert labels.tolist() == [i % 3 for i in range(10)]
    assert labels.dtype == torch.int64
    assert model.calls == 3 and model.training  # mode restored
    # Ordinary tensors, usable by autograd (the solver) after extraction.
    assert not feats.is_inference()
    fit_linear_probe(feats, labels, 3, weight_decays=(1e-2, ), max_iter=5)


def test_feature_cache_round_trip(tmp_path):
    cache = str(tmp_path / 'sub' / 'train.pth')
    model = CountingModel()
    feats, labels = extract_features(model, loader(10), cache)
    assert model.calls == 3
    # Same dataset size: loaded, the model is not run again.
    again, again_labels = extract_features(model, loader(10), cache)
    assert model.calls == 3
    assert torch.equal(feats, again) and torch.equal(labels, again_labels)
    # The cache is plain tensors and ints: loadable weights-only.
    stored = torch.load(cache, weights_only=True)
    assert stored['meta'] == dict(num_samples=10, dim=3)
    assert torch.equal(stored['features'], feats)


def test_feature_cache_recomputes_when_dataset_size_changed(
        tmp_path, monkeypatch):
    from mmintern.engine.linear_probe import feature_cache
    logged = []
    monkeypatch.setattr(feature_cache, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    cache = str(tmp_path / 'train.pth')
    model = CountingModel()
    extract_features(model, loader(10), cache)
    feats, _ = extract_features(model, loader(6), cache)
    assert model.calls == 3 + 2 and feats.shape == (6, 3)
    assert any('holds 10 samples' in m and 'recomputing' in m
               for m in logged)
    assert torch.load(cache, weights_only=True)['meta']['num_samples'] == 6
