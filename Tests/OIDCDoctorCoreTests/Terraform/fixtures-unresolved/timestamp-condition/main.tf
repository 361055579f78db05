# Exercises: timestamp() (unknown during plan) in a DateLessThan condition of a jsonencode trust policy.
resource "aws_iam_role" "temporary" {
  name = "gitlab-temporary"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/gitlab.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "gitlab.com:sub" = "project_path:mygroup/app:ref_type:branch:ref:main" }
        DateLessThan = { "aws:CurrentTime" = timeadd(timestamp(), "720h") }
      }
    }]
  })
}
