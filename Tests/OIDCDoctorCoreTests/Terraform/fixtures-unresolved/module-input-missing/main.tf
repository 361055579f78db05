# Exercises: a local module whose required variable (no default) the call does not set: terraform refuses.
module "ci" {
  source = "./modules/role"
  name   = "gitlab-module-missing-input"
}
