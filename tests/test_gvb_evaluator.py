"""The GV-B table: reference data and error reductions, by hand."""
import pytest
from mmengine.registry import EVALUATOR

import mmintern  # noqa: F401
from mmintern.evaluation import GVBEvaluator, gvb_datasets, reference_row
from mmintern.evaluation.gvb import error_reduction


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
    evaluator = EVALUATOR.build(dict(type='GVBEvaluator',
                                     reference='Up-A R50'))
    assert isinstance(evaluator, GVBEvaluator)
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
    evaluator = GVBEvaluator()
    with pytest.raises(KeyError, match="'mnist' is not a GV-B dataset"):
        evaluator.add('mnist', dict(accuracy=99))
    with pytest.raises(KeyError, match=r"wider_face: metrics \['AP_hard'\]"):
        evaluator.add('wider_face', dict(AP_easy=1, AP_medium=1))
