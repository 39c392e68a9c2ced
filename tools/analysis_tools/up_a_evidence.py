"""Measured evidence for INTERN Up-A: DeCLIP against plain CLIP.

Both configs are trained with the same budget (iterations, seed; batch
size and image size are those of the configs, which agree) by running
``tools/train.py`` as a subprocess into ``<work-dir>/<config name>/
seed<S>``, with exactly the same ``--cfg-options`` for both. A run whose
final checkpoint already exists is not trained again, so a rerun only
evaluates.

Every trained model (loaded weights-only from its final checkpoint), and
the untrained model (random initialisation, same seed) as a floor, is then
evaluated on real labelled images, the CIFAR-10 JPEG extract in
``--data-root`` (one folder per class), split per class by file name: the
first ``--train-per-class`` files train the linear probe, the rest are the
held-out test images of both numbers:

* zero-shot top-1: the class names are written into the prompt templates
  and embedded by the text tower (:func:`zero_shot_classifier`); each test
  image is scored against them (:class:`ZeroShotAccuracy`);
* linear-probe top-1: frozen pooled image-encoder features (before the
  projection), a logistic-regression probe fitted with
  :func:`fit_linear_probe` on the training files, scored on the test ones.

Images are resized to the configs' training size and normalised by the
model's own data preprocessor, as in training. The table (markdown) and a
JSON with every number go to the work dir; with several ``--seeds`` the
table gives mean +- std over seeds and the paired difference.

Example (about 9 minutes per seed on two shared CPU cores):
    python tools/analysis_tools/up_a_evidence.py --iters 800 --seeds 0 \
        --threads 1
"""
import argparse
import glob
import json
import logging
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

import mmcv
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.registry import MODELS, init_default_scope
from mmengine.runner import set_random_seed
from mmengine.utils import import_modules_from_strings

from mmintern.datasets.image_folders import class_folder_images, class_folders
from mmintern.engine.stage_pipeline import budget_options
from mmintern.engine.stage_pipeline import stage_name as config_name
from mmintern.utils import shared_data_root
from mmintern.utils.mean_std import mean_std as _mean_std

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = (
    'configs/intern/up-a-g_declip_metanet-b1_flickr8k.py',
    'configs/intern/up-a-g_clip_metanet-b1_flickr8k.py',
)
DATA_ROOT = osp.join(shared_data_root(), 'cifar10', 'test')


def parse_args(argv: Optional[Sequence[str]] = None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs=2, default=list(CONFIGS),
                        metavar=('A', 'B'),
                        help='the two configs; the table reports A - B '
                        '(default: DeCLIP, CLIP)')
    parser.add_argument('--work-dir', default='work_dirs/up_a_evidence')
    parser.add_argument('--iters', type=int, default=800,
                        help='training iterations of every run')
    parser.add_argument('--seeds', '--seed', type=int, nargs='+',
                        default=[0], help='one run per config and seed')
    parser.add_argument('--data-root', default=DATA_ROOT,
                        help='labelled images, one folder per class')
    parser.add_argument('--train-per-class', type=int, default=100,
                        help='files per class (first by name) that train '
                        'the linear probe; the rest are the test split')
    parser.add_argument('--img-size', type=int, default=None,
                        help='evaluation image size; default: the '
                        'training crop size of the first config')
    parser.add_argument('--batch-size', type=int, default=100,
                        help='evaluation batch size')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch threads here and in the trainings '
                        '(OMP_NUM_THREADS); default: torch\'s choice. On a '
                        'CPU shared with other jobs, 1 avoids the OpenMP '
                        'oversubscription stalls of several threads')
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------
def run_dir(work_dir: str, config: str, seed: int) -> str:
    # One folder per seed: several seeds of a config must not share
    # checkpoints or logs.
    return osp.join(work_dir, config_name(config), f'seed{seed}')


def train_overrides(iters: int, seed) -> List[str]:
    """The ``--cfg-options`` of every training run: the budget.

    The cosine schedule is stretched to the budget (``T_max``) and the only
    checkpoint saved is the final one.
    """
    return budget_options(iters) + [f'randomness.seed={seed}']


