# SPDX-License-Identifier: MIT
# pnpsim_add_driver(<target> SOURCES <file>... [WPP] [KMDF]
#                   [INCLUDE_DIRECTORIES <dir>...] [DEFINITIONS <def>...])
#
# Builds a driver's unmodified sources into a static library that a test links: the WDK
# include directories and -fshort-wchar (through pnpsim::wdk), a C dialect that accepts WDK
# code (gnu17; the warnings WDK code always triggers - multi-character pool tags, unknown
# pragmas such as `#pragma warning`/`alloc_text`, MSVC-only annotations - silenced for this
# target only), case-insensitive resolution of #include names the driver spells in another
# case than the file on disk (a directory of forwarding headers, made at configure time),
# and with WPP, a generated stand-in for every `#include "<name>.tmh"` (pnpsimWpp.cmake)
# that turns WPP_INIT_TRACING, WPP_CLEANUP and the driver's trace functions into calls
# that land in pnpsim's trace. KMDF links pnpsim::kmdf (the KMDF version macros; <wdf.h>
# and the framework itself come with pnpsim::wdk).
#
# Shipped with the installed package (included by pnpsimConfig.cmake) and usable from
# add_subdirectory(pnpsim) (included by pnpsim's top-level CMakeLists.txt).
include_guard(GLOBAL)

set(_PNPSIM_ADD_DRIVER_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "")

# The directory of pnpsim's WDK headers (for case-insensitive matching of <Wdm.h> etc.).
function(_pnpsim_wdk_include_dir out)
  if(DEFINED PNPSIM_WDK_INCLUDE_DIR AND EXISTS "${PNPSIM_WDK_INCLUDE_DIR}")
    set(${out} "${PNPSIM_WDK_INCLUDE_DIR}" PARENT_SCOPE)
    return()
  endif()
  set(${out} "" PARENT_SCOPE)
  if(TARGET pnpsim::wdk)
    get_target_property(_dirs pnpsim::wdk INTERFACE_INCLUDE_DIRECTORIES)
    foreach(_d IN LISTS _dirs)
      if(NOT _d MATCHES "\\$<" AND EXISTS "${_d}/wdm.h")
        set(${out} "${_d}" PARENT_SCOPE)
        return()
      endif()
    endforeach()
  endif()
endfunction()

