# Finds the system libraries zarrnative links, as imported targets
# zarrnative::<name>. Each missing one stops the configure step with the
# Debian package to install (third_party/install-deps.sh installs them all).
find_package(PkgConfig)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "zarrnative: pkg-config is missing: install the Debian package 'pkg-config' "
                      "(or run third_party/install-deps.sh)")
endif()

function(zarrnative_find_pkg name module debian_package)
  pkg_check_modules(ZN_${name} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ZN_${name}_FOUND)
    message(FATAL_ERROR "zarrnative: library '${module}' not found: install the Debian package "
                        "'${debian_package}' (or run third_party/install-deps.sh)")
  endif()
  add_library(zarrnative::${name} ALIAS PkgConfig::ZN_${name})
  message(STATUS "zarrnative: found ${module} ${ZN_${name}_VERSION}")
endfunction()

zarrnative_find_pkg(zstd libzstd libzstd-dev)
zarrnative_find_pkg(zlib zlib zlib1g-dev)
zarrnative_find_pkg(deflate libdeflate libdeflate-dev)
zarrnative_find_pkg(blosc blosc libblosc-dev)
zarrnative_find_pkg(lz4 liblz4 liblz4-dev)
zarrnative_find_pkg(isal libisal libisal-dev)
zarrnative_find_pkg(lzma liblzma liblzma-dev)

# zfp: by header and library (its CMake package asks for OpenMP in C, which
# this C++ project does not enable; the shared library carries its own).
find_path(ZN_ZFP_INCLUDE_DIR zfp.h)
find_library(ZN_ZFP_LIBRARY zfp)
if(NOT ZN_ZFP_INCLUDE_DIR OR NOT ZN_ZFP_LIBRARY)
  message(FATAL_ERROR "zarrnative: libzfp not found: install the Debian package 'libzfp-dev' "
                      "(or run third_party/install-deps.sh)")
endif()
add_library(zarrnative_zfp INTERFACE)
target_include_directories(zarrnative_zfp INTERFACE "${ZN_ZFP_INCLUDE_DIR}")
target_link_libraries(zarrnative_zfp INTERFACE "${ZN_ZFP_LIBRARY}")
add_library(zarrnative::zfp ALIAS zarrnative_zfp)
message(STATUS "zarrnative: found zfp ${ZN_ZFP_LIBRARY}")

find_package(BZip2 QUIET)
if(NOT BZip2_FOUND)
  message(FATAL_ERROR "zarrnative: libbz2 not found: install the Debian package 'libbz2-dev' "
                      "(or run third_party/install-deps.sh)")
endif()
add_library(zarrnative::bz2 ALIAS BZip2::BZip2)

find_package(nlohmann_json 3.10 CONFIG QUIET)
if(NOT nlohmann_json_FOUND)
  message(FATAL_ERROR "zarrnative: nlohmann-json not found: install the Debian package "
                      "'nlohmann-json3-dev' (or run third_party/install-deps.sh)")
endif()
