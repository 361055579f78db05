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

    /// `matches`, for principals or callers that hold an unknown (the account a Terraform
    /// configuration is applied in): nil when the answer depends on it.
    public func matchesKnown(_ entry: PrincipalEntry) -> Bool? {
        guard Unknowns.contains(entry.value.text) || Unknowns.contains(account ?? "") || Unknowns.contains(partition ?? "") else { return matches(entry) }
        guard entry.type == "Federated" else { return false }
        // A principal not known at all (another stack's export, a parameter) may be any provider.
        guard let arn = entry.arn else { return Unknowns.contains(entry.value.text) ? nil : false }
        guard arn.service == "iam" || Unknowns.contains(arn.service), arn.region.isEmpty else { return false }
        if !Unknowns.contains(arn.account), !ARN.isAccountID(arn.account) { return false }
        if !Unknowns.contains(arn.partition), !ARN.partitions.contains(arn.partition) { return false }
        func same(_ a: String, _ b: String) -> Bool? {
            if a == b { return true }
            if Unknowns.contains(a) || Unknowns.contains(b) {
                return Unknowns.canEqual(a, b) || Unknowns.canEqual(b, a) || (Unknowns.contains(a) && Unknowns.contains(b)) ? nil : false
            }
            return false
        }
        var parts: [Bool?] = [same(arn.resource, "oidc-provider/" + providerURL)]
        if let account { parts.append(same(arn.account, account)) }
        if let partition { parts.append(same(arn.partition, partition)) }
        if parts.contains(false) { return false }
        return parts.contains(where: { $0 == nil }) ? nil : true
    }

    /// Federated principals are compared exactly, all six fields (no wildcards, case-sensitive,
    /// no region: reference §5.1). The caller's account or partition is not known without
    /// --role-arn: then a well-formed one is assumed to be the role's, and nothing else is.
    public func matches(_ entry: PrincipalEntry) -> Bool {
        guard entry.type == "Federated", let arn = entry.arn, arn.service == "iam", arn.region.isEmpty else { return false }
        guard Self.isProvider(arn.resource, providerURL) else { return false }
        if let account { if arn.account != account { return false } } else if !ARN.isAccountID(arn.account) { return false }
        if let partition { if arn.partition != partition { return false } } else if !ARN.partitions.contains(arn.partition) { return false }
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
    /// Unknowns the principal match depends on (then `principalMatched` is false: not known to match).
    public var principalUnresolved: [String] = []

    /// Whether the statement applies: nil when that depends on values the inputs do not give.
    public var appliesKnown: Bool? {
        if applies { return true }
        if !actionMatched || (!principalMatched && principalUnresolved.isEmpty) { return false }
        if conditions.contains(where: { !$0.result && $0.unresolved.isEmpty }) { return false }
        return nil
    }

    /// Every unknown this statement's answer waits for.
    public var unresolved: [String] {
        Array(Set(principalUnresolved + conditions.flatMap(\.unresolved))).sorted()
    }

    public var conditionsHold: Bool { conditions.allSatisfy(\.result) }
    public var applies: Bool { principalMatched && actionMatched && conditionsHold }
    /// Conditions known to fail (an unresolved one is not known to).
    public var failing: [ConditionResult] { conditions.filter { !$0.result && $0.unresolved.isEmpty } }
    /// `failing.count` without building the list (the walk compares every trusting statement).
    public var failingCount: Int { conditions.reduce(0) { $0 + ($1.result || !$1.unresolved.isEmpty ? 0 : 1) } }
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

    /// The decision when it does not depend on unknowns; nil when it does. A Deny that may apply
    /// leaves the decision open only if an Allow may apply too (a refusal either way stands).
    public var knownDecision: Decision? {
        let deny = statements.filter { $0.statement.effect == .deny }.map(\.appliesKnown)
        let allow = statements.filter { $0.statement.effect == .allow }.map(\.appliesKnown)
        if deny.contains(true) { return .explicitDeny }
        let allowMay = allow.contains(where: { $0 != false })
        if deny.contains(where: { $0 == nil }) { return allowMay ? nil : .implicitDeny }
        if allow.contains(true) { return .allow }
        return allowMay ? nil : .implicitDeny
    }

    /// The unknowns an undecided answer waits for.
    public var unresolved: [String] {
        Array(Set(statements.filter { $0.appliesKnown == nil }.flatMap(\.unresolved))).sorted()
    }

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
    public static func evaluate(_ policy: TrustPolicy, caller: CallerPrincipal, action: String, context: RequestContext,
                                readings: Readings = .engine) -> PolicyEvaluation {
        // Statements repeat the same condition keys (the same strings): each is looked up in the context once.
        var looked: [(key: String, entry: ContextEntry?)] = []
        let expands = policy.expandsVariables
        let results = policy.statements.map { s in
            var (pm, byWildcard) = principalMatch(s.principal, caller)
            if byWildcard, !readings.holds(.wildcardPrincipalMatches) { (pm, byWildcard) = (false, false) }
            var principalUnresolved: [String] = []
            if policy.hasUnknowns || Unknowns.contains(caller.account ?? ""), !pm, case .entries(let entries, _) = s.principal {
                let known = entries.map(caller.matchesKnown)
                if known.contains(true) {
                    pm = true
                    byWildcard = false
                } else if known.contains(where: { $0 == nil }) {
                    principalUnresolved = Array(Set(entries.flatMap { Unknowns.names(in: $0.value.text) } + Unknowns.names(in: caller.account ?? "") + Unknowns.names(in: caller.partition ?? ""))).sorted()
                }
            }
            let am = actionMatches(s.action, action)
            // The other reading of a key written in two letter cases: only the last spelling counts.
            let clauses = readings.holds(.caseTwinKeysBothApply) ? s.conditions : s.conditions.filter { !$0.hasLaterCaseTwin }
            let conds = clauses.map { c in
                if policy.hasUnknowns, let r = ConditionEvaluator.evaluateUnresolved(c, statement: s.index, context: context, expandVariables: expands) { return r }
                var entry: ContextEntry?
                if let hit = looked.first(where: { $0.key == c.keyLower }) {
                    entry = hit.entry
                } else {
                    entry = context.entry(lowercased: c.keyLower)
                    if looked.count < 8 { looked.append((c.keyLower, entry)) }
                }
                if readings.flipped.isEmpty { return ConditionEvaluator.evaluate(c, statement: s.index, context: context, expandVariables: expands, entry: entry) }
                if !readings.holds(.unconfirmedKeysPresent), RequestContext.isUnconfirmed(c.keyLower) { entry = nil }
                var r = ConditionEvaluator.evaluate(c, statement: s.index, context: context, expandVariables: expands, entry: entry)
                if !readings.holds(.emptyValueListEvaluated), r.reason == .emptyValueList { r.result = true }
                if !readings.holds(.negatedPlainOnMultiValuedIsTrue), r.reason == .multiValuedKey, c.op.base.isNegated { r.result = false }
                if !readings.holds(.operatorCaseAccepted), c.op.caseDiffers { r.result = false }
                if !readings.holds(.nonARNNegatedHolds), Self.negatedOnNonARN(r) { r.result = false }
                if !readings.holds(.missingVariableNegatedHolds), c.op.base.isNegated, r.effectiveValues.contains(where: { $0 == nil }) { r.result = false }
                return r
            }
            var r = StatementResult(statement: s, principalMatched: pm, principalByWildcard: byWildcard, actionMatched: am, conditions: conds)
            r.principalUnresolved = principalUnresolved
            return r
        }
        return PolicyEvaluation(action: action, statements: results)
    }

    /// ArnNot… on a context value that is not six colon-separated fields.
    static func negatedOnNonARN(_ r: ConditionResult) -> Bool {
        r.clause.op.base.isArn && r.clause.op.base.isNegated
            && (r.context?.values.contains { $0.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).count != 6 } ?? false)
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
