import Foundation
import Testing
@testable import OIDCDoctorCore

/// The shapes admins have: list-roles, CloudFormation JSON/YAML, terraform show -json, *.tf.json.
/// Files are written here for the tests; each is what the tool would be handed on a runner host.
@Suite struct InputShapeTests {
    static let policyObject = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"}}}]}"#

    static var listRoles: String {
        let asString = JSONText.quote(policyObject.replacingOccurrences(of: "ref:main", with: "ref:release"))
        let encoded = policyObject.replacingOccurrences(of: "ref:main", with: "ref:*").replacingOccurrences(of: "StringEquals", with: "StringLike")
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return """
        {
          "Roles": [
            {
              "Path": "/",
              "RoleName": "gitlab-deploy",
              "Arn": "arn:aws:iam::111122223333:role/gitlab-deploy",
              "MaxSessionDuration": 3600,
              "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                  {
                    "Effect": "Allow",
                    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:production"}}
                  }
                ]
              }
            },
            {"RoleName": "gitlab-release", "Arn": "arn:aws:iam::111122223333:role/gitlab-release", "AssumeRolePolicyDocument": \(asString)},
            {"RoleName": "gitlab-any-branch", "Arn": "arn:aws:iam::111122223333:role/gitlab-any-branch", "AssumeRolePolicyDocument": "\(encoded)"},
            {"RoleName": "ec2-instance", "Arn": "arn:aws:iam::111122223333:role/ec2-instance", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}
          ]
        }
        """
    }

    static let token = Fixtures.token(claims: Fixtures.claims(nil))

    func check(_ policy: String, role: String? = nil, roleArn: String? = nil) -> Diagnosis {
        var r = DiagnosisRequest(token: .init(text: Self.token, source: "token"), policy: .init(text: policy, source: "roles.json"),
                                 parameters: RequestParameters(roleArn: roleArn, at: Fixtures.defaultAt))
        r.role = role
        return Diagnoser.diagnose(r)
    }

    @Test func listRolesNeedsARoleAndNamesThem() {
        let d = check(Self.listRoles)
        #expect(d.decision == .unknown)
        // Which role is the user's choice: a usage error (input.invalid, exit 2), not a bad policy.
        let f = d.findings.first { $0.id == .inputInvalid }
        #expect(d.primaryCause == .inputInvalid && d.exitCode == 2)
        #expect(f?.detail.contains("holds 4 roles; pick one with --role NAME: gitlab-deploy, gitlab-release, gitlab-any-branch, ec2-instance") == true, "\(f?.detail ?? "")")
    }

    @Test func listRolesPicksOneAndKeepsFilePositions() {
        let d = check(Self.listRoles, role: "gitlab-deploy")
        #expect(d.primaryCause == .conditionRefMismatch)
        #expect(d.role?.description == "aws iam list-roles output, role gitlab-deploy")
        #expect(d.role?.maxSessionDuration == 3600)
        #expect(d.primary?.range?.line == 15, "the failing condition is on line 15 of the list-roles file itself")
        #expect(check(Self.listRoles, role: "gitlab-any-branch").decision == .allow)
        #expect(check(Self.listRoles, role: "arn:aws:iam::111122223333:role/gitlab-release").primaryCause == .conditionRefMismatch)
        let wrong = check(Self.listRoles, role: "nope")
        #expect(wrong.primaryCause == .inputInvalid, "a wrong --role is a usage error, not an invalid policy")
        #expect(wrong.primary?.detail.contains("--role \"nope\": no such role") == true, "\(wrong.primary?.detail ?? "")")
    }

