# Exercises: a computed attribute (aws_iam_user.operator.arn, known after apply) as an AWS principal next to the GitLab one in a jsonencode policy.
resource "aws_iam_user" "operator" {
  name = "operator"
}

resource "aws_iam_role" "deploy" {
  name = "gitlab-and-operator"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/gitlab.com" }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = { StringLike = { "gitlab.com:sub" = "project_path:mygroup/app:*" } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = aws_iam_user.operator.arn }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}
