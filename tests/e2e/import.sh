# cutover import: spreadsheet plans as Excel and LibreOffice save them become runbooks that
# validate; a bad cell is named at its row and column and nothing is written; `plan --format
# csv` reads back the columns they share (a round trip through the ERP template).
source "$(dirname "$0")/lib.sh"

# Excel, where the comma is the decimal mark: a byte-order mark, ';', CRLF, hh:mm estimates, a
# cell with a line break and a ';' in quotes, a column it does not import.
printf '\xEF\xBB\xBFID;Title;Phase;Owner;Estimate;Depends On;Manual;Run;Approvals;Comments\r\n;Freeze postings;prepare;finance;0:30;;"Freeze all postings;\r\nthen call the lead";;;ok\r\nexport;Export open orders;migrate;ops;1:30;freeze-postings;;./export.sh;;\r\ngo;Go / no-go;migrate;lead;0:15;export;;;lead, owner;\r\n' >excel.csv
# "Depends On" is not a column it knows (depends_on is): said in the comment, not guessed.
run_cutover 0 import excel.csv -o erp.yaml
expect_in out.txt "wrote erp.yaml: 3 tasks from excel.csv"
expect_in erp.yaml "# Imported with \`cutover import\` from excel.csv (3 tasks). Columns not imported: Depends On, Comments."
expect_block erp.yaml "  - id: freeze-postings
    title: Freeze postings
    phase: prepare
    owner: finance
    estimate: 30m
    manual: |
      Freeze all postings;
      then call the lead"
expect_block erp.yaml "    gate:
      approvals: [lead, owner]"
run_cutover 0 validate erp.yaml
# The same CSV, the same bytes; to stdout without -o.
run_cutover 0 import excel.csv --id erp
cmp -s out.txt erp.yaml || fail "a second import of the same CSV gave other bytes"

# LibreOffice: ',' separated, LF, a quoted cell with commas, estimates as durations.
printf 'id,title,estimate,depends_on,run\nextract,"Extract orders, customers",45m,,./extract.sh\nload,Load,1h30m,extract,./load.sh\n' >libre.csv
run_cutover 0 import libre.csv -o libre.yaml
run_cutover 0 plan --format csv libre.yaml
expect_in out.txt 'extract,"Extract orders, customers",,,run,45m,2700'

# Bad plans: each bad cell at FILE:ROW:COLUMN, exit 3, nothing written.
printf 'id,estimate,depends_on,run\na,1.5h,,echo a\nb,10m,a x,echo b\na,5m,,echo a\n' >bad.csv
run_cutover 3 import bad.csv -o bad.yaml
expect_in err.txt "bad.csv:2:2: error: '1.5h' is not a duration: 15m, 1h30m or hh:mm like 1:30"
expect_in err.txt "bad.csv:4:1: error: the id 'a' is also row 2's: ids are unique"
expect_in err.txt "bad.csv:3:3: error: 'b' depends on 'x', which is no row's id"
expect_in err.txt "bad.csv: not imported (3 errors); nothing was written"
[[ ! -e bad.yaml ]] || fail "a refused import wrote bad.yaml"
printf 'name,estimate\nx,5m\n' >noid.csv
run_cutover 3 import noid.csv -o noid.yaml
expect_in err.txt "noid.csv:1: error: there is no 'id' column, nor a 'title' to make ids from"
[[ ! -e noid.yaml ]] || fail "a refused import wrote noid.yaml"
run_cutover 2 import missing.csv

# A round trip: the ERP template's plan as CSV, imported, planned again: the same columns.
run_cutover 0 plan --format csv "$SRC/runbooks/erp-go-live.yaml"
cp out.txt erp-plan.csv
run_cutover 0 import erp-plan.csv -o erp2.yaml
run_cutover 0 plan --format csv erp2.yaml
cp out.txt erp2-plan.csv
python3 - <<'PY' || fail "the round trip through plan --format csv changed a shared column"
import csv
def shared(path):
    with open(path, newline="") as f:
        return [[r[k] for k in ("id", "title", "phase", "owner", "estimate", "depends_on")]
                for r in csv.DictReader(f)]
a, b = shared("erp-plan.csv"), shared("erp2-plan.csv")
assert len(a) >= 40 and a == b, (len(a), len(b), [x for x in zip(a, b) if x[0] != x[1]][:1])
PY

# examples/import: the 40-row plan and the runbook it becomes, kept true.
run_cutover 0 import "$SRC/examples/import/plan.csv" --id erp-from-spreadsheet
cmp -s out.txt "$SRC/examples/import/runbook.yaml" ||
  fail "examples/import/runbook.yaml is not what importing examples/import/plan.csv gives"
run_cutover 0 validate --strict "$SRC/examples/import/runbook.yaml"
expect_in out.txt "(40 tasks, 0 warnings)"
