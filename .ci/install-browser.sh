#!/usr/bin/env bash
# Install what the book, browser and grading tests need, idempotently: Debian's Chromium
# (driven by Playwright's Python package, which never downloads a browser of its own),
# bubblewrap (the sandbox `course grade` runs each submission in), the book's npm
# assets (MathJax 3, the ipywidgets HTML manager, RequireJS) from book/package-lock.json,
# and JupyterHub's proxy, configurable-http-proxy, from .ci/hub/package-lock.json into
# .ci/hub/node_modules/.bin/ (where tests/cli/test_hub.py finds it).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(nodejs npm)
command -v bwrap >/dev/null || missing+=(bubblewrap)
if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${missing[@]}"
fi
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
echo "npm: $(npm --version 2>/dev/null)"
echo "bubblewrap: $(bwrap --version 2>/dev/null)"
# npm ls succeeds when node_modules holds exactly the pinned versions of book/package.json
if npm ls --prefix book --all >/dev/null 2>&1; then
    echo "npm assets: already installed in book/node_modules"
else
    npm ci --no-audit --no-fund --prefix book
fi
if npm ls --prefix .ci/hub --all >/dev/null 2>&1; then
    echo "configurable-http-proxy: already installed in .ci/hub/node_modules"
else
    npm ci --no-audit --no-fund --prefix .ci/hub
fi
echo "configurable-http-proxy: $(.ci/hub/node_modules/.bin/configurable-http-proxy --version)"
