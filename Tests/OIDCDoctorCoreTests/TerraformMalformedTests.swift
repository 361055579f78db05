import Foundation
import Testing
@testable import OIDCDoctorCore

/// Bad Terraform, as it arrives on a runner host: each case is a clear `policy.invalid` (bad HCL,
/// a limit reached) or `input.unresolved` (a value the files do not give), named with its place,
/// in bounded time and memory: never a crash, a hang or a made-up verdict.
struct MalformedTerraform: CustomTestStringConvertible, Sendable {
    enum Outcome: Sendable { case invalid, unresolved }
    var name: String
    var files: [String: String]
    var arguments: [TerraformFiles.Argument] = []
    var outcome: Outcome
    /// Words the finding's detail or fix must hold.
    var says: String
    var line: Int? = nil
    var file: String? = "main.tf"
    var testDescription: String { name }

    static let role = """
        resource "aws_iam_role" "deploy" {
          name = "deploy"
          assume_role_policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity"
              Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com" }
              Condition = { StringEquals = { "gitlab.example.com:sub" = local.sub } }
            }]
          })
        }

        """

    /// The role above with `local.sub` defined by `locals`.
    static func withSub(_ locals: String) -> [String: String] { ["main.tf": role + "locals {\n" + locals + "\n}\n"] }

    static func nested(_ open: String, _ close: String, _ n: Int) -> String {
        String(repeating: open, count: n) + "1" + String(repeating: close, count: n)
    }

