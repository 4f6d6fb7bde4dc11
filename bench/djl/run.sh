#!/usr/bin/env bash
# DJL 0.36 (libtorch 2.7.1, CPU) peer of `jgrad bench`: trains one network on real Fashion-MNIST.
#   bench/djl/run.sh cnn|simple|complex [epochs]
# Builds in a scratch copy under ${TMPDIR:-/tmp}/djl-jgrad so the repo gets no target/; the first
# run resolves DJL and its native jars (about 250 MB) through Maven, later runs reuse the cached
# class path and work offline. libtorch runs 2 intra-op threads and 1 inter-op thread.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../.jgrad-env"
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 cnn|simple|complex [epochs]" >&2; exit 2; }

work="${TMPDIR:-/tmp}/djl-jgrad"
mkdir -p "$work"
# The class path depends only on the pom: resolve it again only when the pom changes.
if ! cmp -s "$here/pom.xml" "$work/pom.xml" || [ ! -s "$work/classpath.txt" ]; then
  cp "$here/pom.xml" "$work/pom.xml"
  (cd "$work" && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt") >&2
fi
rm -rf "$work/classes"
javac -d "$work/classes" -cp "$(cat "$work/classpath.txt")" "$here"/src/main/java/bench/djl/*.java

export DJL_CACHE_DIR="$HOME/.cache/djl-jgrad"
exec java -Xmx2g --enable-native-access=ALL-UNNAMED -Dslf4j.internal.verbosity=ERROR -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "$work/classes:$(cat "$work/classpath.txt")" bench.djl.Main "$@"
