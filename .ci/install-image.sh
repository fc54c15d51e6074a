#!/usr/bin/env bash
# The environment a Binder or JupyterHub image gets, built the way repo2docker builds it:
# a fresh venv (.ci/image/venv) with binder/requirements.txt installed from the repository
# root, nothing else. tests/cli/test_binder.py runs a lesson in it. Idempotent: an
# existing venv whose pins still match is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.ci/image/venv
stamp="$venv/constraints.txt"
if [ -x "$venv/bin/python" ] && cmp -s binder/constraints.txt "$stamp"; then
    echo "image venv: already installed in $venv"
    exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -r binder/requirements.txt
"$venv/bin/pip" check
cp binder/constraints.txt "$stamp"
echo "image venv: $("$venv/bin/python" -m pip list --format freeze | wc -l) distributions in $venv"
