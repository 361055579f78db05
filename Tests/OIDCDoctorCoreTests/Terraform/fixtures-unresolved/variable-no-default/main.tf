# Exercises: a variable with no default and no value given (no tfvars, no args): terraform refuses to plan.
variable "project_path" {
  type = string
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/gitlab.com"]
    }
    condition {
      test     = "StringLike"
      variable = "gitlab.com:sub"
      values   = ["project_path:${var.project_path}:ref_type:branch:ref:main"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name               = "gitlab-no-default"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
