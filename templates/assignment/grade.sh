#!/bin/sh
# Grades every exercise folder of this repository (udp_dict/, tcp_upload/, ...) as CI does:
#   ./grade.sh                       the reports go to reports/ (JSON, JUnit, HTML, the transcript)
#   ./grade.sh --classroom --github  on GitHub: the Classroom result, annotations, the job summary
# Exit status: 0 every exercise passed, 1 a required check failed, 2 nothing could be graded.
set -u
mkdir -p reports
known=$(grader list | cut -d' ' -f1)
status=0
found=0
for folder in */; do
  exercise=${folder%/}
  echo "$known" | grep -qx "$exercise" || continue
  found=1
  echo "== $exercise"
  grader grade "$exercise" "$exercise" --lang "${GRADE_LANG:-zh}" \
    --json "reports/$exercise.json" --junit "reports/$exercise.junit.xml" --html "reports/$exercise.html" \
    "$@" > "reports/$exercise.txt"
  graded=$?
  cat "reports/$exercise.txt"
  [ "$graded" -gt "$status" ] && status=$graded
done
if [ "$found" = 0 ]; then
  echo "grade.sh: no exercise folder here; name each after its exercise: $(echo $known)" >&2
  exit 2
fi
exit "$status"
