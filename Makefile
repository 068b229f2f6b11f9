# Two commands do everything on a fresh machine:
#   make grade EX=udp_echo [SUB=path/to/folder] [CHECK=check-id] [GRADE_LANG=zh|en] [STRICT=1]
#              [FILE="server=my_server.py client=my_client.py"]   (a misnamed file)
#   make test
#   make batch EX=udp_dict DIR=folder-of-submissions [OUT=...] [JOBS=4] [RESUME=1] [ROSTER=roster.csv]
#              [SCHEDULER=tcp://host:8786]   (a whole class)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EX ?= udp_echo
SUB ?= $(if $(wildcard samples/$(EX)),samples/$(EX),reference/$(EX))
CHECK ?=
FILE ?=
STRICT ?=
GRADE_LANG ?=
N ?= 50
JOBS ?= 8

OUT ?= $(DIR)-graded
RESUME ?=
ROSTER ?=
SCHEDULER ?=

.PHONY: grade batch test list soak bench clean

$(VENV)/.ready: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	$(PY) -m compileall -q grader  # read even where PYTHONDONTWRITEBYTECODE keeps Python from writing them
	touch $@

# A teacher's batch and the tests also take the optional extras: copied work (copydetect) and
# the Dask cluster (distributed); a student's `make grade` never waits for them.
$(VENV)/.extras: $(VENV)/.ready
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[similarity,dask]'
	touch $@

grade: $(VENV)/.ready
	@NETGRADER_VIA_MAKE=1 NETGRADER_MAKE_DIR="$(CURDIR)" $(PY) -m grader grade $(EX) "$(SUB)" $(foreach f,$(FILE),--file "$(f)") $(if $(CHECK),--check $(CHECK)) $(if $(GRADE_LANG),--lang $(GRADE_LANG)) $(if $(STRICT),--strict)

batch: $(VENV)/.extras
	@test -n "$(DIR)" || { echo "usage: make batch EX=udp_dict DIR=folder-of-submissions [OUT=...] [JOBS=4] [RESUME=1] [ROSTER=roster.csv] [SCHEDULER=tcp://host:8786]"; exit 2; }
	@$(PY) -m grader batch $(EX) "$(DIR)" --out "$(OUT)" $(if $(filter command line,$(origin JOBS)),--jobs $(JOBS)) $(if $(RESUME),--resume) $(if $(GRADE_LANG),--lang $(GRADE_LANG)) $(if $(ROSTER),--roster "$(ROSTER)") $(if $(SCHEDULER),--scheduler $(SCHEDULER))

list: $(VENV)/.ready
	@$(PY) -m grader list

test: $(VENV)/.extras
	$(PY) -m pytest

soak: $(VENV)/.ready
	$(PY) tools/soak.py $(N) $(JOBS)

bench: $(VENV)/.extras
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) *.egg-info
