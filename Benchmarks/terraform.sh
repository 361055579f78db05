#!/usr/bin/env bash
# Terraform reading, whole process (release build):
#  1. audit of a generated module directory: 50 .tf files, 500 roles (for_each, locals, a local
#     module, aws_iam_policy_document, an OIDC provider in the same files);
#  2. one check of a .tf against the same policy as JSON (the rendered document).
# Usage: bash Benchmarks/terraform.sh [runs]   (default 20; uses farm-bench when it is on PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
swift build -c release --product oidc-doctor >/dev/null
bin=$(swift build -c release --show-bin-path)/oidc-doctor
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir/module" <<'PY'
import os, sys
root = sys.argv[1]
os.makedirs(root + "/modules/role")
open(root + "/providers.tf", "w").write('''resource "aws_iam_openid_connect_provider" "gitlab" {
  url            = "https://gitlab.example.com"
  client_id_list = ["https://gitlab.example.com"]
}
''')
open(root + "/modules/role/main.tf", "w").write('''variable "name" { type = string }
variable "provider_arn" { type = string }
variable "host" { type = string }
variable "subs" { type = list(string) }
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.host}:aud"
      values   = ["https://${var.host}"]
    }
    condition {
      test     = "StringLike"
      variable = "${var.host}:sub"
      values   = var.subs
    }
  }
}
resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
''')
# 48 files of 10 roles each by for_each, and one file calling the module 20 times: 500 roles.
for f in range(48):
    projects = ", ".join(f'"p{f}-{k}" = "main"' for k in range(10))
    open(f"{root}/roles_{f:02d}.tf", "w").write(f'''locals {{
  projects_{f} = {{ {projects} }}
}}
data "aws_iam_policy_document" "t{f}" {{
  for_each = local.projects_{f}
  statement {{
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {{
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.gitlab.arn]
    }}
    condition {{
      test     = "StringLike"
      variable = "${{aws_iam_openid_connect_provider.gitlab.url}}:sub"
      values   = ["project_path:group{f}/${{each.key}}:ref_type:branch:ref:${{each.value}}"]
    }}
  }}
}}
resource "aws_iam_role" "r{f}" {{
  for_each           = local.projects_{f}
  name               = "gitlab-${{each.key}}"
  assume_role_policy = data.aws_iam_policy_document.t{f}[each.key].json
}}
''')
calls = "\n".join(f'''module "m{k}" {{
  source       = "./modules/role"
  name         = "module-role-{k}"
  provider_arn = aws_iam_openid_connect_provider.gitlab.arn
  host         = "gitlab.example.com"
  subs         = ["project_path:platform/app{k}:ref_type:branch:ref:main"]
}}''' for k in range(20))
open(root + "/modules.tf", "w").write(calls + "\n")
PY
# One role in a .tf, and the same policy as JSON (as the provider renders it).
cat > "$dir/one.tf" <<'TF'
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "gitlab.example.com:sub"
      values   = ["project_path:mygroup/myproject:ref_type:branch:ref:release"]
    }
  }
}
resource "aws_iam_role" "deploy" {
  name               = "gitlab-deploy"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
TF
cat > "$dir/one.json" <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Principal": {
        "Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"
      },
      "Condition": {
        "StringEquals": {
          "gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:release"
        }
      }
    }
  ]
}
JSON
sample=../shared/samples/deny-ref-other-branch
tok=$sample/token.jwt
echo "module: $(ls "$dir/module"/*.tf | wc -l) root files + 1 module file, $("$bin" audit --roles "$dir/module" --format json | grep -c '"name": ')" roles audited
if command -v farm-bench >/dev/null; then
  farm-bench -n "$runs" -- "$bin" audit --roles "$dir/module" --format json
  farm-bench -n "$runs" --vs "$bin check --token $tok --policy $dir/one.json --at 2026-11-27T11:10:00Z --format json" -- \
    "$bin" check --token "$tok" --policy "$dir/one.tf" --at 2026-11-27T11:10:00Z --format json
else
  time "$bin" audit --roles "$dir/module" --format json >/dev/null
fi
