#!/usr/bin/env bash
# The GitHub Action's step (action.yml): installs vcscf unless $VCSCF names one, verifies the
# configurations, writes SARIF for code scanning and workflow annotations for the pull request.
# Never fails itself on findings: it records the exit status in $GITHUB_OUTPUT (exit-code) so that
# the SARIF upload still runs; the action's last step fails the job.
#
# Inputs (as GitHub passes them): INPUT_PATH (space-separated paths, default .), INPUT_ARGS (more
# vcscf verify options), INPUT_SARIF_FILE (default vcscf.sarif), INPUT_VERSION (an npm version of
# vcs-powervm; empty: build the action's own checkout).
set -euo pipefail

paths=()
read -r -a paths <<< "${INPUT_PATH:-.}"
args=()
# Word splitting only, no evaluation: a value is never run as shell code.
read -r -a args <<< "${INPUT_ARGS:-}"
sarif="${INPUT_SARIF_FILE:-vcscf.sarif}"
out="${GITHUB_OUTPUT:-/dev/null}"

if [ -z "${VCSCF:-}" ]; then
  if [ -n "${INPUT_VERSION:-}" ]; then
    npm install --global --no-audit --no-fund "vcs-powervm@${INPUT_VERSION}" >&2
    VCSCF=vcscf
  else
    action_dir="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"
    (cd "$action_dir" && npm ci --no-audit --no-fund >&2 && npm run --silent build >&2)
    VCSCF="$action_dir/bin/vcscf"
  fi
fi

status=0
"$VCSCF" verify --format sarif "${args[@]}" "${paths[@]}" > "$sarif" || status=$?
if [ "$status" -ge 2 ]; then
  # A usage error or unreadable input: say it, as vcscf said it (one line on stderr).
  echo "::error title=vcscf verify::vcscf verify exited with $status (see the step's log)"
else
  # Annotations on the pull request; the SARIF holds the same findings.
  "$VCSCF" verify --format github "${args[@]}" "${paths[@]}" || true
fi
{
  echo "exit-code=$status"
  echo "sarif-file=$sarif"
} >> "$out"
exit 0
