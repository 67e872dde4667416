# The runtime half of the Python package, rong._rong_runtime (Session,
# TensorSpec, the exceptions). It links only Rong's runtime, so two builds
# make it: the full build (python/CMakeLists.txt), next to the compiler
# module rong._rong, and the runtime's own build on a machine without LLVM
# (lib/Runtime/CMakeLists.txt with -DRONG_RUNTIME_PYTHON=ON), where it is
# the whole package: Python can load and run artifacts compiled elsewhere.
#
# Needs pybind11's CMake package and dlpack/dlpack.h (RONG_DLPACK_INCLUDE).

set(RONG_PYTHON_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}")

# rong_add_runtime_python_module(PACKAGE_DIR VERSION): builds the module into
# PACKAGE_DIR (the `rong` folder of an importable tree).
function(rong_add_runtime_python_module package_dir version)
  find_path(RONG_DLPACK_INCLUDE dlpack/dlpack.h)
  if(NOT RONG_DLPACK_INCLUDE)
    message(FATAL_ERROR "The Python module needs dlpack/dlpack.h (Debian: "
                        "libdlpack-dev), or -DRONG_DLPACK_INCLUDE=<dir> "
                        "naming a folder that holds it")
  endif()
  set(src "${RONG_PYTHON_SOURCE_DIR}/src")
  # NO_EXTRAS: no LTO and no stripping; the libraries it links are built
  # without LTO and the link stays fast.
  pybind11_add_module(_rong_runtime MODULE NO_EXTRAS
    "${src}/DLPackTensors.cpp"
    "${src}/RuntimeBindings.cpp"
    "${src}/RuntimeModule.cpp"
  )
  # pybind11 reports errors to Python with C++ exceptions.
  target_compile_options(_rong_runtime PRIVATE -fexceptions)
  target_compile_definitions(_rong_runtime PRIVATE
    RONG_VERSION_STRING="${version}")
  target_include_directories(_rong_runtime SYSTEM PRIVATE
    "${RONG_DLPACK_INCLUDE}")
  target_link_libraries(_rong_runtime PRIVATE RongRuntime)
  set_target_properties(_rong_runtime PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY "${package_dir}")
endfunction()

# rong_link_python_files(PACKAGE_DIR TARGET): symlinks python/rong/*.py into
# PACKAGE_DIR (an edit shows without a rebuild; new files are picked up at
# the next build) and adds TARGET, which makes the links.
function(rong_link_python_files package_dir target)
  file(GLOB sources CONFIGURE_DEPENDS "${RONG_PYTHON_SOURCE_DIR}/rong/*.py")
  set(links)
  foreach(source ${sources})
    get_filename_component(name ${source} NAME)
    set(link "${package_dir}/${name}")
    add_custom_command(
      OUTPUT ${link}
      COMMAND ${CMAKE_COMMAND} -E make_directory "${package_dir}"
      COMMAND ${CMAKE_COMMAND} -E create_symlink ${source} ${link}
      DEPENDS ${source}
      COMMENT "Linking python/rong/${name} into the build tree")
    list(APPEND links ${link})
  endforeach()
  add_custom_target(${target} ALL DEPENDS ${links})
  set(RONG_PYTHON_SOURCES ${sources} PARENT_SCOPE)
endfunction()
