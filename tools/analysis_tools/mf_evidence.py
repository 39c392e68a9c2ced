"""Does MF help? Linear probe, fine-tuning, LP-FT, MF and MF without stage
4 of the distilled MetaNet-B1 on the GV-B mini suite's classification,
detection and segmentation sets at 10%, seeds paired; and the mechanism:
the VQ-GAN's reconstruction and codebook use, and the Frechet distance of
the backbone's pooled features between upstream and downstream images
before and after re-encoding.

1. trains the VQ-GAN (``tools/train.py`` on ``--vqgan-config``, resumable)
   unless its work dir has a last checkpoint;
2. measures it on images it never saw: PSNR and codebook perplexity /
   share used on the 100 ImageNet samples (upstream-like, 128 px centre
   crops) and on the downstream images;
3. writes the mini suite and its re-encoded copy
   (``tools/dataset_converters/reencode_dataset.py``);
4. the Frechet distance (``mmintern.evaluation.functional``) of the
   pretrained backbone's pooled features: upstream (Tiny ImageNet
   ``test/images``) vs each downstream set, real and re-encoded;
5. each method x seed x task is one training run of its
   ``configs/mf/metanet-b1_<dataset>_mf.py`` (the methods differ only in
   the MultiStageFinetuneHook's settings, :data:`METHODS`), tested at the
   end; results go to ``<work-dir>/results.json`` as each finishes, so a
   killed call goes on where it stopped;
6. prints the table: per task and method, mean +- std over seeds, and MF -
   LP-FT paired by seed.

Example::

    python tools/analysis_tools/mf_evidence.py --seeds 0 1 2
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List

import numpy as np
from distill_evidence import mean_std

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

VQGAN_CONFIG = 'configs/mf/vqgan_f4_tinyimagenet-flickr8k.py'
# task -> (mini-suite dataset, MF config).
TASKS = {
    'classification': ('cifar10', 'configs/mf/metanet-b1_cifar10_mf.py'),
    'detection': ('raccoon', 'configs/mf/metanet-b1_raccoon_mf.py'),
    'segmentation': ('camvid', 'configs/mf/metanet-b1_camvid_mf.py'),
}
# What each method sets on the config's MultiStageFinetuneHook: stage 3's
# length ('all': the whole schedule) and whether it reads the re-encoded
# copy.
METHODS = {
    'linear probe': dict(stage3='all', reencoded=False),
    'fine-tuning': dict(stage3=0, reencoded=False),
    'LP-FT': dict(stage3=None, reencoded=False),  # None: the config's
    'MF': dict(stage3=None, reencoded=True),
    'MF w/o stage 4': dict(stage3='all', reencoded=True),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/mf_evidence')
    parser.add_argument('--vqgan-config', default=VQGAN_CONFIG)
    parser.add_argument('--vqgan-work-dir',
                        default='work_dirs/vqgan_f4_tinyimagenet-flickr8k')
    parser.add_argument('--pretrained',
                        default='checkpoints/metanet-b1_distilled.pth')
    parser.add_argument('--gvb-root', default='data/gvb_mini')
    parser.add_argument('--reencoded-root', default='data/gvb_mini_reencoded')
    parser.add_argument('--tasks', nargs='+', default=list(TASKS),
                        choices=list(TASKS))
    parser.add_argument('--methods', nargs='+', default=list(METHODS),
                        choices=list(METHODS))
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    return parser.parse_args(argv)


def run(*args: str) -> None:
    print('+', ' '.join(args), flush=True)
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True)


def method_options(cfg, method: str) -> dict:
    """The --cfg-options of a method on an MF config."""
    setting = METHODS[method]
    hook = next(i for i, h in enumerate(cfg.custom_hooks)
                if h.type == 'MultiStageFinetuneHook')
    unit = cfg.train_cfg.get('max_epochs', cfg.train_cfg.get('max_iters'))
    options = {}
    if setting['stage3'] == 'all':
        options[f'custom_hooks.{hook}.stage3'] = unit
    elif setting['stage3'] is not None:
        options[f'custom_hooks.{hook}.stage3'] = setting['stage3']
    if not setting['reencoded']:
        options[f'custom_hooks.{hook}.stage3_dataloader'] = None
    return options


# ------------------------------------------------------------ the VQ-GAN
def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64))**2)
    return float(10 * np.log10(255**2 / max(mse, 1e-10)))


def vqgan_quality(model, images: List[np.ndarray]) -> dict:
    """Mean PSNR of the re-encoded images and the codebook use over all of
    their codes."""
    import torch
    from mmintern.models.algorithms.vqgan import codebook_usage
    from mmintern.models.layers.conv_codec import pad_to_multiple
    values, codes = [], []
    for img in images:  # RGB uint8
        values.append(psnr(img, model.reencode(img, order='rgb')))
        x = torch.from_numpy(img).permute(2, 0, 1)[None].float()
        x = (x - model.data_preprocessor.mean) / model.data_preprocessor.std
        with torch.no_grad():
            _, _, idx = model.quantize(pad_to_multiple(x, model.factor))
        codes.append(idx.flatten())
    usage = codebook_usage(torch.cat(codes), model.num_embed)
    return dict(psnr=float(np.mean(values)), **usage, images=len(images))


def _centre_crops(files: List[str], size: int) -> List[np.ndarray]:
    from PIL import Image
    out = []
    for path in files:
        with Image.open(path) as img:
            img = img.convert('RGB')
            scale = size / min(img.size)
            img = img.resize((max(size, round(img.width * scale)),
                              max(size, round(img.height * scale))),
                             Image.BICUBIC)
            left, top = (img.width - size) // 2, (img.height - size) // 2
            out.append(np.asarray(img.crop((left, top, left + size,
                                            top + size))))
    return out


def downstream_files(gvb_root: str, dataset: str) -> List[str]:
    """The training images of a mini-suite dataset (CIFAR-10: none on
    disk, see :func:`cifar_images`)."""
    patterns = dict(raccoon='raccoon/VOCdevkit/*/JPEGImages/*.jpg',
                    camvid='camvid/img_dir/train/*.png')
    return sorted(glob.glob(osp.join(ROOT, gvb_root, patterns[dataset])))


def cifar_images(gvb_root: str) -> List[np.ndarray]:
    import pickle
    rows = []
    for path in sorted(glob.glob(osp.join(
            ROOT, gvb_root, 'cifar10', 'cifar-10-batches-py',
            'data_batch_*'))):
        with open(path, 'rb') as f:
            rows.append(pickle.load(f, encoding='latin1')['data'])
    data = np.concatenate(rows).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return list(data)


def images_of(gvb_root: str, dataset: str, size: int) -> List[np.ndarray]:
    if dataset == 'cifar10':
        from PIL import Image
        return [np.asarray(Image.fromarray(im).resize((size, size),
                                                      Image.BICUBIC))
                for im in cifar_images(gvb_root)]
    return _centre_crops(downstream_files(gvb_root, dataset), size)


# ------------------------------------------------- the feature distance
def pooled_features(checkpoint: str, images: List[np.ndarray]) -> np.ndarray:
    """The distilled MetaNet-B1's pooled stride-32 feature of RGB images."""
    import torch
    from mmintern.models.backbones import MetaNet
    from mmintern.utils import load_weights_only
    model = MetaNet('b1', out_indices=(5, )).eval()
    state = load_weights_only(osp.join(ROOT, checkpoint))
    state = {k[len('backbone.'):]: v for k, v in
             state.get('state_dict', state).items()
             if k.startswith('backbone.')}
    model.load_state_dict(state)
    mean = torch.tensor([123.675, 116.28, 103.53]).view(1, 3, 1, 1)
    std = torch.tensor([58.395, 57.12, 57.375]).view(1, 3, 1, 1)
    feats = []
    with torch.no_grad():
        for start in range(0, len(images), 50):
            x = torch.from_numpy(np.stack(images[start:start + 50]))
            x = (x.permute(0, 3, 1, 2).float() - mean) / std
            feats.append(model(x)[-1].mean((2, 3)).numpy())
    return np.concatenate(feats)


