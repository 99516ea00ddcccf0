#!/usr/bin/env bash
# Builds host.c with gcc and runs it against the Native AOT shared library of samples/Latency.
#   host.sh                      publish the library first (into samples/Latency/bin/native), then run
#   host.sh path/to/Latency.so   use an existing library
# Extra arguments go to the host (the number of timed calls, default 100000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

lib=${1:-}
if [[ -z $lib ]]; then
    dotnet publish "$here/.." -c Release -r linux-x64 -p:NativeLib=Shared -o "$here/../bin/native" --nologo -v:q
    lib=$here/../bin/native/Latency.so
fi
shift || true

out=$(mktemp -d "${TMPDIR:-/tmp}/staticnn-host.XXXXXX")
trap 'rm -rf "$out"' EXIT
gcc -O2 -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$out/host" "$here/host.c" -ldl
"$out/host" "$(realpath "$lib")" "$@"
