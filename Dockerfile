# mcp-stream-harness on Debian 12: the .deb that `cpack -G DEB` builds, installed by apt so
# that its Depends (the Debian runtime libraries) come from the Debian archive.
#
#   cmake --build build
#   cpack --config build/CPackConfig.cmake -B build/package
#   docker build -t mcp-stream-harness:latest -f Dockerfile build/package
#   docker run --rm -v "$PWD/out:/out" mcp-stream-harness:latest \
#     run checklist --time-scale 0.01 --out /out
#
# The build context is the folder cpack wrote the package to; the glob takes its version from
# the file name (the project's VERSION in CMakeLists.txt is the one place it is written).
# tests/package/dockerfile_test.py checks the glob against the file cpack names;
# scripts/package_check.sh builds this file with buildah on a debootstrapped Debian 12 and runs
# the image (README, "Install").
FROM debian:12-slim
COPY mcp-stream-harness_*.deb /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/mcp-stream-harness_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/mcp-stream-harness_*.deb
# Not root: the harness needs no privilege (its services listen on loopback ports above 1024).
RUN useradd --create-home --uid 1000 harness
USER harness
WORKDIR /home/harness
ENTRYPOINT ["mcp-harness"]
CMD ["run", "checklist", "--time-scale", "0.01"]
