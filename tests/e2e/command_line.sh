# What ships around the command line: --version, the shell completion scripts and the manual
# page, all generated from the real options. Bash completion is driven as bash drives it
# (COMP_WORDS, the _cutover function, compgen); zsh and fish scripts are syntax-checked where
# those shells are installed.
source "$(dirname "$0")/lib.sh"

run_cutover 0 --version
expect_in out.txt "cutover 0.1.0"
expect_in out.txt "journal format: cutover-journal version 1"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
  # Built from this checkout: the commit it names is one of its commits.
  commit=$(sed -n 's/^cutover [0-9.]* (commit \([0-9a-f]\{12\}\).*/\1/p' out.txt)
  [[ -n $commit ]] || fail "--version names no commit: $(cat out.txt)"
  git -C "$SRC" cat-file -e "$commit^{commit}" || fail "--version names commit $commit, not in the repository"
fi

# ----- bash --------------------------------------------------------------------------------------
run_cutover 0 completion bash
cp out.txt cutover.bash
bash -n cutover.bash || fail "the bash completion script is not valid bash"
mkdir -p .cutover/runs/erp/20261128T170000Z-rehearsal-2 runbooks
touch erp.yaml runbooks/dns.yaml
complete_words() {  # complete_words WORD...: what TAB offers for the last word
  bash -c 'source ./cutover.bash
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
    _cutover
    printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$@"
}
expect_completion() {  # expect_completion "EXPECTED WORDS" WORD...
  local expected=$1
  shift
  local got
  got=$(complete_words "$@" | tr '\n' ' ' | sed 's/ $//')
  [[ $got == "$expected" ]] || fail "cutover ${*}<TAB> offered '$got', expected '$expected'"
}
expect_completion "validate" cutover va
expect_completion "reject report resume rollback run" cutover r
expect_completion "--format" cutover plan --fo
expect_completion "" cutover run --fo
expect_completion "--non-interactive" cutover run --non
expect_completion "csv json markdown text" cutover plan --format ""
expect_completion "--key" cutover approve --k
expect_completion "test" cutover notify ""
expect_completion "--dry-run" cutover notify test --dr
expect_completion "bash fish zsh" cutover completion ""
expect_completion "erp.yaml" cutover validate erp
expect_completion "runbooks" cutover run --run-dir ru
# RUN: run directories, and labels of runs under .cutover/runs.
expect_completion "rehearsal-2" cutover status reh

# ----- zsh and fish: valid scripts of their shells ----------------------------------------------
run_cutover 0 completion zsh
expect_in out.txt "#compdef cutover"
expect_in out.txt "'--format[Output\: text, json, csv or markdown]:TEXT:(text json csv markdown)'"
if command -v zsh >/dev/null; then zsh -n out.txt || fail "the zsh completion script is not valid zsh"; fi
run_cutover 0 completion fish
expect_in out.txt "complete -c cutover -n '__fish_seen_subcommand_from plan' -l format -x -a 'text json csv markdown'"
if command -v fish >/dev/null; then fish --no-execute out.txt || fail "the fish script is not valid fish"; fi
run_cutover 2 completion tcsh
expect_in err.txt "tcsh not in {bash,zsh,fish}"

# ----- the manual page: every command, from the same options ------------------------------------
run_cutover 0 manpage
cp out.txt cutover.1
expect_in cutover.1 '.TH CUTOVER 1 "" "cutover 0.1.0" "User Commands"'
for command in validate plan run resume mark approve signoff verify status report forecast completion; do
  expect_in cutover.1 ".SS \"cutover $command "
done
expect_in cutover.1 '\fB\-\-override\-go\-live\fR \fIREASON\fR'
expect_not_in cutover.1 ".SS \"cutover manpage"
if command -v groff >/dev/null; then
  warnings=$(groff -man -Tutf8 -ww -z cutover.1 2>&1)
  [[ -z $warnings ]] || fail "groff warns about the manual page: $warnings"
fi
# Hidden from the list of commands, as from --help.
run_cutover 2 frobnicate
expect_not_in err.txt "manpage"