def train_command(config: str, work_dir: str, iters: int,
                  seed: int) -> List[str]:
    """``tools/train.py`` argv for one run (the budget is the same for all
    configs: only the config and its folder differ)."""
    return [
        sys.executable,
        osp.join(REPO, 'tools', 'train.py'), config, '--work-dir',
        run_dir(work_dir, config, seed), '--cfg-options',
        *train_overrides(iters, seed)
    ]


def final_checkpoint(work_dir: str, config: str, seed: int,
                     iters: int) -> str:
    return osp.join(run_dir(work_dir, config, seed), f'iter_{iters}.pth')


def _marker(work_dir: str, config: str, seed: int, iters: int) -> str:
    # Written after a successful training: its wall time and log folder,
    # for reruns that skip the training.
    return osp.join(run_dir(work_dir, config, seed), f'train_{iters}.json')


def check_train_data(cfg: Config) -> None:
    """Fail before training when the caption data is missing."""
    root = cfg.train_dataloader.dataset.get('data_root')
    if root is None:
        return
    # The configs' data root is relative to the working directory of the
    # training, which is the repository root.
    path = root if osp.isabs(root) else osp.join(REPO, root)
    if not osp.isdir(path):
        raise FileNotFoundError(
            f'training data {osp.normpath(path)} not found (config data '
            f'root {root!r}); set INTERN_DATA_ROOT to the folder that holds '
            'flickr8k_captions')


def train(config: str, work_dir: str, iters: int, seed: int,
          threads: Optional[int] = None) -> Optional[float]:
    """Train one run unless its final checkpoint exists.

    Returns:
        float or None: The training wall time in seconds (of this call, or
        recorded by the call that trained), None when unknown (a checkpoint
        made elsewhere).
    """
    ckpt = final_checkpoint(work_dir, config, seed, iters)
    marker = _marker(work_dir, config, seed, iters)
    if osp.isfile(ckpt):
        print(f'{ckpt} exists: not training again', flush=True)
        if osp.isfile(marker):
            with open(marker) as f:
                return json.load(f)['seconds']
        return None
    folder = run_dir(work_dir, config, seed)
    before = set(glob.glob(osp.join(folder, '*', 'vis_data')))
    cmd = train_command(config, work_dir, iters, seed)
    env = dict(os.environ)
    if threads:
        env['OMP_NUM_THREADS'] = str(threads)
    print(f'training {config_name(config)} seed {seed}: {" ".join(cmd)}',
          flush=True)
    start = time.perf_counter()
    # The repository root as working directory: the configs' data roots
    # are relative to it.
    result = subprocess.run(cmd, cwd=REPO, env=env)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f'training {config} (seed {seed}) failed with '
                           f'exit code {result.returncode}')
    if not osp.isfile(ckpt):
        raise FileNotFoundError(f'training {config} finished but wrote no '
                                f'{ckpt}')
    new = sorted(set(glob.glob(osp.join(folder, '*', 'vis_data'))) - before)
    with open(marker, 'w') as f:
        json.dump(dict(seconds=seconds, iters=iters, seed=seed,
                       vis_data=new[-1] if new else None), f)
    return seconds


def train_log(work_dir: str, config: str, seed: int,
              iters: int) -> List[dict]:
    """The training records (those with a ``loss``) of the run's
    ``vis_data/scalars.json``, up to ``iters``; empty if there is no log.

    The log is the one recorded by the training, else the newest of the
    run folder that has training records. Logged values are means over
    the log processor's window (10 iterations by default).
    """
    marker = _marker(work_dir, config, seed, iters)
    files = []
    if osp.isfile(marker):
        with open(marker) as f:
            vis_data = json.load(f).get('vis_data')
        if vis_data:
            files = [osp.join(vis_data, 'scalars.json')]
    if not files:
        files = sorted(glob.glob(osp.join(run_dir(work_dir, config, seed),
                                          '*', 'vis_data', 'scalars.json')),
                       reverse=True)
    for path in files:
        if not osp.isfile(path):
            continue
        with open(path) as f:
            records = [json.loads(line) for line in f if line.strip()]
        records = [r for r in records
                   if 'loss' in r and r.get('iter', 0) <= iters]
        if records:
            return records
    return []


def last_logged_losses(records: List[dict]) -> Optional[dict]:
    """``iter`` and the ``loss*`` values of the last training record."""
    if not records:
        return None
    return {k: v for k, v in records[-1].items()
            if k == 'iter' or k.startswith('loss')}


