# SPDX-License-Identifier: BSD-3-Clause
# The real binary on bad decks: each must exit with status 2 before writing anything, with a
# message naming the deck (and line) or the key. Decks run from tests/cli, so messages carry the
# short name given on the command line.
function(ghdk_bad_deck_test name regex)
  add_test(NAME cli_bad_${name}
           COMMAND ${CMAKE_COMMAND} -DGHDK=$<TARGET_FILE:ghdk_cli> -DDECK=${name}.lua
                   -DOUT=${CMAKE_CURRENT_BINARY_DIR}/cli_bad_${name}.nc "-DREGEX=${regex}"
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/cli/check_bad_deck.cmake
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/cli)
endfunction()

# A check script run on the real binary: /usr/bin/python3 tests/cli/SCRIPT GHDK SOURCE [ARGS...],
# each script printing one line per comparison with its tolerance. LABEL (slow, mpi) marks the
# runs CI takes at reduced resolution or in the MPI build; they get half an hour.
function(ghdk_cli_check name script)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "LABEL" "")
  add_test(NAME ${name}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/${script}
                   $<TARGET_FILE:ghdk_cli> ${PROJECT_SOURCE_DIR} ${arg_UNPARSED_ARGUMENTS})
  if(arg_LABEL)
    set_tests_properties(${name} PROPERTIES LABELS ${arg_LABEL} TIMEOUT 1800)
  endif()
endfunction()

ghdk_bad_deck_test(syntax_error "^ghdk: syntax_error\\.lua:5: .*near")
ghdk_bad_deck_test(missing_key "^ghdk: missing_key\\.lua: missing required key 'model\\.name'")
ghdk_bad_deck_test(unknown_key
                   "^ghdk: unknown_key\\.lua: unknown key 'grid\\.NN' \\(known keys in 'grid': ")
ghdk_bad_deck_test(negative_temperature
                   "^ghdk: negative_temperature\\.lua: key 'state\\.T' = -1 out of range: must be > 0")
ghdk_bad_deck_test(zero_grid "^ghdk: zero_grid\\.lua: key 'grid\\.N' = 0 out of range")
ghdk_bad_deck_test(os_execute
                   "^ghdk: os_execute\\.lua:4: attempt to index a nil value \\(global 'os'\\) \\(decks are sandboxed")
ghdk_bad_deck_test(string_find
                   "^ghdk: string_find\\.lua:5: attempt to call a nil value \\(method 'find'\\) \\(decks are sandboxed")
ghdk_bad_deck_test(huge_grid
                   "^ghdk: huge_grid\\.lua: space\\.nx x grid\\.N x model\\.species = 1000000 x 1048576 x 1 is more than 268435456 values")
ghdk_bad_deck_test(io_open
                   "^ghdk: io_open\\.lua:4: attempt to index a nil value \\(global 'io'\\) \\(decks are sandboxed")

# The real binary on the default case at reduced resolution, the file read back with netCDF4.
ghdk_cli_check(cli_output_contract check_output.py)

# Homogeneous quenches through the real binary at reduced resolution: conservation, H-theorem,
# relaxation targets and late-time rates (tests/cli/check_quench.py states each tolerance).
foreach(case coupled_ll relaxation)
  ghdk_cli_check(cli_quench_${case} check_quench.py ${case})
endforeach()

# The phi^4 pre-thermal quench through the binary (kind prethermal), read back with netCDF4.
ghdk_cli_check(cli_prethermal check_prethermal.py)

# phi6: the rate fitted from the quench equals ghdk rates; entropy at twice the rate (slow).
ghdk_cli_check(cli_phi6_rate check_phi6_rate.py LABEL slow)

# phi6, SM Fig. 3: the low-temperature rate of ghdk rates is activated with energy 3 m, both
# coefficient sets (tests/cli/check_phi6_gamma.py states the tolerances; slow).
ghdk_cli_check(cli_phi6_gamma check_phi6_gamma.py LABEL slow)

# Checkpoints and restarts: SIGKILL and SIGINT mid-run, restart bit-for-bit, hostile checkpoints
# and outputs (tests/cli/check_restart.py), for an Adams ghd run and a BDF run with collisions.
foreach(case partition relaxation)
  ghdk_cli_check(cli_restart_${case} check_restart.py ${case})
endforeach()

# Failure handling: CVODE giving up (named value, checkpoint, restart with other settings), a
# full disk (RLIMIT_FSIZE), missing and read-only directories (tests/cli/check_failure.py).
ghdk_cli_check(cli_failure check_failure.py)

# Threads and ranks: `--threads 2` and `mpirun -np 2` against one thread on one rank, on
# partition (open and periodic) and newton_cradle at reduced resolution (check_parallel.py
# states the tolerances: bit-identical threads, 1e-10 across ranks). The MPI test exists only in
# a build with GHDK_MPI (`make test` configures one in build-mpi and runs its label mpi).
if(GHDK_OPENMP AND OpenMP_C_FOUND)
  ghdk_cli_check(cli_threads check_parallel.py threads)
endif()
if(GHDK_MPI)
  ghdk_cli_check(cli_mpi_slabs check_parallel.py mpi ${MPIEXEC_EXECUTABLE} LABEL mpi)
endif()

# The phi6 bipartition at a reduced grid: energy conserved, momentum grows at the pressure
# difference of the two ends, entropy never decreases (check_phi6_partition.py; slow).
ghdk_cli_check(cli_phi6_partition check_phi6_partition.py LABEL slow)

# The Newton's cradle with the relaxation closure at a reduced grid: completes with most targets
# truncated by the window, reports them, conserves N_a, N_b, keeps P = 0, entropy never
# decreases and exceeds the run without relaxation (check_cradle_relaxation.py; slow).
ghdk_cli_check(cli_cradle_relaxation check_cradle_relaxation.py LABEL slow)
