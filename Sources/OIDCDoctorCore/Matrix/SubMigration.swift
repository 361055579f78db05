/// A change of what GitLab puts in `sub`: another `ci_id_token_sub_claim_components` setting
/// (`--sub-format`), or a project renamed or transferred (`--renamed-from`). The same witness jobs
/// are evaluated in the form they have now and the form they will have, and one policy that admits
/// both during the change is proposed — and evaluated (reference gitlab-id-tokens §2.2, F-21).
public struct SubMigration: Sendable {
    public enum Change: Sendable, Equatable {
        case format([String])
        case rename(from: String, to: String)
    }
    public var change: Change

    public init(_ change: Change) { self.change = change }

    /// Components GitLab accepts (17.10 default set, 18.7 additions, the fork fixes of !258245).
    public static let components = ["project_path", "project_id", "ref_type", "ref", "ref_protected", "environment_protected", "deployment_tier",
                                    "job_project_path", "job_project_id", "source_project_path", "source_project_id"]
    static let leading: Set<String> = ["project_path", "project_id", "job_project_path", "job_project_id", "source_project_path", "source_project_id"]

    /// `default`, `project_id`, or a comma list such as `project_id,ref_type,ref`; the message says
    /// what GitLab would refuse.
    public static func format(_ text: String) -> Swift.Result<[String], SubFormatError> {
        switch text {
        case "default": return .success(["project_path", "ref_type", "ref"])
        case "project_id": return .success(["project_id", "ref_type", "ref"])
        default: break
        }
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
        if let bad = names.first(where: { !components.contains($0) }) {
            return .failure(SubFormatError(message: "\(bad.debugDescription) is not a sub claim component GitLab allows (\(components.joined(separator: ", ")))"))
        }
        guard let first = names.first, leading.contains(first) else {
            return .failure(SubFormatError(message: "\(names.first.map(\.debugDescription) ?? "nothing") cannot come first: GitLab requires the project (project_path or project_id) as the first component"))
        }
        if Set(names).count != names.count { return .failure(SubFormatError(message: "a component appears twice in \(text.debugDescription)")) }
        return .success(names)
    }

    public struct SubFormatError: Error, Sendable { public var message: String }

    public var summary: String {
        switch change {
        case .format(let names): "sub components → \(names.joined(separator: ","))"
        case .rename(let a, let b): "project \(a) renamed to \(b)"
        }
    }

    /// The job as it is before the change.
    func before(_ j: JobShape) -> JobShape {
        guard case .rename(let from, let to) = change else { return j }
        return j.moved(from: to, to: from)
    }

    /// The job as it is after the change.
    func after(_ j: JobShape) -> JobShape {
        switch change {
        case .format(let names):
            var a = j
            a.subComponents = names
            return a
        case .rename(let from, let to): return j.moved(from: from, to: to)
        }
    }

    /// One row: a witness job before and after the change.
    public struct Row: Sendable {
        public var before: AdmissionMatrix.Row
        public var after: AdmissionMatrix.Row
    }

    /// What to add to the policy so that both forms get in, and whether an evaluation confirms it.
    public struct Proposal: Sendable {
        public struct Addition: Sendable {
            public var statement: Int
            public var sid: String?
            public var op: String
            public var key: String
            public var values: [String]
            public var range: LineRange?
        }
        /// Where the job stands: proposing is only for a job admitted now and refused after.
        public enum Need: String, Sendable {
            case refusedNow = "refused-now"
            case admittedAfter = "admitted-after"
            case additions
        }
        public var need: Need
        public var additions: [Addition]
        /// Values that could not be rewritten in the new form (a wildcard spanning components).
        public var untranslated: [String]
        /// The intended job gets in before and after, with the additions made (evaluated).
        public var admitsBoth: Bool
        /// A value of the new form the inputs do not give (the project id without a token of the project).
        public var needs: [String]
    }

    public struct Outcome: Sendable {
        public var rows: [Row]
        public var proposal: Proposal
    }

    /// `token`: the job at hand; with `.rename` its path is the new one when `--renamed-to` is not given.
    public func evaluate(_ request: DiagnosisRequest, role: RoleInput, token: IDToken?, clientIDs: [String], causes: Bool = true) -> Outcome {
        let jobs = WitnessJobs.derive(role.policy, token: token, clientIDs: clientIDs, at: request.parameters.at)
        let both = jobs.map { j in
            (WitnessJob(kind: j.kind, label: j.label, job: before(j.job)), WitnessJob(kind: j.kind, label: j.label, job: after(j.job)))
        }
        let b = AdmissionMatrix.evaluate(request, role: role, jobs: both.map(\.0), causes: causes)
        let a = AdmissionMatrix.evaluate(request, role: role, jobs: both.map(\.1), causes: causes)
        let rows = zip(b.rows, a.rows).map { Row(before: $0.0, after: $0.1) }
        let i = rows.firstIndex { $0.before.witness.kind == .thisJob } ?? rows.firstIndex { $0.before.witness.kind == .intended } ?? 0
        let proposal: Proposal
        if rows[i].before.decision != .allow {
            proposal = Proposal(need: .refusedNow, additions: [], untranslated: [], admitsBoth: false, needs: [])
        } else if rows[i].after.decision == .allow {
            proposal = Proposal(need: .admittedAfter, additions: [], untranslated: [], admitsBoth: true, needs: [])
        } else {
            proposal = propose(role.policy, before: both[i].0.job, after: both[i].1.job, token: token)
        }
        return Outcome(rows: rows, proposal: proposal)
    }

