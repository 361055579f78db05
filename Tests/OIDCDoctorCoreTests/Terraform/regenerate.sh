#!/usr/bin/env bash
# Regenerate oracle.json for every fixture (or the fixture directories named as arguments)
# by running the real Terraform + hashicorp/aws provider offline. See README.md.
#   usage: ./regenerate.sh                       # fixtures/* and fixtures-unresolved/*
#          ./regenerate.sh fixtures/role-heredoc # just these
# Needs: terraform, the aws provider in $TF_PLUGIN_DIR (default /opt/tf-plugins), python3. No network.
set -u -o pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PLUGIN_DIR="${TF_PLUGIN_DIR:-/opt/tf-plugins}"
TERRAFORM="${TERRAFORM:-terraform}"

# A clean Terraform environment: nothing from the caller's TF_VAR_*/TF_CLI_ARGS* leaks in.
for v in $(compgen -e | grep -E '^(TF_VAR_|TF_CLI_ARGS|TF_WORKSPACE$|TF_DATA_DIR$|TF_PLUGIN_CACHE_DIR$)'); do unset "$v"; done
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

WORK="$(mktemp -d "${TMPDIR:-/tmp}/oidc-doctor-tf-oracle.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
: > "$WORK/terraformrc"
export TF_CLI_CONFIG_FILE="$WORK/terraformrc"

# The fake STS/IAM endpoint on 127.0.0.1 (it also stops by itself after an hour).
python3 "$HERE/fake_aws.py" "$WORK/port" 3600 2>"$WORK/fake_aws.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
[ -s "$WORK/port" ] || { echo "fake_aws.py did not start" >&2; cat "$WORK/fake_aws.log" >&2; exit 1; }
ENDPOINT="http://127.0.0.1:$(cat "$WORK/port")"

if [ $# -gt 0 ]; then
  FIXTURES=("$@")
else
  FIXTURES=()
  for d in "$HERE"/fixtures/*/ "$HERE"/fixtures-unresolved/*/; do [ -d "$d" ] && FIXTURES+=("${d%/}"); done
fi

# Terraform's error diagnostics as a JSON list of strings ("Error: summary: first detail paragraph").
errors_json() {
  python3 - "$1" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
out = []
lines = [re.sub(r"^[│╷╵]\s?", "", l) for l in text.splitlines()]
for i, l in enumerate(lines):
    if l.startswith("Error: "):
        detail = []  # the first paragraph of the detail text, joined into one line
        for x in (y.strip() for y in lines[i+1:i+20]):
            if x.startswith(("Error: ", "Warning: ")):
                break
            if not x:
                if detail:
                    break
                continue
            if not x.startswith(("on ", "├", "(")) and not re.match(r"^\d+:", x):
                detail.append(x)
        out.append(l + (": " + " ".join(detail) if detail else ""))
print(json.dumps(out, indent=2, ensure_ascii=False))
PY
}

failed=0
for fx in "${FIXTURES[@]}"; do
  fx="$(cd "$fx" && pwd)" || { failed=$((failed+1)); continue; }
  name="${fx#"$HERE"/}"
  case "$name" in fixtures-unresolved/*) unresolved=1 ;; *) unresolved=0 ;; esac
  tmp="$WORK/run"; rm -rf "$tmp"; mkdir -p "$tmp"
  (cd "$fx" && tar cf - --exclude=oracle.json --exclude=expect.txt --exclude=args --exclude=.terraform --exclude=.terraform.lock.hcl .) | (cd "$tmp" && tar xf -)
  python3 "$HERE/prepare.py" "$tmp" "$ENDPOINT" 2>"$WORK/prepare.log" || { echo "FAIL $name (prepare.py)"; cat "$WORK/prepare.log"; failed=$((failed+1)); continue; }
  # -var / -var-file flags from the fixture's args line (POSIX shell quoting), in the order given.
  mapfile -t VARFLAGS < <(python3 - "$fx/args" <<'PY'
import os, shlex, sys
p = sys.argv[1]
toks = shlex.split(open(p).read()) if os.path.exists(p) else []
i = 0
while i < len(toks):
    t = toks[i]
    for flag in ("--var", "--var-file"):
        if t == flag and i + 1 < len(toks):
            print("-" + flag[2:] + "=" + toks[i + 1]); i += 1; break
        if t.startswith(flag + "="):
            print("-" + flag[2:] + "=" + t[len(flag) + 1:]); break
    i += 1
PY
)
  stage=init
  if (cd "$tmp" && timeout 120 "$TERRAFORM" init -input=false -no-color -backend=true -plugin-dir="$PLUGIN_DIR" >"$WORK/log" 2>&1) && \
     stage=plan && (cd "$tmp" && timeout 300 "$TERRAFORM" plan -input=false -no-color -lock=false -refresh=false -out=oracle.tfplan "${VARFLAGS[@]}" >"$WORK/log" 2>&1) && \
     stage=show && (cd "$tmp" && "$TERRAFORM" show -json -no-color oracle.tfplan >"$WORK/plan.json" 2>"$WORK/log") && \
     stage=extract && python3 "$HERE/extract.py" <"$WORK/plan.json" >"$WORK/oracle.json" 2>"$WORK/log"; then
    mv "$WORK/oracle.json" "$fx/oracle.json"
    echo "ok   $name"
  elif [ "$unresolved" = 1 ]; then
    printf '{\n  "terraform_error_stage": "%s",\n  "terraform_errors": %s\n}\n' "$stage" "$(errors_json "$WORK/log" | sed '2,$s/^/  /')" >"$fx/oracle.json"
    echo "ok   $name (terraform refused at $stage, recorded)"
  else
    echo "FAIL $name ($stage)"; sed 's/^/     /' "$WORK/log" | head -40; failed=$((failed+1))
  fi
  rm -rf "$tmp"
done
[ "$failed" = 0 ] || { echo "$failed fixture(s) failed" >&2; exit 1; }
