# moonpool-trace on real traces. Writes the traces of sim-leader-bug's
# guide seed (twice), of another seed, of sim-kv and of sim-http, then
# checks show and its filters, diff and stats against what the files hold.
# Inputs: TOOL, LEADER, KV, HTTP, BAD (a file whose line 3 is not JSON),
# WORK_DIR.

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(guide_seed 491362478862404912)

function(write_trace binary seed out)
  execute_process(COMMAND ${binary} --seed ${seed} --trace ${out} --quiet
                  RESULT_VARIABLE code OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT (code EQUAL 0 OR code EQUAL 1) OR NOT EXISTS ${out})
    message(FATAL_ERROR "${binary} --seed ${seed} --trace: exit ${code}: ${err}")
  endif()
endfunction()

# Runs the tool; sets out, err and code in the caller.
function(tool)
  execute_process(COMMAND ${TOOL} ${ARGN} RESULT_VARIABLE c OUTPUT_VARIABLE o ERROR_VARIABLE e)
  set(out "${o}" PARENT_SCOPE)
  set(err "${e}" PARENT_SCOPE)
  set(code "${c}" PARENT_SCOPE)
endfunction()

function(expect_code expected what)
  if(NOT code EQUAL ${expected})
    message(FATAL_ERROR "${what}: expected exit ${expected}, got ${code}\n${out}\n${err}")
  endif()
endfunction()

# How many lines of `file` match `regex`.
function(count_lines file regex result)
  file(STRINGS ${file} matching REGEX "${regex}")
  list(LENGTH matching n)
  set(${result} ${n} PARENT_SCOPE)
endfunction()

