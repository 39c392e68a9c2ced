"""``mean ± std`` cells of the evidence tables."""
import statistics
from typing import Optional, Sequence


def mean_std(values: Sequence[Optional[float]], digits: int = 1,
             signed: bool = False, sep: str = '±') -> str:
    """``'<mean> <sep> <std>'`` of the values that are not None (just the
    mean for one value, ``'-'`` for none), rounded to ``digits``; with
    ``signed`` the mean carries its sign, and one that rounds to zero reads
    ``+0.0``, never ``-0.0``."""
    values = [v for v in values if v is not None]
    if not values:
        return '-'
    mean = round(statistics.mean(values), digits) + 0.  # -0.0 -> 0.0
    text = f'{mean:{"+" if signed else ""}.{digits}f}'
    if len(values) > 1:
        text += f' {sep} {statistics.stdev(values):.{digits}f}'
    return text
