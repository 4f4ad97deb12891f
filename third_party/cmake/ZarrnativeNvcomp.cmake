# Finds nvCOMP's headers for the GPU decode path (include()d where CUDA is
# compiled). zarrnative never links libnvcomp: it dlopens libnvcomp.so.6 at
# run time (cpp/src/gpu/nvcomp/nvcomp_loader.cpp), so the extension imports
# without it. Sets ZARRNATIVE_HAVE_NVCOMP and, when ON, the target
# zarrnative::nvcomp_headers and ZARRNATIVE_NVCOMP_LIBRARY_DIR (the library's
# folder, the loader's last resort).
#
# Where from: the nvidia-libnvcomp-cu13 wheel (the `gpu` extra), through its
# CMake config: found on CMAKE_PREFIX_PATH (scikit-build-core adds the
# wheel's cmake.prefix entry point), else in the wheel of the Python that
# builds, else with -Dnvcomp_ROOT=<prefix> or -DZARRNATIVE_NVCOMP_INCLUDE_DIR=
# <dir of nvcomp.h>. Nothing found: the build goes on without GPU decoding.
set(ZARRNATIVE_HAVE_NVCOMP OFF)
set(ZARRNATIVE_NVCOMP_LIBRARY_DIR "")
if(ZARRNATIVE_NVCOMP STREQUAL "OFF")
  return()
endif()

# The wheel's location, asked of the Python that builds (no import of nvCOMP).
set(_zn_nvcomp_hints "")
if(Python_EXECUTABLE)
  set(_zn_py "${Python_EXECUTABLE}")
else()
  find_program(ZARRNATIVE_PYTHON_FOR_NVCOMP NAMES python3 python)
  set(_zn_py "${ZARRNATIVE_PYTHON_FOR_NVCOMP}")
endif()
if(_zn_py)
  execute_process(
    COMMAND "${_zn_py}" -c "import importlib.util as u; s = u.find_spec('nvidia.libnvcomp'); print(s.submodule_search_locations[0] if s else '')"
    OUTPUT_VARIABLE _zn_wheel OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _zn_rc)
  if(_zn_rc EQUAL 0 AND _zn_wheel)
    list(APPEND _zn_nvcomp_hints "${_zn_wheel}/lib64/cmake/nvcomp" "${_zn_wheel}/lib/cmake/nvcomp")
  endif()
endif()

find_package(nvcomp 6 CONFIG QUIET HINTS ${_zn_nvcomp_hints})
if(nvcomp_FOUND AND nvcomp_INCLUDE_DIR)
  set(_zn_nvcomp_include "${nvcomp_INCLUDE_DIR}")
  set(ZARRNATIVE_NVCOMP_LIBRARY_DIR "${nvcomp_LIBRARY_DIR}")
else()
  # No CMake config: the headers alone (a tarball or a copy of the wheel).
  find_path(ZARRNATIVE_NVCOMP_INCLUDE_DIR nvcomp.h
            HINTS ${_zn_wheel}/include ENV NVCOMP_ROOT PATH_SUFFIXES include)
  if(ZARRNATIVE_NVCOMP_INCLUDE_DIR AND EXISTS "${ZARRNATIVE_NVCOMP_INCLUDE_DIR}/nvcomp/version.h")
    file(STRINGS "${ZARRNATIVE_NVCOMP_INCLUDE_DIR}/nvcomp/version.h" _zn_major REGEX "define NVCOMP_VER_MAJOR")
    if(_zn_major MATCHES "NVCOMP_VER_MAJOR +6")
      set(_zn_nvcomp_include "${ZARRNATIVE_NVCOMP_INCLUDE_DIR}")
      get_filename_component(_zn_prefix "${ZARRNATIVE_NVCOMP_INCLUDE_DIR}" DIRECTORY)
      foreach(_zn_dir lib64 lib)
        if(EXISTS "${_zn_prefix}/${_zn_dir}/libnvcomp.so.6")
          set(ZARRNATIVE_NVCOMP_LIBRARY_DIR "${_zn_prefix}/${_zn_dir}")
          break()
        endif()
      endforeach()
    endif()
  endif()
endif()

if(_zn_nvcomp_include)
  add_library(zarrnative_nvcomp_headers INTERFACE)
  target_include_directories(zarrnative_nvcomp_headers SYSTEM INTERFACE "${_zn_nvcomp_include}")
  add_library(zarrnative::nvcomp_headers ALIAS zarrnative_nvcomp_headers)
  set(ZARRNATIVE_HAVE_NVCOMP ON)
  message(STATUS "zarrnative: nvCOMP headers in ${_zn_nvcomp_include} (loaded at run time)")
elseif(ZARRNATIVE_NVCOMP STREQUAL "ON")
  message(FATAL_ERROR "zarrnative: ZARRNATIVE_NVCOMP=ON but nvCOMP 6 was not found: pip install nvidia-libnvcomp-cu13 "
                      "(the 'gpu' extra) or pass -Dnvcomp_ROOT=<prefix>")
else()
  message(STATUS "zarrnative: nvCOMP not found: no GPU decoding (pip install nvidia-libnvcomp-cu13 to add it)")
endif()
