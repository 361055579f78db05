/// Who is asking: the IAM OIDC provider STS derives from `iss`, in the role's account when known.
public struct CallerPrincipal: Sendable, Hashable {
    /// `iss` minus `https://`.
    public var providerURL: String
    public var partition: String?
    public var account: String?

    public init(providerURL: String, partition: String? = nil, account: String? = nil) {
        self.providerURL = providerURL
        self.partition = partition
        self.account = account
    }

    /// The exact ARN when the account is known, else a form with `<role account>` in its place.
    public var arnText: String {
        "arn:\(partition ?? "aws"):iam::\(account ?? "<role account>"):oidc-provider/\(providerURL)"
    }

    /// Federated principals are compared exactly (no wildcards, case-sensitive: reference §5.1).
    public func matches(_ entry: PrincipalEntry) -> Bool {
        guard entry.type == "Federated", let arn = entry.arn, arn.service == "iam" else { return false }
        guard Self.isProvider(arn.resource, providerURL) else { return false }
        if let account, arn.account != account { return false }
        if let partition, arn.partition != partition { return false }
        return true
    }

    /// `resource.hasPrefix("oidc-provider/") && resource.utf8.dropFirst(14).elementsEqual(url.utf8)`;
    /// for an ASCII resource (where hasPrefix compares bytes too) the bytes are compared in place.
    static func isProvider(_ resource: String, _ url: String) -> Bool {
        let prefix: StaticString = "oidc-provider/"
        let fast: Bool? = resource.utf8.withContiguousStorageIfAvailable { r -> Bool? in
            guard ASCII.isASCII(r) else { return nil }
            let n = prefix.utf8CodeUnitCount
            guard r.count >= n else { return false }
            for k in 0..<n where r[k] != prefix.utf8Start[k] { return false }
            let rest = UnsafeBufferPointer(rebasing: r[n...])
            return url.utf8.withContiguousStorageIfAvailable { u in rest.elementsEqual(u) } ?? rest.elementsEqual(url.utf8)
        } ?? nil
        if let fast { return fast }
        return resource.hasPrefix("oidc-provider/") && resource.utf8.dropFirst(14).elementsEqual(url.utf8)
    }
}

public struct StatementResult: Sendable {
    public var statement: PolicyStatement
    public var principalMatched: Bool
    /// Matched only through `"Principal": "*"` (or `{"AWS": "*"}`): AWS behaviour undocumented.
    public var principalByWildcard: Bool
    public var actionMatched: Bool
    public var conditions: [ConditionResult]

    public var conditionsHold: Bool { conditions.allSatisfy(\.result) }
    public var applies: Bool { principalMatched && actionMatched && conditionsHold }
    public var failing: [ConditionResult] { conditions.filter { !$0.result } }
    /// `failing.count` without building the list (the walk compares every trusting statement).
    public var failingCount: Int { conditions.reduce(0) { $0 + ($1.result ? 0 : 1) } }
}

/// IAM's decision for one action: explicit Deny wins, then an applicable Allow, else implicit deny.
public struct PolicyEvaluation: Sendable {
    public enum Decision: String, Sendable {
        case allow
        case explicitDeny = "explicit-deny"
        case implicitDeny = "implicit-deny"
    }
    public var action: String
    public var statements: [StatementResult]

    public var decision: Decision {
        if statements.contains(where: { $0.statement.effect == .deny && $0.applies }) { return .explicitDeny }
        if statements.contains(where: { $0.statement.effect == .allow && $0.applies }) { return .allow }
        return .implicitDeny
    }

    /// The statements that decided it (cedar's "reason"); empty for an implicit deny.
    public var determining: [Int] {
        switch decision {
        case .explicitDeny: statements.filter { $0.statement.effect == .deny && $0.applies }.map(\.statement.index)
        case .allow: statements.filter { $0.statement.effect == .allow && $0.applies }.map(\.statement.index)
        case .implicitDeny: []
        }
    }
}

public enum PolicyEvaluator {
    public static func evaluate(_ policy: TrustPolicy, caller: CallerPrincipal, action: String, context: RequestContext) -> PolicyEvaluation {
        // Statements repeat the same condition keys (the same strings): each is looked up in the context once.
        var looked: [(key: String, entry: ContextEntry?)] = []
        let expands = policy.expandsVariables
        let results = policy.statements.map { s in
            let (pm, byWildcard) = principalMatch(s.principal, caller)
            let am = actionMatches(s.action, action)
            let conds = s.conditions.map { c in
                let entry: ContextEntry?
                if let hit = looked.first(where: { $0.key == c.keyLower }) {
                    entry = hit.entry
                } else {
                    entry = context.entry(lowercased: c.keyLower)
                    if looked.count < 8 { looked.append((c.keyLower, entry)) }
                }
                return ConditionEvaluator.evaluate(c, statement: s.index, context: context, expandVariables: expands, entry: entry)
            }
            return StatementResult(statement: s, principalMatched: pm, principalByWildcard: byWildcard, actionMatched: am, conditions: conds)
        }
        return PolicyEvaluation(action: action, statements: results)
    }

    static func principalMatch(_ p: PrincipalSpec, _ caller: CallerPrincipal) -> (Bool, Bool) {
        switch p {
        case .wildcard: return (true, true)
        case .entries(let entries, _):
            if entries.contains(where: caller.matches) { return (true, false) }
            if entries.contains(where: { $0.type == "AWS" && $0.value.text == "*" }) { return (true, true) }
            return (false, false)
        }
    }

    /// Actions are case-insensitive and take `*`/`?` (reference §5.2).
    public static func actionMatches(_ spec: ActionSpec, _ action: String) -> Bool {
        let any = spec.patterns.contains { Wildcard.matches(action, pattern: $0.text, ignoreCase: true) }
        return spec.negated ? !any : any
    }
}
