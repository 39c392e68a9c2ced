"""Run a searcher for a budget of evaluations, logged so that a killed
search resumes.

Every evaluated candidate is one line of ``candidates.jsonl`` (its step,
decisions, network, cost, accuracy, reward, seconds), written and synced
before the searcher hears its reward. Resuming replays the log: the
searcher, rebuilt with the same seed, proposes again and is told the
logged rewards instead of training anything, so it reaches exactly the
state the killed run had, and goes on from there; an uninterrupted and a
resumed search end with the same log. A proposal that differs from the
logged one (another seed, space or searcher) stops the run, naming the
line.
"""
import json
import os
import os.path as osp
import time
from typing import Callable, List, Optional

LOG_NAME = 'candidates.jsonl'


def read_log(path: str, report: Callable = print) -> List[dict]:
    """The complete lines of a candidates log; a last line cut off by a kill
    is reported and removed (its candidate is evaluated again)."""
    if not osp.isfile(path):
        return []
    with open(path, encoding='utf-8') as f:
        text = f.read()
    entries, good = [], 0
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        try:
            if not line.endswith('\n'):
                raise ValueError('no line end')
            entries.append(json.loads(line))
        except ValueError:
            if number != len(text.splitlines()):
                raise ValueError(f'{path} line {number} is not JSON: the log '
                                 'is damaged beyond a cut-off last line')
            report(f'[search] {path}: the last line was cut off by an '
                   'interruption; that candidate is evaluated again')
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text[:good])
            break
        good += len(line)
    return entries


def run_search(space, searcher, reward, budget: int, work_dir: str,
               report: Optional[Callable] = print) -> List[dict]:
    """``budget`` evaluations of ``searcher``'s proposals; returns the log
    entries (replayed ones included)."""
    report = report or (lambda *args: None)
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOG_NAME)
    logged = read_log(path, report)
    if len(logged) > budget:
        raise ValueError(f'{path} holds {len(logged)} candidates, more than '
                         f'the budget {budget}')
    if logged:
        report(f'[search] resuming: replaying {len(logged)} logged '
               'candidates')
    entries = []
    for step in range(budget):
        decisions = searcher.ask()
        if step < len(logged):
            entry = logged[step]
            if entry['decisions'] != decisions:
                raise RuntimeError(
                    f'{path} line {step + 1} holds {entry["decisions"]}, but '
                    f'the searcher now proposes {decisions}: the log is from '
                    'another seed, space or searcher; use another work dir')
        else:
            cfg = space.decode(decisions)
            start = time.perf_counter()
            result = reward(cfg, decisions)
            entry = dict(step=step, decisions=decisions, arch=cfg.to_dict(),
                         **result, seconds=time.perf_counter() - start)
            with open(path, 'a', encoding='utf-8') as f:
                f.write(json.dumps(entry) + '\n')
                f.flush()
                os.fsync(f.fileno())
        searcher.tell(decisions, entry['reward'])
        entries.append(entry)
        if step >= len(logged):
            best = best_entry(entries)
            report(f'[search {step + 1}/{budget}] reward {entry["reward"]:.4f}'
                   f' cost {entry["cost"]:.4g}  best {best["reward"]:.4f} '
                   f'(step {best["step"] + 1})')
    return entries


def best_entry(entries: List[dict]) -> dict:
    """The highest reward (the earliest of equals)."""
    return max(entries, key=lambda e: (e['reward'], -e['step']))