def seconds_per_iter(records: List[dict]) -> Optional[float]:
    """Median logged time of an iteration (data included).

    The machine is shared, so the wall time of a training also holds the
    other users' load spikes and the process start; the median of the
    logged windows is the steadier measure of a config's cost.
    """
    times = [r['time'] for r in records if 'time' in r]
    return statistics.median(times) if times else None


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------
def load_config(config: str) -> Config:
    cfg = Config.fromfile(config)
    # Register DeCLIP, the text tower and the rest as the Runner would.
    if cfg.get('custom_imports'):
        import_modules_from_strings(**cfg.custom_imports)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    return cfg


def training_img_size(cfg: Config) -> int:
    """The crop size of the config's training pipeline."""
    def sizes(transforms):
        for t in transforms:
            if isinstance(t, (list, tuple)):  # MultiView: pipelines
                yield from sizes(t)
                continue
            if t.get('type') == 'RandomResizedCrop':
                yield t['scale']
            # Wrappers (MultiView, RandomApply) nest their transforms.
            yield from sizes(t.get('transforms') or [])

    found = set()
    for s in sizes(cfg.train_dataloader.dataset.pipeline):
        found.add(s if isinstance(s, int) else tuple(s)[0])
    if len(found) != 1:
        raise ValueError(f'cannot tell the training image size from the '
                         f'pipeline (crop sizes {sorted(found)}); pass '
                         '--img-size')
    return found.pop()


def build_untrained(cfg: Config, seed: int) -> torch.nn.Module:
    """The model of the config, randomly initialised the way the Runner
    does it: seed, build, ``init_weights``.

    The two configs' encoders come out of the same seed identical after
    the build but not after ``init_weights``: DeCLIP's extra loss heads
    draw random numbers first. Each config therefore has its own floor.
    """
    set_random_seed(seed)
    model = MODELS.build(cfg.model)
    logger = MMLogger.get_current_instance()
    level = logger.level
    # init_weights logs a line per parameter at INFO: hundreds of lines.
    logger.setLevel(logging.WARNING)
    try:
        model.init_weights()
    finally:
        logger.setLevel(level)
    return model.eval()


def load_trained(cfg: Config, checkpoint: str) -> torch.nn.Module:
    """The model of the config with the weights of ``checkpoint``."""
    from mmintern.utils import load_weights_only
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint {checkpoint} not found: train '
                                'first (run without it to train)')
    model = MODELS.build(cfg.model)
    ckpt = load_weights_only(checkpoint, map_location='cpu')
    # Strict: the config built the very model that was trained, so any
    # missing or extra key means a wrong checkpoint.
    model.load_state_dict(ckpt.get('state_dict', ckpt), strict=True)
    return model.eval()


# ---------------------------------------------------------------------------
# Data and evaluation
# ---------------------------------------------------------------------------
def load_labelled_images(data_root: str, train_per_class: int,
                         img_size: int) -> dict:
    """The class-folder images, resized, split per class by file name.

    Images are read in BGR order as ``LoadImageFromFile`` reads them in
    training (the model's preprocessor converts them), and resized with
    pillow's bilinear filter, the backend of the training crops.

    Returns:
        dict: ``classes`` (folder names, sorted), ``train`` and ``test``,
        each a tuple of uint8 images ``[N, 3, S, S]`` and labels ``[N]``.
    """
    what = 'one sub-folder of images per class (pass --data-root)'
    classes = class_folders(data_root, what)
    images = class_folder_images(data_root, classes, what)
    if len(classes) < 2:
        raise ValueError(f'{data_root} needs at least two class folders, '
                         f'found {classes}')
    splits = dict(train=([], []), test=([], []))
    for label, name in enumerate(classes):
        files = images[name]
        if len(files) <= train_per_class:
            raise ValueError(f'class {name!r} has {len(files)} images: none '
                             f'left to test with {train_per_class} to train')
        for i, fname in enumerate(files):
            img = mmcv.imread(osp.join(data_root, name, fname))
            img = mmcv.imresize(img, (img_size, img_size), backend='pillow')
            split = splits['train' if i < train_per_class else 'test']
            split[0].append(torch.from_numpy(img).permute(2, 0, 1))
            split[1].append(label)
    return dict(classes=classes,
                **{k: (torch.stack(v[0]), torch.tensor(v[1]))
                   for k, v in splits.items()})