function(pnpsim_add_driver target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "WPP;KMDF" ""
                        "SOURCES;INCLUDE_DIRECTORIES;DEFINITIONS")
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "pnpsim_add_driver(${target}): SOURCES is required")
  endif()
  if(NOT TARGET pnpsim::wdk)
    message(FATAL_ERROR "pnpsim_add_driver(${target}): pnpsim::wdk is not defined "
                        "(find_package(pnpsim) or add_subdirectory(pnpsim) first)")
  endif()

  set(_sources "")
  foreach(_s IN LISTS ARG_SOURCES)
    get_filename_component(_abs "${_s}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _sources "${_abs}")
  endforeach()

  add_library(${target} STATIC ${_sources})
  target_link_libraries(${target} PUBLIC pnpsim::wdk)
  if(ARG_KMDF)
    if(NOT TARGET pnpsim::kmdf)
      message(FATAL_ERROR "pnpsim_add_driver(${target} ... KMDF): pnpsim::kmdf not found")
    endif()
    target_link_libraries(${target} PUBLIC pnpsim::kmdf)
  endif()
  set_target_properties(${target} PROPERTIES C_STANDARD 17 C_STANDARD_REQUIRED ON
                                             C_EXTENSIONS ON)
  if(ARG_DEFINITIONS)
    target_compile_definitions(${target} PRIVATE ${ARG_DEFINITIONS})
  endif()
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wno-multichar -Wno-unknown-pragmas -Wno-unused-parameter -Wno-unused-function
      -Wno-unused-variable -Wno-unused-but-set-variable -Wno-ignored-attributes
      -Wno-attributes -Wno-missing-field-initializers -Wno-sign-compare)
    if(CMAKE_C_COMPILER_ID MATCHES "Clang")
      target_compile_options(${target} PRIVATE -Wno-unknown-warning-option
        -Wno-microsoft-anon-tag -Wno-ignored-pragma-intrinsic -Wno-pragma-pack
        -Wno-deprecated-non-prototype)
    else()
      target_compile_options(${target} PRIVATE -Wno-pragmas)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /wd4200 /wd4201 /wd4214)
  endif()

  # Directories the driver's #include "..." names are looked up in.
  set(_dirs "")
  foreach(_s IN LISTS _sources)
    get_filename_component(_d "${_s}" DIRECTORY)
    list(APPEND _dirs "${_d}")
  endforeach()
  foreach(_d IN LISTS ARG_INCLUDE_DIRECTORIES)
    get_filename_component(_abs "${_d}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _dirs "${_abs}")
  endforeach()
  list(REMOVE_DUPLICATES _dirs)
  target_include_directories(${target} PRIVATE ${_dirs})

  # Every file the driver could include, by lower-case relative name.
  _pnpsim_wdk_include_dir(_wdkdir)
  set(_search ${_dirs})
  if(_wdkdir)
    list(APPEND _search "${_wdkdir}")
  endif()
  set(_known_lower "")
  set(_known_path "")
  set(_scan_files "")
  foreach(_d IN LISTS _search)
    file(GLOB_RECURSE _files LIST_DIRECTORIES false RELATIVE "${_d}" "${_d}/*.h" "${_d}/*.H"
         "${_d}/*.hpp" "${_d}/*.inc" "${_d}/*.c")
    foreach(_f IN LISTS _files)
      string(TOLOWER "${_f}" _lf)
      list(APPEND _known_lower "${_lf}")
      list(APPEND _known_path "${_d}/${_f}")
      if(NOT _d STREQUAL _wdkdir)
        list(APPEND _scan_files "${_d}/${_f}")
      endif()
    endforeach()
  endforeach()
  list(APPEND _scan_files ${_sources})
  list(REMOVE_DUPLICATES _scan_files)

  set(_gendir "${CMAKE_CURRENT_BINARY_DIR}/${target}_pnpsim")
  set(_cidir "${_gendir}/case")
  set(_tmhdir "${_gendir}/tmh")
  file(MAKE_DIRECTORY "${_cidir}" "${_tmhdir}")

  set(_tmh_outputs "")
  foreach(_f IN LISTS _scan_files)
    file(STRINGS "${_f}" _incs REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<][^\">]+[\">]")
    foreach(_line IN LISTS _incs)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]+)[\">].*$" "\\1" _name
             "${_line}")
      string(REPLACE "\\" "/" _name "${_name}")
      if(_name MATCHES "\\.tmh$")
        if(ARG_WPP)
          set(_out "${_tmhdir}/${_name}")
          if(NOT _out IN_LIST _tmh_outputs)
            list(APPEND _tmh_outputs "${_out}")
          endif()
        endif()
        continue()
      endif()
      # Found exactly in a search directory: nothing to do.
      set(_exact FALSE)
      foreach(_d IN LISTS _search)
        if(EXISTS "${_d}/${_name}")
          set(_exact TRUE)
          break()
        endif()
      endforeach()
      if(_exact)
        continue()
      endif()
      string(TOLOWER "${_name}" _lname)
      list(FIND _known_lower "${_lname}" _i)
      if(_i EQUAL -1)
        continue() # a system header, or one the driver does not ship
      endif()
      list(GET _known_path ${_i} _real)
      set(_fwd "${_cidir}/${_name}")
      if(NOT EXISTS "${_fwd}")
        file(WRITE "${_fwd}"
             "/* Generated by pnpsim_add_driver(${target}): the driver includes \"${_name}\";\n"
             " * the file on disk is spelled \"${_real}\". */\n#include \"${_real}\"\n")
      endif()
    endforeach()
  endforeach()
  target_include_directories(${target} AFTER PRIVATE "${_cidir}")

  if(ARG_WPP)
    target_include_directories(${target} PRIVATE "${_tmhdir}")
    foreach(_out IN LISTS _tmh_outputs)
      add_custom_command(OUTPUT "${_out}"
        COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${_out}" "-DSCAN=${_scan_files}"
                -P "${_PNPSIM_ADD_DRIVER_DIR}/pnpsimWpp.cmake"
        DEPENDS ${_scan_files} "${_PNPSIM_ADD_DRIVER_DIR}/pnpsimWpp.cmake"
        COMMENT "pnpsim: WPP stand-in ${_out}" VERBATIM)
    endforeach()
    if(_tmh_outputs)
      target_sources(${target} PRIVATE ${_tmh_outputs})
    endif()
  endif()
endfunction()
