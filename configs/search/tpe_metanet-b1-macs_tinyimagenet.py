# Optuna's TPE, the model-based baseline at PPO's budget (its first 10
# suggestions random, Optuna's default); the space, reward and budget of
# _base_/search_metanet-b1-macs_tinyimagenet.py.
#   python tools/search.py configs/search/tpe_metanet-b1-macs_tinyimagenet.py --seed 0
_base_ = ['./_base_/search_metanet-b1-macs_tinyimagenet.py']
searcher = dict(type='TPESearcher')
