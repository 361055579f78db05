/// `check --format markdown`: a report to paste into a ticket. The token's signature never appears.
public enum MarkdownReport {
    public static func render(_ d: Diagnosis, policyName: String = "policy") -> String {
        var out: [String] = ["## oidc-doctor: \(d.decision.rawValue.uppercased())", ""]
        if let e = d.stsError { out.append("STS would answer **\(e.code)**: `\(code(e.message))`") } else if d.decision == .allow {
            out.append("STS would issue credentials for this token and role.")
        }
        out.append("")
        out.append("- evaluated at: `\(TimeText.iso(d.parameters.at))`")
        if let t = d.token {
            if let iss = t.issuer { out.append("- iss: `\(code(iss))`") }
            if let sub = t.subject { out.append("- sub: `\(code(sub))`") }
            if let aud = t.audiences { out.append("- aud: `\(code(aud.joined(separator: ", ")))`") }
        }
        if let p = d.primaryCause { out.append("- primary cause: `\(p.rawValue)`") }
        if !d.undocumented.isEmpty { out.append("- " + ReportTexts.undocumented(d)) }
        out += ["", "| step | status | summary |", "|---|---|---|"]
        for s in d.walk { out.append("| \(s.step) | \(s.status.rawValue) | \(cell(s.summary)) |") }
        out.append("")
        for f in d.findings {
            out.append("### \(f.severity.rawValue): `\(f.id.rawValue)` — \(f.title)")
            out.append("")
            if let r = f.range {
                out.append("At `\(code(policyName)):\(r.line):\(r.column)`\(f.statement.map { ", statement \($0)" } ?? "")\(f.op.map { ", `\(code($0))`" } ?? "")\(f.key.map { " on `\(code($0))`" } ?? "").")
                out.append("")
            }
            if let c = f.compare {
                out += ["```", "policy expects: \(terminalSafe(c.expected))", "token has:      \(terminalSafe(c.actual))"]
                if let at = c.differsAt { out.append(String(repeating: " ", count: 16 + at) + "^") }
                out += ["```", ""]
            }
            out.append(terminalSafe(f.detail))
            if let fix = f.fix { out += ["", "**Fix:** \(terminalSafe(fix))"] }
            if let (edit, source) = d.editInGivenText(f), let preview = EditPreview(edit, in: source) {
                out += ["", "```diff"]
                for l in preview.lines { out.append((l.kind == .added ? "+" : "-") + SnippetLine(l.text, mark: l.mark, width: 160, unicode: true, showEnd: l.kind == .added).text) }
                out.append("```")
            }
            out.append("")
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func code(_ s: String) -> String { terminalSafe(s).replacing("`", with: "'") }
    static func cell(_ s: String) -> String { terminalSafe(s).replacing("|", with: "\\|") }
}
