# SPDX-License-Identifier: BSD-3-Clause
# Run `ghdk run DECK -o OUT` on a bad deck and check that it is refused as bad input: exit status
# 2, a message on stderr matching REGEX, and no output file left behind.
# Usage: cmake -DGHDK=<binary> -DDECK=<deck> -DOUT=<file> -DREGEX=<regex> -P check_bad_deck.cmake
foreach(var GHDK DECK OUT REGEX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_bad_deck.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE "${OUT}")
execute_process(COMMAND "${GHDK}" run "${DECK}" -o "${OUT}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "ghdk run ${DECK}: exit status ${status}, stderr:\n${err}")

set(failures "")
if(NOT status STREQUAL "2")
  string(APPEND failures "exit status ${status}, expected 2 (bad input)\n")
endif()
if(NOT err MATCHES "${REGEX}")
  string(APPEND failures "stderr does not match '${REGEX}'\n")
endif()
if(EXISTS "${OUT}")
  file(REMOVE "${OUT}")
  string(APPEND failures "output file ${OUT} was created\n")
endif()
if(failures)
  message(FATAL_ERROR "${DECK}:\n${failures}")
endif()
