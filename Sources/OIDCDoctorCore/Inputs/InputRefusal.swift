/// Files people pass as `--policy` that are not a policy in any shape oidc-doctor reads, each
/// recognised by its content (names lie: a template saved as `.txt`), each with the advice that fits it.
enum InputRefusal {
    static let hclBlocks: Set<String> = ["resource", "data", "provider", "terraform", "module", "locals", "variable", "output", "moved", "import", "check", "removed"]

    /// The first word of the text after blank lines and comments (`#`, `//`, `/* */`).
    static func firstWord(_ text: String) -> String? {
        var rest = Substring(text).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        while true {
            if rest.hasPrefix("#") || rest.hasPrefix("//") {
                rest = rest.drop { $0 != "\n" }.drop { $0.isWhitespace }
            } else if rest.hasPrefix("/*"), let end = rest.firstRange(of: "*/") {
                rest = rest[end.upperBound...].drop { $0.isWhitespace }
            } else {
                break
            }
        }
        let word = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        return word.isEmpty ? nil : String(word)
    }

    /// A Terraform block opens the text: `resource "…"`, `locals {` (a YAML key would have `:`).
    static func startsWithHCLBlock(_ text: String) -> Bool {
        guard let word = firstWord(text), hclBlocks.contains(word), let r = text.firstRange(of: word) else { return false }
        let next = text[r.upperBound...].drop { $0 == " " || $0 == "\t" }.first
        return next == "\"" || next == "{"
    }

    static func refusal(for text: String) -> String? {
        let word = firstWord(text)
        if startsWithHCLBlock(text) {
            return "this is Terraform HCL: pass the .tf file or its module directory as a file path (--policy main.tf or --policy DIR), so oidc-doctor reads the module"
        }
        if isTextPlan(text) {
            return "this is a Terraform plan as text, and a policy shown as (known after apply) is not known until apply: pass the state after apply (terraform show -json), or the module itself (--policy DIR)"
        }
        if text.contains("aws-cdk-lib") || text.contains("@aws-cdk/") || text.contains("from aws_cdk") || text.contains("import aws_cdk") {
            return "this is CDK source code: run `cdk synth` and pass cdk.out/<Stack>.template.json (the template CDK writes)"
        }
        if word == "package" && text.contains("func ") {
            return "this is Go source code: oidc-doctor reads the policy a program builds, not the program; print the JSON document it makes, or pass the deployed role's aws iam get-role output"
        }
        if (word == "import" || word == "from" || word == "def") && (text.contains("json.dumps") || text.contains("boto3") || text.contains("def ")) {
            return "this is Python source code: oidc-doctor reads the policy a program builds, not the program; print the JSON document it makes (json.dumps), or pass the deployed role's aws iam get-role output"
        }
        if word == "import" || word == "export" || word == "const" {
            return "this looks like JavaScript or TypeScript source code: for CDK, run `cdk synth` and pass cdk.out/<Stack>.template.json; otherwise pass the JSON document the program makes"
        }
        if isTFVars(text) {
            return "this is a Terraform variables file (.tfvars): pass the module with --policy DIR (or its .tf file) and this file with --var-file"
        }
        return nil
    }

    /// `terraform plan` as printed: `+ resource …`, `(known after apply)`.
    static func isTextPlan(_ text: String) -> Bool {
        text.contains("(known after apply)") || text.contains("Terraform will perform the following actions") || text.contains(" will be created\n")
    }

    /// `name = value` lines (a .tfvars): HCL assignments that YAML would not write so.
    static func isTFVars(_ text: String) -> Bool {
        var assignments = 0
        for line in text.split(separator: "\n").prefix(50) {
            let l = line.trimmingWhitespace
            if l.isEmpty || l.hasPrefix("#") || l.hasPrefix("//") { continue }
            let name = l.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            let after = l.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
            if !name.isEmpty, after.hasPrefix("="), !after.hasPrefix("==") { assignments += 1 } else if assignments == 0 { return false }
        }
        return assignments > 0
    }
}
