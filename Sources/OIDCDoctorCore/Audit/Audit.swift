/// `oidc-doctor audit`: the same engine over many roles. For every role that trusts an OIDC provider:
/// who it admits, in words; every `trust.*` warning; and, given a token, whether that job gets in.
public struct AuditedRole: Sendable {
    public var name: String
    public var arn: String?
    public var source: String
    public var providers: [String]
    public var admits: [String]
    public var warnings: [Finding]
    public var canAssume: Bool?
    /// A token was weighed against the role (canAssume nil then means: not decidable).
    public var assessed = false
    public var primaryCause: FindingID?
    /// The role's policy could not be read (still listed, with why).
    public var error: String?
    /// Values the role's policy waits for (a template parameter, the stack's account).
    public var unknowns: [String] = []
    /// The witness jobs evaluated against the role: every "admits" and "nobody" comes from them.
    /// Kept only when asked for (`--matrix`, the roles screen); `admitted` is always there.
    public var matrix: AdmissionMatrix?
    /// The classes of the witness jobs the role admits.
    public var admitted: [WitnessJob.Kind] = []
    /// `--sub-format`/`--renamed-from`: the same jobs before and after the change, and what to add.
    public var migration: SubMigration.Outcome?

    /// The values a policy holds that the inputs do not give, by name.
    static func unknowns(of policy: TrustPolicy) -> [String] {
        policy.hasUnknowns ? Unknowns.names(in: policy.source.slice(SourceRange(start: 0, end: policy.source.bytes.count))) : []
    }

    /// Warnings that make a role dangerous rather than untidy: anyone on the instance, or a condition that never restricts.
    public static let errorSeverity: Set<FindingID> = [.trustNoSubCondition, .trustAlwaysTrueCondition, .principalWildcard, .trustNeverAssumable]

    /// `risk` in a word, as the reports print it.
    public var riskName: String { ["none", "unreadable", "warning", "error"][risk] }

    public var risk: Int {
        if error != nil { return 1 }
        if warnings.contains(where: { Self.errorSeverity.contains($0.id) }) { return 3 }
        return warnings.isEmpty ? 0 : 2
    }
}

public struct AuditReport: Sendable {
    public var roles: [AuditedRole]
    public var unreadable: [String]

    public init(roles: [AuditedRole], unreadable: [String]) {
        self.roles = roles
        self.unreadable = unreadable
    }

    /// 0 when no role has an error-severity warning, 1 otherwise (2 is for unreadable input, decided by the caller).
    public var exitCode: Int32 { noRoleRead ? 2 : (roles.contains { $0.risk == 3 } ? 1 : 0) }

    /// Roles or inputs were found, and not one role among them could be read (exit 2).
    public var noRoleRead: Bool { (!roles.isEmpty || !unreadable.isEmpty) && roles.allSatisfy { $0.error != nil } }
}

public enum Auditor {

