# The two commands of the README. Both create or reuse .venv/ (see
# tools/setup_env.sh); a re-run with everything installed costs seconds.
PYTHON := .venv/bin/python

.PHONY: env demo intern-demo distill test

env:
	bash tools/setup_env.sh

demo: env
	$(PYTHON) tools/demo.py

# The INTERN stage pipeline at tiny scale, then every stage against random
# init on the GV-B mini suite (tools/intern_demo.py).
intern-demo: env
	$(PYTHON) tools/intern_demo.py --evidence

# MetaNet-B1 distilled from EfficientNet-Lite0 on the Tiny ImageNet images
# (configs/distill/, about 35 minutes on 2 cores), exported as the
# backbone checkpoint make demo then starts its detector from. Another
# recipe writes its own checkpoint, e.g.
#   make distill DISTILL_CFG=configs/distill/efficientnet-lite0_to_metanet-b2_tinyimagenet.py DISTILL_OUT=checkpoints/metanet-b2_distilled.pth
DISTILL_CFG ?= configs/distill/efficientnet-lite0_to_metanet-b1_tinyimagenet.py
DISTILL_OUT ?= checkpoints/metanet-b1_distilled.pth
DISTILL_DIR := work_dirs/$(basename $(notdir $(DISTILL_CFG)))
distill: env
	$(PYTHON) tools/train.py $(DISTILL_CFG) --work-dir $(DISTILL_DIR) --resume
	$(PYTHON) tools/model_converters/export_backbone.py \
	    $$(cat $(DISTILL_DIR)/last_checkpoint) $(DISTILL_OUT)

test: env
	$(PYTHON) -m pytest tests -q
