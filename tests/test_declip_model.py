"""DeCLIP (INTERN Up-A) on mmengine: tokenizer, text tower, model, data,
EDA, zero-shot classifier and a 2-iteration Runner run from the config."""
import json
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch

from _utils import REPO, data_path, needs_data
from mmintern.datasets.image_text_dataset import ImageTextDataset
from mmintern.datasets.transforms.eda import SYNONYMS, EDATextAugment
from mmintern.evaluation.metrics.zero_shot import (ZeroShotAccuracy,
                                                   zero_shot_classifier)
from mmintern.models.algorithms import DeCLIP
from mmintern.models.text import ClipTokenizer, TextTransformer

FLICKR = data_path('flickr8k_captions')
CFG = osp.join(REPO, 'configs', 'intern',
               'up-a-g_declip_metanet-b1_flickr8k.py')
CLIP_CFG = osp.join(REPO, 'configs', 'intern',
                    'up-a-g_clip_metanet-b1_flickr8k.py')
needs_flickr = needs_data('flickr8k_captions', 'captions.txt')

TEXT = dict(type='TextTransformer', width=64, layers=2, heads=4,
            context_length=32)
ALL_LOSSES = dict(
    contrastive=dict(weight=0.4),
    simsiam=dict(weight=0.2, proj_channels=64, pred_channels=32),
    mlm=dict(weight=0.2), nn=dict(weight=0.2, queue_size=16))


@pytest.fixture(scope='module')
def tok():
    return ClipTokenizer()


def test_tokenizer_round_trip_and_special_ids(tok):
    assert tok.vocab_size == 49408
    assert (tok.sot_id, tok.eot_id, tok.pad_id) == (49406, 49407, 0)
    assert tok.mask_id == 49408 and tok.num_embeddings == 49409
    ids = tok.tokenize(['A dog runs on the grass.', 'two cats'], 16)
    assert ids.shape == (2, 16) and ids.dtype == torch.long
    row = ids[0].tolist()
    assert row[0] == tok.sot_id
    end = row.index(tok.eot_id)
    assert all(i == 0 for i in row[end + 1:])
    assert tok.decode(ids[0]) == 'a dog runs on the grass .'
    assert tok.decode(ids[1]) == 'two cats'
    long = tok.tokenize('word ' * 40, 8)[0]
    assert long[0] == tok.sot_id and long[-1] == tok.eot_id
    with pytest.raises(ValueError):
        tok.tokenize('word ' * 40, 8, truncate=False)


def test_text_transformer_shapes_and_causal(tok):
    torch.manual_seed(0)
    m = TextTransformer(**{k: v for k, v in TEXT.items() if k != 'type'})
    m.eval()
    ids = tok.tokenize(['a man rides a red bike down the street', 'a dog'],
                       32)
    feats, pooled = m(ids)
    assert feats.shape == (2, 32, 64) and pooled.shape == (2, 64)
    end = (ids[1] == tok.eot_id).nonzero().item()
    assert torch.equal(pooled[1], feats[1, end])
    assert m.mlm_logits(feats).shape == (2, 32, 49409)
    # A later token changes nothing before it.
    changed = ids.clone()
    changed[0, 5] = 1000
    feats2, _ = m(changed)
    assert torch.allclose(feats[0, :5], feats2[0, :5], atol=1e-6)
    assert not torch.allclose(feats[0, 5:], feats2[0, 5:])
    # A mask id (above the end id) does not move the pooled position.
    masked = ids.clone()
    masked[0, 2] = tok.mask_id
    assert m.pool_index(masked)[0] == m.pool_index(ids)[0]


def _load_images(n=4, size=64):
    import csv
    with open(osp.join(FLICKR, 'captions.txt'), newline='') as f:
        rows = list(csv.reader(f))[1:]
    names, caps = [], []
    for name, cap in rows:
        if name not in names:
            names.append(name)
            caps.append(cap)
        if len(names) == n:
            break
    imgs = []
    for name in names:
        img = mmcv.imresize(mmcv.imread(osp.join(FLICKR, 'images', name)),
                            (size, size))
        imgs.append(torch.from_numpy(img[..., ::-1].copy()).permute(2, 0, 1))
    x = torch.stack(imgs).float()
    x = (x - 127.5) / 64.
    return x, caps


@needs_flickr
def test_declip_loss_terms_and_decrease():
    torch.manual_seed(0)
    model = DeCLIP(image_encoder=dict(type='MetaNet', arch='b1'),
                   text_encoder=TEXT, embed_dim=64, losses=ALL_LOSSES)
    x, caps = _load_images()
    aug = EDATextAugment(p_synonym=1., p_swap=1., p_delete=0.)
    np.random.seed(0)
    batch = dict(text=caps, text_aug=[aug.augment(c) for c in caps])
    inputs = dict(img1=x, img2=x.flip(-1))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    with torch.no_grad():  # fill the NN queue so every step has all terms
        model(inputs, batch, mode='loss')
    totals = []
    for _ in range(3):
        torch.manual_seed(1)  # the same MLM mask every step
        losses = model(inputs, batch, mode='loss')
        assert set(losses) == {'loss_contrastive', 'loss_simsiam',
                               'loss_mlm', 'loss_nn'}
        total = sum(losses.values())
        opt.zero_grad()
        total.backward()
        opt.step()
        totals.append(float(total.detach()))
    assert totals[-1] < totals[0], totals

    model.eval()
    emb = model(x[:2], mode='tensor')
    assert emb.shape == (2, 64)
    assert torch.allclose(emb.norm(dim=-1), torch.ones(2), atol=1e-5)