    @Test func cloudFormationJSONResolvesSubAndProviderRefs() {
        let template = """
        {
          "AWSTemplateFormatVersion": "2010-09-09",
          "Resources": {
            "GitLab": {"Type": "AWS::IAM::OIDCProvider", "Properties": {"Url": "https://gitlab.example.com", "ClientIdList": ["sts.amazonaws.com"]}},
            "Deploy": {
              "Type": "AWS::IAM::Role",
              "Properties": {
                "AssumeRolePolicyDocument": {
                  "Version": "2012-10-17",
                  "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Federated": {"Ref": "GitLab"}},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringLike": {"gitlab.example.com:sub": {"Fn::Sub": "project_path:${Group}/myproject:ref_type:branch:ref:*"}}}
                  }]
                }
              }
            },
            "Bucket": {"Type": "AWS::S3::Bucket"}
          }
        }
        """
        // ${Group} names nothing in the template: CloudFormation rejects it, and so does the tool, at the place.
        let rejected = check(template, roleArn: "arn:aws:iam::111122223333:role/Deploy")
        #expect(rejected.primaryCause == .policyInvalid)
        #expect(rejected.primary?.range?.line == 14, "\(String(describing: rejected.primary?.range))")
        // As a parameter without a value, it is an unknown: the sub condition cannot be decided.
        let withParameter = template.replacingOccurrences(of: #""Resources": {"#, with: #""Parameters": {"Group": {"Type": "String"}}, "Resources": {"#)
            .replacingOccurrences(of: #"["sts.amazonaws.com"]"#, with: #"["https://gitlab.example.com"]"#)
        let d = check(withParameter, roleArn: "arn:aws:iam::111122223333:role/Deploy")
        #expect(d.role?.description == "CloudFormation JSON, resource Deploy; parameter Group has no value (give --parameter Group=…)")
        #expect(d.decision == .unknown && d.primaryCause == .inputUnresolved, "\(d.findings.map(\.detail))")
        #expect(d.primary?.fix?.contains("--parameter Group=VALUE") == true)
        #expect(d.statements.first?.principalMatched == true, "Ref of the template's OIDC provider is its ARN")
        // The template's provider is the provider input: its ClientIdList is what STS checks aud against.
        #expect(check(template.replacingOccurrences(of: "${Group}", with: "mygroup")).primaryCause == .providerAudience)
    }

    /// `!Select` of a `!Split` is resolved; `!ImportValue` and `!If` cannot be (another stack, the stack's
    /// parameters) and stay visible placeholders that name what is missing.
    @Test func cloudFormationSelectImportValueAndIf() throws {
        let yaml = """
        Parameters:
          Env: {Type: String}
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
        Resources:
          DeployRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal:
                      Federated: !ImportValue GitLabProviderArn
                    Action: sts:AssumeRoleWithWebIdentity
                    Condition:
                      StringEquals:
                        gitlab.example.com:sub: !Select [1, !Split [",", "project_path:x/y:ref_type:tag:ref:v1,project_path:mygroup/myproject:ref_type:branch:ref:main"]]
                        gitlab.example.com:aud: !If [IsProd, sts.amazonaws.com, https://gitlab.example.com]
        """
        let input = try RoleInput.read(yaml, role: nil, roleArn: nil)
        let text = String(decoding: input.policy.source.bytes, as: UTF8.self)
        #expect(text.contains("\"project_path:mygroup/myproject:ref_type:branch:ref:main\""), "\(text)")
        #expect(Unknowns.names(in: text) == ["ImportValue GitLabProviderArn"])
        #expect(input.openConditions == ["IsProd"] && input.branches.count == 2)
        let d = check(yaml)
        #expect(d.decision == .unknown && d.primaryCause == .inputUnresolved, "another stack's export is not known here: \(d.findings.map(\.detail))")
        #expect(d.primary?.detail.contains("<ImportValue GitLabProviderArn>") == true, "\(d.findings.map { $0.id.rawValue + ": " + $0.detail })")
        // With the export's value known to be another host, the answer is a deny whatever IsProd is.
        let other = check(yaml.replacingOccurrences(of: "!ImportValue GitLabProviderArn", with: "arn:aws:iam::111122223333:oidc-provider/gitlab.other.com"))
        #expect(other.decision == .deny && other.primaryCause == .principalMismatch)
        #expect(other.walk.contains { $0.step == "template-conditions" && $0.status == .pass })
    }

    @Test func cloudFormationYAMLShortFormTags() throws {
        let yaml = """
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Provider:
            Type: AWS::IAM::OIDCProvider
            Properties:
              Url: https://gitlab.example.com
          DeployRole:
            Type: AWS::IAM::Role
            Properties:
              RoleName: deploy
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal:
                      Federated: !GetAtt Provider.Arn
                    Action: sts:AssumeRoleWithWebIdentity
                    Condition:
                      StringEquals:
                        gitlab.example.com:sub: !Join [":", [project_path, mygroup/myproject, ref_type, branch, ref, main]]
          OtherRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal:
                      Federated: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/gitlab.example.com"
                    Action: sts:AssumeRoleWithWebIdentity
        """
        let d = check(yaml, role: "deploy", roleArn: "arn:aws:iam::111122223333:role/deploy")
        #expect(d.decision == .allow, "\(d.findings.map(\.detail))")
        #expect(d.role?.description == "CloudFormation YAML, resource DeployRole (RoleName deploy)")
        let audit = Auditor.audit([.init(text: yaml, source: "t.yaml")], token: nil, providers: [], parameters: RequestParameters(roleArn: "arn:aws:iam::111122223333:role/x", at: 0))
        #expect(audit.roles.map(\.name) == ["OtherRole", "DeployRole"], "riskiest first")
        #expect(audit.roles.map(\.arn) == [nil, "arn:aws:iam::111122223333:role/deploy"], "an ARN when RoleName and account give it")
        #expect(audit.roles[0].warnings.map(\.id).contains(.trustNoSubCondition))
        #expect(audit.exitCode == 1)
    }

    @Test func terraformPlanWithModulesAndState() throws {
        func role(_ name: String, _ ref: String) -> String {
            let policy = Self.policyObject.replacingOccurrences(of: "ref:main", with: "ref:\(ref)")
            return #"{"address": "module.ci.aws_iam_role.\#(name)", "mode": "managed", "type": "aws_iam_role", "name": "\#(name)", "values": {"name": "\#(name)", "arn": null, "max_session_duration": 3600, "assume_role_policy": \#(JSONText.quote(policy))}}"#
        }
        let plan = #"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [], "child_modules": [{"address": "module.ci", "resources": [\#(role("deploy", "main")), \#(role("release", "v*"))]}]}}}"#
        #expect(check(plan, role: "deploy").decision == .allow)
        #expect(check(plan, role: "release").primaryCause == .conditionRefMismatch)
        #expect(check(plan, role: "deploy").role?.description == "Terraform plan (terraform show -json), role deploy")
        let state = #"{"format_version": "1.0", "values": {"root_module": {"resources": [\#(role("only", "main"))]}}}"#
        #expect(check(state).decision == .allow, "one role needs no --role")
    }

    /// The size quota counts the trust policy document, not the get-role output around it.
    @Test func getRoleQuotaCountsTheDocumentOnly() throws {
        let doc = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}"#
        let padding = String(repeating: "x", count: 3000)
        let getRole = #"{"Role": {"Description": "\#(padding)", "RoleName": "deploy", "AssumeRolePolicyDocument": \#(doc)}}"#
        let input = try RoleInput.read(getRole, role: nil, roleArn: nil)
        #expect(input.policy.quotaCharacters == doc.filter { $0 != " " }.count)
        #expect(!check(getRole).findings.contains { $0.id == .policySize })
    }

    @Test func terraformSourcesThatCannotBeRead() {
        // HCL is read now: a reference to a document that is not there is named with its place in the .tf.
        let hcl = "resource \"aws_iam_role\" \"deploy\" {\n  assume_role_policy = data.aws_iam_policy_document.x.json\n}\n"
        let d = check(hcl)
        #expect(d.decision == .unknown && d.primaryCause == .policyInvalid)
        #expect(d.findings.first?.detail.contains("data.aws_iam_policy_document.x is not declared") == true, "\(d.findings.first?.detail ?? "")")
        #expect(d.findings.first?.range?.line == 2 && d.findings.first?.range?.file == "main.tf")
        #expect(check("# the deploy role\n" + hcl).findings.first?.range?.line == 3, "found after a comment too")
        let tfjson = #"{"resource": {"aws_iam_role": {"deploy": {"name": "deploy", "assume_role_policy": "${data.aws_iam_policy_document.trust.json}"}}}}"#
        #expect(check(tfjson).findings.first?.detail.contains("is a Terraform expression") == true)
        let notemplate = "Description: hello\nOutputs: {}\n"
        #expect(check(notemplate).findings.first?.detail.contains("not a CloudFormation template") == true)
        let noRoles = #"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#
        #expect(check(noRoles).findings.first?.detail.contains("holds no IAM role") == true)
    }

    @Test func auditOfListRoles() {
        let report = Auditor.audit([.init(text: Self.listRoles, source: "roles.json")], token: .init(text: Self.token, source: "t"), providers: [],
                                   parameters: RequestParameters(at: Fixtures.defaultAt))
        #expect(report.roles.count == 3, "the EC2 role trusts no OIDC provider and is left out")
        let byName = Dictionary(uniqueKeysWithValues: report.roles.map { ($0.name, $0) })
        #expect(byName["gitlab-deploy"]?.admits == ["branch production of mygroup/myproject on gitlab.example.com"])
        let any = byName["gitlab-any-branch"]?.admits ?? []
        #expect(any.contains("branch main of mygroup/myproject on gitlab.example.com") && any.contains("other branches, e.g. feature/witness on gitlab.example.com"), "\(any)")
        #expect(!any.contains { $0.hasPrefix("tags") || $0.contains("other projects") }, "ref_type:branch keeps tags and other projects out: \(any)")
        #expect(byName["gitlab-any-branch"]?.canAssume == true)
        #expect(byName["gitlab-deploy"]?.canAssume == false)
        #expect(byName["gitlab-deploy"]?.primaryCause == .conditionRefMismatch)
        #expect(byName["gitlab-any-branch"]?.warnings.map(\.id) == [.trustBroadSubPattern])
        #expect(report.exitCode == 0)
        let json = AuditRendering.json(report)
        let doc = try? JSONReader.read(json)
        #expect(doc?.root["schema"]?.stringValue == "oidc-doctor/audit/v1")
    }

    /// Files that are not a policy in any shape, each recognised by its content, each with its advice.
    @Test(arguments: [
        ("locals {\n  host = \"gitlab.example.com\"\n}\n", "holds no aws_iam_role"),
        ("// the deploy role\nresource \"aws_iam_role\" \"r\" {\n}\n", "has no assume_role_policy"),
        ("gitlab_host = \"gitlab.example.com\"\nproject_path = \"g/p\"\n", "--var-file"),
        ("import * as cdk from 'aws-cdk-lib';\nnew iam.Role(this, 'R', {});\n", "cdk synth"),
        ("from aws_cdk import aws_iam as iam\n", "cdk synth"),
        ("package main\n\nfunc main() {}\n", "Go source"),
        ("import json\nprint(json.dumps({}))\n", "Python source"),
        ("  # aws_iam_role.r will be created\n  + resource \"aws_iam_role\" \"r\" {\n      + assume_role_policy = (known after apply)\n    }\n", "after apply"),
    ])
    func refusalsFitTheFile(_ text: String, _ advice: String) {
        let d = check(text)
        #expect(d.decision == .unknown && d.primaryCause == .policyInvalid)
        #expect(d.primary?.detail.contains(advice) == true, "\(d.primary?.detail ?? "none")")
        #expect(d.primary?.detail.contains("scanner") != true, "not a YAML error")
    }

    static let openTemplate = Fixtures.stackTemplate(projectDefault: nil)

    /// A role whose values are not all known is listed, with what it waits for and how to give it;
    /// with the values given it is judged like any other.
    @Test func auditListsRolesWithUnknowns() throws {
        let source = DiagnosisRequest.Input(text: Self.openTemplate, source: "stack.yaml")
        let token = DiagnosisRequest.Input(text: Self.token, source: "t")
        let open = Auditor.audit([source], token: token, providers: [], parameters: RequestParameters(at: Fixtures.defaultAt))
        let role = try #require(open.roles.first)
        #expect(role.name == "DeployRole" && role.error == nil)
        #expect(role.unknowns.contains("parameter Project"))
        #expect(role.canAssume == nil && role.assessed, "the project decides, and it is not known")
        #expect(AuditRendering.text(open, unicode: true).contains("give --parameter Project=VALUE"))
        let json = try JSONReader.read(AuditRendering.json(open))
        guard case .array(let roles)? = json.root.plain["roles"], case .array(let unknowns)? = roles.first?["unknowns"] else {
            Issue.record("no roles[0].unknowns in the JSON")
            return
        }
        #expect(unknowns.first?["name"]?.string == "parameter Project" && unknowns.first?["supply"]?.string?.contains("--parameter") == true)
        var settings = TemplateSettings()
        settings.parameters["Project"] = "mygroup/myproject"
        let given = Auditor.audit([source], token: token, providers: [], parameters: RequestParameters(roleArn: "arn:aws:iam::111122223333:role/deploy", at: Fixtures.defaultAt), template: settings)
        #expect(given.roles.first?.canAssume == true && given.roles.first?.unknowns == [])
        #expect(given.roles.first?.arn == "arn:aws:iam::111122223333:role/deploy", "RoleName and the account give the ARN")
    }

    @Test func auditExits2WhenNoRoleIsRead() {
        let broken = Self.openTemplate.replacingOccurrences(of: "!Sub project_path:${Project}", with: "!Sub project_path:${Nowhere}")
        let report = Auditor.audit([.init(text: broken, source: "stack.yaml")], token: nil, providers: [], parameters: RequestParameters(at: Fixtures.defaultAt))
        #expect(report.roles.count == 1 && report.roles[0].error?.contains("Nowhere") == true, "\(report.roles.map { $0.error ?? "-" })")
        #expect(report.exitCode == 2)
        let fine = Auditor.audit([.init(text: broken, source: "a.yaml"), .init(text: Self.openTemplate, source: "b.yaml")], token: nil, providers: [],
                                 parameters: RequestParameters(at: Fixtures.defaultAt))
        #expect(fine.exitCode == 0, "one role read is an audit")
    }
}
