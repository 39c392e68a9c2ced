"""The GV-B loop behind ``tools/gvb.py``.

For each selected dataset config (``<config_root>/<task>/<name>.py``) and
each percentage of training data: skip it if ``results.json`` already has
it, record it as missing if its data folder is not there, else load the
config with the backbone under test and run it; then make the GV-B table,
its Markdown and its plots. One dataset's failure is recorded and the loop
goes on.
"""
import copy
import gc
import json
import os
import os.path as osp
import statistics
import time
import traceback
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config
from mmengine.logging import print_log

from mmintern.gvb.evaluation import (GVBTable, dataset_info, gvb_datasets,
                                     reference_row)
from mmintern.gvb.evaluation.reference import TASKS, GVBDataset
from mmintern.utils.cli import merge_cfg_options
from .backbone_spec import BackboneSpec, apply_backbone
from .budget import apply_budget
from .provenance import (WorkDirLock, check_backbone,
                         checkpoint_identity, fingerprint,
                         fingerprint_changes, fingerprint_key)
from .quick import quick_config
from .report import markdown_report, plot_data_efficiency, plot_tasks
from .results import (DONE, FAILED, ResultStore, percentage_key,
                      write_json_atomic)

PROBES = ('fast', 'sgd')


@dataclass
class Job:
    """One dataset config of the benchmark."""
    task: str
    name: str
    config: str


@dataclass
class RunSettings:
    """What ``tools/gvb.py`` was asked to do; see its ``--help``."""
    spec: BackboneSpec
    tasks: Sequence[str] = TASKS
    datasets: Optional[Sequence[str]] = None
    percentages: Sequence[float] = (10., )
    seeds: Sequence[int] = (0, )
    processes: int = 1
    data_root: str = 'data/gvb'
    work_dir: str = 'work_dirs/gvb'
    config_root: str = 'configs/gvb'
    reference: str = 'Up-A R50'
    probe: str = 'fast'
    cfg_options: Optional[dict] = None
    quick: bool = False
    # Filled while running.
    own: Dict[str, GVBDataset] = field(default_factory=dict)
    missing: Dict[str, List[dict]] = field(default_factory=dict)
    failed: Dict[str, Dict[str, str]] = field(default_factory=dict)


# Selecting the work.


def find_jobs(config_root: str, tasks: Sequence[str],
              datasets: Optional[Sequence[str]]):
    """The dataset configs to run, in benchmark order.

    A name in ``datasets`` that is not a GV-B dataset is the user's own:
    its config is ``<config_root>/<task>/<name>.py`` for one of the tasks,
    and its ``gvb`` dict describes it (:func:`dataset_info`). Own datasets
    run after the GV-B ones, in the order given.

    Args:
        config_root (str): The folder with ``<task>/<name>.py``.
        tasks (Sequence[str]): The tasks to run.
        datasets (Sequence[str], optional): Only these datasets.

    Returns:
        tuple[list[Job], list[str], dict]: The jobs; the selected GV-B
        datasets that have no config under ``config_root``; the own
        datasets' :class:`GVBDataset` by name.
    """
    known = gvb_datasets()
    unknown_tasks = [t for t in tasks if t not in TASKS]
    if unknown_tasks:
        raise KeyError(f'unknown GV-B tasks {unknown_tasks}; valid: '
                       f'{list(TASKS)}')
    jobs, not_configured, own = [], [], {}
    for name, dataset in known.items():
        if dataset.task not in tasks or \
                (datasets is not None and name not in datasets):
            continue
        path = osp.join(config_root, dataset.task, f'{name}.py')
        if osp.isfile(path):
            jobs.append(Job(dataset.task, name, path))
        else:
            not_configured.append(name)
    for name in datasets or ():
        if name in known:
            continue
        found = [(task, osp.join(config_root, task, f'{name}.py'))
                 for task in TASKS
                 if osp.isfile(osp.join(config_root, task, f'{name}.py'))]
        if not found:
            raise KeyError(
                f'{name!r} is neither a GV-B dataset (valid: {list(known)}) '
                f'nor a config of your own under {config_root}/<task>/'
                f'{name}.py')
        task, path = found[0]
        if task not in tasks:
            continue
        own[name] = dataset_info(Config.fromfile(path).get('gvb') or {},
                                 task)
        jobs.append(Job(task, name, path))
    return jobs, not_configured, own


