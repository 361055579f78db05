/// `check --format json`: the DESIGN §4 object. Field names are a contract: add, never rename.
public enum JSONReport {
    public static let schema = "oidc-doctor/check/v1"

    /// `matrix`: the witness jobs of `--matrix` (DESIGN §8), added as `matrix`.
    /// `migration`: `--sub-format`/`--renamed-from`, added as `migration`.
    public static func render(_ d: Diagnosis, matrix: AdmissionMatrix? = nil, migration: PlainJSON? = nil) -> String {
        guard matrix != nil || migration != nil, case .object(var pairs) = object(d) else { return pretty(object(d)) + "\n" }
        if let matrix { pairs.append(.init(key: "matrix", value: MatrixRendering.json(matrix))) }
        if let migration { pairs.append(.init(key: "migration", value: migration)) }
        return pretty(.object(pairs)) + "\n"
    }

    /// For failures before any diagnosis could start (usage, unreadable files): still one object.
    public static func renderInputError(_ message: String) -> String {
        var f = Finding(.inputInvalid, .error, detail: message, fix: nil)
        f.title = FindingID.inputInvalid.title
        let obj: PlainJSON = .object([
            .init(key: "schema", value: .string(schema)),
            .init(key: "decision", value: .string("unknown")),
            .init(key: "stsError", value: .null),
            .init(key: "primaryCause", value: .string(FindingID.inputInvalid.rawValue)),
            .init(key: "findings", value: .array([finding(f)])),
            .init(key: "walk", value: .array([])),
            .init(key: "statements", value: .array([])),
            .init(key: "context", value: .object([])),
            .init(key: "token", value: .null),
        ])
        return pretty(obj) + "\n"
    }

    static func object(_ d: Diagnosis) -> PlainJSON {
        var pairs: [PlainJSON.Pair] = [
            .init(key: "schema", value: .string(schema)),
            .init(key: "decision", value: .string(d.decision.rawValue)),
            .init(key: "stsError", value: d.stsError.map { .object([.init(key: "code", value: .string($0.code)), .init(key: "message", value: .string($0.message))]) } ?? .null),
            .init(key: "primaryCause", value: d.primaryCause.map { .string($0.rawValue) } ?? .null),
            // UNCONFIRMED points whose other reading changes this decision (issue 15; DESIGN §4: added).
            .init(key: "undocumented", value: .array(d.undocumented.map { .string($0.rawValue) })),
            .init(key: "findings", value: .array(d.findings.map { finding($0, in: d) })),
            .init(key: "walk", value: .array(d.walk.map { .object([.init(key: "step", value: .string($0.step)), .init(key: "status", value: .string($0.status.rawValue)), .init(key: "summary", value: .string($0.summary))]) })),
            .init(key: "statements", value: .array(d.statements.map(statement))),
            .init(key: "context", value: .object((d.context?.entries ?? []).map { .init(key: $0.key, value: .array($0.values.map(PlainJSON.string))) })),
        ]
        if let t = d.token {
            pairs.append(.init(key: "token", value: .object([
                .init(key: "header", value: t.header),
                .init(key: "claims", value: t.claims),
                .init(key: "signature", value: .string(d.signature.rawValue)),
            ])))
        } else {
            pairs.append(.init(key: "token", value: .null))
        }
        pairs.append(.init(key: "evaluatedAt", value: .string(TimeText.iso(d.parameters.at))))
        if let role = d.role {
            pairs.append(.init(key: "policyInput", value: .object([
                .init(key: "shape", value: .string(role.shape.rawValue)),
                .init(key: "roleName", value: role.roleName.map(PlainJSON.string) ?? .null),
                .init(key: "roleArn", value: role.roleArn.map(PlainJSON.string) ?? .null),
                .init(key: "maxSessionDuration", value: role.maxSessionDuration.map { .number(String($0)) } ?? .null),
                .init(key: "positionsInDecodedText", value: .bool(role.positionsAreInDecodedText)),
            ])))
        }
        return .object(pairs)
    }

