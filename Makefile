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
ifeq ($(origin SUB),undefined)
SUB := $(if $(wildcard samples/$(EX)),samples/$(EX),reference/$(EX))
endif
CHECK ?=
FILE ?=
STRICT ?=
GRADE_LANG ?=
N ?= 50
JOBS ?= 8

ifeq ($(origin OUT),undefined)
OUT := $(value DIR)-graded
endif
RESUME ?=
ROSTER ?=
SCHEDULER ?=

# What a user names (a folder, a file) is taken literally: never expanded by make (a folder
# named `s01$(shell ...)` runs nothing), never exported to a recipe (make would expand it then),
# and given to the shell as one single-quoted word.
NAMED := EX SUB CHECK FILE GRADE_LANG DIR OUT ROSTER SCHEDULER JOBS N
unexport $(NAMED)
literal = '$(subst ','\'',$(value $1))'
literals = $(foreach w,$(value $1),'$(subst ','\'',$(w))')

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
	@NETGRADER_VIA_MAKE=1 NETGRADER_MAKE_DIR='$(CURDIR)' $(PY) -m grader grade $(call literal,EX) $(call literal,SUB) $(foreach f,$(call literals,FILE),--file $(f)) $(if $(value CHECK),--check $(call literal,CHECK)) $(if $(value GRADE_LANG),--lang $(call literal,GRADE_LANG)) $(if $(STRICT),--strict)

batch: $(VENV)/.extras
	@test -n $(call literal,DIR) || { echo "usage: make batch EX=udp_dict DIR=folder-of-submissions [OUT=...] [JOBS=4] [RESUME=1] [ROSTER=roster.csv] [SCHEDULER=tcp://host:8786]"; exit 2; }
	@$(PY) -m grader batch $(call literal,EX) $(call literal,DIR) --out $(call literal,OUT) $(if $(filter command line,$(origin JOBS)),--jobs $(call literal,JOBS)) $(if $(RESUME),--resume) $(if $(value GRADE_LANG),--lang $(call literal,GRADE_LANG)) $(if $(value ROSTER),--roster $(call literal,ROSTER)) $(if $(value SCHEDULER),--scheduler $(call literal,SCHEDULER))

list: $(VENV)/.ready
	@$(PY) -m grader list

test: $(VENV)/.extras
	$(PY) -m pytest

soak: $(VENV)/.ready
	$(PY) tools/soak.py $(call literal,N) $(call literal,JOBS)

bench: $(VENV)/.extras
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) *.egg-info
