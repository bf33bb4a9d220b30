# Where `cmake --install` and the .deb put things (GNUInstallDirs: bin/, share/): the one
# place for the layout. cmake/install.cmake installs by it; harness/CMakeLists.txt tells the
# harness where its scenarios are relative to its own binary, so that an installed
# mcp-harness finds them by name (harness/src/scenario/scenario_search.hpp).
include(GNUInstallDirs)
set(MSH_PACKAGE_NAME mcp-stream-harness)
set(MSH_INSTALL_SCENARIOS_DIR ${CMAKE_INSTALL_DATADIR}/${MSH_PACKAGE_NAME}/scenarios)
set(MSH_INSTALL_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/${MSH_PACKAGE_NAME})
# From the installed programs' folder to the scenarios (bin → ../share/...): relative, so the
# same binary works under any --prefix (and from a .deb unpacked anywhere).
cmake_path(RELATIVE_PATH MSH_INSTALL_SCENARIOS_DIR BASE_DIRECTORY ${CMAKE_INSTALL_BINDIR}
           OUTPUT_VARIABLE MSH_SCENARIOS_FROM_BINDIR)
