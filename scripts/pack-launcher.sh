#!/usr/bin/env bash
# Rebuilds the committed local-tool package tools/packages/pmuconf-repo.<version>.nupkg from
# tools/pmuconf-launcher (run after changing that folder; a test checks the two agree). Bump <Version>
# in the project and in .config/dotnet-tools.json too: NuGet caches a package by version.
set -euo pipefail
cd "$(dirname "$0")/.."
project=tools/pmuconf-launcher
obj="${project}/obj/Release/net10.0"
mkdir -p "${obj}"
# The same hash LauncherPackageTests computes: sha256 over the sorted source files' names and contents.
(cd "${project}" && for f in $(ls *.cs *.csproj | LC_ALL=C sort); do printf '%s\n' "$f"; cat "$f"; done) | sha256sum | cut -d' ' -f1 > "${obj}/launcher-source.sha256"
rm -f tools/packages/pmuconf-repo.*.nupkg
dotnet pack "${project}" -c Release -o tools/packages --nologo -v q -p:IntermediateOutputPath=obj/Release/net10.0/
ls -l tools/packages
