# --report-html in a real browser (headless Chromium, no display needed).
#
# FAILING_BINARY (a demo whose seeds fail) and EXPLORING_BINARY (a demo whose
# --explore finds bugs) each write an HTML report beside their JSON one.
# Each page is opened by Chromium twice: a screenshot (which must be a real
# 1280x2000 PNG with something drawn on it) and a DOM dump after the page
# scripts ran, which must hold the summary, one row per assertion, every
# failing seed's replay command exactly as the JSON has it, the seed chart,
# and (exploring) the multiverse tree with every kept bug's replay command.
# The page must have run its script to the end without an error
# (data-page-status="ok"), and Chromium's console log must hold no message.
# Writing the page must not change the run: the same seeds without
# --report-html give the same trace hashes. Last, a copy of a page with a
# script that throws must be caught by these same checks, so that they are
# known to be able to fail.
#
# CHROMIUM: the browser (empty when CMake found none). WORK_DIR: scratch.

if(NOT CHROMIUM)
  message(FATAL_ERROR "chromium not found: install it (Debian package 'chromium', scripts/setup.sh) "
                      "and configure again")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run_demo expected_exit)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE exit_code OUTPUT_QUIET ERROR_VARIABLE err
                  TIMEOUT 120)
  if(NOT exit_code EQUAL expected_exit)
    message(FATAL_ERROR "'${ARGN}' exited ${exit_code}, expected ${expected_exit}: ${err}")
  endif()
endfunction()

function(trace_hashes json_file out_var)
  file(READ ${json_file} json)
  string(JSON count LENGTH "${json}" seeds)
  set(hashes "")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON hash GET "${json}" seeds ${i} trace_hash)
      list(APPEND hashes ${hash})
    endforeach()
  endif()
  set(${out_var} "${hashes}" PARENT_SCOPE)
endfunction()

