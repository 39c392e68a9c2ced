# The two commands of the README. Both create or reuse .venv/ (see
# tools/setup_env.sh); a re-run with everything installed costs seconds.
PYTHON := .venv/bin/python

.PHONY: env demo test

env:
	bash tools/setup_env.sh

demo: env
	$(PYTHON) tools/demo.py

test: env
	$(PYTHON) -m pytest tests -q