@torch.no_grad()
def embed_images(model, images: torch.Tensor,
                 batch_size: int = 100) -> Tuple[torch.Tensor, torch.Tensor]:
    """Pooled encoder features ``[N, F]`` and unit embeddings ``[N, D]``.

    One encoder pass gives both: the embedding is what
    ``DeCLIP.encode_image`` computes, the normalised projection of the
    pooled features. Inputs go through ``model.data_preprocessor`` (BGR to
    RGB and normalisation as in training).
    """
    was_training = model.training
    model.eval()
    feats, embs = [], []
    try:
        for start in range(0, len(images), batch_size):
            batch = dict(inputs=images[start:start + batch_size],
                         data_samples=None)
            inputs = model.data_preprocessor(batch, False)['inputs']
            f = model.image_features(inputs)
            feats.append(f.float())
            embs.append(F.normalize(model.image_proj(f), dim=-1).float())
    finally:
        model.train(was_training)
    return torch.cat(feats), torch.cat(embs)


def zero_shot_top1(model, image_embeds: torch.Tensor, labels: torch.Tensor,
                   class_names: Sequence[str],
                   templates: Optional[Sequence[str]] = None) -> float:
    """Zero-shot top-1 (%) of image embeddings against the prompts."""
    from mmintern.evaluation.metrics.zero_shot import (DEFAULT_TEMPLATES,
                                                       ZeroShotAccuracy,
                                                       zero_shot_classifier)
    weights = zero_shot_classifier(model, list(class_names),
                                   templates or DEFAULT_TEMPLATES)
    metric = ZeroShotAccuracy(classifier=weights, topk=(1, ))
    metric.process(None, [dict(img_embed=e, gt_label=int(y))
                          for e, y in zip(image_embeds, labels)])
    return metric.compute_metrics(metric.results)['top1']


def linear_probe_top1(train_x: torch.Tensor, train_y: torch.Tensor,
                      test_x: torch.Tensor, test_y: torch.Tensor,
                      num_classes: int, seed: int = 0) -> float:
    """Linear-probe top-1 (%): L-BFGS logistic regression, its weight
    decay chosen on a hold-out of the training features."""
    from mmintern.engine.linear_probe import fit_linear_probe, predict, top1
    probe = fit_linear_probe(train_x, train_y, num_classes, seed=seed)
    return 100 * top1(predict(probe, test_x), test_y)


def evaluate(model, data: dict, batch_size: int = 100,
             seed: int = 0) -> dict:
    """Zero-shot and linear-probe top-1 (%) of one model."""
    start = time.perf_counter()
    train_x, _ = embed_images(model, data['train'][0], batch_size)
    test_x, test_emb = embed_images(model, data['test'][0], batch_size)
    zs = zero_shot_top1(model, test_emb, data['test'][1], data['classes'])
    lp = linear_probe_top1(train_x, data['train'][1], test_x,
                           data['test'][1], len(data['classes']), seed)
    return dict(zero_shot_top1=zs, linear_probe_top1=lp,
                eval_seconds=time.perf_counter() - start)


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def mean_std(values: Sequence[Optional[float]], digits: int = 1,
             signed: bool = False) -> str:
    # ASCII '+-': the table also goes to terminals and plain logs.
    return _mean_std(values, digits, signed, sep='+-')


def loss_weights(cfg: Config) -> Dict[str, float]:
    """``loss_<term>``: weight, of the terms the config enables."""
    losses = cfg.model.get('losses') or {}
    # 1.0 is the model's default when a term gives no weight.
    return {f'loss_{k}': float(v.get('weight', 1.0))
            for k, v in losses.items()}


def contrastive_weight(cfg: Config) -> Optional[float]:
    return loss_weights(cfg).get('loss_contrastive')


def format_terms(logged: dict, weights: Optional[dict]) -> str:
    """``loss_x 0.8 (0.4 x 2.0)``: each logged term, its weight and the
    unweighted value, which is what compares across terms."""
    parts = []
    for key, value in logged.items():
        if key == 'iter':
            continue
        weight = (weights or {}).get(key)
        if weight:
            parts.append(f'{key} {value:.4f} ({weight:g} x '
                         f'{value / weight:.4f})')
        else:
            parts.append(f'{key} {value:.4f}')
    return ', '.join(parts)


