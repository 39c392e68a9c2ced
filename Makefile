# The two commands of the README. Both create or reuse .venv/ (see
# tools/setup_env.sh); a re-run with everything installed costs seconds.
PYTHON := .venv/bin/python

.PHONY: env demo intern-demo test

env:
	bash tools/setup_env.sh

demo: env
	$(PYTHON) tools/demo.py

# The INTERN stage pipeline at tiny scale, then every stage against random
# init on the GV-B mini suite (tools/intern_demo.py).
intern-demo: env
	$(PYTHON) tools/intern_demo.py --evidence

test: env
	$(PYTHON) -m pytest tests -q
