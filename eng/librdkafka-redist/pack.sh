#!/usr/bin/env bash
# Rebuilds the empty librdkafka.redist stand-in into eng/packages (committed, so that a fresh
# clone restores without this step). Run after changing the project.
. "$(dirname "$0")/../lib.sh"
dotnet pack "$ENG_DIR/librdkafka-redist/librdkafka.redist.csproj" -c Release -o "$ENG_DIR/packages" --nologo -p:ContinuousIntegrationBuild=true
rm -rf "$ENG_DIR/librdkafka-redist/bin" "$ENG_DIR/librdkafka-redist/obj"
