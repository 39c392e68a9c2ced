"""Run a searcher for a budget of evaluations, logged so that a killed
search resumes.

The budget counts *evaluated* candidates: a proposal the reward rejects
without training it (``rejected`` in its result: MnasReward's networks over
``max_ratio`` x the target, a second of MACs counting) is logged and told
to the searcher, so it learns to avoid it, but it does not use up the
budget. In MetaNet-B1's neighbourhood most uniform proposals are over
1.5x B1's MACs (docs/search.md): counted, they would leave a 24-evaluation
search with a handful of trained networks, and fewer for the searcher
that explores most. ``max_proposals`` bounds the proposals, so that a
space almost wholly over the limit stops with a message instead of
looping.

Every proposal is one line of ``candidates.jsonl`` (its step,
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
               report: Optional[Callable] = print,
               max_proposals: Optional[int] = None) -> List[dict]:
    """Proposals of ``searcher`` until ``budget`` of them are evaluated (not
    ``rejected``); returns the log entries (replayed ones included).
    ``max_proposals`` defaults to 100 x ``budget``."""
    report = report or (lambda *args: None)
    max_proposals = max_proposals or 100 * budget
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOG_NAME)
    logged = read_log(path, report)
    if evaluated(logged) > budget:
        raise ValueError(f'{path} holds {evaluated(logged)} evaluated '
                         f'candidates, more than the budget {budget}')
    if logged:
        report(f'[search] resuming: replaying {len(logged)} logged '
               'candidates')
    entries, done = [], 0
    while done < budget:
        step = len(entries)
        if step >= max_proposals:
            raise RuntimeError(
                f'{step} proposals and only {done} of the budget {budget} '
                'evaluated: the reward rejects almost everything the '
                'searcher proposes (raise max_ratio or narrow the space), '
                'or raise max_proposals')
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
        done += not entry.get('rejected', False)
        if step >= len(logged):
            best = best_entry(entries)
            what = ('rejected' if entry.get('rejected') else
                    f'reward {entry["reward"]:.4f}')
            report(f'[search {done}/{budget}, proposal {step + 1}] {what} '
                   f'cost {entry["cost"]:.4g}  best {best["reward"]:.4f} '
                   f'(proposal {best["step"] + 1})')
    if len(logged) > len(entries):
        raise ValueError(f'{path} holds {len(logged)} proposals, more than '
                         f'a search of budget {budget} makes')
    return entries


def evaluated(entries: List[dict]) -> int:
    """How many of ``entries`` count against the budget."""
    return sum(not e.get('rejected', False) for e in entries)


def best_entry(entries: List[dict]) -> dict:
    """The highest reward (the earliest of equals)."""
    return max(entries, key=lambda e: (e['reward'], -e['step']))
