#!/usr/bin/env bash
# audit over a generated list-roles file of 5,000 roles (about 10 MB), against jq '.Roles | length'.
# Usage: bash Benchmarks/audit-5000.sh [roles]   (default 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
swift build -c release --product oidc-doctor >/dev/null
bin=$(swift build -c release --show-bin-path)/oidc-doctor
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$n" > "$dir/roles.json" <<'PY'
import json, sys
n = int(sys.argv[1])
roles = []
for i in range(n):
    kind = i % 4
    cond = {
        0: {"StringEquals": {"gitlab.example.com:sub": f"project_path:group{i % 97}/app{i}:ref_type:branch:ref:main",
                             "gitlab.example.com:aud": "sts.amazonaws.com"}},
        1: {"StringLike": {"gitlab.example.com:sub": [f"project_path:group{i % 97}/*", f"project_path:group{i % 97}/app{i}:ref_type:tag:ref:v*"]}},
        2: {"StringEquals": {"gitlab.example.com:project_path": f"group{i % 97}/app{i}"}},
        3: {},
    }[kind]
    stmt = {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},
            "Action": "sts:AssumeRoleWithWebIdentity"}
    if cond: stmt["Condition"] = cond
    doc = {"Version": "2012-10-17", "Statement": [stmt, {"Sid": f"Extra{i}", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::111122223333:role/x{i}"}, "Action": "sts:AssumeRole"}]}
    roles.append({"Path": "/ci/", "RoleName": f"gitlab-role-{i}", "RoleId": f"AROA{i:016d}", "Arn": f"arn:aws:iam::111122223333:role/ci/gitlab-role-{i}",
                  "CreateDate": "2026-01-05T10:00:00Z", "AssumeRolePolicyDocument": doc if i % 2 else json.dumps(doc),
                  "Description": "CI deploy role for group %d " % (i % 97) + "x" * 900, "MaxSessionDuration": 3600,
                  "RoleLastUsed": {"LastUsedDate": "2026-11-20T08:00:00Z", "Region": "eu-west-1"}})
print(json.dumps({"Roles": roles}, indent=2))
PY
size=$(stat -c %s "$dir/roles.json")
"$bin" audit --roles "$dir/roles.json" --format json > "$dir/out.json" || true
count=$(python3 -c "import json,sys; print(len(json.load(open('$dir/out.json'))['roles']))")
best() {  # best of 3 wall-clock runs, milliseconds
  local b=999999 s e t
  for _ in 1 2 3; do
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    t=$(( (e - s) / 1000000 )); (( t < b )) && b=$t
  done
  echo $b
}
ours=$(best "$bin" audit --roles "$dir/roles.json" --format json)
jqms=$(best jq '.Roles | length' "$dir/roles.json")
echo "file: $n roles, $size bytes; audit listed $count OIDC roles"
echo "oidc-doctor audit: $ours ms (best of 3)"
echo "jq '.Roles | length': $jqms ms (best of 3)"
echo "ratio audit/jq: $(awk "BEGIN{printf \"%.2f\", $ours/$jqms}")"
