"""CityPersons MR^-2 and WIDER FACE AP, pinned by hand-computed cases."""
import math

import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData

from mmintern.evaluation import CityPersonsMissRate, WiderFaceAP
from mmintern.evaluation.functional import (FPPI_REFERENCES, box_overlaps,
                                            citypersons_miss_rates,
                                            log_average_miss_rate,
                                            miss_rate_curve,
                                            setting_ignore_flags,
                                            wider_face_ap, wider_face_eval)
from mmintern.evaluation.functional.miss_rate import CITYPERSONS_SETTINGS

FLOOR = 1e-10  # the miss rate that MR^-2 clamps 0 to


def ped(x: float, height: float) -> list:
    """A pedestrian box at column ``x``, half as wide as it is high."""
    return [x, 10., x + height / 2, 10. + height]


def image(gts=(), dets=(), scores=(), visibility=None, ignore=None) -> dict:
    gts = np.array(gts, dtype=float).reshape(-1, 4)
    return dict(
        gt_bboxes=gts,
        gt_visibility=np.ones(len(gts))
        if visibility is None else np.array(visibility, dtype=float),
        gt_ignore=np.zeros(len(gts), bool)
        if ignore is None else np.array(ignore, bool),
        pred_bboxes=np.array(dets, dtype=float).reshape(-1, 4),
        pred_scores=np.array(scores, dtype=float))


def log_average(miss_rates) -> float:
    """MR^-2 from the miss rates at the 9 reference FPPIs, by hand."""
    assert len(miss_rates) == 9
    return math.exp(sum(math.log(max(m, FLOOR)) for m in miss_rates) / 9)


# ---------------------------------------------------------------- miss rate


def test_perfect_detector_misses_nothing_in_any_setting():
    # One pedestrian per setting, far apart: reasonable, small, heavily
    # occluded, and 30 px high (only in All).
    gts = [ped(0, 100), ped(100, 60), ped(200, 100), ped(300, 30)]
    result = image(gts, gts, [.9, .8, .7, .6], visibility=[1, 1, .4, 1])
    mrs = citypersons_miss_rates([result])
    assert mrs == {name: pytest.approx(FLOOR) for name in CITYPERSONS_SETTINGS}
    # Reported as percentages rounded to 2 decimals: 1e-8 % reads 0.0.
    metric = CityPersonsMissRate()
    assert metric.compute_metrics([result]) == dict(
        MR_Reasonable=0.0, MR_Reasonable_small=0.0, MR_Heavy=0.0, MR_All=0.0)


def test_one_of_two_missed_without_false_positives_is_50_percent():
    result = image([ped(0, 100), ped(100, 100)], [ped(0, 100)], [.9])
    mrs = citypersons_miss_rates([result], ['Reasonable'])
    assert mrs['Reasonable'] == pytest.approx(.5)


def fppi_images():
    # Every image has one pedestrian and one false positive (at x=500):
    # in decreasing score the detections are TP FP FP TP FP FP TP (4 images;
    # the pedestrian of image 3 is missed).
    fp = ped(500, 80)
    return [
        image([ped(0, 100)], [ped(0, 100), fp], [1., .9]),
        image([ped(0, 100)], [fp, ped(0, 100)], [.8, .7]),
        image([ped(0, 100)], [fp, ped(0, 100)], [.6, .4]),
        image([ped(0, 100)], [fp], [.5]),
    ]


def test_false_positives_per_image_axis():
    # Curve (FPPI, miss rate): (0, .75) (.25, .75) (.5, .75) (.5, .5)
    # (.75, .5) (1, .5) (1, .25). The references below .25 (0.01 .. 0.178)
    # see only FPPI 0; 0.316 sees .25; 0.562 sees the last of the two
    # points at .5; 1 sees the end.
    expected = log_average([.75] * 7 + [.5, .25])
    mr = citypersons_miss_rates(fppi_images(), ['Reasonable'])['Reasonable']
    assert mr == pytest.approx(expected)
    assert 100 * expected == pytest.approx(63.457, abs=1e-3)

    # Four more images without pedestrians or detections halve the FPPI of
    # every point: (0, .75) (.125, .75) (.25, .75) (.25, .5) (.375, .5)
    # (.5, .5) (.5, .25).
    more = fppi_images() + [image() for _ in range(4)]
    mr = citypersons_miss_rates(more, ['Reasonable'])['Reasonable']
    assert mr == pytest.approx(log_average([.75] * 6 + [.5, .25, .25]))


