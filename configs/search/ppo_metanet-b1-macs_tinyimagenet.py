# PPO (INTERN's searcher) for a MetaNet-B1-cost network; the space, reward
# and budget of _base_/search_metanet-b1-macs_tinyimagenet.py. With 24
# evaluations the policy is updated 6 times (batches of 4).
#   python tools/search.py configs/search/ppo_metanet-b1-macs_tinyimagenet.py --seed 0
_base_ = ['./_base_/search_metanet-b1-macs_tinyimagenet.py']
searcher = dict(type='PPOSearcher', batch_size=4)