    /// For every positive `sub` value that admits the job before the change, its form after it.
    func propose(_ policy: TrustPolicy, before: JobShape, after: JobShape, token: IDToken?) -> Proposal {
        var additions: [Proposal.Addition] = []
        var untranslated: [String] = []
        var needs: Set<String> = []
        var changed = policy
        // Each value weighed by the engine's own condition evaluation, one value at a time.
        let now = Self.context(before)
        for s in policy.statements where s.effect == .allow {
            for (ci, c) in s.conditions.enumerated() where c.keyLower.hasSuffix(":sub") && c.op.base.isString && !c.op.base.isNegated {
                var added: [String] = []
                for v in c.values {
                    var one = c
                    one.values = [v]
                    guard ConditionEvaluator.evaluate(one, statement: s.index, context: now, expandVariables: policy.expandsVariables).result else { continue }
                    guard let t = translate(v.text, after: after, token: token, needs: &needs) else { untranslated.append(v.text); continue }
                    if t != v.text, !c.values.contains(where: { $0.text == t }), !added.contains(t) { added.append(t) }
                }
                guard !added.isEmpty else { continue }
                additions.append(.init(statement: s.index, sid: s.sid, op: c.op.written, key: c.key, values: added, range: policy.lineRange(c.range)))
                let last = c.values.last?.range ?? c.range
                changed.statements[s.index].conditions[ci].values += added.map { PolicyString(text: $0, range: last) }
            }
        }
        // Backed by an evaluation: the intended job, before and after, against the policy with the additions.
        let admits = { (j: JobShape) -> Bool in
            PolicyEvaluator.evaluate(changed, caller: CallerPrincipal(providerURL: j.host), action: Diagnoser.action, context: Self.context(j)).decision == .allow
        }
        return Proposal(need: .additions, additions: additions, untranslated: untranslated, admitsBoth: !additions.isEmpty && needs.isEmpty && admits(before) && admits(after), needs: needs.sorted())
    }

    /// A job's request context a minute into it.
    static func context(_ j: JobShape) -> RequestContext {
        RequestContext(job: j, lowerPrefix: j.host.lowercased(), request: RequestParameters(at: j.issuedAt + 60))
    }

    /// A policy value rewritten for the new `sub`; nil when it cannot be (a wildcard across components).
    func translate(_ value: String, after: JobShape, token: IDToken?, needs: inout Set<String>) -> String? {
        switch change {
        case .rename(let from, let to):
            let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, SubClaim.projectNames.contains(parts[0]), parts[1] == from else { return value }
            return ([parts[0], to] + parts.dropFirst(2)).joined(separator: ":")
        case .format(let names):
            // The project id is known only from a token of that project.
            let id: String? = token.flatMap { t in t.claims["project_path"]?.string == after.projectPath ? t.claims["project_id"]?.string : nil }
            func component(_ name: String, _ from: SubClaim?) -> String? {
                if let v = from?.value(name) { return v }
                switch name {
                case "project_path", "job_project_path", "source_project_path": return after.projectPath
                case "project_id", "job_project_id", "source_project_id":
                    if let id { return id }
                    needs.insert("the project id of \(after.projectPath) (give --token with a job of that project)")
                    return "<project id>"
                case "ref_type": return after.refType
                case "ref": return after.ref
                case "ref_protected": return after.refProtected
                default: return nil
                }
            }
            if let parsed = SubClaim(value) {
                return names.compactMap { n in component(n, parsed).map { "\(n):\($0)" } }.joined(separator: ":")
            }
            // `project_path:g/p:*`: the project part swapped, the rest kept, when the tails agree.
            let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, SubClaim.projectNames.contains(parts[0]), let first = names.first, let v = component(first, SubClaim("\(parts[0]):\(parts[1])")) else { return nil }
            let tail = parts.dropFirst(2).joined(separator: ":")
            let oldTail = ["ref_type", "ref"], newTail = Array(names.dropFirst())
            guard newTail == oldTail || tail == "*" else { return nil }
            return "\(first):\(v):\(tail)"
        }
    }
}

extension JobShape {
    /// The job with its project at `to` instead of `from` (a rename or transfer moves every ref).
    func moved(from: String, to: String) -> JobShape {
        var j = self
        if j.projectPath == from { j.projectPath = to }
        if j.jobProjectPath == from { j.jobProjectPath = to }
        return j
    }
}