def test_miss_rate_is_one_before_the_first_point_of_the_curve():
    # One image: an FP outscores the only TP, so the curve starts at FPPI 1.
    fppi, miss_rate = miss_rate_curve(
        np.array([.9, .5]), np.array([False, True]), np.array([True, False]),
        num_gts=1, num_images=1)
    np.testing.assert_allclose(fppi, [1, 1])
    np.testing.assert_allclose(miss_rate, [1, 0])
    assert log_average_miss_rate(fppi, miss_rate) == pytest.approx(
        log_average([1] * 8 + [0]))
    assert len(FPPI_REFERENCES) == 9 and FPPI_REFERENCES[-1] == 1


def test_ignore_region_swallows_a_detection_by_its_own_area():
    # The detection inside the region overlaps it by IoU 5000 / 40000, but
    # lies wholly inside it (IoA 1): neither TP nor FP.
    region = [300, 0, 500, 200]
    inside = [350, 50, 400, 150]
    dets, scores = [ped(0, 100), inside], [.5, .9]
    swallowed = image([ped(0, 100), region], dets, scores, ignore=[0, 1])
    mr = citypersons_miss_rates([swallowed], ['Reasonable'])['Reasonable']
    assert mr == pytest.approx(FLOOR)
    # Without the region it is an FP that outscores the TP.
    exposed = image([ped(0, 100)], dets, scores)
    mr = citypersons_miss_rates([exposed], ['Reasonable'])['Reasonable']
    assert mr == pytest.approx(log_average([1] * 8 + [0]))
    assert 100 * mr == pytest.approx(7.743, abs=1e-3)


def test_height_ranges_of_the_settings():
    # 100 px, 60 px and 30 px pedestrians; the 60 and 30 px ones detected.
    gts = [ped(0, 100), ped(100, 60), ped(200, 30)]
    result = image(gts, gts[1:], [.9, .8])
    mrs = citypersons_miss_rates([result])
    # Reasonable: the 30 px detection (< 50 / 1.25) is dropped; 1 of 2 hit.
    assert mrs['Reasonable'] == pytest.approx(.5)
    # Reasonable_small: only the 60 px pedestrian counts, and is hit.
    assert mrs['Reasonable_small'] == pytest.approx(FLOOR)
    # All: 2 of 3 hit.
    assert mrs['All'] == pytest.approx(1 / 3)
    # Heavy: no pedestrian is occluded, the miss rate is undefined.
    assert math.isnan(mrs['Heavy'])


def test_detection_of_an_out_of_range_pedestrian_is_not_a_false_positive():
    # A 45 px pedestrian is ignored by Reasonable, but its 45 px detection
    # passes the expanded filter (>= 40) and is swallowed, not an FP.
    result = image([ped(0, 100), ped(200, 45)], [ped(200, 45), ped(0, 100)],
                   [.9, .5])
    mr = citypersons_miss_rates([result], ['Reasonable'])['Reasonable']
    assert mr == pytest.approx(FLOOR)


def test_setting_ranges_are_closed():
    boxes = np.array([ped(0, h) for h in (49, 50, 75, 76, 60, 60)])
    visibility = np.array([1, 1, 1, 1, .65, .64])
    ignored = setting_ignore_flags(boxes, visibility, np.zeros(6, bool),
                                   CITYPERSONS_SETTINGS['Reasonable_small'])
    assert ignored.tolist() == [True, False, False, True, False, True]
    ignored = setting_ignore_flags(boxes, visibility, np.zeros(6, bool),
                                   CITYPERSONS_SETTINGS['Heavy'])
    assert ignored.tolist() == [True, True, True, True, False, False]


def test_unknown_setting_is_named():
    with pytest.raises(KeyError, match="'Occluded'.*Reasonable_small"):
        CityPersonsMissRate(settings=['Occluded'])


# ---------------------------------------------------------------- WIDER FACE