# The rows `show` printed (its output without the header line).
function(rows_of text result)
  string(REPLACE ";" "," text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  list(FILTER lines EXCLUDE REGEX "^$")
  list(POP_FRONT lines header)
  if(NOT header MATCHES "^time +host +task +event +fields$")
    message(FATAL_ERROR "show printed no header: '${header}'")
  endif()
  set(${result} "${lines}" PARENT_SCOPE)
endfunction()

set(a ${WORK_DIR}/a.jsonl)
set(b ${WORK_DIR}/b.jsonl)
set(c ${WORK_DIR}/c.jsonl)
write_trace(${LEADER} ${guide_seed} ${a})
write_trace(${LEADER} ${guide_seed} ${b})
write_trace(${LEADER} 7 ${c})
write_trace(${KV} 1 ${WORK_DIR}/kv.jsonl)
write_trace(${HTTP} 1 ${WORK_DIR}/http.jsonl)
count_lines(${a} "." records)

# stats: every event has a name (no kind.<n>, no generic world.event), and
# the counts are the file's.
foreach(trace ${a} ${c} ${WORK_DIR}/kv.jsonl ${WORK_DIR}/http.jsonl)
  tool(stats ${trace})
  expect_code(0 "stats ${trace}")
  if(out MATCHES "kind\\.[0-9]+|world\\.event")
    message(FATAL_ERROR "stats ${trace}: an event without a name:\n${out}")
  endif()
endforeach()
tool(stats ${a})
count_lines(${a} "\"event\":\"net.connect\"" connects)
if(NOT out MATCHES " ${records} records, 1 seed, simulated time 0.000000000s to 11.354117000s"
   OR NOT out MATCHES "\n +${connects}  net.connect\n")
  message(FATAL_ERROR "stats: expected ${records} records and ${connects} net.connect:\n${out}")
endif()

# show: one row per record, named fields, endpoints.
tool(show ${a})
expect_code(0 "show")
rows_of("${out}" rows)
list(LENGTH rows shown)
if(NOT shown EQUAL records)
  message(FATAL_ERROR "show printed ${shown} rows for ${records} records")
endif()
if(NOT out MATCHES "11.154104000s +node-2 +node-2 +net.connect +conn=25 from=10.0.1.3:49160 to=10.0.1.1:9000\n")
  message(FATAL_ERROR "show: the guide's connect of conn 25 is not there:\n${out}")
endif()

# The filters: each row shown passes, and as many as the file holds.
foreach(filter "--host;node-2;\"host\":\"node-2\"" "--task;vote;\"task\":\"vote\""
               "--event;net.partition;\"event\":\"net.partition\""
               "--event;net.;\"event\":\"net\\.")
  list(GET filter 0 flag)
  list(GET filter 1 value)
  list(GET filter 2 regex)
  tool(show ${a} ${flag} ${value})
  expect_code(0 "show ${flag} ${value}")
  rows_of("${out}" rows)
  list(LENGTH rows shown)
  count_lines(${a} "${regex}" expected)
  if(NOT shown EQUAL expected OR expected EQUAL 0)
    message(FATAL_ERROR "show ${flag} ${value}: ${shown} rows, the file has ${expected}")
  endif()
endforeach()
tool(show ${a} --host node-2 --event net.transmit)
rows_of("${out}" rows)
foreach(row IN LISTS rows)
  if(NOT row MATCHES "^[0-9.]+s +node-2 +[^ ]+ +net\\.transmit ")
    message(FATAL_ERROR "show --host node-2 --event net.transmit printed: ${row}")
  endif()
endforeach()
tool(show ${a} --from 8.6 --to 8.7s)
expect_code(0 "show --from --to")
rows_of("${out}" rows)
list(LENGTH rows shown)
file(STRINGS ${a} all_lines)
set(expected 0)
foreach(line IN LISTS all_lines)
  string(REGEX MATCH "\"t_ns\":([0-9]+)" ignored "${line}")
  if(CMAKE_MATCH_1 GREATER_EQUAL 8600000000 AND CMAKE_MATCH_1 LESS_EQUAL 8700000000)
    math(EXPR expected "${expected} + 1")
  endif()
endforeach()
if(NOT shown EQUAL expected OR expected EQUAL 0)
  message(FATAL_ERROR "show --from 8.6 --to 8.7s: ${shown} rows, the file has ${expected}")
endif()

# diff: the same seed twice is identical; another seed parts at the first
# record that differs once seeds are set aside.
tool(diff ${a} ${b})
expect_code(0 "diff of one seed's two traces")
if(NOT out STREQUAL "identical: ${records} records (seeds ignored)\n")
  message(FATAL_ERROR "diff of one seed's two traces: ${out}")
endif()
file(STRINGS ${c} c_lines)
set(first 0)
foreach(line_a line_c IN ZIP_LISTS all_lines c_lines)
  string(REGEX REPLACE "^{\"seed\":\"[0-9]+\"," "" line_a "${line_a}")
  string(REGEX REPLACE "^{\"seed\":\"[0-9]+\"," "" line_c "${line_c}")
  math(EXPR first "${first} + 1")
  if(NOT line_a STREQUAL line_c)
    break()
  endif()
endforeach()
tool(diff ${a} ${c} --context 2)
expect_code(1 "diff of two seeds")
if(NOT out MATCHES "^traces differ at record ${first}: A '[^']*' line ${first}, B '[^']*' line ${first}\n"
   OR NOT out MATCHES "seed ${guide_seed}; B: [0-9]+ records, seed 7;")
  message(FATAL_ERROR "diff of two seeds: expected record ${first}:\n${out}")
endif()
# A trace cut short parts where it ends.
list(SUBLIST all_lines 0 100 head)
list(JOIN head "\n" head)
file(WRITE ${WORK_DIR}/head.jsonl "${head}\n")
tool(diff ${a} ${WORK_DIR}/head.jsonl)
expect_code(1 "diff against a prefix")
if(NOT out MATCHES "^traces differ at record 101: " OR NOT out MATCHES "B \\(B ends here, after 100 records\\)")
  message(FATAL_ERROR "diff against a prefix:\n${out}")
endif()

# A malformed line is named by its file and number.
tool(show ${BAD})
expect_code(2 "show of a malformed file")
if(NOT err MATCHES "^moonpool-trace: [^\n]*not-a-trace.jsonl:3: not JSON[^\n]*\n$")
  message(FATAL_ERROR "show of a malformed file: ${err}")
endif()
message(STATUS "moonpool-trace: ${records} records shown, filtered, compared and counted")
