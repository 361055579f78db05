#!/usr/bin/env bash
# Key-to-screen latency on the Inputs screen while another slot holds a large input: the release binary
# runs in tmux (80×24) with a list-roles file of about 4 MB in the policy slot; single keys are typed
# into the STS error slot and the time until each shows in `capture-pane` is taken (tmux polling adds
# about 5 ms). Usage: bash Benchmarks/tui-typing.sh [keys]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-15}
command -v tmux >/dev/null || { echo "needs tmux"; exit 1; }
swift build -c release --product oidc-doctor >/dev/null
bin=$(swift build -c release --show-bin-path)/oidc-doctor
dir=$(mktemp -d)
sock="oidc-bench-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
python3 - > "$dir/roles.json" <<'PY'
import json
doc = lambda i: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"gitlab.example.com:sub": f"project_path:group/app{i}:ref_type:branch:ref:main"}}}]}
roles = [{"RoleName": f"role-{i}", "Arn": f"arn:aws:iam::111122223333:role/role-{i}", "Description": "x" * 1500,
          "AssumeRolePolicyDocument": doc(i)} for i in range(2000)]
print(json.dumps({"Roles": roles}))
PY
echo "policy slot: $(stat -c %s "$dir/roles.json") bytes (list-roles, 2000 roles)"
now() { date +%s%N; }
screen() { tmux -L "$sock" capture-pane -p -t bench; }
wait_for() {  # pattern; fails after 20 s
  local end=$(( $(now) + 20000000000 ))
  until screen | grep -qF -- "$1"; do
    (( $(now) < end )) || { echo "timed out waiting for: $1"; screen; exit 1; }
    sleep 0.005
  done
}
tmux -L "$sock" new-session -d -s bench -x 80 -y 24 "TERM=xterm-256color $bin"
wait_for "Trust policy"
tmux -L "$sock" send-keys -t bench Down l
sleep 0.3
tmux -L "$sock" send-keys -t bench -l "$dir/roles.json"
tmux -L "$sock" send-keys -t bench Enter
wait_for "2000 roles"
tmux -L "$sock" send-keys -t bench Down Down i
sleep 1
typed=""
samples=()
for ((k = 0; k < keys; k++)); do
  c=$(printf "\\x$(printf %x $((97 + k % 26)))")
  typed+=$c
  start=$(now)
  tmux -L "$sock" send-keys -t bench -l "$c"
  wait_for "$typed"
  samples+=($(( ($(now) - start) / 1000000 )))
done
sorted=($(printf "%s\n" "${samples[@]}" | sort -n))
echo "key to screen: median ${sorted[$(( ${#sorted[@]} / 2 ))]} ms, max ${sorted[-1]} ms over $keys keys (${samples[*]})"
