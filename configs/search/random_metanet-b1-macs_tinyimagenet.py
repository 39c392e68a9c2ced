# Random search, the baseline at PPO's budget; the space, reward and budget
# of _base_/search_metanet-b1-macs_tinyimagenet.py.
#   python tools/search.py configs/search/random_metanet-b1-macs_tinyimagenet.py --seed 0
_base_ = ['./_base_/search_metanet-b1-macs_tinyimagenet.py']
searcher = dict(type='RandomSearcher')
