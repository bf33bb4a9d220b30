# Sanitizer and fuzzing builds (scripts/sanitize.sh configures them in build-asan/ with clang).
#   MSH_SANITIZE   every target with AddressSanitizer + UndefinedBehaviorSanitizer; any UB
#                  report aborts the process, so a test that triggers one fails.
#   MSH_BUILD_FUZZ the libFuzzer targets in fuzz/; needs clang (libFuzzer is clang's), and
#                  compiles every library with coverage feedback for them.
option(MSH_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(MSH_BUILD_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

if(MSH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(MSH_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MSH_BUILD_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++, or use scripts/sanitize.sh")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