def check_checkpoint(spec: BackboneSpec) -> None:
    """Fail before the loop, not once per dataset, on a missing file."""
    ckpt = spec.checkpoint
    if ckpt is not None and '://' not in ckpt and not osp.isfile(ckpt):
        raise FileNotFoundError(
            f'the checkpoint {ckpt!r} of the backbone spec {spec.source} '
            'does not exist')


# One dataset.


def load_config(job: Job, settings: RunSettings, percentage: float,
                work_dir: str, seed: int = 0) -> Config:
    """The dataset config with the backbone under test and the options;
    ``seed`` seeds the percentage split and the training (``randomness``).
    """
    cfg = Config.fromfile(job.config)
    # As --cfg-options gvb_root=... does for tools/train.py: the dataset
    # paths built from the parsed root move with it.
    merge_cfg_options(cfg, dict(gvb_root=settings.data_root))
    train_set = cfg.train_dataloader.dataset
    if train_set.get('type') != 'PercentageDataset':
        raise ValueError(
            f'{job.config}: GV-B trains on a PercentageDataset '
            f"(train_dataloader.dataset), got {train_set.get('type')!r}")
    train_set.percentage, train_set.seed = float(percentage), seed
    cfg.randomness = dict(seed=seed)
    gvb = cfg.get('gvb') or {}
    if gvb.get('dataset', job.name) != job.name:
        raise ValueError(f'{job.config} says gvb.dataset='
                         f'{gvb["dataset"]!r}, but its file name says '
                         f'{job.name!r}')
    apply_backbone(cfg, settings.spec, job.task)
    evaluator = cfg.get('test_evaluator')
    if isinstance(evaluator, dict) and 'gvb' in evaluator:
        # The config's GVBEvaluator logs its row against the run's
        # reference, the one the run's table uses.
        evaluator['reference'] = settings.reference
    if settings.quick:
        quick_config(cfg)
    if settings.cfg_options:
        merge_cfg_options(cfg, settings.cfg_options)
    if job.task != 'classification':
        # The test pass after training is the evaluation; a validation at
        # the end of training would run the same one a second time.
        cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    # The stated budget on this run's processes (a --quick run is a
    # pipeline check and keeps its few iterations).
    cfg.gvb_budget = None if settings.quick else \
        apply_budget(cfg, settings.processes)
    cfg.work_dir = work_dir
    cfg.launcher = 'pytorch' if settings.processes > 1 else 'none'
    return cfg


def gvb_metrics(raw: Dict[str, float],
                dataset: GVBDataset) -> Dict[str, float]:
    """The GV-B metrics in the output of the config's GVBEvaluator."""
    missing = [m for m in dataset.metrics if f'gvb/{m}' not in raw]
    if missing:
        raise KeyError(
            f'the test evaluator of {dataset.name} reported {sorted(raw)}, '
            f'no gvb/{missing[0]}: GV-B configs report through '
            "test_evaluator = dict(type='mmintern.GVBEvaluator', ...)")
    return {m: float(raw[f'gvb/{m}']) for m in dataset.metrics}


def _feature_loader(loader_cfg):
    """A dataloader that visits every sample once, in order."""
    from mmengine.runner import Runner

    from mmintern.engine.linear_probe import one_pass_loader
    return Runner.build_dataloader(one_pass_loader(loader_cfg), seed=0)


