"""The GV-B table: reference data and error reductions, by hand."""
import json

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import EVALUATOR, DefaultScope

import mmintern  # noqa: F401
from _utils import config_path
from mmintern.gvb.evaluation import (GVBEvaluator, GVBTable, error_reduction,
                                     gvb_datasets, reference_row)


def test_reference_data_covers_the_26_datasets():
    datasets = gvb_datasets()
    assert len(datasets) == 26
    tasks = [d.task for d in datasets.values()]
    assert [tasks.count(t) for t in ('classification', 'detection',
                                     'segmentation', 'depth')] == [20, 3, 1, 2]
    row = reference_row('Up-G MN-B15')
    assert row['flowers102'] == {'mean_per_class_accuracy': 99.7}
    assert row['wider_face'] == dict(AP_easy=95.9, AP_medium=94.2,
                                     AP_hard=79.6)
    assert row['kitti'] == {'RMSE': 2.71}
    with pytest.raises(KeyError, match="unknown GV-B reference row 'CLIP'"):
        reference_row('CLIP')


def test_error_reduction_both_directions():
    # accuracy 90 -> 95: error 10 -> 5, half of it gone
    assert error_reduction(95, 90, True) == pytest.approx(50)
    # RMSE 4 -> 3: a quarter gone; worse gives a negative reduction
    assert error_reduction(3, 4, False) == pytest.approx(25)
    assert error_reduction(5, 4, False) == pytest.approx(-25)


def test_table_rows_and_task_means():
    evaluator = GVBTable('Up-A R50')
    evaluator.add('cifar10', dict(accuracy=96.2))  # ref 92.4: 7.6 -> 3.8
    evaluator.add('pets', dict(mean_per_class_accuracy=85.7))  # = ref
    evaluator.add('kitti', dict(RMSE=1.5905))  # ref 3.181: half
    # ref 90.3 / 88.3 / 70.7: errors 9.7 / 11.7 / 29.3, all halved
    evaluator.add('wider_face', dict(AP_easy=95.15, AP_medium=94.15,
                                     AP_hard=85.35))
    table = evaluator.evaluate()
    assert [r['dataset'] for r in table['rows']] == [
        'cifar10', 'pets', 'wider_face', 'kitti']
    reductions = {r['dataset']: r['error_reduction'] for r in table['rows']}
    assert reductions == pytest.approx(dict(cifar10=50, pets=0,
                                            wider_face=50, kitti=50))
    assert table['tasks']['classification'] == pytest.approx(
        dict(num_datasets=2, error_reduction=25))
    assert set(table['tasks']) == {'classification', 'detection', 'depth'}
    markdown = evaluator.to_markdown(table)
    assert '| classification | CIFAR-10 | accuracy | 96.20 | 92.4 | +50.0% |' \
        in markdown
    assert '| classification | 2 | +25.0% |' in markdown


def test_bad_results_are_named():
    evaluator = GVBTable()
    with pytest.raises(KeyError, match="'mnist' is not a GV-B dataset"):
        evaluator.add('mnist', dict(accuracy=99))
    with pytest.raises(KeyError, match=r"wider_face: metrics \['AP_hard'\]"):
        evaluator.add('wider_face', dict(AP_easy=1, AP_medium=1))


def samples(preds, labels, num_classes=10):
    """mmpretrain-style results: one-hot scores and labels."""
    scores = torch.nn.functional.one_hot(torch.tensor(preds), num_classes)
    return [dict(pred_score=s.float(), gt_label=torch.tensor([y]))
            for s, y in zip(scores, labels)]


def test_evaluator_of_a_real_config_reports_gvb_names_and_the_row(tmp_path):
    """CIFAR-10's config: mmpretrain's Accuracy, under GV-B's name, with the
    error reduction against the reference row, and the table file."""
    cfg = Config.fromfile(config_path('gvb', 'classification', 'cifar10.py'))
    table = str(tmp_path / 'table.json')
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        evaluator = EVALUATOR.build(dict(cfg.test_evaluator,
                                         table_file=table))
    assert isinstance(evaluator, GVBEvaluator)
    # 24 of 25 right: 96.0; Up-A R50 has 92.4 (error 7.6 -> 4.0).
    evaluator.process(samples([0] * 24 + [1], [0] * 25))
    result = evaluator.evaluate(25)
    assert result['accuracy/top1'] == pytest.approx(96.)
    assert result['gvb/accuracy'] == pytest.approx(96.)
    assert result['gvb/error_reduction'] == pytest.approx(
        100 * (7.6 - 4.) / 7.6)
    # A second dataset joins the table file; the markdown is next to it.
    pets = Config.fromfile(config_path('gvb', 'classification', 'pets.py'))
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        evaluator = EVALUATOR.build(dict(pets.test_evaluator,
                                         table_file=table))
    evaluator.process(samples([0, 1, 1], [0, 1, 2], num_classes=37))
    assert evaluator.evaluate(3)['gvb/mean_per_class_accuracy'] == \
        pytest.approx(100 * 2 / 37)  # macro over all 37 classes
    with open(table) as f:
        assert set(json.load(f)['datasets']) == {'cifar10', 'pets'}
    markdown = (tmp_path / 'table.md').read_text()
    assert '| classification | CIFAR-10 | accuracy | 96.00 | 92.4 |' \
        in markdown
    assert '| classification | 2 |' in markdown


def test_evaluator_names_a_bad_dataset_and_reference():
    metrics = dict(type='mmpretrain.Accuracy', topk=(1, ))
    with pytest.raises(KeyError, match="gvb.dataset 'mnist' is not"):
        GVBEvaluator(metrics, gvb=dict(dataset='mnist'))
    with pytest.raises(KeyError, match="unknown GV-B reference row"):
        GVBEvaluator(metrics, gvb=dict(dataset='cifar10'), reference='CLIP')
