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

    /// The values a policy holds that the inputs do not give, by name.
    static func unknowns(of policy: TrustPolicy) -> [String] {
        policy.hasUnknowns ? Unknowns.names(in: policy.source.slice(SourceRange(start: 0, end: policy.source.bytes.count))) : []
    }

    /// Warnings that make a role dangerous rather than untidy: anyone on the instance, or a condition that never restricts.
    public static let errorSeverity: Set<FindingID> = [.trustNoSubCondition, .trustAlwaysTrueCondition, .principalWildcard]

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
                             template: TemplateSettings = .init()) -> AuditReport {
        var roles: [AuditedRole] = []
        var unreadable: [String] = []
        func assess(_ role: inout AuditedRole, _ input: RoleInput, providers: [DiagnosisRequest.Input]) {
            guard let token else { return }
            var request = DiagnosisRequest(token: token, policy: .init(text: "", source: role.name), providers: providers, parameters: parameters)
            request.parsedRole = input
            request.parsedRCPs = rcps
            if request.parameters.roleArn == nil, let arn = input.roleArn ?? role.arn { request.parameters.roleArn = arn }
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
            for r in reading.roles {
                let place = reading.place(r.origin)
                do {
                    let input = try reading.roleInput(r, roleArn: nil)
                    let urls = Array(Set(input.policy.statements.filter { $0.effect == .allow }.flatMap(TrustLint.oidcURLs))).sorted()
                    // A role whose principal is not known yet may well be an OIDC role: kept.
                    guard !urls.isEmpty || input.policy.hasUnknowns else { continue }
                    var role = AuditedRole(name: r.address, arn: input.roleArn.map(Unknowns.shown), source: place, providers: urls,
                                           admits: Admits.describe(input.policy), warnings: dedupe(TrustLint.findings(input.policy)))
                    role.unknowns = AuditedRole.unknowns(of: input.policy)
                    assess(&role, input, providers: given)
                    roles.append(role)
                } catch {
                    let why = error.unresolved.isEmpty ? error.located : "not known: \(error.located) (\(error.unresolved.map(UnknownAdvice.advice).joined(separator: "; ")))"
                    roles.append(AuditedRole(name: r.address, arn: r.arn.map(Unknowns.shown), source: place, providers: [], admits: [], warnings: [], error: why))
                }
            }
        }
        for src in sources {
            let entries: [(name: String, arn: String?, shape: String, result: Result<RoleInput, PolicyInvalid>)]
            do {
                switch try RoleInput.contents(src.text, roleArn: parameters.roleArn, template: template) {
                case .roles(let candidates):
                    entries = candidates.map { c in (c.name, c.arn, c.shape.rawValue, Result { () throws(PolicyInvalid) in try RoleInput.read(c) }) }
                case .single(let input):
                    // One policy (or get-role output): unreadable means no audit of this file at all.
                    entries = [(input.roleName ?? src.source, input.roleArn, input.shape.rawValue, .success(input))]
                }
            } catch {
                unreadable.append("\(src.source): \(error.located)")
                continue
            }
            for e in entries {
                let source = "\(src.source) (\(e.shape))"
                switch e.result {
                case .failure(let err):
                    roles.append(AuditedRole(name: e.name, arn: e.arn, source: source, providers: [], admits: [], warnings: [], error: err.located))
                case .success(let input):
                    let urls = Array(Set(input.policy.statements.filter { $0.effect == .allow }.flatMap(TrustLint.oidcURLs))).sorted()
                    // Not an OIDC role — unless its principal is not known yet: then it is kept.
                    guard !urls.isEmpty || input.policy.hasUnknowns else { continue }
                    let arn = e.arn ?? input.roleArn.flatMap { Unknowns.contains($0) ? nil : $0 }
                    var role = AuditedRole(name: e.name, arn: arn, source: source, providers: urls,
                                           admits: Admits.describe(input.policy), warnings: dedupe(TrustLint.findings(input.policy)))
                    role.unknowns = AuditedRole.unknowns(of: input.policy)
                    assess(&role, input, providers: providers.isEmpty ? input.providers : providers)
                    roles.append(role)
                }
            }
        }
        roles.sort { ($0.risk, $1.name) > ($1.risk, $0.name) }
        return AuditReport(roles: roles, unreadable: unreadable)
    }

    static func dedupe(_ fs: [Finding]) -> [Finding] {
        var seen = Set<String>()
        return fs.filter { seen.insert("\($0.id.rawValue)|\($0.statement ?? -1)|\($0.key ?? "")").inserted }
    }
}

/// Who a role admits, in words: "branch main of mygroup/myproject", "any ref of any project under mygroup/".
enum Admits {
    static func describe(_ policy: TrustPolicy) -> [String] {
        var out: [String] = []
        for s in policy.statements where s.effect == .allow {
            for url in TrustLint.oidcURLs(s) {
                let subKey = url.lowercased() + ":sub"
                let subs = s.conditions.filter { $0.keyLower == subKey && !$0.op.base.isNegated && !$0.op.ifExists && $0.op.qualifier != .forAllValues }
                let ids = s.conditions.filter { $0.keyLower == "gitlab.com:project_id" && !$0.op.base.isNegated }.flatMap(\.values).map { "project id \($0.text)" }
                if subs.isEmpty && ids.isEmpty {
                    out.append("any project on \(url)")
                    continue
                }
                for c in subs {
                    for v in c.values { out.append(words(v.text, like: c.op.base.positive == .stringLike) + " on \(url)") }
                }
                out += ids.map { "\($0) on \(url)" }
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    static func words(_ pattern: String, like: Bool) -> String {
        if like && pattern.allSatisfy({ $0 == "*" }) { return "any project" }
        let parts = pattern.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, SubClaim.projectNames.contains(parts[0]) else { return "sub \(like ? "like" : "equal to") \(pattern.debugDescription)" }
        let wild = { (s: String) in like && Wildcard.hasWildcard(s) }
        var project = parts[0] == "project_path" ? parts[1] : "\(parts[0]) \(parts[1])"
        if wild(parts[1]) {
            project = parts[1].hasSuffix("/*") ? "any project under \(parts[1].dropLast())" : "projects matching \(parts[1])"
        }
        if parts.count == 2 { return like && parts[1].hasSuffix("*") ? "any ref of \(project)" : "\(project) (sub has no ref)" }
        var refType: String?
        var ref: String?
        var i = 2
        while i + 1 < parts.count {
            if parts[i] == "ref_type" { refType = parts[i + 1] }
            if parts[i] == "ref" { ref = parts[i + 1] }
            i += 2
        }
        if i < parts.count, wild(parts[i]) { return "any ref of \(project)" }
        let typeWords = refType.map { wild($0) ? "any ref type" : $0 } ?? "ref"
        let kind = typeWords == "branch" || typeWords == "tag" ? typeWords : "ref"
        let plural = kind == "branch" ? "branches" : kind + "s"
        var refWords = typeWords
        if let ref {
            refWords = wild(ref) ? (ref == "*" ? "every \(kind)" : "\(plural) matching \(ref)") : "\(typeWords) \(ref)"
        }
        return "\(refWords) of \(project)"
    }
}
