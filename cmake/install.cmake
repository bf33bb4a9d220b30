# What `cmake --install` installs, and `cpack -G DEB` packages: the three programs, the
# shipped scenarios and the docs, in the layout of cmake/install_layout.cmake. Tests,
# benchmarks and fuzz targets are not installed.
install(TARGETS mcp-harness mcp-server mock-ollama RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${MSH_INSTALL_SCENARIOS_DIR}
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/BENCHMARKS.md
        DESTINATION ${MSH_INSTALL_DOC_DIR})
# docs/*.md and the pictures they show (globbed at install time: a new page needs no edit here).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${MSH_INSTALL_DOC_DIR}/docs
        FILES_MATCHING PATTERN "*.md" PATTERN "*.png")

# The Debian package: mcp-stream-harness_<project VERSION>_amd64.deb. Its Depends are computed
# by dpkg-shlibdeps from the installed programs' ELF dependencies (dpkg-dev, scripts/setup.sh),
# so they are the Debian runtime libraries the binaries really load, never a hand-kept list.
set(CPACK_PACKAGE_NAME ${MSH_PACKAGE_NAME})
set(CPACK_PACKAGE_VENDOR "mcp-stream-harness")
set(CPACK_PACKAGE_CONTACT "mcp-stream-harness maintainers <maintainers@mcp-stream-harness.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Validation and load harness for MCP servers that stream LLM tokens")
set(CPACK_PACKAGE_DESCRIPTION
    "mcp-harness runs scenarios against an MCP server that streams tokens from Ollama, decides \
a validation checklist and writes reports (checklist.md, junit.xml, report.json, report.html). \
Includes mcp-server (the reference server) and mock-ollama (a scriptable Ollama mock).")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# RelWithDebInfo binaries carry line tables (about 240 MB together); the package ships them
# stripped.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
