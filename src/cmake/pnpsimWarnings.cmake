# SPDX-License-Identifier: MIT
# Warning and sanitizer settings shared by pnpsim's own targets.
function(pnpsim_target_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4)
    if(PNPSIM_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                           -Wstrict-prototypes -Wno-unused-parameter)
    if(PNPSIM_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

function(pnpsim_target_sanitize target)
  if(PNPSIM_SANITIZE AND NOT MSVC)
    string(REPLACE ";" "," _san "${PNPSIM_SANITIZE}")
    target_compile_options(${target} PUBLIC -fsanitize=${_san} -fno-omit-frame-pointer
                           -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=${_san})
  endif()
endfunction()