    static let cases: [MalformedTerraform] = [
        .init(name: "unclosed block", files: ["main.tf": "resource \"aws_iam_role\" \"deploy\" {\n  name = \"x\"\n"], outcome: .invalid,
              says: "resource \"aws_iam_role\" \"deploy\" block is not closed", line: 1),
        .init(name: "heredoc without its end marker", files: ["main.tf": "resource \"aws_iam_role\" \"d\" {\n  assume_role_policy = <<EOF\n{}\n}\n"],
              outcome: .invalid, says: "heredoc is not closed: expected its end marker EOF"),
        .init(name: "10,000 nested tuples", files: ["main.tf": "locals {\n  x = " + nested("[", "]", 10_000) + "\n}\n"], outcome: .invalid,
              says: "nesting deeper than 200 levels", line: 2),
        .init(name: "10,000 nested blocks", files: ["main.tf": String(repeating: "a {\n", count: 10_000) + String(repeating: "}\n", count: 10_000)],
              outcome: .invalid, says: "nesting deeper than 200 levels"),
        .init(name: "10,000 nested parentheses", files: ["main.tf": "locals {\n  x = " + nested("(", ")", 10_000) + "\n}\n"], outcome: .invalid,
              says: "nesting deeper than 200 levels"),
        .init(name: "10,000 nested interpolations", files: ["main.tf": "locals {\n  x = " + nested("\"${", "}\"", 10_000) + "\n}\n"],
              outcome: .invalid, says: "nesting deeper than 200 levels"),
        .init(name: "a 17 MB file", files: ["main.tf": "# " + String(repeating: "x", count: 17 << 20) + "\n"], outcome: .invalid,
              says: "more than the 16777216-byte limit for a .tf file", line: 1),
        .init(name: "binary garbage", files: ["main.tf": String(decoding: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }, as: UTF8.self)],
              outcome: .invalid, says: "main.tf"),
        .init(name: "a NUL byte inside a block", files: ["main.tf": "resource \"aws_iam_role\" \"d\" {\n  name = \"x\"\u{0}\n}\n"],
              outcome: .invalid, says: "expected a line break after the value of name", line: 2),
        .init(name: "range over a billion numbers", files: withSub("  sub = join(\",\", [for i in range(1000000000) : tostring(i)])"),
              outcome: .invalid, says: "range() would make 1000000000 elements", line: 13),
        .init(name: "for inside for, 3,000 × 3,000", files: withSub("  sub = length(flatten([for i in range(3000) : [for j in range(3000) : i * j]]))"),
              outcome: .invalid, says: "oidc-doctor stops here"),
        .init(name: "a string that doubles forty times",
              files: withSub("  l0 = \"xx\"\n" + (1...40).map { "  l\($0) = \"${local.l\($0 - 1)}${local.l\($0 - 1)}\"" }.joined(separator: "\n") + "\n  sub = local.l40"),
              outcome: .invalid, says: "more than 64 MB of strings and lists"),
        .init(name: "a list that doubles forty times",
              files: withSub("  l0 = [1, 2]\n" + (1...40).map { "  l\($0) = concat(local.l\($0 - 1), local.l\($0 - 1))" }.joined(separator: "\n") + "\n  sub = length(local.l40)"),
              outcome: .invalid, says: "concat() would make a list of more than 100000 elements"),
        .init(name: "locals that refer to each other", files: withSub("  sub = local.a\n  a = local.b\n  b = local.a"), outcome: .invalid,
              says: "a cycle"),
        .init(name: "a local that refers to itself", files: withSub("  sub = local.sub"), outcome: .invalid, says: "a cycle"),
        .init(name: "a module that includes itself",
              files: ["main.tf": "module \"me\" {\n  source = \"./\"\n}\n" + role + "locals {\n  sub = \"x\"\n}\n"], outcome: .invalid,
              says: "module"),
        .init(name: "two modules that include each other",
              files: ["main.tf": "module \"a\" {\n  source = \"./a\"\n}\n", "a/main.tf": "module \"b\" {\n  source = \"../b\"\n}\n",
                      "b/main.tf": "module \"a\" {\n  source = \"../a\"\n}\n"],
              outcome: .invalid, says: "module", file: "b/main.tf"),
        .init(name: "a string without its closing quote", files: ["main.tf": "locals {\n  sub = \"project_path:g/p\n}\n"], outcome: .invalid,
              says: "a quoted string cannot span lines", line: 2),
        .init(name: "an interpolation without its closing brace", files: withSub("  sub = \"${var.x\""), outcome: .invalid, says: "main.tf"),
        .init(name: "an %{if} without %{endif}", files: withSub("  sub = \"%{if true}x\""), outcome: .invalid, says: "directive"),
        .init(name: "a closing brace with no block open", files: ["main.tf": "}\n" + role], outcome: .invalid,
              says: "unexpected \"}\": no block is open here", line: 1),
        .init(name: "an attribute without a value", files: withSub("  sub =\n"), outcome: .invalid, says: "main.tf", line: 13),
        .init(name: "a function Terraform does not have", files: withSub("  sub = frobnicate(\"x\")"), outcome: .invalid, says: "frobnicate", line: 13),
        .init(name: "jsondecode of text that is not JSON", files: withSub("  sub = jsondecode(\"{nope\")"), outcome: .invalid, says: "jsondecode",
              line: 13),
        .init(name: "a policy that is not JSON", files: ["main.tf": "resource \"aws_iam_role\" \"d\" {\n  assume_role_policy = \"Allow everything\"\n}\n"],
              outcome: .invalid, says: "main.tf", line: 2),
        .init(name: "a negative count", files: ["main.tf": role.replacingOccurrences(of: "name = \"deploy\"", with: "count = -1\n  name = \"deploy\"")
                                                  + "locals {\n  sub = \"x\"\n}\n"], outcome: .invalid, says: "count"),
        .init(name: "a block label that is a template", files: ["main.tf": "resource \"aws_iam_role\" \"${var.x}\" {\n}\n"], outcome: .invalid,
              says: "a block label must be a literal string", line: 1),
        .init(name: "--var for a variable the files do not declare", files: withSub("  sub = \"x\""), arguments: [.variable(name: "nope", value: "1")],
              outcome: .invalid, says: "declares no variable \"nope\"", file: nil),
        .init(name: "a .tfvars.json that is not an object", files: withSub("  sub = var.sub").merging(["terraform.tfvars.json": "[1, 2]",
              "variables.tf": "variable \"sub\" {}\n"]) { a, _ in a }, outcome: .invalid, says: "holds one JSON object", file: "terraform.tfvars.json"),
        .init(name: "a variable with no default and no --var", files: withSub("  sub = \"project_path:${var.project}:ref_type:branch:ref:main\"")
                  .merging(["variables.tf": "variable \"project\" {\n  type = string\n}\n"]) { a, _ in a },
              outcome: .unresolved, says: "--var project=", line: 8),
        .init(name: "for_each over a variable with no value",
              files: ["main.tf": role.replacingOccurrences(of: "name = \"deploy\"", with: "for_each = var.roles\n  name = each.key")
                        + "locals {\n  sub = \"x\"\n}\nvariable \"roles\" {\n  type = set(string)\n}\n"],
              outcome: .unresolved, says: "--var roles="),
        .init(name: "for_each over a variable whose default is empty: no role, and the message says why",
              files: ["main.tf": role.replacingOccurrences(of: "name = \"deploy\"", with: "for_each = var.roles\n  name = each.key")
                        + "locals {\n  sub = \"x\"\n}\nvariable \"roles\" {\n  type = set(string)\n  default = []\n}\n"],
              outcome: .invalid, says: "aws_iam_role.deploy (main.tf:1) has no instance: for_each = var.roles is empty", file: nil),
        .init(name: "a default that fails its variable's validation, read first inside try(): terraform plan stops",
              files: withSub("  sub = try(\"project_path:${var.project}:*\", \"x\")")
                  .merging(["variables.tf": "variable \"project\" {\n  default = \"\"\n  validation {\n    condition     = length(var.project) > 0\n    error_message = \"project must not be empty.\"\n  }\n}\n"]) { a, _ in a },
              outcome: .invalid, says: "var.project fails its validation: \"project must not be empty.\"", line: 4, file: "variables.tf"),
        .init(name: "a regular expression that backtracks for ever",
              files: withSub("  sub = regex(\"^(a+)+$\", \"\(String(repeating: "a", count: 40))b\")"), outcome: .unresolved,
              says: "regular expression oidc-doctor does not run", line: 8),
        .init(name: "a heredoc policy that is not JSON", files: ["main.tf": "resource \"aws_iam_role\" \"d\" {\n  assume_role_policy = <<-EOF\n    {\"Version\": \n  EOF\n}\n"],
              outcome: .invalid, says: "main.tf"),
    ]
}