def run_fast_probe(cfg: Config, dataset: GVBDataset, seed: int = 0,
                   cache_key: str = 'features') -> dict:
    """Linear probe on cached frozen features (classification only).

    The frozen backbone's features of the (percentage) training set and of
    the test set are extracted once into ``{work_dir}/features`` and the
    probe is solved on them (``mmintern.engine.linear_probe``). The cache
    folder is named by ``cache_key``, the run's fingerprint, so features of
    other weights or settings are never served. ``seed`` seeds a backbone
    without a checkpoint and the probe's hold-out. The config's optional
    ``gvb.fast_probe`` dict holds keyword arguments of
    ``fit_linear_probe`` (``weight_decays``, ``max_iter``, ...).
    """
    import torch
    from mmengine.logging import MMLogger
    from mmengine.registry import MODELS, init_default_scope

    from mmintern.engine.linear_probe import (extract_features,
                                              fit_linear_probe, predict)
    from mmintern.models.utils import fold_for_inference
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    # A logger with a file is where mmengine dumps the initialisation of
    # every parameter (instead of the console), and the probe's log stays
    # next to its features.
    MMLogger.get_instance(
        f'gvb_{osp.basename(cfg.work_dir)}_{time.time_ns()}',
        log_file=osp.join(cfg.work_dir, 'fast_probe.log'), file_mode='a')
    model_cfg = copy.deepcopy(cfg.model)
    # As the Runner does: the top-level data_preprocessor is the model's.
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    # Seeded: a spec without a checkpoint is a random backbone, and two runs
    # of it (or a comparison against it) must see the same one.
    torch.manual_seed(seed)
    model = MODELS.build(model_cfg)
    model.init_weights()  # loads the spec's checkpoint
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    model.to(device)
    # Frozen means cheap: BN folded into the convolutions (when that keeps
    # the outputs), channels-last.
    model.backbone = fold_for_inference(model.backbone)
    cache = osp.join(cfg.work_dir, 'features', cache_key)
    train_x, train_y = extract_features(
        model, _feature_loader(cfg.train_dataloader),
        osp.join(cache, 'train.pth'))
    test_x, test_y = extract_features(
        model, _feature_loader(cfg.test_dataloader),
        osp.join(cache, 'test.pth'))
    del model
    num_classes = cfg.model.head.num_classes
    # Optional solver settings of the config, e.g. a weight-decay grid.
    options = dict((cfg.get('gvb') or {}).get('fast_probe') or {})
    options.setdefault('seed', seed)
    probe = fit_linear_probe(train_x, train_y, num_classes, **options)
    raw = evaluate_logits(cfg, predict(probe, test_x), test_y)
    return dict(
        metrics=gvb_metrics(raw, dataset),
        raw_metrics={k: float(v) for k, v in raw.items()},
        num_train=int(train_x.size(0)), num_test=int(test_x.size(0)),
        weight_decay=probe.weight_decay)


def evaluate_logits(cfg: Config, logits, labels) -> Dict[str, float]:
    """The config's own test evaluator (its GVBEvaluator over mmpretrain's
    ``Accuracy`` or ``SingleLabelMetric``) on the probe's logits: the fast
    probe and the SGD head are scored by one definition of each metric
    (e.g. a class absent from the test set counts as recall 0 in the macro
    mean)."""
    from mmengine.evaluator import Evaluator
    from mmengine.registry import EVALUATOR, DefaultScope
    evaluator_cfg = copy.deepcopy(cfg.test_evaluator)
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'mmpretrain')):
        # As the Runner builds it: a dict with metrics is an evaluator,
        # anything else the metric configs of a plain Evaluator.
        if isinstance(evaluator_cfg, dict) and 'metrics' in evaluator_cfg:
            evaluator_cfg.setdefault('type', 'Evaluator')
            evaluator = EVALUATOR.build(evaluator_cfg)
        else:
            evaluator = Evaluator(evaluator_cfg)
    scores = logits.softmax(dim=1)
    evaluator.process(data_samples=[
        dict(pred_score=score, gt_label=label.view(1))
        for score, label in zip(scores, labels.long())
    ])
    return evaluator.evaluate(len(labels))


def run_with_runner(cfg: Config, dataset: GVBDataset,
                    processes: int = 1) -> dict:
    """Train and test with mmengine's Runner, as ``tools/train.py`` does:
    in this process, or on several through torchrun."""
    if processes > 1:
        raw = _launch(cfg, processes)
    else:
        from mmengine.registry import RUNNERS
        from mmengine.runner import Runner
        runner = RUNNERS.build(cfg) if 'runner_type' in cfg \
            else Runner.from_cfg(cfg)
        runner.train()
        _stop_train_workers(runner)
        raw = runner.test()
        del runner
    return dict(metrics=gvb_metrics(raw, dataset),
                raw_metrics={k: float(v) for k, v in raw.items()},
                budget=cfg.get('gvb_budget'))


