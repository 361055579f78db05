/// Who a role admits, by evaluation: each witness job diagnosed exactly as `check` would diagnose a
/// token with its claims, against the same policy, providers and request parameters.
public struct AdmissionMatrix: Sendable {
    public struct Row: Sendable {
        public var witness: WitnessJob
        public var decision: Diagnosis.Decision
        /// The finding that decides a refusal (or an unknown); nil for an allow.
        public var cause: FindingID?
        /// What decides, in words: the Allow statement that admits, or the condition that refuses.
        public var why: String
        /// The statement that decides (the admitting Allow, the refusing Deny, the nearest Allow).
        public var statement: Int?
        /// The deciding place in a few words: "statement 0" or "StringEquals gitlab.com:sub, statement 0".
        public var place: String
        /// UNCONFIRMED points whose other reading changes this row's decision.
        public var undocumented: [Readings.Point]
        /// The Allow statements that apply to this job, and the Deny statements.
        public var applying: [Int] = []
        public var denying: [Int] = []
    }

    public var rows: [Row]

    public var admitted: [Row] { rows.filter { $0.decision == .allow } }
    /// No witness is admitted and none is left open by an unknown.
    public var admitsNobody: Bool { !rows.isEmpty && rows.allSatisfy { $0.decision == .deny } }

    public func row(_ kind: WitnessJob.Kind) -> Row? { rows.first { $0.witness.kind == kind } }

    /// The refused row that came closest: the intended job's, else the first refused by a condition.
    public var nearest: Row? {
        rows.first { $0.witness.kind == .intended && $0.decision == .deny } ?? rows.first { $0.decision == .deny }
    }

    /// `request` carries the role (`parsedRole`), providers and parameters; its token is replaced by each witness.
    public static func evaluate(_ request: DiagnosisRequest, role: RoleInput, token: IDToken? = nil, clientIDs: [String] = []) -> AdmissionMatrix {
        let jobs = WitnessJobs.derive(role.policy, token: token, clientIDs: clientIDs, at: request.parameters.at)
        var base = request
        base.parsedRole = role
        base.observed = nil
        base.jwks = nil
        return AdmissionMatrix(rows: jobs.map { job in
            var r = base
            r.token = .init(text: job.claims.jsonText, source: "witness:\(job.kind.rawValue)")
            return row(job, Diagnoser.diagnose(r))
        })
    }

    static func row(_ job: WitnessJob, _ d: Diagnosis) -> Row {
        var r = decidingRow(job, d)
        r.applying = d.statements.filter { $0.statement.effect == .allow && $0.applies }.map(\.statement.index)
        r.denying = d.statements.filter { $0.statement.effect == .deny && $0.applies }.map(\.statement.index)
        return r
    }

    static func decidingRow(_ job: WitnessJob, _ d: Diagnosis) -> Row {
        switch d.decision {
        case .allow:
            let i = d.statements.first { $0.statement.effect == .allow && $0.applies }?.statement
            return Row(witness: job, decision: .allow, cause: nil, why: "allowed by " + (i.map(name) ?? "the trust policy"),
                       statement: i?.index, place: i.map(name) ?? "", undocumented: d.undocumented)
        case .deny, .unknown:
            let f = d.primary ?? d.findings.first { $0.severity == .error }
            let place = [f.flatMap { f in f.op.flatMap { op in f.key.map { "\(op) \($0)" } } }, f?.statement.map { "statement \(f?.sid.map(\.debugDescription) ?? String($0))" }]
            return Row(witness: job, decision: d.decision, cause: f?.id, why: f.map(words) ?? "refused", statement: f?.statement,
                       place: place.compactMap { $0 }.joined(separator: ", "), undocumented: d.undocumented)
        }
    }

    static func name(_ s: PolicyStatement) -> String {
        s.sid.map { "statement \"\($0)\"" } ?? "statement \(s.index)"
    }

    /// A finding in one line: what fails, on which key, against which value.
    static func words(_ f: Finding) -> String {
        var out = f.title
        if let op = f.op, let key = f.key {
            out += ": \(op) \(key)"
            if let v = f.values, !v.isEmpty { out += " " + v.map(\.debugDescription).joined(separator: ", ") }
        }
        if let s = f.statement { out += " (statement \(f.sid.map(\.debugDescription) ?? String(s)))" }
        return out
    }
}
