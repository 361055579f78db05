/// Makes any input text safe to print: control characters (C0, DEL, C1, bidi overrides) are shown escaped.
public func terminalSafe(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        let v = u.value
        if v == 0xFDD0 || v == 0xFDD1 {
            out += v == 0xFDD0 ? "<" : ">"  // an unknown value's marker, shown as <name>
        } else if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || VisibleText.isHidden(u) {
            out += v == 0x0A ? "\\n" : v == 0x09 ? "\\t" : v == 0x0D ? "\\r" : "\\u{" + String(v, radix: 16) + "}"
        } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}

/// `check --format text`: a readable walk with ✓ ✗ ! –, then each finding as a rustc-style diagnostic.
public struct TextReport {
    public struct Options: Sendable {
        public var color: Bool
        public var unicode: Bool
        public var policyName: String
        /// Columns a policy line under a finding may take; longer lines are cut around the marked part.
        public var width: Int
        public init(color: Bool = false, unicode: Bool = true, policyName: String = "policy", width: Int = 100) {
            self.color = color
            self.unicode = unicode
            self.policyName = policyName
            self.width = width
        }
    }

    let d: Diagnosis
    let o: Options

    public static func render(_ d: Diagnosis, options: Options = Options()) -> String {
        let text = TextReport(d: d, o: options).body()
        return options.unicode ? text : asciiOnly(text)
    }

