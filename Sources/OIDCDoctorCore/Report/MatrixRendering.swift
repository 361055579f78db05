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

    public static func mark(_ d: Diagnosis.Decision, unicode: Bool) -> String {
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
        let cell = MarkdownReport.cell
        return ["| job | sub | decision | deciding |", "|---|---|---|---|"] + m.rows.map { r in
            "| \(cell(r.witness.label)) | `\(cell(r.witness.job.sub))` | \(mark(r.decision, unicode: true)) \(r.decision.rawValue) | \(cell(r.decision == .allow ? r.why : "`\(r.cause?.rawValue ?? "")` \(r.why)")) |"
        }
    }
}

/// A sub migration in each format: every witness job now and after the change, and the proposal.
public enum MigrationRendering {
    static func side(_ r: AdmissionMatrix.Row) -> PlainJSON {
        .object([
            .init(key: "sub", value: .string(r.witness.job.sub)),
            .init(key: "decision", value: .string(r.decision.rawValue)),
            .init(key: "cause", value: r.cause.map { .string($0.rawValue) } ?? .null),
            .init(key: "why", value: .string(r.why)),
        ])
    }

    public static func json(_ m: SubMigration, _ o: SubMigration.Outcome) -> PlainJSON {
        .object([
            .init(key: "change", value: .string(m.summary)),
            .init(key: "rows", value: .array(o.rows.map { r in
                .object([
                    .init(key: "label", value: .string(r.before.witness.label)),
                    .init(key: "kind", value: .string(r.before.witness.kind.rawValue)),
                    .init(key: "before", value: side(r.before)),
                    .init(key: "after", value: side(r.after)),
                ])
            })),
            .init(key: "proposal", value: .object([
                .init(key: "additions", value: .array(o.proposal.additions.map { a in
                    .object([
                        .init(key: "statement", value: .number(String(a.statement))),
                        .init(key: "sid", value: a.sid.map(PlainJSON.string) ?? .null),
                        .init(key: "operator", value: .string(a.op)),
                        .init(key: "key", value: .string(a.key)),
                        .init(key: "add", value: .array(a.values.map(PlainJSON.string))),
                        .init(key: "line", value: a.range.map { .number(String($0.line)) } ?? .null),
                    ])
                })),
                .init(key: "untranslated", value: .array(o.proposal.untranslated.map(PlainJSON.string))),
                .init(key: "needs", value: .array(o.proposal.needs.map(PlainJSON.string))),
                .init(key: "state", value: .string(o.proposal.need.rawValue)),
                .init(key: "admitsBoth", value: .bool(o.proposal.admitsBoth)),
            ])),
        ])
    }

    public static func text(_ m: SubMigration, _ o: SubMigration.Outcome, unicode: Bool, indent: String = "") -> [String] {
        let mark = { (r: AdmissionMatrix.Row) in MatrixRendering.mark(r.decision, unicode: unicode) }
        let arrow = unicode ? "→" : "->"
        var out = ["\(indent)\(terminalSafe(m.summary)): each witness job now \(arrow) after the change"]
        let width = min(o.rows.map { $0.before.witness.label.count }.max() ?? 0, 44)
        for r in o.rows {
            let label = terminalSafe(r.before.witness.label)
            let changed = r.before.decision != r.after.decision
            let pad = changed && label.count < width ? String(repeating: " ", count: width - label.count) : ""
            let why = changed ? "  " + (r.after.decision == .allow ? r.after.place : (r.after.cause?.rawValue ?? "refused")) : ""
            out.append("\(indent)  \(mark(r.before)) \(arrow) \(mark(r.after))  \(label)\(pad)\(terminalSafe(why))")
        }
        let p = o.proposal
        let job = o.rows.first { $0.before.witness.kind == .thisJob || $0.before.witness.kind == .intended }?.before.witness.label ?? "the job"
        switch p.need {
        case .refusedNow: out.append("\(indent)nothing to migrate: \(terminalSafe(job)) does not get in now either")
        case .admittedAfter: out.append("\(indent)nothing to add: \(terminalSafe(job)) gets in after the change too")
        case .additions:
            if p.additions.isEmpty && p.untranslated.isEmpty { out.append("\(indent)no sub value of the policy admits \(terminalSafe(job)) now: nothing to rewrite") }
        }
        for a in p.additions {
            let place = a.range.map { r in r.file.map { "\($0):\(r.line)" } ?? "line \(r.line)" } ?? "statement \(a.statement)"
            out.append("\(indent)to admit both during the change: add \(a.values.map { terminalSafe($0).debugDescription }.joined(separator: ", ")) to \(a.op) \(terminalSafe(a.key)) (\(a.sid.map { "statement \(terminalSafe($0).debugDescription)" } ?? "statement \(a.statement)"), \(place))")
        }
        for v in p.untranslated { out.append("\(indent)cannot rewrite \(terminalSafe(v).debugDescription) for the new sub (a wildcard spans components): write its new form by hand") }
        for n in p.needs { out.append("\(indent)not known: \(terminalSafe(n))") }
        if !p.additions.isEmpty {
            if !p.needs.isEmpty {
                out.append("\(indent)the addition waits for the values not known above; with them, check it again")
            } else {
                out.append(p.admitsBoth ? "\(indent)checked: with the additions the job gets in before and after the change"
                                        : "\(indent)not enough: with the additions the job still does not get in both before and after the change")
            }
        }
        return out
    }
}