    /// `rcps`: the organization's resource control policies, weighed in whether the token can assume each role.
    /// `terraform`: configurations (a module directory or `.tf` file, read by the caller), each
    /// role instance listed with its place (`main.tf:12`), never dropped for an unknown value.
    public static func audit(_ sources: [DiagnosisRequest.Input], token: DiagnosisRequest.Input?, providers: [DiagnosisRequest.Input], parameters: RequestParameters,
                             rcps: [ResourceControlPolicy] = [], terraform: [(files: TerraformFiles, source: String)] = [],
                             template: TemplateSettings = .init(), matrix: Bool = false, migration: SubMigration? = nil) -> AuditReport {
        var roles: [AuditedRole] = []
        var unreadable: [String] = []
        // The token is decoded once for every role (a CloudTrail event, or text that is no token, is
        // left to each walk, which says what it is).
        let decoded = token.flatMap { t in CloudTrailEvent.read(t.text) == nil ? try? TokenReader.read(t.text) : nil }
        // The client IDs of the providers given, read once for all roles.
        let givenClientIDs = clientIDs(providers)
        func assess(_ role: inout AuditedRole, _ input: RoleInput, providers: [DiagnosisRequest.Input], clientIDs: [String]) {
            var request = DiagnosisRequest(token: token ?? .init(text: "", source: "token"), policy: .init(text: "", source: role.name), providers: providers, parameters: parameters)
            request.parsedRole = input
            request.parsedRCPs = rcps
            request.parsedToken = decoded
            // The role's warnings are already listed: the walk needs only the decision.
            request.lint = false
            if request.parameters.roleArn == nil, let arn = input.roleArn ?? role.arn, !Unknowns.contains(arn) { request.parameters.roleArn = arn }
            witness(&role, input, request, clientIDs: clientIDs, causes: matrix)
            if let migration { role.migration = migration.evaluate(request, role: input, token: nil, clientIDs: clientIDs, causes: matrix) }
            guard token != nil else { return }
            let d = Diagnoser.diagnose(request)
            role.assessed = true
            role.canAssume = d.decision == .allow ? true : (d.decision == .deny ? false : nil)
            role.primaryCause = d.decision == .deny ? d.primaryCause : nil
        }
        for (files, source) in terraform {
            let reading: TerraformReading
            do { reading = try TerraformReader.read(files) } catch {
                unreadable.append("\(source): \(error.located)")
                continue
            }
            let given = providers.isEmpty ? reading.providerInputs : providers
            let givenIDs = providers.isEmpty ? clientIDs(given) : givenClientIDs
            for r in reading.roles {
                let place = reading.place(r.origin)
                do {
                    let input = try reading.roleInput(r, roleArn: nil)
                    let urls = Array(Set(input.policy.statements.filter { $0.effect == .allow }.flatMap(TrustLint.oidcURLs))).sorted()
                    // A role whose principal is not known yet may well be an OIDC role: kept.
                    guard !urls.isEmpty || input.policy.hasUnknowns || trustsAnyone(input.policy) else { continue }
                    var role = AuditedRole(name: r.address, arn: input.roleArn.map(Unknowns.shown), source: place, providers: urls.isEmpty && trustsAnyone(input.policy) ? ["*"] : urls,
                                           admits: [], warnings: dedupe(TrustLint.findings(input.policy)))
                    role.unknowns = AuditedRole.unknowns(of: input.policy)
                    assess(&role, input, providers: given, clientIDs: givenIDs)
                    roles.append(role)
                } catch {
                    let why = error.unresolved.isEmpty ? error.located : "not known: \(error.located) (\(error.unresolved.map(UnknownAdvice.advice).joined(separator: "; ")))"
                    roles.append(AuditedRole(name: r.address, arn: r.arn.map(Unknowns.shown), source: place, providers: [], admits: [], warnings: [], error: why))
                }
            }
        }
        for src in sources {
            // Each role's policy is read when its turn comes, so that an account's roles are not all
            // held parsed at once.
            let entries: [(name: String, arn: String?, shape: String, read: () -> Result<RoleInput, PolicyInvalid>)]
            do {
                switch try RoleInput.contents(src.text, roleArn: parameters.roleArn, template: template, roleByRole: true) {
                case .roles(let candidates):
                    entries = candidates.map { c in (c.name, c.arn, c.shape.rawValue, { Result { () throws(PolicyInvalid) in try RoleInput.read(c) } }) }
                case .single(let input):
                    // One policy (or get-role output): unreadable means no audit of this file at all.
                    entries = [(input.roleName ?? src.source, input.roleArn, input.shape.rawValue, { .success(input) })]
                }
            } catch {
                unreadable.append("\(src.source): \(error.located)")
                continue
            }
            roles.reserveCapacity(roles.count + entries.count)
            for e in entries {
                let source = "\(src.source) (\(e.shape))"
                switch e.read() {
                case .failure(let err):
                    roles.append(AuditedRole(name: e.name, arn: e.arn, source: source, providers: [], admits: [], warnings: [], error: err.located))
                case .success(let input):
                    let urls = Array(Set(input.policy.statements.filter { $0.effect == .allow }.flatMap(TrustLint.oidcURLs))).sorted()
                    // Not an OIDC role — unless its principal is not known yet, or is anyone: then it is kept.
                    guard !urls.isEmpty || input.policy.hasUnknowns || trustsAnyone(input.policy) else { continue }
                    let arn = e.arn ?? input.roleArn.flatMap { Unknowns.contains($0) ? nil : $0 }
                    var role = AuditedRole(name: e.name, arn: arn, source: source, providers: urls.isEmpty && trustsAnyone(input.policy) ? ["*"] : urls,
                                           admits: [], warnings: dedupe(TrustLint.findings(input.policy)))
                    role.unknowns = AuditedRole.unknowns(of: input.policy)
                    // A template's own provider stands for --provider.
                    let own = providers.isEmpty && !input.providers.isEmpty
                    assess(&role, input, providers: own ? input.providers : providers, clientIDs: own ? clientIDs(input.providers) : givenClientIDs)
                    roles.append(role)
                }
            }
        }
        // Riskiest first, then by name: each role's risk worked out once, not per comparison.
        let risks = roles.map(\.risk)
        roles = roles.indices.sorted { a, b in risks[a] != risks[b] ? risks[a] > risks[b] : roles[a].name < roles[b].name }.map { roles[$0] }
        return AuditReport(roles: roles, unreadable: unreadable)
    }

