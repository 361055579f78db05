/// The admission matrix in each format: rows are witness jobs, ✓/✗ with what decides.
public enum MatrixRendering {

    /// DESIGN §8: `matrix: [{"label", "job": {claims}, "decision", "cause"}]`, plus the class and why.
    public static func json(_ m: AdmissionMatrix) -> PlainJSON {
        .array(m.rows.map { r in
            .object([
                .init(key: "label", value: .string(r.witness.label)),
                .init(key: "kind", value: .string(r.witness.kind.rawValue)),
                .init(key: "job", value: r.witness.claims),
                .init(key: "decision", value: .string(r.decision.rawValue)),
                .init(key: "cause", value: r.cause.map { .string($0.rawValue) } ?? .null),
                .init(key: "why", value: .string(r.why)),
                .init(key: "statement", value: r.statement.map { .number(String($0)) } ?? .null),
                .init(key: "undocumented", value: .array(r.undocumented.map { .string($0.rawValue) })),
            ])
        })
    }

    static func mark(_ d: Diagnosis.Decision, unicode: Bool) -> String {
        switch d {
        case .allow: unicode ? "✓" : "+"
        case .deny: unicode ? "✗" : "x"
        case .unknown: "?"
        }
    }

    /// One line per witness: mark, label, and the deciding statement or condition; `indent` before each.
    /// A line longer than `width` puts what decides on a line of its own.
    public static func text(_ m: AdmissionMatrix, unicode: Bool, indent: String = "", width lineWidth: Int = 80) -> [String] {
        let width = min(m.rows.map { $0.witness.label.count }.max() ?? 0, 44)
        return m.rows.flatMap { r -> [String] in
            let label = terminalSafe(r.witness.label)
            let pad = label.count < width ? String(repeating: " ", count: width - label.count) : ""
            let undocumented = r.undocumented.isEmpty ? "" : " [AWS behaviour undocumented]"
            let deciding = r.decision == .allow ? r.place : [r.cause?.rawValue ?? "refused", r.place].filter { !$0.isEmpty }.joined(separator: " — ")
            let head = "\(indent)\(mark(r.decision, unicode: unicode)) \(label)"
            let line = head + pad + "  " + terminalSafe(deciding) + undocumented
            if line.count <= lineWidth { return [line] }
            // What decides on its own line, and its place on the next when that is still too long.
            let rest = indent + "    " + terminalSafe(deciding) + undocumented
            if rest.count <= lineWidth || r.decision == .allow { return [head, rest] }
            return [head, indent + "    " + terminalSafe(r.cause?.rawValue ?? "refused"), indent + "      " + terminalSafe(r.place) + undocumented]
        }
    }

    /// A table for a ticket or a merge request.
    public static func markdown(_ m: AdmissionMatrix) -> [String] {
        let cell = { (s: String) in terminalSafe(s).replacing("|", with: "\\|") }
        return ["| job | sub | decision | deciding |", "|---|---|---|---|"] + m.rows.map { r in
            "| \(cell(r.witness.label)) | `\(cell(r.witness.job.sub))` | \(mark(r.decision, unicode: true)) \(r.decision.rawValue) | \(cell(r.decision == .allow ? r.why : "`\(r.cause?.rawValue ?? "")` \(r.why)")) |"
        }
    }
}
