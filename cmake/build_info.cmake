# Writes OUT: the commit this build comes from (`git describe`), for `cutover --version`. Run
# at every build; the file is rewritten only when the commit changes, so nothing rebuilds
# otherwise. Outside a git checkout (a source tarball) the commit is empty.
execute_process(
  COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12
  OUTPUT_VARIABLE commit
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET
  RESULT_VARIABLE failed)
if(failed)
  set(commit "")
endif()
file(WRITE "${OUT}.new" "#pragma once\n#define CUTOVER_COMMIT \"${commit}\"\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.new" "${OUT}")
file(REMOVE "${OUT}.new")
