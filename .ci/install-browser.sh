#!/usr/bin/env bash
# Install what the book and browser tests need, idempotently: Debian's Chromium (driven by
# Playwright's Python package, which never downloads a browser of its own) and the book's
# npm assets (MathJax 3, the ipywidgets HTML manager, RequireJS) from book/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x /usr/bin/chromium ]; then
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
else
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq chromium
fi

if ! command -v npm >/dev/null; then
    echo "npm is missing: install Node.js (e.g. apt-get install -y nodejs npm)" >&2
    exit 1
fi
# npm ls succeeds when node_modules holds exactly the pinned versions of book/package.json
if npm ls --prefix book --all >/dev/null 2>&1; then
    echo "npm assets: already installed in book/node_modules"
else
    npm ci --no-audit --no-fund --prefix book
fi