# ------------------------------------------------------------- the runs
def run_method(task: str, method: str, seed: int, args) -> Dict[str, float]:
    """One training run, tested; returns the GV-B metric."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    from mmintern.utils.cli import merge_cfg_options
    dataset, config = TASKS[task]
    cfg = Config.fromfile(osp.join(ROOT, config))
    work = osp.join(args.work_dir, 'runs', task, method.replace(' ', '_')
                    .replace('/', ''), f'seed{seed}')
    options = {'gvb_root': args.gvb_root,
               'reencoded_root': args.reencoded_root,
               'randomness.seed': seed, 'work_dir': work, 'resume': True,
               **method_options(cfg, method)}
    cfg = merge_cfg_options(cfg, options)
    for hook in cfg.custom_hooks:
        if hook.type == 'MultiStageFinetuneHook':
            hook.checkpoint = args.pretrained
    runner = Runner.from_cfg(cfg)
    runner.train()
    raw = runner.test()
    (name, key), = cfg.gvb.metric_keys.items()
    scale = cfg.gvb.get('metric_scale', {}).get(name, 1)
    return {name: float(raw[key]) * scale}


def main(argv=None) -> int:
    args = parse_args(argv)
    os.makedirs(osp.join(ROOT, args.work_dir), exist_ok=True)
    results_file = osp.join(ROOT, args.work_dir, 'results.json')
    results = {}
    if osp.isfile(results_file):
        with open(results_file) as f:
            results = json.load(f)

    def save():
        with open(results_file, 'w') as f:
            json.dump(results, f, indent=2)

    # 1. The VQ-GAN.
    last = osp.join(ROOT, args.vqgan_work_dir, 'last_checkpoint')
    if not osp.isfile(last):
        run('tools/train.py', args.vqgan_config, '--work-dir',
            args.vqgan_work_dir, '--resume')
    with open(last) as f:
        vqgan_ckpt = f.read().strip()
    from mmintern.evaluation.functional import frechet_distance
    from mmintern.gvb.mini_suite import write_mini_suite
    from mmintern.models.algorithms.vqgan import load_vqgan
    from mmintern.utils.data_root import shared_data_root
    model = load_vqgan(osp.join(ROOT, args.vqgan_config), vqgan_ckpt)
    datasets = [TASKS[t][0] for t in args.tasks]
    write_mini_suite(shared_data_root(), osp.join(ROOT, args.gvb_root),
                     datasets)

    # 2. Its quality on images it never saw.
    if 'vqgan' not in results:
        samples = sorted(glob.glob(osp.join(shared_data_root(),
                                            'imagenet_samples', '*.JPEG')))
        results['vqgan'] = dict(
            checkpoint=vqgan_ckpt,
            imagenet_samples=vqgan_quality(model, _centre_crops(samples,
                                                                128)),
            **{d: vqgan_quality(model, images_of(args.gvb_root, d, 128)[:200])
               for d in datasets})
        save()

    # 3. The re-encoded copy.
    for dataset in datasets:
        run('tools/dataset_converters/reencode_dataset.py',
            osp.join(args.gvb_root, dataset),
            osp.join(args.reencoded_root, dataset), '--config',
            args.vqgan_config, '--checkpoint', vqgan_ckpt)

    # 4. The feature distance, before and after re-encoding.
    if 'frechet' not in results:
        upstream = _centre_crops(sorted(glob.glob(osp.join(
            shared_data_root(), 'tiny_imagenet', 'test', 'images',
            '*.JPEG')))[:500], 112)
        up = pooled_features(args.pretrained, upstream)
        results['frechet'] = {}
        for d in datasets:
            real = pooled_features(args.pretrained,
                                   images_of(args.gvb_root, d, 112)[:500])
            new = pooled_features(args.pretrained,
                                  images_of(args.reencoded_root, d,
                                            112)[:500])
            results['frechet'][d] = dict(real=frechet_distance(up, real),
                                         reencoded=frechet_distance(up, new))
        save()

    # 5. The runs.
    runs = results.setdefault('runs', {})
    for seed in args.seeds:
        for task in args.tasks:
            for method in args.methods:
                key = f'{task}|{method}|{seed}'
                if key not in runs:
                    runs[key] = run_method(task, method, seed, args)
                    save()
                print(f'[MF] {key}: {runs[key]}', flush=True)

    # 6. The table.
    print('\nVQ-GAN on images it never saw:')
    for name, q in results['vqgan'].items():
        if isinstance(q, dict):
            print(f'  {name}: PSNR {q["psnr"]:.2f} dB, perplexity '
                  f'{q["perplexity"]:.1f}, codes used {q["usage"]:.1%} '
                  f'({q["images"]} images)')
    print('Frechet distance to upstream (pooled MetaNet-B1 features):')
    for d, fd in results['frechet'].items():
        print(f'  {d}: real {fd["real"]:.2f}, re-encoded '
              f'{fd["reencoded"]:.2f}')
    print('\n| task | metric | ' + ' | '.join(args.methods) +
          ' | MF - LP-FT |\n|---|---|' + '---|' * (len(args.methods) + 1))
    for task in args.tasks:
        per = {m: [runs[f'{task}|{m}|{s}'] for s in args.seeds]
               for m in args.methods}
        (metric, ) = per[args.methods[0]][0]
        cells = [mean_std(r[metric] for r in per[m]).lstrip('+')
                 for m in args.methods]
        if 'MF' in per and 'LP-FT' in per:
            cells.append(mean_std(a[metric] - b[metric] for a, b in
                                  zip(per['MF'], per['LP-FT'])))
        else:
            cells.append('n/a')
        print(f'| {task} | {metric} | ' + ' | '.join(cells) + ' |')
    print(f'\n(mean ± std over seeds {args.seeds}; the difference paired by '
          'seed)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
