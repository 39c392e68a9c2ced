# The Up-E experts start from the Up-A-L stage: its `backbone.*` (MetaNet-B1
# with all its stages, no 1280-d head) is their trunk. tools/intern_pipeline
# .py gives the hook that stage's final checkpoint; a key the stage has and
# a trunk lacks is reported as not in the model.
custom_hooks = [
    dict(
        type='LoadStageCheckpointHook',
        stage='up-a-l_metanet-b1_flickr8k',
        checkpoint=None,
        mapping={'backbone.': 'backbone.'})
]