FACE_A, FACE_B, ELSEWHERE = [0, 0, 10, 10], [50, 0, 60, 10], [100, 0, 110, 10]


def wider_image(dets, scores, keep) -> dict:
    return dict(
        pred_bboxes=np.array(dets, float), pred_scores=np.array(scores),
        gt_bboxes=np.array([FACE_A, FACE_B], float),
        keep={k: np.array(v, bool) for k, v in keep.items()})


def test_perfect_face_detector_has_ap_100():
    result = wider_image([FACE_A, FACE_B], [.3, .2],
                         dict(easy=[1, 0], medium=[1, 1], hard=[1, 1]))
    assert WiderFaceAP().compute_metrics([result]) == dict(
        AP_easy=100.0, AP_medium=100.0, AP_hard=100.0)


def test_face_kept_only_in_hard_changes_easy_and_hard_differently():
    # Scores 1, .5, 0 are already normalised; they pass the thresholds
    # 1 - t / 1000 for t >= 1, t >= 500 and t = 1000 respectively.
    result = wider_image([FACE_A, ELSEWHERE, FACE_B], [1., .5, 0.],
                         dict(easy=[1, 0], medium=[1, 0], hard=[1, 1]))
    aps = wider_face_eval([result])
    # easy ignores B: (proposals, recalled) = (1, 1) (2, 1) (2, 1) of one
    # face: recall 1 at precision 1.
    assert aps['easy'] == pytest.approx(1.)
    assert aps['medium'] == pytest.approx(1.)
    # hard: (1, 1) (2, 1) (3, 2) of two faces: recall .5 at precision 1,
    # then recall 1 at precision 2 / 3.
    assert aps['hard'] == pytest.approx(.5 * 1 + .5 * 2 / 3)
    assert WiderFaceAP().compute_metrics([result]) == dict(
        AP_easy=100.0, AP_medium=100.0, AP_hard=83.33)


def test_ground_truth_as_predictions_is_100_with_zero_size_faces():
    """The annotations hold faces of width and height 0 (``[x y 0 0]``);
    the toolkit's ``boxoverlap`` (+1 px widths) matches a detection on them,
    so the ground truth as predictions is AP 100 in every setting."""
    faces = np.array([[0, 0, 10, 10], [20, 20, 20, 20], [0, 0, 0, 0],
                      [30, 5, 31, 5]], float)
    keep = dict(easy=[1, 1, 0, 1], medium=[1, 1, 1, 1], hard=[1, 1, 1, 1])
    result = dict(pred_bboxes=faces.copy(), pred_scores=np.linspace(1, .5, 4),
                  gt_bboxes=faces,
                  keep={k: np.array(v, bool) for k, v in keep.items()})
    assert WiderFaceAP().compute_metrics([result]) == dict(
        AP_easy=100.0, AP_medium=100.0, AP_hard=100.0)
    # A one-pixel face and a detection one pixel off do not overlap.
    assert box_overlaps(np.array([[1., 1, 1, 1]]), np.array([[0., 0, 0, 0]]),
                        pixel_inclusive=True)[0, 0] == 0
    assert box_overlaps(np.array([[0., 0, 0, 0]]), np.array([[0., 0, 0, 0]]),
                        pixel_inclusive=True)[0, 0] == 1


def test_a_detection_is_compared_with_its_best_face_only():
    # Faces A and B overlap (IoU 99 / 143 with the toolkit's +1 widths). The
    # second detection overlaps A most (IoU .913) and B by .760, but A is
    # already recalled: it is an FP, where VOC matching would give it B.
    faces = np.array([[0, 0, 10, 10], [2, 0, 12, 10]], float)
    dets = [np.array([[0, 0, 10, 10], [.5, 0, 10.5, 10]], float)]
    ap = wider_face_ap(dets, [np.array([1., 0.])], [faces],
                       [np.array([True, True])])
    # (1, 1) then (2, 1) of two faces.
    assert ap == pytest.approx(.5)


