"""The runner's record of finished datasets: ``{work_dir}/results.json``.

Written after every dataset, atomically, so that a killed run loses at most
the dataset it was running and a new run continues from the rest.
"""
import json
import os
import os.path as osp
from typing import Dict, Optional

DONE = 'done'
FAILED = 'failed'


def percentage_key(percentage: float) -> str:
    """How a percentage names its folder and its results: 10, 2.5."""
    return f'{percentage:g}'


def write_json_atomic(path: str, data) -> None:
    """Write ``data`` as JSON to a temporary file, then rename it over
    ``path``: a reader (or a run killed mid-write) never sees half a file.
    """
    dirname = osp.dirname(osp.abspath(path))
    os.makedirs(dirname, exist_ok=True)
    tmp = f'{path}.tmp.{os.getpid()}'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class ResultStore:
    """Per percentage, dataset and seed, the result of a run.

    The file also holds what was evaluated (``meta``: the backbone spec and
    the probe), and refuses to mix results of another backbone into the
    same work dir: the feature caches and the skipped datasets would be
    those of the other backbone.

    Args:
        path (str): The ``results.json`` file; created on the first write.
        meta (dict): What this run evaluates, JSON-friendly.
    """

    def __init__(self, path: str, meta: dict):
        self.path = path
        self.meta = meta
        self.results: Dict[str, Dict[str, dict]] = {}
        if osp.isfile(path):
            with open(path) as f:
                stored = json.load(f)
            if stored.get('meta') != meta:
                raise ValueError(
                    f'{path} holds results of another run setup:\n'
                    f'  stored: {stored.get("meta")}\n  now:    {meta}\n'
                    'use another --work-dir, or delete the file to start '
                    'over')
            self.results = stored.get('results', {})

    def get(self, percentage: float, name: str,
            seed: int = 0) -> Optional[dict]:
        return self.results.get(percentage_key(percentage), {}).get(
            name, {}).get(str(seed))

    def put(self, percentage: float, name: str, seed: int,
            entry: dict) -> None:
        """Record a dataset's result for a seed and write the file."""
        self.results.setdefault(percentage_key(percentage), {}).setdefault(
            name, {})[str(seed)] = entry
        write_json_atomic(self.path,
                          dict(meta=self.meta, results=self.results))

    def done(self, percentage: float) -> Dict[str, Dict[int, dict]]:
        """The finished runs of a percentage: ``{name: {seed: entry}}``."""
        found = {}
        for name, seeds in self.results.get(percentage_key(percentage),
                                            {}).items():
            finished = {int(seed): entry for seed, entry in seeds.items()
                        if entry.get('status') == DONE}
            if finished:
                found[name] = finished
        return found