def format_table(rows: List[dict], names: Sequence[str],
                 iters: int) -> str:
    """The markdown table: one line per run (means over seeds), the
    floors, then paired differences (per seed, then mean +- std): the two
    configs, their floors, and each config's gain over its own floor."""
    lines = [
        '| run | iters | train s | s/iter | final loss | '
        'InfoNCE (unweighted) | zero-shot top-1 (%) | '
        'linear-probe top-1 (%) |',
        '|---|---|---|---|---|---|---|---|',
    ]
    for name in names:
        runs = [r for r in rows if r['run'] == name]
        lines.append(
            f'| {name} | {iters} | '
            f'{mean_std([r["train_seconds"] for r in runs], 0)} | '
            f'{mean_std([r["seconds_per_iter"] for r in runs], 3)} | '
            f'{mean_std([r["final_loss"] for r in runs], 3)} | '
            f'{mean_std([r["infonce"] for r in runs], 3)} | '
            f'{mean_std([r["zero_shot_top1"] for r in runs])} | '
            f'{mean_std([r["linear_probe_top1"] for r in runs])} |')
    floors = {r['run'] for r in rows if r['iters'] == 0}
    for name in [f'{n} untrained' for n in names if f'{n} untrained'
                 in floors]:
        runs = [r for r in rows if r['run'] == name]
        lines.append(
            f'| {name} | 0 | - | - | - | - | '
            f'{mean_std([r["zero_shot_top1"] for r in runs])} | '
            f'{mean_std([r["linear_probe_top1"] for r in runs])} |')
    a, b = names
    seeds = sorted({r['seed'] for r in rows})

    def paired(key, x=a, y=b):
        diffs = []
        for s in seeds:
            rx = [r[key] for r in rows if r['run'] == x and r['seed'] == s]
            ry = [r[key] for r in rows if r['run'] == y and r['seed'] == s]
            if rx and ry and rx[0] is not None and ry[0] is not None:
                diffs.append(rx[0] - ry[0])
        return diffs

    def ratio(key):
        va = [r[key] for r in rows if r['run'] == a and r[key]]
        vb = [r[key] for r in rows if r['run'] == b and r[key]]
        if not va or not vb:
            return '-'
        return f'{statistics.mean(va) / statistics.mean(vb):.2f}x'

    def signed(values):
        return mean_std(values, signed=True)

    lines.append(
        f'| {a} - {b} | | {ratio("train_seconds")} | '
        f'{ratio("seconds_per_iter")} | - | '
        f'{signed(paired("infonce"))} | {signed(paired("zero_shot_top1"))} '
        f'| {signed(paired("linear_probe_top1"))} |')
    # The floors differ between the configs too (see build_untrained),
    # so a difference of the trained runs is read against these.
    pairs = [(f'{a} untrained', f'{b} untrained')]
    pairs += [(n, f'{n} untrained') for n in names]
    for x, y in pairs:
        if x in floors | set(names) and y in floors:
            lines.append(
                f'| {x} - {y} | | - | - | - | - | '
                f'{signed(paired("zero_shot_top1", x, y))} | '
                f'{signed(paired("linear_probe_top1", x, y))} |')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.train_per_class < 2:
        raise ValueError('--train-per-class must be at least 2 (the probe '
                         'holds out part of it to choose its weight decay)')
    # The configs (here and in the training subprocesses) read the caption
    # extract from $INTERN_DATA_ROOT.
    os.environ['INTERN_DATA_ROOT'] = shared_data_root()
    # Relative to the working directory, else to the repository.
    configs = [osp.abspath(c if osp.isfile(c) else osp.join(REPO, c))
               for c in args.configs]
    for c in configs:
        if not osp.isfile(c):
            raise FileNotFoundError(f'config {c} not found')
    names = [config_name(c) for c in configs]
    if names[0] == names[1]:
        raise ValueError('the two configs need different file names (they '
                         'name the run folders)')
    work_dir = osp.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    cfgs = [load_config(c) for c in configs]
    img_size = args.img_size or training_img_size(cfgs[0])
    # Fail early, before any training, on missing data.
    for cfg in cfgs:
        check_train_data(cfg)
    if not osp.isdir(args.data_root):
        raise FileNotFoundError(f'labelled image folder {args.data_root} '
                                'not found (pass --data-root)')

    wall_start = time.perf_counter()
    train_seconds = {}
    for seed in args.seeds:
        for config in configs:
            train_seconds[config, seed] = train(
                config, work_dir, args.iters, seed, args.threads)

    print(f'loading {args.data_root} at {img_size}px', flush=True)
    data = load_labelled_images(args.data_root, args.train_per_class,
                                img_size)
    rows = []
    for seed in args.seeds:
        for config, cfg, name in zip(configs, cfgs, names):
            ckpt = final_checkpoint(work_dir, config, seed, args.iters)
            print(f'evaluating {name} seed {seed}: {ckpt}', flush=True)
            model = load_trained(cfg, ckpt)
            records = train_log(work_dir, config, seed, args.iters)
            logged = last_logged_losses(records)
            weight = contrastive_weight(cfg)
            infonce = None
            if logged and weight and 'loss_contrastive' in logged:
                infonce = logged['loss_contrastive'] / weight
            rows.append(dict(
                run=name, seed=seed, iters=args.iters,
                checkpoint=ckpt, train_seconds=train_seconds[config, seed],
                seconds_per_iter=seconds_per_iter(records),
                final_loss=logged.get('loss') if logged else None,
                infonce=infonce, last_logged=logged,
                loss_weights=loss_weights(cfg),
                **evaluate(model, data, args.batch_size, seed)))
            del model
        # The floor: each config's model untrained, same seed.
        for cfg, name in zip(cfgs, names):
            print(f'evaluating the untrained {name}, seed {seed}',
                  flush=True)
            model = build_untrained(cfg, seed)
            rows.append(dict(
                run=f'{name} untrained', seed=seed, iters=0,
                checkpoint=None, train_seconds=None,
                seconds_per_iter=None, final_loss=None, infonce=None,
                last_logged=None, loss_weights=None,
                **evaluate(model, data, args.batch_size, seed)))
            del model
    wall = time.perf_counter() - wall_start

    table = format_table(rows, names, args.iters)
    num_test = len(data['test'][1])
    header = [
        f'command: python {" ".join(sys.argv)}',
        f'budget: {args.iters} iterations, seeds {args.seeds}, batch '
        f'{cfgs[0].train_dataloader.batch_size}, crops {img_size}px, same '
        f'--cfg-options {" ".join(train_overrides(args.iters, "<seed>"))}',
        f'evaluation: {args.data_root}, {len(data["classes"])} classes, '
        f'{len(data["train"][1])} probe-train / {num_test} test images '
        f'(first {args.train_per_class} files per class by name train), '
        f'{img_size}x{img_size}; both top-1 on the same test images',
        'final loss: the weighted sum of the enabled terms, mean of the '
        'last logged window (not comparable across configs); InfoNCE '
        '(unweighted): loss_contrastive / its weight, comparable',
        f'{torch.get_num_threads()} threads, torch {torch.__version__}; '
        f'total wall time {wall:.0f} s',
    ]
    breakdown = []
    for r in rows:
        if r['last_logged']:
            terms = format_terms(r['last_logged'], r['loss_weights'])
            breakdown.append(f'- {r["run"]} seed {r["seed"]} (iter '
                             f'{r["last_logged"]["iter"]}): {terms}')
    text = '\n'.join(header) + '\n\n' + table + '\n'
    if breakdown:
        text += ('\nlast logged loss terms (as logged: weighted; in '
                 'brackets weight x unweighted):\n'
                 + '\n'.join(breakdown) + '\n')
    print('\n' + text)
    # Named by budget and seeds: runs of other budgets keep their reports.
    seeds = '-'.join(str(s) for s in args.seeds)
    stem = osp.join(work_dir, f'up_a_evidence_{args.iters}it_seeds{seeds}')
    with open(stem + '.md', 'w') as f:
        f.write(text)
    with open(stem + '.json', 'w') as f:
        json.dump(dict(args=vars(args), img_size=img_size,
                       wall_seconds=wall, rows=rows), f, indent=2)
    print(f'wrote {stem}.md and {stem}.json')


if __name__ == '__main__':
    main()