    /// `d`: the diagnosis whose policy a finding's edit applies to.
    static func finding(_ f: Finding, in d: Diagnosis? = nil) -> PlainJSON {
        var pairs: [PlainJSON.Pair] = [
            .init(key: "id", value: .string(f.id.rawValue)),
            .init(key: "severity", value: .string(f.severity.rawValue)),
            .init(key: "title", value: .string(f.title)),
            .init(key: "detail", value: .string(f.detail)),
            .init(key: "fix", value: f.fix.map(PlainJSON.string) ?? .null),
            .init(key: "undocumented", value: .array(f.undocumented.map { .string($0.rawValue) })),
            .init(key: "statement", value: f.statement.map { .number(String($0)) } ?? .null),
            .init(key: "sid", value: f.sid.map(PlainJSON.string) ?? .null),
            .init(key: "operator", value: f.op.map(PlainJSON.string) ?? .null),
            .init(key: "key", value: f.key.map(PlainJSON.string) ?? .null),
            .init(key: "values", value: f.values.map { .array($0.map(PlainJSON.string)) } ?? .null),
            .init(key: "claim", value: f.claim.map(PlainJSON.string) ?? .null),
            .init(key: "range", value: f.range.map(range) ?? .null),
        ]
        if let c = f.compare {
            pairs.append(.init(key: "compare", value: .object([
                .init(key: "expected", value: .string(c.expected)),
                .init(key: "actual", value: .string(c.actual)),
                .init(key: "differsAt", value: c.differsAt.map { .number(String($0)) } ?? .null),
                .init(key: "components", value: .array(c.components.map { comp in
                    .object([
                        .init(key: "name", value: .string(comp.name)),
                        .init(key: "expected", value: comp.expected.map(PlainJSON.string) ?? .null),
                        .init(key: "actual", value: comp.actual.map(PlainJSON.string) ?? .null),
                        .init(key: "matches", value: .bool(comp.matches)),
                    ])
                })),
            ])))
        }
        if let e = f.stsError {
            pairs.append(.init(key: "stsError", value: .object([.init(key: "code", value: .string(e.code)), .init(key: "message", value: .string(e.message))])))
        }
        // The smallest edit that lets this token through, and the whole policy after it (for scripts).
        if let (edit, source) = d?.editInGivenText(f) {
            var where_ = source.lineRange(edit.range)
            where_.file = d?.editFile(f)
            pairs.append(.init(key: "edit", value: .object([
                .init(key: "range", value: range(where_)),
                .init(key: "replacement", value: .string(edit.replacement)),
                .init(key: "fixedPolicy", value: .string(edit.apply(to: source))),
            ])))
        }
        return .object(pairs)
    }

    static func range(_ r: LineRange) -> PlainJSON {
        var pairs: [PlainJSON.Pair] = [
            .init(key: "line", value: .number(String(r.line))), .init(key: "column", value: .number(String(r.column))),
            .init(key: "endLine", value: .number(String(r.endLine))), .init(key: "endColumn", value: .number(String(r.endColumn))),
        ]
        // DESIGN §8: an input of several files (a Terraform module) names the file.
        if let f = r.file { pairs.append(.init(key: "file", value: .string(f))) }
        return .object(pairs)
    }

    static func statement(_ s: StatementResult) -> PlainJSON {
        .object([
            .init(key: "index", value: .number(String(s.statement.index))),
            .init(key: "sid", value: s.statement.sid.map(PlainJSON.string) ?? .null),
            .init(key: "effect", value: .string(s.statement.effect.rawValue)),
            .init(key: "applies", value: .bool(s.applies)),
            .init(key: "principalMatched", value: .bool(s.principalMatched)),
            .init(key: "actionMatched", value: .bool(s.actionMatched)),
            .init(key: "conditions", value: .array(s.conditions.map { c in
                .object([
                    .init(key: "operator", value: .string(c.clause.op.written)),
                    .init(key: "key", value: .string(c.clause.key)),
                    .init(key: "values", value: .array(c.clause.values.map { .string($0.text) })),
                    .init(key: "contextValues", value: c.context.map { .array($0.values.map(PlainJSON.string)) } ?? .null),
                    .init(key: "result", value: .bool(c.result)),
                ])
            })),
        ])
    }

    /// Two-space indented JSON; every string escaped so control characters never reach a terminal.
    public static func pretty(_ v: PlainJSON, indent: String = "") -> String {
        var out = ""
        pretty(v, indent: indent, into: &out)
        return out
    }

    /// `pretty` written into one string (an audit of thousands of roles is one large document).
    static func pretty(_ v: PlainJSON, indent: String, into out: inout String) {
        let inner = indent + "  "
        switch v {
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, p) in pairs.enumerated() {
                if i > 0 { out += ",\n" }
                out += inner
                JSONText.quote(p.key, into: &out)
                out += ": "
                pretty(p.value, indent: inner, into: &out)
            }
            out += "\n"
            out += indent
            out += "}"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            if items.allSatisfy({ if case .object = $0 { return false }; if case .array = $0 { return false }; return true }) {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    item.write(to: &out)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                if i > 0 { out += ",\n" }
                out += inner
                pretty(item, indent: inner, into: &out)
            }
            out += "\n"
            out += indent
            out += "]"
        default:
            v.write(to: &out)
        }
    }
}
