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
    /// The request the rows were diagnosed with (role, providers, parameters), kept when every row was
    /// walked whole, so that a screen can open one of them as a what-if. Boxed: a matrix sits in every
    /// audited role, and a request is a large value.
    public var base: DiagnosisRequest? { boxed?.value }
    let boxed: Boxed<DiagnosisRequest>?

    init(rows: [Row], base: DiagnosisRequest?) {
        self.rows = rows
        boxed = base.map(Boxed.init)
    }

    public var admitted: [Row] { rows.filter { $0.decision == .allow } }
    /// No witness is admitted and none is left open by an unknown.
    public var admitsNobody: Bool { !rows.isEmpty && rows.allSatisfy { $0.decision == .deny } }

    /// The refused row that came closest: the intended job's, else the first refused by a condition.
    public var nearest: Row? {
        rows.first { $0.witness.kind == .intended && $0.decision == .deny } ?? rows.first { $0.decision == .deny }
    }

    /// `request` carries the role (`parsedRole`), providers and parameters; its token is replaced by each witness.
    /// `causes: false` (audit without `--matrix`): a job the trust policy alone refuses is not walked
    /// further — every later check can only refuse too — and only the nearest refusal gets its cause.
    public static func evaluate(_ request: DiagnosisRequest, role: RoleInput, token: IDToken? = nil, clientIDs: [String] = [], causes: Bool = true) -> AdmissionMatrix {
        evaluate(request, role: role, jobs: WitnessJobs.derive(role.policy, token: token, clientIDs: clientIDs, at: request.parameters.at), causes: causes)
    }

    /// Given jobs (a sub migration's before and after forms), evaluated as `evaluate` does.
    static func evaluate(_ request: DiagnosisRequest, role: RoleInput, jobs: [WitnessJob], causes: Bool) -> AdmissionMatrix {
        var base = request
        base.parsedRole = role
        base.observed = nil
        base.jwks = nil
        base.lint = false
        let full = { (job: WitnessJob) -> Row in
            var r = base
            // The claims as TokenReader reads a decoded-claims input: no header, no signature.
            var token = IDToken(header: .object([]), claims: job.claims)
            token.claimsOnly = true
            r.token = .init(text: "", source: "witness:\(job.kind.rawValue)")
            r.parsedToken = token
            return row(job, Diagnoser.diagnose(r))
        }
        // Template branches are combined by the full walk only.
        let quick = !causes && role.branches.count <= 1
        let arn = (request.parameters.roleArn ?? role.roleArn).flatMap(ARN.init)
        // Without providers or RCPs, what follows the trust policy does not depend on the job (the
        // session name, the duration): once one admitted job has been walked whole, the trust
        // policy's Allow decides the others.
        let alone = request.providers.isEmpty && role.providers.isEmpty && request.rcps.isEmpty && request.parsedRCPs.isEmpty
        var walkedAllow: Bool?
        // One context per host, its values replaced for each job (the keys are the same).
        var contexts: [String: RequestContext] = [:]
        var rows = jobs.map { job -> Row in
            guard quick, let eval = trustPolicy(job, role.policy, arn: arn, request.parameters, contexts: &contexts), let decision = eval.knownDecision else { return full(job) }
            if decision != .allow { return refused(job, eval) }
            if alone, walkedAllow == true { return allowed(job, eval) }
            let walked = full(job)
            if walkedAllow == nil { walkedAllow = walked.decision == .allow }
            return walked
        }
        // The nearest refusal is put in words only when nobody gets in (trust.never-assumable).
        if quick, rows.allSatisfy({ $0.decision == .deny }), let i = rows.firstIndex(where: { $0.decision == .deny && [.thisJob, .intended].contains($0.witness.kind) }) ?? rows.firstIndex(where: { $0.decision == .deny }),
           rows[i].cause == nil {
            rows[i] = full(rows[i].witness)
        }
        return AdmissionMatrix(rows: rows, base: causes ? base : nil)
    }

    /// The trust policy evaluated as the walk evaluates it (same context, same caller).
    static func trustPolicy(_ job: WitnessJob, _ policy: TrustPolicy, arn: ARN?, _ parameters: RequestParameters,
                            contexts: inout [String: RequestContext]) -> PolicyEvaluation? {
        let context: RequestContext
        let prefix: String
        if let given = job.given {
            // The token at hand: its claims as they are.
            let token = IDToken(header: .object([]), claims: given)
            guard let p = token.providerPrefix else { return nil }
            (prefix, context) = (p, RequestContext(token: token, request: parameters))
        } else if let known = contexts[job.job.host]?.witness(job.job) {
            (prefix, context) = (job.job.host, known)
        } else {
            let made = RequestContext(job: job.job, lowerPrefix: job.job.host.lowercased(), request: parameters)
            contexts[job.job.host] = made
            (prefix, context) = (job.job.host, made)
        }
        let caller = CallerPrincipal(providerURL: prefix, partition: arn?.partition, account: arn?.account)
        return PolicyEvaluator.evaluate(policy, caller: caller, action: Diagnoser.action, context: context)
    }

    /// The trust policy's own refusal of a job: every later check can only refuse too.
    static func refused(_ job: WitnessJob, _ eval: PolicyEvaluation) -> Row {
        var r = Row(witness: job, decision: .deny, cause: nil, why: "refused by the trust policy", statement: nil, place: "", undocumented: [])
        r.denying = eval.statements.filter { $0.statement.effect == .deny && $0.applies }.map(\.statement.index)
        return r
    }

    /// An admitted job, as the walk would report it once every job-independent check has passed.
    static func allowed(_ job: WitnessJob, _ eval: PolicyEvaluation) -> Row {
        var r = admitted(job, eval.statements, undocumented: [])
        r.applying = eval.statements.filter { $0.statement.effect == .allow && $0.applies }.map(\.statement.index)
        return r
    }

    /// The row of an admitted job: the first Allow that applies decides.
    static func admitted(_ job: WitnessJob, _ statements: [StatementResult], undocumented: [Readings.Point]) -> Row {
        let first = statements.first { $0.statement.effect == .allow && $0.applies }?.statement
        return Row(witness: job, decision: .allow, cause: nil, why: "allowed by " + (first?.name ?? "the trust policy"), statement: first?.index,
                   place: first?.name ?? "", undocumented: undocumented)
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
            return admitted(job, d.statements, undocumented: d.undocumented)
        case .deny, .unknown:
            let f = d.primary ?? d.findings.first { $0.severity == .error }
            let place = [f.flatMap { f in f.op.flatMap { op in f.key.map { "\(op) \($0)" } } }, f?.statement.map { "statement \(f?.sid.map(\.debugDescription) ?? String($0))" }]
            return Row(witness: job, decision: d.decision, cause: f?.id, why: f.map(words) ?? "refused", statement: f?.statement,
                       place: place.compactMap { $0 }.joined(separator: ", "), undocumented: d.undocumented)
        }
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

/// A value kept by reference (immutable, so sharing it is safe).
final class Boxed<T: Sendable>: Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