# The text as the DOM serializer writes it between tags.
function(as_dom_text text out_var)
  string(REPLACE "&" "&amp;" text "${text}")
  string(REPLACE "<" "&lt;" text "${text}")
  string(REPLACE ">" "&gt;" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

function(count_matches text pattern out_var)
  string(REGEX MATCHALL "${pattern}" found "${text}")
  list(LENGTH found count)
  set(${out_var} ${count} PARENT_SCOPE)
endfunction()

# Chromium, headless, with a profile of its own in WORK_DIR; `log_file` gets
# its log (console messages included).
function(run_chromium log_file stdout_file)
  execute_process(
    COMMAND ${CHROMIUM} --headless --no-sandbox --disable-gpu --no-first-run
            --disable-extensions --disable-background-networking --disable-component-update
            --user-data-dir=${WORK_DIR}/chromium-profile --enable-logging=stderr --v=0 ${ARGN}
    RESULT_VARIABLE exit_code OUTPUT_FILE ${stdout_file} ERROR_FILE ${log_file} TIMEOUT 90)
  if(NOT exit_code EQUAL 0)
    file(READ ${log_file} log)
    message(FATAL_ERROR "chromium ${ARGN} exited ${exit_code}: ${log}")
  endif()
endfunction()

# Appends to `problems_var` what is wrong with a screenshot of `name`.html.
function(check_screenshot name problems_var)
  set(problems "${${problems_var}}")
  run_chromium(${WORK_DIR}/${name}-shot.log ${WORK_DIR}/${name}-shot.out
               --screenshot=${WORK_DIR}/${name}.png --window-size=1280,2000
               ${WORK_DIR}/${name}.html)
  if(NOT EXISTS ${WORK_DIR}/${name}.png)
    list(APPEND problems "no screenshot")
  else()
    # A PNG (signature), 1280x2000 (IHDR), and more than a blank page of
    # that size weighs (about 12 KB).
    file(READ ${WORK_DIR}/${name}.png head LIMIT 24 HEX)
    file(SIZE ${WORK_DIR}/${name}.png png_bytes)
    if(NOT head MATCHES "^89504e470d0a1a0a0000000d4948445200000500000007d0")
      list(APPEND problems "the screenshot is not a 1280x2000 PNG (${head})")
    endif()
    if(png_bytes LESS 40000)
      list(APPEND problems "the screenshot is nearly blank (${png_bytes} bytes)")
    endif()
    set(png_bytes ${png_bytes} PARENT_SCOPE)
  endif()
  set(${problems_var} "${problems}" PARENT_SCOPE)
endfunction()

# Sets `problems_var` to what is wrong with the page `name`.html, checked
# against `name`.json; empty when nothing is. `screenshot`: take one too.
function(check_page name screenshot problems_var)
  set(page ${WORK_DIR}/${name}.html)
  set(problems "")
  set(png_bytes "no")
  file(WRITE ${WORK_DIR}/${name}-shot.log "")
  if(screenshot)
    check_screenshot(${name} problems)
  endif()

  run_chromium(${WORK_DIR}/${name}-dom.log ${WORK_DIR}/${name}.dom --dump-dom ${page})
  file(READ ${WORK_DIR}/${name}.dom dom)
  file(READ ${WORK_DIR}/${name}-dom.log log)
  file(READ ${WORK_DIR}/${name}-shot.log shot_log)
  string(APPEND log "${shot_log}")
  string(REGEX MATCHALL "[^\n]*(CONSOLE|Uncaught)[^\n]*" console "${log}")
  if(console)
    list(APPEND problems "the console has messages: ${console}")
  endif()
  if(NOT dom MATCHES "<html[^>]* data-page-status=\"ok\"")
    string(REGEX MATCH "<div id=\"page-errors\"[^<]*" errors "${dom}")
    list(APPEND problems "the page script did not finish cleanly: ${errors}")
  endif()

  file(READ ${WORK_DIR}/${name}.json json)
  string(JSON iterations GET "${json}" iterations)
  string(JSON failed GET "${json}" failed)
  if(NOT dom MATCHES "<section id=\"summary\" data-seeds-run=\"${iterations}\" data-passed=\"[0-9]+\" data-failed=\"${failed}\"")
    list(APPEND problems "no summary of ${iterations} seeds, ${failed} failed")
  endif()
  string(JSON assertion_count LENGTH "${json}" assertions)
  count_matches("${dom}" "<tr data-assertion-row=\"\" data-status=\"(pass|fail|miss)\">" rows)
  if(NOT rows EQUAL assertion_count OR rows EQUAL 0)
    list(APPEND problems "${rows} assertion rows for ${assertion_count} assertions")
  endif()
  string(JSON seed_count LENGTH "${json}" seeds)
  if(NOT dom MATCHES "<svg id=\"seed-chart\"[^>]* data-seeds=\"${seed_count}\"")
    list(APPEND problems "no seed chart of ${seed_count} seeds")
  endif()

  # Every failing seed, with its replay command as the JSON has it.
  set(replays "")
  math(EXPR last "${seed_count} - 1")
  foreach(i RANGE ${last})
    string(JSON ok GET "${json}" seeds ${i} ok)
    if(NOT ok)
      string(JSON replay GET "${json}" seeds ${i} replay)
      list(APPEND replays "${replay}")
    endif()
  endforeach()
  string(JSON has_exploration ERROR_VARIABLE no_exploration GET "${json}" exploration)
  if(NOT no_exploration)
    string(JSON bug_count LENGTH "${json}" exploration failures)
    count_matches("${dom}" "data-node=\"bug\"" bug_nodes)
    count_matches("${dom}" "<li class=\"root\" data-node=\"root\"" root_nodes)
    count_matches("${dom}" "<span class=\"fork\" data-node=\"fork\"" fork_nodes)
    if(NOT bug_nodes EQUAL bug_count OR bug_count EQUAL 0 OR NOT root_nodes EQUAL seed_count
       OR fork_nodes EQUAL 0)
      list(APPEND problems "multiverse tree: ${root_nodes} roots for ${seed_count} seeds, "
                           "${fork_nodes} forks, ${bug_nodes} bugs for ${bug_count} kept")
    endif()
    math(EXPR last "${bug_count} - 1")
    foreach(i RANGE ${last})
      string(JSON replay GET "${json}" exploration failures ${i} replay)
      list(APPEND replays "${replay}")
    endforeach()
  endif()
  list(LENGTH replays replay_count)
  if(replay_count EQUAL 0)
    list(APPEND problems "the run has no failure to show (the demo no longer fails?)")
  endif()
  foreach(replay IN LISTS replays)
    as_dom_text("${replay}" expected)
    string(FIND "${dom}" "data-replay=\"\">${expected}</code><button type=\"button\" class=\"copy\"" at)
    if(at EQUAL -1)
      list(APPEND problems "no replay command '${replay}' with a copy button")
    endif()
  endforeach()
  set(${problems_var} "${problems}" PARENT_SCOPE)
  message(STATUS "${name}.html: ${seed_count} seeds, ${rows} assertions, ${replay_count} replay "
                 "commands, screenshot: ${png_bytes} bytes")
endfunction()

# A failing run, with the page and without: the same trace hashes.
run_demo(1 ${FAILING_BINARY} --iterations 100 --quiet --report-json ${WORK_DIR}/failing.json
         --report-html ${WORK_DIR}/failing.html)
run_demo(1 ${FAILING_BINARY} --iterations 100 --quiet --report-json ${WORK_DIR}/without.json)
trace_hashes(${WORK_DIR}/failing.json with_page)
trace_hashes(${WORK_DIR}/without.json without_page)
if(NOT with_page STREQUAL without_page)
  message(FATAL_ERROR "--report-html changed the run's trace hashes")
endif()
check_page(failing TRUE failing_problems)

# An exploration that finds bugs.
run_demo(1 ${EXPLORING_BINARY} --explore --iterations 2 --jobs 1 --quiet
         --report-json ${WORK_DIR}/exploring.json --report-html ${WORK_DIR}/exploring.html)
check_page(exploring TRUE exploring_problems)

if(failing_problems OR exploring_problems)
  list(JOIN failing_problems "\n  " failing_text)
  list(JOIN exploring_problems "\n  " exploring_text)
  message(FATAL_ERROR "failing.html:\n  ${failing_text}\nexploring.html:\n  ${exploring_text}")
endif()

# The same checks must catch a page whose script throws.
file(READ ${WORK_DIR}/failing.html page)
string(REPLACE "</body>" "<script>document.body.querySelector('#no-such-thing').click();</script></body>"
       page "${page}")
file(WRITE ${WORK_DIR}/broken.html "${page}")
file(COPY_FILE ${WORK_DIR}/failing.json ${WORK_DIR}/broken.json)
check_page(broken FALSE broken_problems)
if(NOT broken_problems MATCHES "page script did not finish cleanly"
   OR NOT broken_problems MATCHES "console has messages")
  message(FATAL_ERROR "a page whose script throws passed the checks: ${broken_problems}")
endif()
message(STATUS "a page whose script throws is caught: ${broken_problems}")