    /// For a terminal without UTF-8: the report's own typography in ASCII, any other character escaped.
    public static func asciiOnly(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.isASCII { out.append(u); continue }
            let plain: String
            switch u.value {
            case 0x2014, 0x2013: plain = "-"   // — –
            case 0x2026: plain = "..."         // …
            case 0x00B7: plain = "|"           // ·
            case 0x2192: plain = "->"          // →
            case 0x2264: plain = "<="          // ≤
            case 0x2265: plain = ">="          // ≥
            case 0x00D7: plain = "x"           // ×
            case 0x2018, 0x2019: plain = "'"
            case 0x201C, 0x201D: plain = "\""
            default: plain = "\\u{" + String(u.value, radix: 16) + "}"
            }
            out.append(contentsOf: plain.unicodeScalars)
        }
        return String(out)
    }

    func paint(_ s: String, _ code: String) -> String { o.color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    func symbol(_ s: WalkStep.Status) -> String {
        switch s {
        case .pass: paint(o.unicode ? "✓" : "+", "32")
        case .fail: paint(o.unicode ? "✗" : "x", "31;1")
        case .warn: paint("!", "33")
        case .skip: o.unicode ? "–" : "-"
        }
    }

    func body() -> String {
        var out: [String] = []
        switch d.decision {
        case .allow: out.append(paint("ALLOW", "32;1") + " — STS would issue credentials for this token and role.")
        case .deny: out.append(paint("DENY", "31;1") + " — STS would answer " + terminalSafe("\(d.stsError?.code ?? "?"): \(d.stsError?.message ?? "")"))
        case .unknown: out.append(paint("UNKNOWN", "33;1") + " — no decision: an input cannot be read.")
        }
        var facts = ["evaluated at \(TimeText.iso(d.parameters.at))"]
        if let iss = d.token?.issuer { facts.append("iss \(terminalSafe(iss))") }
        if let sub = d.token?.subject { facts.append("sub \(terminalSafe(sub))") }
        if let role = d.role { facts.append("policy: \(terminalSafe(role.description))") }
        out.append(facts.joined(separator: o.unicode ? " · " : " | "))
        if let p = d.primary { out.append("cause: \(p.id.rawValue) — \(p.title)") }
        if !d.undocumented.isEmpty { out.append(ReportTexts.undocumented(d)) }
        out.append("")
        if !d.walk.isEmpty {
            out.append("Walk")
            for s in d.walk {
                out.append("  \(symbol(s.status)) \(s.step.rightPad(13)) \(terminalSafe(s.summary))")
            }
            out.append("")
        }
        for f in d.findings { out += finding(f) }
        if d.findings.isEmpty { out.append("No findings.") }
        return out.joined(separator: "\n") + "\n"
    }

    func finding(_ f: Finding) -> [String] {
        var out: [String] = []
        let sev: String
        switch f.severity {
        case .error: sev = paint("error", "31;1")
        case .warning: sev = paint("warning", "33;1")
        case .info: sev = paint("note", "36")
        }
        out.append("\(sev)[\(f.id.rawValue)]: \(f.title)")
        var place: [String] = []
        if let s = f.statement { place.append("statement \(s)\(f.sid.map { " \"\(terminalSafe($0))\"" } ?? "")") }
        if let op = f.op, let key = f.key { place.append("\(terminalSafe(op)) on \(terminalSafe(key))") }
        if let r = f.range {
            out.append("  --> \(terminalSafe(r.file ?? o.policyName)):\(r.line):\(r.column)\(place.isEmpty ? "" : " (" + place.joined(separator: ", ") + ")")")
            out += snippet(r)
        } else if !place.isEmpty {
            out.append("  --> " + place.joined(separator: ", "))
        }
        if let c = f.compare { out += compare(c) }
        out.append("   = " + terminalSafe(f.detail))
        if let fix = f.fix { out.append("   = " + paint("help", "1") + ": " + terminalSafe(fix)) }
        out += suggestion(f)
        out.append("")
        return out
    }

    /// The edit behind the fix as removed and added policy lines (`oidc-doctor open`, `f` shows the
    /// whole corrected policy and `s` writes it).
    func suggestion(_ f: Finding) -> [String] {
        guard let (edit, source) = d.editInGivenText(f), let preview = EditPreview(edit, in: source) else { return [] }
        let gutter = String(preview.lines.map(\.number).max() ?? 1).count
        var out = ["\(String(repeating: " ", count: gutter)) |"]
        for l in preview.lines {
            let line = SnippetLine(l.text, mark: l.mark, width: o.width - gutter - 3, unicode: o.unicode, showEnd: l.kind == .added)
            out.append(String(l.number).leftPad(gutter) + " " + (l.kind == .added ? paint("+", "32") : paint("-", "31")) + " " + paint(line.text, l.kind == .added ? "32" : "31"))
        }
        return out
    }

    func snippet(_ r: LineRange) -> [String] {
        guard let source = d.role?.policy.text(of: r), r.line <= source.lineCount else { return [] }
        let last = min(r.endLine, r.line + 3)
        let gutter = String(last).count
        let room = o.width - gutter - 3
        var out: [String] = ["\(String(repeating: " ", count: gutter)) |"]
        for n in r.line...last {
            let raw = source.line(n)
            let start = n == r.line ? r.column - 1 : 0
            let end = r.endLine == n ? r.endColumn - 1 : raw.unicodeScalars.count
            let line = SnippetLine(raw, mark: start..<max(start + 1, end), width: room, unicode: o.unicode)
            out.append("\(String(n).leftPad(gutter)) | \(line.text)")
            if n == r.line {
                out.append("\(String(repeating: " ", count: gutter)) | \(String(repeating: " ", count: line.markStart))\(paint(String(repeating: "^", count: line.markWidth), "31"))")
            }
        }
        return out
    }

    func compare(_ c: Comparison) -> [String] {
        // Values as they are: a space at the end, a zero-width or look-alike character made visible.
        let actual = VisibleText.shown(c.actual)
        var out = ["   = policy expects: \(terminalSafe(VisibleText.value(c.expected)))", "   = token has:      \(terminalSafe(actual.text))"]
        if let at = c.differsAt {
            let scalarAt = String(c.actual.prefix(at)).unicodeScalars.count
            let before = terminalSafe(String(String.UnicodeScalarView(actual.text.unicodeScalars.prefix(actual.offsets[min(scalarAt, actual.offsets.count - 1)]))))
            let width = (o.unicode ? before : Self.asciiOnly(before)).count
            out.append("                     \(String(repeating: " ", count: width))\(paint("^", "31;1")) first difference")
        }
        if !c.components.isEmpty {
            let parts = c.components.map { comp -> String in
                let mark = comp.matches ? (o.unicode ? "✓" : "ok") : (o.unicode ? "✗" : "x")
                let e = comp.expected.map { terminalSafe(VisibleText.value($0)) } ?? "(absent)"
                let a = comp.actual.map { terminalSafe(VisibleText.value($0)) } ?? "(absent)"
                return comp.matches ? "\(comp.name) \(mark) \(a)" : "\(comp.name) \(mark) expects \(e), token has \(a)"
            }
            out.append("   = sub components: " + parts.joined(separator: o.unicode ? " · " : " | "))
        }
        return out
    }
}

extension String {
    func leftPad(_ w: Int) -> String { String(repeating: " ", count: max(0, w - count)) + self }
    func rightPad(_ w: Int) -> String { self + String(repeating: " ", count: max(0, w - count)) }
}