def test_clip_config_one_term_and_subsets():
    from mmengine.config import Config
    cfg = Config.fromfile(CLIP_CFG)
    assert dict(cfg.model.losses) == dict(contrastive=dict(weight=1.0))
    enc = dict(type='MetaNet', arch='b1')
    model = DeCLIP(image_encoder=enc, text_encoder=TEXT, embed_dim=32,
                   losses=dict(cfg.model.losses))
    x = torch.randn(2, 3, 32, 32)
    ids = torch.tensor([[49406, 320, 1929, 49407], [49406, 1929, 49407, 0]])
    losses = model(x, dict(text=ids), mode='loss')
    assert set(losses) == {'loss_contrastive'}
    model = DeCLIP(image_encoder=enc, text_encoder=TEXT, embed_dim=32,
                   losses=dict(mlm=dict(weight=1.)))
    assert set(model(x, dict(text=ids), mode='loss')) == {'loss_mlm'}
    with pytest.raises(KeyError):
        DeCLIP(image_encoder=enc, text_encoder=TEXT, losses=dict(foo={}))


def test_eda_changes_text_keeps_vocabulary():
    text = 'a little girl climbing the stairs to her playhouse .'
    vocab = set(text.split()) | {s for w in text.split()
                                 for s in SYNONYMS.get(w, [])}
    eda = EDATextAugment(p_synonym=1., p_swap=1., p_delete=1., alpha=0.2)
    np.random.seed(0)
    outs = [eda(dict(text=text))['text_aug'] for _ in range(10)]
    assert any(o != text for o in outs)
    for o in outs:
        assert o and set(o.split()) <= vocab
    np.random.seed(3)
    a = eda.augment(text)
    np.random.seed(3)
    assert eda.augment(text) == a


@needs_flickr
def test_image_text_dataset_flickr_and_coco(tmp_path):
    ds = ImageTextDataset(ann_file='captions.txt', data_root=FLICKR,
                          data_prefix=dict(img_path='images'),
                          lazy_init=False)
    assert len(ds) == 250
    counts = [len(ds.get_data_info(i)['captions']) for i in range(len(ds))]
    assert set(counts) == {5} and sum(counts) == 1250
    info = ds.get_data_info(0)
    assert osp.isfile(info['img_path'])
    assert info['text'] in info['captions']
    # Captions with commas (quoted in the CSV) stay whole.
    assert any(',' in c for i in range(len(ds))
               for c in ds.get_data_info(i)['captions'])

    coco = dict(images=[dict(id=1, file_name='a.jpg'),
                        dict(id=2, file_name='b.jpg'),
                        dict(id=3, file_name='none.jpg')],
                annotations=[dict(image_id=1, caption='a cat'),
                             dict(image_id=2, caption='a dog'),
                             dict(image_id=1, caption='the cat ')])
    (tmp_path / 'caps.json').write_text(json.dumps(coco))
    ds = ImageTextDataset(ann_file='caps.json', data_root=str(tmp_path),
                          data_prefix=dict(img_path='img'))
    assert len(ds) == 2
    assert ds.get_data_info(0)['captions'] == ['a cat', 'the cat']
    assert ds.get_data_info(1)['img_path'] == str(tmp_path / 'img' / 'b.jpg')
    with pytest.raises(FileNotFoundError, match='missing.json'):
        ImageTextDataset(ann_file='missing.json', data_root=str(tmp_path))


def test_image_text_dataset_drops_empty_captions_and_says_so(tmp_path,
                                                             capsys):
    from mmengine.logging import MMLogger
    MMLogger.get_instance('empty_captions_test')
    (tmp_path / 'caps.csv').write_text(
        'image,caption\na.jpg,a cat\na.jpg,  \nb.jpg,\n'
        'c.jpg,"a dog, sitting"\n')
    ds = ImageTextDataset(ann_file='caps.csv', data_root=str(tmp_path))
    assert [ds.get_data_info(i)['captions'] for i in range(len(ds))] == [
        ['a cat'], ['a dog, sitting']]
    out = capsys.readouterr().out
    assert 'skipped 2 empty captions; dropped 1 images' in out
    assert "'b.jpg'" in out


def test_zero_shot_classifier_and_metric():
    torch.manual_seed(0)
    model = DeCLIP(image_encoder=dict(type='MetaNet', arch='b1'),
                   text_encoder=TEXT, embed_dim=32,
                   losses=dict(contrastive=dict(weight=1.)))
    names = ['dog', 'cat', 'bike']
    w = zero_shot_classifier(model, names, ['a photo of a {}.', 'a {}.'])
    assert w.shape == (32, 3)
    assert torch.allclose(w.norm(dim=0), torch.ones(3), atol=1e-5)
    metric = ZeroShotAccuracy(classifier=w, topk=(1, 2))
    preds = [dict(img_embed=w[:, i], gt_label=torch.tensor([i]))
             for i in range(3)]
    preds.append(dict(img_embed=w[:, 0], gt_label=torch.tensor([2])))
    metric.process(None, preds)
    res = metric.compute_metrics(metric.results)
    assert res['top1'] == pytest.approx(75.)


@needs_flickr
def test_runner_two_iterations_from_config(tmp_path):
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(CFG)
    assert set(cfg.model.losses) == {'contrastive', 'simsiam', 'mlm', 'nn'}
    cfg.train_dataloader.dataset.data_root = FLICKR
    cfg.train_dataloader.batch_size = 4
    cfg.train_cfg.max_iters = 2
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.interval = 2
    cfg.work_dir = str(tmp_path)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    assert osp.isfile(osp.join(str(tmp_path), 'iter_2.pth'))
    # The NN queue took the two batches' captions.
    assert int(runner.model.nn.queue.num_filled) == 8