@Suite struct TerraformMalformedTests {
    @Test func thereAreThirty() { #expect(MalformedTerraform.cases.count >= 30) }

    @Test(arguments: MalformedTerraform.cases) func badTerraform(_ c: MalformedTerraform) {
        var r = DiagnosisRequest(token: .init(text: InputShapeTests.token, source: "token"), policy: .init(text: "", source: "module"),
                                 parameters: RequestParameters(roleArn: "arn:aws:iam::111122223333:role/deploy", at: Fixtures.defaultAt))
        r.terraform = TerraformFiles(files: c.files, arguments: c.arguments, account: "111122223333", partition: "aws")
        let d = Diagnoser.diagnose(r)
        #expect(d.decision == .unknown)
        let want: FindingID = c.outcome == .invalid ? .policyInvalid : .inputUnresolved
        let f = d.findings.first { $0.id == want }
        #expect(f != nil, "\(want.rawValue) expected; got \(d.findings.map { "\($0.id.rawValue): \($0.detail)" })")
        guard let f else { return }
        let text = f.detail + " " + (f.fix ?? "")
        #expect(text.contains(c.says), "\(text.prefix(400))")
        if let line = c.line { #expect(f.range?.line == line, "\(f.range.map { "\($0.file ?? ""):\($0.line)" } ?? "no range")") }
        if let file = c.file { #expect(f.range?.file == file) }
        // Nothing from the input reaches the report as a control character.
        #expect(!TextReport.render(d).unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F })
    }
}
