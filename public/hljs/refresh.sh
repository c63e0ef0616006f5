#!/usr/bin/env bash
# refresh.sh vendors highlight.js into public/, where the build embeds it:
# the version pinned in package.json, fetched by npm ci, which checks it
# against the integrity hash in package-lock.json. It writes
#
#   public/highlight.js          highlight.min.js (the common languages)
#                                and the dockerfile grammar, as shipped
#   public/highlight.css         the github and github-dark styles, each
#                                under its prefers-color-scheme query
#   public/highlight.LICENSE     highlight.js's licence (BSD-3-Clause)
#   public/hljs/SHA256SUMS       their checksums, which preview's tests check
#
# To move to another version: change it in package.json, run
# npm install --package-lock-only, then this script, and commit the lot.
# The build and the tests need no npm: the files are committed.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --ignore-scripts
pkg=node_modules/@highlightjs/cdn-assets
version=$(node -p 'require("./package.json").dependencies["@highlightjs/cdn-assets"]')
got=$(node -p "require('./$pkg/package.json').version")
[ "$got" = "$version" ] || { echo "refresh.sh: npm installed $got, package.json pins $version" >&2; exit 1; }

{
  cat "$pkg/highlight.min.js"
  echo
  cat "$pkg/languages/dockerfile.min.js"
} >../highlight.js

{
  echo "/* simplehttp previews: colours of code highlighted by highlight.js $version,"
  echo "   its github and github-dark styles (written by public/hljs/refresh.sh). */"
  for scheme in light:github dark:github-dark; do
    echo "@media (prefers-color-scheme: ${scheme%%:*}) {"
    cat "$pkg/styles/${scheme#*:}.min.css"
    echo
    echo "}"
  done
} >../highlight.css

cp "$pkg/LICENSE" ../highlight.LICENSE
(cd .. && sha256sum highlight.js highlight.css highlight.LICENSE) >SHA256SUMS
rm -rf node_modules
echo "refresh.sh: highlight.js $version vendored into public/"
