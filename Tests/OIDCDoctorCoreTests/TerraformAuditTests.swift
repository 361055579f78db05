import Testing
@testable import OIDCDoctorCore

/// `audit --roles DIR` over a Terraform module: every role instance with its place in the `.tf`,
/// the ones that wait for a value listed too, and the token weighed against each.
@Suite struct TerraformAuditTests {
    static let main = """
        resource "aws_iam_openid_connect_provider" "gitlab" {
          url            = "https://gitlab.example.com"
          client_id_list = ["https://gitlab.example.com"]
        }

        data "aws_iam_policy_document" "trust" {
          for_each = toset(["main", "release/*"])
          statement {
            actions = ["sts:AssumeRoleWithWebIdentity"]
            principals {
              type        = "Federated"
              identifiers = [aws_iam_openid_connect_provider.gitlab.arn]
            }
            condition {
              test     = "StringLike"
              variable = "${aws_iam_openid_connect_provider.gitlab.url}:sub"
              values   = ["project_path:mygroup/myproject:ref_type:branch:ref:${each.key}"]
            }
          }
        }

        resource "aws_iam_role" "branch" {
          for_each           = data.aws_iam_policy_document.trust
          name               = "gitlab-${replace(each.key, "/[^a-z]/", "-")}"
          assume_role_policy = each.value.json
        }

        """
    static let other = """
        variable "project" {
          type = string
        }

        resource "aws_iam_role" "pending" {
          name = "gitlab-pending"
          assume_role_policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity"
              Principal = { Federated = aws_iam_openid_connect_provider.gitlab.arn }
              Condition = { StringEquals = { "gitlab.example.com:sub" = "project_path:${var.project}:ref_type:branch:ref:main" } }
            }]
          })
        }

        resource "aws_iam_role" "ec2" {
          name = "ec2"
          assume_role_policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
          })
        }

        """

    func audit(token: String?) -> AuditReport {
        let files = TerraformFiles(files: ["main.tf": Self.main, "other.tf": Self.other])
        return Auditor.audit([], token: token.map { .init(text: $0, source: "token") }, providers: [],
                             parameters: RequestParameters(at: Fixtures.defaultAt), terraform: [(files, "infra")])
    }

    @Test func everyRoleInstanceWithItsPlace() {
        let report = audit(token: nil)
        let byName = Dictionary(uniqueKeysWithValues: report.roles.map { ($0.name, $0) })
        #expect(Set(byName.keys) == [#"aws_iam_role.branch["main"]"#, #"aws_iam_role.branch["release/*"]"#, "aws_iam_role.pending"],
                "the EC2 role trusts no OIDC provider; the pending one may, so it stays")
        #expect(byName[#"aws_iam_role.branch["main"]"#]?.source == "main.tf:22")
        // Said from the witness jobs admitted: the release branch meant, and one the wildcard lets in too.
        let release = byName[#"aws_iam_role.branch["release/*"]"#]?.admits ?? []
        #expect(release.last == "branch release/1 of mygroup/myproject on gitlab.example.com", "the broadest first, the job meant last: \(release)")
        #expect(release.contains { $0.hasPrefix("beyond") && $0.contains("release/") }, "\(release)")
        #expect(!release.contains { $0.hasPrefix("other branches") || $0.hasPrefix("tags") }, "\(release)")
        #expect(byName[#"aws_iam_role.branch["release/*"]"#]?.arn == "arn:<partition>:iam::<account>:role/gitlab-release--")
        let pending = byName["aws_iam_role.pending"]
        #expect(pending?.source == "other.tf:5")
        #expect(pending?.error == nil)
        // Whom it admits waits for var.project: no witness is said to get in, and the unknown is named.
        #expect(pending?.admits == [], "\(pending?.admits ?? [])")
        #expect(pending?.admitted == [], "no witness is known to get in")
        #expect(pending?.unknowns.contains("var.project") == true, "\(pending?.unknowns ?? [])")
    }

    @Test func theTokenAgainstEachRole() {
        let claims = Fixtures.claims(.object([.init(key: "iss", value: .string("https://gitlab.example.com")),
                                              .init(key: "aud", value: .string("https://gitlab.example.com")),
                                              .init(key: "ref", value: .string("release/1.0")),
                                              .init(key: "sub", value: .string("project_path:mygroup/myproject:ref_type:branch:ref:release/1.0"))]))
        let onMain = Fixtures.token(claims: Fixtures.claims(.object([.init(key: "iss", value: .string("https://gitlab.example.com")),
                                                                     .init(key: "aud", value: .string("https://gitlab.example.com"))])))
        let report = audit(token: Fixtures.token(claims: claims))
        let byName = Dictionary(uniqueKeysWithValues: report.roles.map { ($0.name, $0) })
        #expect(byName[#"aws_iam_role.branch["release/*"]"#]?.canAssume == true)
        #expect(byName[#"aws_iam_role.branch["main"]"#]?.canAssume == false)
        #expect(byName["aws_iam_role.pending"]?.canAssume == false, "ref:main can never be release/1.0, whatever the project")
        let main = Dictionary(uniqueKeysWithValues: audit(token: onMain).roles.map { ($0.name, $0) })
        #expect(main[#"aws_iam_role.branch["main"]"#]?.canAssume == true)
        #expect(main["aws_iam_role.pending"]?.canAssume == nil, "on main it depends on var.project: not known is not a no")
    }
}
