/// `audit --format json|text|markdown`: one renderer per format over the same `AuditReport`.
public enum AuditRendering {
    public static let schema = "oidc-doctor/audit/v1"

    /// `matrix`: each role's witness jobs as `matrix` (DESIGN §8).
    public static func json(_ r: AuditReport, matrix: Bool = false, migration: SubMigration? = nil) -> String {
        // Written role by role into one string (as `pretty` would write the whole document): an
        // account's audit is not held as a tree of values first.
        var out = "{\n  \"schema\": "
        JSONText.quote(schema, into: &out)
        out += ",\n  \"roles\": "
        if r.roles.isEmpty { out += "[]" } else {
            out += "[\n"
            for (i, role) in r.roles.enumerated() {
                if i > 0 { out += ",\n" }
                out += "    "
                JSONReport.pretty(object(role, matrix: matrix, migration: migration), indent: "    ", into: &out)
            }
            out += "\n  ]"
        }
        out += ",\n  \"unreadable\": "
        JSONReport.pretty(.array(r.unreadable.map(PlainJSON.string)), indent: "  ", into: &out)
        out += "\n}\n"
        return out
    }

    static func object(_ role: AuditedRole, matrix: Bool, migration: SubMigration?) -> PlainJSON {
        var pairs: [PlainJSON.Pair] = [
            .init(key: "name", value: .string(role.name)),
            .init(key: "arn", value: role.arn.map(PlainJSON.string) ?? .null),
            .init(key: "source", value: .string(role.source)),
            .init(key: "providers", value: .array(role.providers.map(PlainJSON.string))),
            .init(key: "admits", value: .array(role.admits.map(PlainJSON.string))),
            .init(key: "warnings", value: .array(role.warnings.map { .string($0.id.rawValue) })),
            .init(key: "canAssume", value: role.canAssume.map(PlainJSON.bool) ?? .null),
            .init(key: "primaryCause", value: role.primaryCause.map { .string($0.rawValue) } ?? .null),
            .init(key: "risk", value: .string(role.riskName)),
            .init(key: "error", value: role.error.map(PlainJSON.string) ?? .null),
            .init(key: "unknowns", value: .array(role.unknowns.map { u in
                .object([.init(key: "name", value: .string(u)), .init(key: "supply", value: .string(UnknownAdvice.advice(u)))])
            })),
        ]
        if matrix, let m = role.matrix { pairs.append(.init(key: "matrix", value: MatrixRendering.json(m))) }
        if let migration, let o = role.migration { pairs.append(.init(key: "migration", value: MigrationRendering.json(migration, o))) }
        return .object(pairs)
    }

    public static func text(_ r: AuditReport, unicode: Bool, matrix: Bool = false, migration: SubMigration? = nil) -> String {
        var out: [String] = []
        let mark = { (risk: Int) -> String in
            switch risk {
            case 3: unicode ? "✗" : "x"
            case 2: "!"
            case 1: "?"
            default: unicode ? "✓" : "+"
            }
        }
        out.append("\(r.roles.count) role\(r.roles.count == 1 ? "" : "s") trusting an OIDC provider; riskiest first.")
        for role in r.roles {
            var line = "\(mark(role.risk)) \(terminalSafe(role.name))"
            if let can = role.canAssume {
                line += can ? "  — this job CAN assume it" : "  — this job cannot: \(role.primaryCause?.rawValue ?? "?")"
            } else if role.assessed, !role.unknowns.isEmpty {
                line += "  — whether this job can assume it depends on values not given"
            }
            out.append(line)
            out.append("    source: \(terminalSafe(role.source))\(role.arn.map { ", \(terminalSafe($0))" } ?? "")")
            if let e = role.error { out.append("    unreadable: \(terminalSafe(e))") }
            for a in role.admits { out.append("    admits: \(terminalSafe(a))") }
            for u in role.unknowns { out.append("    unknown: \(terminalSafe(UnknownAdvice.advice(u)))") }
            for w in role.warnings { out.append("    \(AuditedRole.errorSeverity.contains(w.id) ? "error" : "warning")[\(w.id.rawValue)]: \(terminalSafe(w.detail))") }
            if matrix, let m = role.matrix {
                out.append("    witness jobs:")
                out += MatrixRendering.text(m, unicode: unicode, indent: "      ")
            }
            if let migration, let o = role.migration {
                // Only the jobs whose answer changes, unless --matrix asks for all of them.
                var shown = o
                if !matrix { shown.rows = o.rows.filter { $0.before.decision != $0.after.decision || [.thisJob, .intended].contains($0.before.witness.kind) } }
                out += MigrationRendering.text(migration, shown, unicode: unicode, indent: "    ")
            }
        }
        for u in r.unreadable { out.append("? \(terminalSafe(u))") }
        let text = out.joined(separator: "\n") + "\n"
        return unicode ? text : TextReport.asciiOnly(text)
    }

    public static func markdown(_ r: AuditReport, matrix: Bool = false) -> String {
        var out = ["## oidc-doctor audit", "", "| role | risk | admits | warnings | can assume |", "|---|---|---|---|---|"]
        for role in r.roles {
            let cell = MarkdownReport.cell
            out.append("| \(cell(role.name)) | \(role.riskName) | \(cell((role.admits + role.unknowns.map { "unknown: <\($0)>" }).joined(separator: "; "))) | \(role.warnings.map { "`\($0.id.rawValue)`" }.joined(separator: " ")) | \(role.canAssume.map { $0 ? "yes" : "no (\(role.primaryCause?.rawValue ?? "?"))" } ?? (role.assessed ? "unknown" : "–")) |")
        }
        if matrix {
            for role in r.roles {
                guard let m = role.matrix else { continue }
                out += ["", "### \(terminalSafe(role.name))", ""] + MatrixRendering.markdown(m)
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