    /// An Allow whose principal is `"*"`, `{"AWS": "*"}` or `{"Federated": "*"}`: a web identity caller may match it.
    static func trustsAnyone(_ policy: TrustPolicy) -> Bool {
        policy.statements.contains { s in
            guard s.effect == .allow else { return false }
            if case .wildcard = s.principal { return true }
            return s.principal.entries.contains { ($0.type == "AWS" || $0.type == "Federated") && $0.value.text == "*" }
        }
    }

    /// The witness jobs decide what the role is said to admit, and whether a statement's warning
    /// about breadth can matter at all (issue 8: no claim without a witness).
    /// The client IDs the provider inputs list (an unreadable one lists none: its walk says why).
    static func clientIDs(_ providers: [DiagnosisRequest.Input]) -> [String] {
        providers.flatMap { (try? OIDCProvider.read($0.text, source: $0.source, partition: nil, account: nil)) ?? [] }.flatMap { $0.clientIDs ?? [] }
    }

    static func witness(_ role: inout AuditedRole, _ input: RoleInput, _ request: DiagnosisRequest, clientIDs: [String], causes: Bool) {
        let m = AdmissionMatrix.evaluate(request, role: input, clientIDs: clientIDs, causes: causes)
        // Thousands of roles' rows are not kept for a report that prints none of them.
        role.matrix = causes ? m : nil
        role.admitted = m.admitted.map(\.witness.kind)
        role.admits = Admits.words(m)
        let applying = Set(m.rows.flatMap(\.applying))
        // A statement no witness gets through says nothing about who gets in: its breadth is moot.
        role.warnings.removeAll { $0.id == .trustNoSubCondition && !($0.statement.map(applying.contains) ?? true) }
        if m.admitsNobody, let f = NeverAssumable.finding(m, policy: input.policy) { role.warnings.insert(f, at: 0) }
    }

    static func dedupe(_ fs: [Finding]) -> [Finding] {
        var seen = Set<String>()
        return fs.filter { seen.insert("\($0.id.rawValue)|\($0.statement ?? -1)|\($0.key ?? "")").inserted }
    }
}

/// Who a role admits, in words, from the witness jobs it admitted: each phrase names its witness.
enum Admits {
    /// Broadest first: a list of roles shows one phrase, and it should be the one that matters.
    static let order: [WitnessJob.Kind] = [.otherInstance, .otherGroup, .forkMergeRequest, .subgroupProject, .siblingProject, .extendedPath,
                                           .beyondWildcard, .tag, .otherBranch, .mergeRequest, .unprotectedRef, .intended, .thisJob]

    static func words(_ m: AdmissionMatrix) -> [String] {
        if m.admitsNobody { return ["nobody: no witness job is admitted"] }
        let admitted = m.admitted
        let ranked = admitted.indices.sorted { a, b in
            let (x, y) = (order.firstIndex(of: admitted[a].witness.kind) ?? 0, order.firstIndex(of: admitted[b].witness.kind) ?? 0)
            return x != y ? x < y : a < b
        }
        return ranked.map { admitted[$0] }.map { r in
            let j = r.witness.job
            let on = " on \(j.host)"
            switch r.witness.kind {
            case .thisJob, .intended: return j.words + on
            case .otherBranch: return "other branches, e.g. \(j.ref)" + on
            case .tag: return "tags, e.g. \(j.ref)" + on
            case .unprotectedRef: return "unprotected refs, e.g. \(j.refType) \(j.ref)" + on
            case .mergeRequest: return "merge request pipelines, e.g. from \(j.ref)" + on
            case .forkMergeRequest: return "merge requests from forks, e.g. \(j.projectPath)" + on
            case .siblingProject: return "other projects of \(j.namespacePath)/, e.g. \(j.projectPath)" + on
            case .extendedPath: return "projects whose path extends the intended one, e.g. \(j.projectPath)" + on
            case .subgroupProject: return "projects in subgroups, e.g. \(j.projectPath)" + on
            case .otherGroup: return "projects of other groups, e.g. \(j.projectPath)" + on
            case .otherInstance: return "jobs of another GitLab instance, e.g. \(j.host)"
            case .beyondWildcard: return "\(r.witness.label.firstRange(of: ": ").map { String(r.witness.label[..<$0.lowerBound]) } ?? "beyond a wildcard"), e.g. \(j.words)" + on
            }
        }
    }
}