def test_face_ap_is_invariant_to_an_affine_change_of_scores():
    rng = np.random.default_rng(0)
    gts, dets, scores, keeps = [], [], [], []
    for _ in range(5):
        faces = rng.uniform(0, 200, (6, 2))
        faces = np.concatenate([faces, faces + rng.uniform(8, 30, (6, 2))], 1)
        jitter = rng.normal(0, 3, faces.shape)
        gts.append(faces)
        dets.append(np.concatenate([faces[:4] + jitter[:4],
                                    rng.uniform(0, 200, (2, 4)).cumsum(1)]))
        scores.append(rng.uniform(0, 1, 6))
        keeps.append(rng.uniform(0, 1, 6) < .7)
    ap = wider_face_ap(dets, scores, gts, keeps)
    assert 0 < ap < 1
    assert wider_face_ap(dets, [4 * s for s in scores], gts, keeps) == ap
    assert wider_face_ap(dets, [.37 * s + 5 for s in scores], gts,
                         keeps) == pytest.approx(ap, abs=1e-12)


def test_missing_keep_flags_are_named():
    result = wider_image([FACE_A], [1.], dict(easy=[1, 1]))
    with pytest.raises(KeyError, match="'hard'.*'easy'"):
        wider_face_eval([result], ['easy', 'hard'])


# ---------------------------------------------------- through the test loop


def det_sample(gt_boxes, pred_boxes, scores, ignored=None, **gt_fields):
    """A DetDataSample as mmdet's test loop hands it to a metric."""
    from mmdet.structures import DetDataSample
    from mmdet.structures.bbox import HorizontalBoxes
    sample = DetDataSample(metainfo=dict(img_id=0))
    gt_boxes = torch.tensor(gt_boxes, dtype=torch.float32).reshape(-1, 4)
    sample.gt_instances = InstanceData(
        bboxes=HorizontalBoxes(gt_boxes),
        labels=torch.zeros(len(gt_boxes), dtype=torch.long),
        **{k: torch.tensor(v) for k, v in gt_fields.items()})
    if ignored is not None:
        sample.ignored_instances = InstanceData(
            bboxes=HorizontalBoxes(torch.tensor(ignored).reshape(-1, 4)))
    sample.pred_instances = InstanceData(
        bboxes=torch.tensor(pred_boxes, dtype=torch.float32).reshape(-1, 4),
        scores=torch.tensor(scores, dtype=torch.float32),
        labels=torch.zeros(len(scores), dtype=torch.long))
    return sample.to_dict()


def test_miss_rate_through_process_and_evaluate():
    from mmengine.registry import METRICS
    metric = METRICS.build(dict(type='CityPersonsMissRate'))
    region, inside = [300., 0., 500., 200.], [350., 50., 400., 150.]
    metric.process({}, [
        # One of two visible 100 px pedestrians found; the FP inside the
        # ignore region does not count; the occluded one (missed) is only
        # in Heavy and All.
        det_sample([ped(0, 100), ped(100, 100), ped(200, 100)],
                   [ped(0, 100), inside], [.5, .9], ignored=[region],
                   visibility=[1., 1., .3]),
        # The second image's flagged pedestrian is ignored: hitting it is
        # not a TP, and the FPPI axis counts this image.
        det_sample([ped(0, 100)], [ped(0, 100)], [.7],
                   ignore_flags=[True]),
    ])
    metrics = metric.evaluate(2)
    assert metrics.pop('citypersons/MR_Reasonable') == 50.0
    assert math.isnan(metrics.pop('citypersons/MR_Reasonable_small'))
    assert metrics.pop('citypersons/MR_Heavy') == 100.0
    assert metrics.pop('citypersons/MR_All') == 66.67
    assert not metrics


def test_face_ap_through_process_and_evaluate():
    from mmengine.registry import METRICS
    metric = METRICS.build(dict(type='mmintern.WiderFaceAP'))
    metric.process({}, [
        det_sample([FACE_A, FACE_B], [FACE_A, ELSEWHERE, FACE_B],
                   [.9, .6, .3], easy=[True, False], medium=[True, False],
                   hard=[True, True]),
    ])
    # The scores normalise to 1, .5, 0: the case computed by hand above.
    assert metric.evaluate(1) == {
        'wider_face/AP_easy': 100.0,
        'wider_face/AP_medium': 100.0,
        'wider_face/AP_hard': 83.33
    }