def _stop_train_workers(runner) -> None:
    """Ends the train loader's worker processes now. An iteration-based
    loop keeps its infinite iterator, workers and all, after training; the
    garbage collector reaps it later, in the middle of the next dataset,
    and torch then waits 5 s for each worker (about 10 s per dense
    dataset, measured on the mini suite)."""
    iterator = getattr(getattr(runner.train_loop, 'dataloader_iterator',
                               None), '_iterator', None)
    if hasattr(iterator, '_shutdown_workers'):
        iterator._shutdown_workers()


def _launch(cfg: Config, processes: int) -> Dict[str, float]:
    """``torchrun`` of ``tools/train.py`` on the config's processes, then
    ``tools/test.py`` of the last checkpoint; returns the test metrics."""
    import subprocess
    import sys
    tools = osp.join(osp.dirname(osp.dirname(osp.dirname(
        osp.abspath(__file__)))), 'tools')
    if not osp.isfile(osp.join(tools, 'train.py')):
        raise FileNotFoundError(
            f'{tools}/train.py is not there: several processes need the '
            "repository's tools (an editable install, pip install -e .)")
    os.makedirs(cfg.work_dir, exist_ok=True)
    config = osp.join(cfg.work_dir, 'gvb_config.py')
    cfg.dump(config)
    subprocess.run([
        sys.executable, '-m', 'torch.distributed.run',
        '--standalone', f'--nproc_per_node={processes}',
        osp.join(tools, 'train.py'), config, '--launcher', 'pytorch',
        '--work-dir', cfg.work_dir], check=True)
    with open(osp.join(cfg.work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    out = osp.join(cfg.work_dir, 'test_metrics.json')
    subprocess.run([
        sys.executable, osp.join(tools, 'test.py'), config, checkpoint,
        '--work-dir', cfg.work_dir, '--out', out], check=True)
    with open(out) as f:
        return json.load(f)


def check_scale(name: str, dataset: GVBDataset, metrics: Dict[str, float],
                reference: Dict[str, float]) -> None:
    """Warn about a fraction where GV-B reports percent."""
    for metric, value in metrics.items():
        # 0 is a plausible score (an untrained head), not a fraction.
        if dataset.higher_is_better and 0 < value <= 1 < reference[metric]:
            print_log(
                f'GV-B: {name} {metric}={value:g} looks like a fraction but '
                f'the reference reports {reference[metric]:g}; set '
                f'gvb.metric_scale=dict({metric}=100) in its config',
                logger='current', level=30)


# The loop.


def _metric_text(metrics: Dict[str, float]) -> str:
    return ' '.join(f'{k}={v:.2f}' for k, v in metrics.items())


def _progress(index: int, total: int, pct: float, name: str, status: str,
              detail: str, seconds: float) -> None:
    print(f'[GV-B {index}/{total}] {pct:g}% {name:<12} {status:<11} '
          f'{detail}  {seconds:.1f}s', flush=True)


def run_one(job: Job, settings: RunSettings, pct: float, seed: int,
            cfg: Config, print_: dict,
            datasets: Dict[str, GVBDataset]) -> dict:
    """Run one dataset at one percentage and seed; returns its entry."""
    os.makedirs(cfg.work_dir, exist_ok=True)
    dataset = datasets[job.name]
    fast = job.task == 'classification' and settings.probe == 'fast'
    result = run_fast_probe(cfg, dataset, seed, fingerprint_key(print_)) \
        if fast else run_with_runner(cfg, dataset, settings.processes)
    result.update(task=job.task, config=job.config, fingerprint=print_,
                  probe=settings.probe if job.task == 'classification'
                  else None)
    return result


def job_dir(job: Job, settings: RunSettings, pct: float, seed: int) -> str:
    """``{work_dir}/{percentage}/{seed}/{dataset}``."""
    return osp.join(settings.work_dir, percentage_key(pct), str(seed),
                    job.name)


def job_fingerprint(job: Job, settings: RunSettings, pct: float,
                    seed: int) -> tuple:
    """The resolved config of a run and its fingerprint."""
    cfg = load_config(job, settings, pct, job_dir(job, settings, pct, seed),
                      seed)
    print_ = fingerprint(
        cfg, settings.spec, seed=seed, percentage=pct, quick=settings.quick,
        cfg_options=settings.cfg_options,
        probe=settings.probe if job.task == 'classification' else None)
    return cfg, print_


def run_benchmark(settings: RunSettings) -> dict:
    """Run GV-B as ``settings`` says and write the outputs.

    Returns:
        dict: The content of ``gvb_results.json``.
    """
    if settings.probe not in PROBES:
        raise ValueError(f'probe must be one of {PROBES}, got '
                         f'{settings.probe!r}')
    reference = reference_row(settings.reference)  # fails early on a typo
    check_checkpoint(settings.spec)
    jobs, not_configured, own = find_jobs(
        settings.config_root, settings.tasks, settings.datasets)
    settings.own = own
    # Before anything trains: weights that leave part of the backbone
    # random would give a number that is not the checkpoint's.
    check_backbone(settings.spec, {job.task for job in jobs})
    with WorkDirLock(settings.work_dir):
        return _run_locked(settings, jobs, not_configured, reference)


def _run_locked(settings: RunSettings, jobs: List[Job],
                not_configured: List[str], reference: dict) -> dict:
    datasets = {**gvb_datasets(), **settings.own}
    store = ResultStore(osp.join(settings.work_dir, 'results.json'),
                        meta=dict(backbone=settings.spec.to_dict()))
    if not_configured:
        print(f'[GV-B] no config under {settings.config_root} for '
              f'{len(not_configured)} selected datasets: '
              f'{", ".join(not_configured)}', flush=True)

    total = len(jobs) * len(settings.percentages) * len(settings.seeds)
    index = 0
    for pct in settings.percentages:
        key = percentage_key(pct)
        settings.missing.setdefault(key, [])
        settings.failed.setdefault(key, {})
        for job, seed in ((j, s) for j in jobs for s in settings.seeds):
            index += 1
            name = job.name if len(settings.seeds) == 1 else \
                f'{job.name}@{seed}'
            data_dir = osp.join(settings.data_root, job.name)
            if not osp.isdir(data_dir):
                if seed == settings.seeds[0]:
                    settings.missing[key].append(
                        dict(dataset=job.name, path=data_dir))
                _progress(index, total, pct, name, 'missing',
                          f'(no {data_dir})', 0.)
                continue
            start = time.perf_counter()
            print_ = None
            try:
                cfg, print_ = job_fingerprint(job, settings, pct, seed)
                entry = store.get(pct, job.name, seed)
                if entry is not None and entry.get('status') == DONE:
                    changed = fingerprint_changes(entry.get('fingerprint'),
                                                  print_)
                    if not changed:
                        _progress(index, total, pct, name, 'done before',
                                  _metric_text(entry['metrics']), 0.)
                        continue
                    print(f'[GV-B] {pct:g}% {name}: the stored result was '
                          f'made by other inputs ({", ".join(changed)}): '
                          'rerun', flush=True)
                start = time.perf_counter()
                entry = run_one(job, settings, pct, seed, cfg, print_,
                                datasets)
            except Exception as e:  # noqa: BLE001  one dataset, not all
                # A config that does not load fails here too, recorded like
                # a run that fails.
                seconds = time.perf_counter() - start
                message = f'{type(e).__name__}: {e}'
                _save_traceback(job_dir(job, settings, pct, seed))
                settings.failed[key][name] = message
                store.put(pct, job.name, seed, dict(
                    status=FAILED, task=job.task, error=message,
                    fingerprint=print_, time=seconds))
                _progress(index, total, pct, name, 'FAILED',
                          message.splitlines()[0][:200], seconds)
                continue
            finally:
                _release_memory()
            entry.update(status=DONE, time=time.perf_counter() - start)
            if job.name in reference:  # own datasets have none
                check_scale(job.name, datasets[job.name], entry['metrics'],
                            reference[job.name])
            store.put(pct, job.name, seed, entry)
            _progress(index, total, pct, name, 'done',
                      _metric_text(entry['metrics']), entry['time'])
    return write_outputs(settings, store, not_configured)


def _release_memory() -> None:
    # Models and dataloaders of the finished dataset are garbage now; the
    # next dataset should not run next to them.
    gc.collect()
    import torch
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _save_traceback(work_dir: str) -> None:
    path = osp.join(work_dir, 'error.log')
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(traceback.format_exc())


def _own_info(name: str, entry: dict,
              settings: RunSettings) -> Optional[GVBDataset]:
    """A user's own dataset's info: this run's, or from the config that
    made a stored result; None for a GV-B dataset."""
    if name in gvb_datasets():
        return None
    if name not in settings.own:
        settings.own[name] = dataset_info(
            Config.fromfile(entry['config']).get('gvb') or {}, entry['task'])
    return settings.own[name]


def _made_like(print_: dict, weights: str, settings: RunSettings) -> bool:
    return print_.get('checkpoint') == weights and \
        print_.get('quick') == settings.quick and \
        print_.get('cfg_options') == json.loads(json.dumps(
            settings.cfg_options, sort_keys=True, default=str)) and \
        print_.get('probe') in (None, settings.probe)


def _mean_std(runs: List[Dict[str, float]]) -> tuple:
    """Per metric, the mean and (over two or more seeds) the std."""
    mean = {m: statistics.fmean(r[m] for r in runs) for m in runs[0]}
    if len(runs) < 2:
        return mean, None
    return mean, {m: statistics.stdev(r[m] for r in runs) for m in runs[0]}


def write_outputs(settings: RunSettings, store: ResultStore,
                  not_configured: List[str]) -> dict:
    """``gvb_results.json``, ``gvb_table.md`` and the plots.

    The tables hold every finished dataset of ``results.json`` at the
    run's percentages, also those of earlier runs with other selections.
    """
    tables, markdown, sections = {}, {}, {}
    weights = checkpoint_identity(settings.spec.checkpoint)
    for pct in settings.percentages:
        key = percentage_key(pct)
        table = GVBTable(settings.reference)
        budgets = {}
        for name, by_seed in store.done(pct).items():
            # Only results of these weights, seeds and settings: a dataset
            # not selected this time may hold a result of older weights.
            entries = [e for seed, e in sorted(by_seed.items())
                       if seed in settings.seeds
                       and _made_like(e.get('fingerprint') or {}, weights,
                                      settings)]
            if entries:
                table.add(name, *_mean_std([e['metrics'] for e in entries]),
                          info=_own_info(name, entries[0], settings))
                if entries[0].get('budget'):
                    budgets[name] = entries[0]['budget']
        tables[key] = table.evaluate()
        markdown[key] = table.to_markdown(tables[key])
        sections[key] = dict(
            table=tables[key], budgets=budgets,
            seeds=list(settings.seeds),
            missing=settings.missing.get(key, []),
            failed=settings.failed.get(key, {}),
            not_configured=not_configured)
    summary = dict(
        backbone_spec=settings.spec.source,
        backbone=settings.spec.to_dict(), reference=settings.reference,
        probe=settings.probe, data_root=settings.data_root,
        percentages=sections)
    work_dir = settings.work_dir
    write_json_atomic(osp.join(work_dir, 'gvb_results.json'), summary)
    title = f'GV-B: {settings.spec.source or "backbone"} vs ' \
            f'{settings.reference}'
    with open(osp.join(work_dir, 'gvb_table.md'), 'w') as f:
        f.write(markdown_report(title, sections, markdown) + '\n')
    plot_tasks(tables, settings.reference,
               osp.join(work_dir, 'gvb_tasks.png'))
    if len(settings.percentages) > 1:
        plot_data_efficiency(tables,
                             osp.join(work_dir, 'gvb_data_efficiency.png'))
    return summary
