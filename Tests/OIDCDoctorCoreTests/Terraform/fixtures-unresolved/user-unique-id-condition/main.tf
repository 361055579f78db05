# Exercises: a value known only after apply (aws_iam_user.break_glass.unique_id) in a document condition: the document is deferred, the role's policy unknown.
resource "aws_iam_user" "break_glass" {
  name = "break-glass"
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
      values   = ["project_path:mygroup/app:*"]
    }
    condition {
      test     = "StringNotLike"
      variable = "aws:userid"
      values   = ["${aws_iam_user.break_glass.unique_id}:*"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name               = "gitlab-unique-id"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
