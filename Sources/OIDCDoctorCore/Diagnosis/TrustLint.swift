/// Warnings about what a trust policy admits, independent of whether this token gets in:
/// they fire on allowed policies too (the `trust.*` and `policy.*` ids).
public enum TrustLint {
    static let quota = 2048

    public static func findings(_ policy: TrustPolicy) -> [Finding] {
        var out: [Finding] = []
        for d in policy.duplicateKeys {
            // The first one's place in the text the user gave (a heredoc in a .tf, say).
            let r = policy.lineRange(d.first)
            let first = (r.line, r.column, r.file.map { " of \($0)" } ?? "")
            var f = Finding(.policyDuplicateKey, .warning,
                detail: "\"\(d.key)\" appears twice in one object (first at line \(first.0), column \(first.1)\(first.2)). IAM refuses to store such a policy now; clients such as the AWS CLI silently keep the last one, and what a stored legacy policy does is undocumented. This diagnosis uses the last one, as a client would.",
                fix: "keep one \"\(d.key)\" and merge the two")
            f.key = d.key
            f.range = policy.lineRange(d.second)
            out.append(f)
        }
        for s in policy.statements {
            for c in s.conditions {
                guard let other = c.caseTwinOf else { continue }
                var f = Finding(.policyDuplicateKey, .warning,
                    detail: "condition key \(c.key.quotedDebug) repeats \(other.quotedDebug) in \(c.op.written) in another letter case; key names are case-insensitive (Access Analyzer: DUPLICATE_KEYS_WITH_DIFFERENT_CASE). Whether IAM evaluates both or keeps one is AWS behaviour undocumented; this diagnosis evaluates both, and says when the other reading changes the answer.",
                    fix: "keep one spelling of \(other.quotedDebug) and merge the values")
                f.key = c.key
                f.statement = s.index
                f.range = policy.lineRange(c.keyRange)
                out.append(f)
            }
        }
        if policy.quotaCharacters > quota {
            out.append(Finding(.policySize, .warning,
                detail: "the policy has \(policy.quotaCharacters) characters not counting white space; the default role trust policy quota is \(quota) (adjustable up to 8,192). IAM answers LimitExceeded: Cannot exceed quota for ACLSizePerRole.",
                fix: "merge statements or shorten values, or raise the quota L-C07B4B0D"))
        }
        // Every statement usually names the same provider: its URL and key names are worked out once.
        var providers: [ProviderKeys] = []
        for s in policy.statements {
            // `"*"` and `{"AWS": "*"}` are evaluated alike (reference §5.1), and flagged alike.
            let anyone: (written: String, range: SourceRange)? = {
                if case .wildcard = s.principal { return ("\"Principal\": \"*\"", s.principal.range) }
                if let e = s.principal.entries.first(where: { $0.type == "AWS" && $0.value.text == "*" }) { return ("\"Principal\": {\"AWS\": \"*\"}", e.value.range) }
                return nil
            }()
            if s.effect == .allow, let anyone {
                out.append(located(Finding(.principalWildcard, .warning,
                    detail: "\(anyone.written) is an Access Analyzer error for role trust policies (ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL). Whether it admits a web identity caller is AWS behaviour undocumented; this diagnosis treats it as matching.",
                    fix: "name the provider: \"Principal\": {\"Federated\": \"arn:aws:iam::<account>:oidc-provider/<host>\"}"), s, policy, anyone.range))
            }
            for c in s.conditions where (c.op.base == .stringEquals || c.op.base == .stringEqualsIgnoreCase) {
                if let v = c.values.first(where: { Wildcard.hasWildcard(Wildcard.pattern($0.text, variables: policy.expandsVariables)) }) {
                    var f = Finding(.conditionWildcardNeedsLike, .warning,
                        detail: "\(c.op.written) takes \(v.text.quotedDebug) literally: it matches only a value with a real `\(Wildcard.pattern(v.text, variables: policy.expandsVariables).contains("*") ? "*" : "?")` in it (Access Analyzer: WILDCARD_WITHOUT_LIKE_OPERATOR).",
                        fix: "if a pattern is meant, change \"\(c.op.written)\" to \"StringLike\" at \(policy.lineName(c.operatorRange.start))")
                    f = located(f, s, policy, c.range)
                    f.op = c.op.written
                    f.key = c.key
                    f.values = c.values.map(\.text)
                    out.append(f)
                }
            }
            guard s.effect == .allow else { continue }
            for e in s.principal.entries {
                guard e.type == "Federated", let a = e.arn else { continue }
                let keys: ProviderKeys
                if let known = providers.first(where: { $0.resource == a.resource }) {
                    keys = known
                } else {
                    guard let url = oidcURL(a.resource) else { continue }
                    keys = ProviderKeys(resource: a.resource, url: url)
                    if providers.count < 8 { providers.append(keys) }
                }
                providerWarnings(s, keys, policy: policy, into: &out)
            }
        }
        return out
    }

    static func oidcURLs(_ s: PolicyStatement) -> [String] {
        s.principal.entries.compactMap { e in
            guard e.type == "Federated", let a = e.arn else { return nil }
            return oidcURL(a.resource)
        }
    }

    /// The provider URL of an `oidc-provider/…` resource; nil for other resources.
    static func oidcURL(_ resource: String) -> String? {
        // An ASCII resource has one character per byte after the prefix (hasPrefix compares bytes there).
        let ascii = resource.utf8.withContiguousStorageIfAvailable { ASCII.isASCII($0) } ?? false
        guard resource.hasPrefix("oidc-provider/") else { return nil }
        return ascii ? String(Substring(resource.utf8.dropFirst(14))) : String(resource.dropFirst("oidc-provider/".count))
    }

    /// A provider's URL with the key names the checks compare with, computed once per provider.
    struct ProviderKeys {
        var resource: String
        var url: String
        var urlLower: String
        var subKey: String
        var oaudKey: String
        var isGitLabCom: Bool

        init(resource: String, url: String) {
            self.resource = resource
            self.url = url
            urlLower = url.lowercased()
            subKey = urlLower + ":sub"
            oaudKey = urlLower + ":oaud"
            isGitLabCom = url == "gitlab.com"
        }

        /// The keys whose effective condition restricts who may assume the role.
        func restricts(_ lower: String) -> Bool {
            lower == subKey || (isGitLabCom && (lower == "gitlab.com:project_id" || lower == "gitlab.com:namespace_id"))
        }
    }

    /// Whether `key` can ever be in the context of a token from provider `url`.
    static func keyCanExist(_ key: String, url: String) -> Bool {
        guard let colon = key.lastIndex(of: ":") else { return true }
        let pre = key[..<colon].lowercased()
        let claim = key[key.index(after: colon)...].lowercased()
        if pre == "aws" || pre == "sts" || pre.hasPrefix("aws:") || pre.hasPrefix("sts:") { return true }
        guard pre == url.lowercased() else { return false }
        return RequestContext.genericKeys.contains(claim) || (url == "gitlab.com" && RequestContext.gitlabComKeys.contains(claim))
    }

    private static func providerWarnings(_ s: PolicyStatement, _ keys: ProviderKeys, policy: TrustPolicy, into out: inout [Finding]) {
        let url = keys.url
        let subKey = keys.subKey
        func effective(_ c: ConditionClause) -> Bool {
            // `sub` is in every GitLab token: IfExists and ForAllValues on it restrict as the plain operator does.
            let alwaysPresent = c.keyLower == subKey
            return !c.op.base.isNegated && (alwaysPresent || (!c.op.ifExists && c.op.qualifier != .forAllValues)) && c.op.base != .null && !c.values.isEmpty
                && !c.values.contains { $0.text == "*" && c.op.base.positive == .stringLike }
        }
        // A condition that needs a key this provider's tokens never carry keeps all of them out.
        let shutOut = s.conditions.contains { NeverAssumable.needsAbsentKey($0, url: url) }
        if !shutOut, !s.conditions.contains(where: { keys.restricts($0.keyLower) && effective($0) }) {
            out.append(located(Finding(.trustNoSubCondition, .warning,
                detail: "statement \(s.index) trusts \(url) with no effective condition on \(url):sub\(url == "gitlab.com" ? " (or gitlab.com:project_id / namespace_id)" : ""): every project on that instance — anyone who can run a pipeline there — can assume this role. Conditions on absent keys, negated, IfExists and ForAllValues conditions do not restrict.",
                fix: "add \"StringEquals\": {\"\(url):sub\": \"project_path:<group>/<project>:ref_type:branch:ref:<branch>\"}"), s, policy, s.range))
        }
        for c in s.conditions {
            let lower = c.keyLower
            if lower == subKey, c.op.base.positive == .stringLike, !c.op.base.isNegated {
                for v in c.values {
                    if let why = broadness(Wildcard.pattern(v.text, variables: policy.expandsVariables)) {
                        var f = located(Finding(.trustBroadSubPattern, .warning,
                            detail: "\(c.op.written) \(v.text.quotedDebug) on \(c.key) \(why). `*` matches any run of characters, including `/` and `:`.",
                            fix: "pin the project path and the ref: \"project_path:<group>/<project>:ref_type:branch:ref:<branch>\""), s, policy, v.range)
                        f.op = c.op.written
                        f.key = c.key
                        f.values = [v.text]
                        out.append(f)
                    }
                }
            }
            let vacuous = c.op.base.isNegated || c.op.ifExists || c.op.qualifier == .forAllValues || (c.op.base == .null && c.values.contains { ASCII.equalIgnoringCase($0.text, "true") })
            if vacuous && !keyCanExist(c.key, url: url) {
                var f = located(Finding(.trustAlwaysTrueCondition, .warning,
                    detail: "\(c.key) never exists for tokens of \(url), and \(c.op.written) is true when the key is absent: this condition admits everyone it seems to exclude.",
                    fix: "express the restriction on \(url):sub with a positive operator (StringEquals / StringLike)"), s, policy, c.range)
                f.op = c.op.written
                f.key = c.key
                out.append(f)
            }
            // Only a qualified operator needs to know whether the key is single-valued.
            if let q = c.op.qualifier, lower == subKey || lower == keys.oaudKey || (keys.isGitLabCom && RequestContext.gitlabComKeys.contains { "gitlab.com:" + $0 == lower }) {
                var f = located(Finding(.trustForAllValuesSingleValued, .warning,
                    detail: "\(q.rawValue): on the single-valued key \(c.key)" + (q == .forAllValues ? " is true when the key is absent, which can be overly permissive (Access Analyzer: FORALLVALUES_WITH_SINGLE_VALUED_KEY)." : " works like the plain operator but documents the wrong intent."),
                    fix: "remove \"\(q.rawValue):\" from the operator at \(policy.lineName(c.operatorRange.start))"), s, policy, c.range)
                f.op = c.op.written
                f.key = c.key
                out.append(f)
            }
        }
    }

    /// Why a StringLike `sub` pattern admits more than one project or ref; nil when it is tight.
    static func broadness(_ pattern: String) -> String? {
        guard Wildcard.hasWildcard(pattern) else { return nil }
        // Bytes: a run of `*` bytes is a run of `*` characters, anything else fails either way.
        if pattern.utf8.allSatisfy({ $0 == 0x2A }) { return "matches every sub: any project, any ref" }
        let parts = ASCII.split(pattern, 0x3A)
        guard parts.count >= 2, SubClaim.projectNames.contains(parts[0]) else { return "matches more than one project or ref" }
        let project = parts[1]
        var reasons: [String] = []
        if Wildcard.hasWildcard(project) {
            let segments = ASCII.split(project, 0x2F)
            let lastSegment = segments.last ?? project
            let parent = segments.dropLast().joined(separator: "/")
            if lastSegment != "*" && Wildcard.hasWildcard(lastSegment) {
                // A literal `*`/`?` (`${*}`) stays in the example where it stands.
                let segment = Wildcard.hasLiteralMarks(lastSegment)
                    ? Wildcard.plain(String(lastSegment.flatMap { $0 == "*" ? Array("-evil") : $0 == "?" ? ["x"] : [$0] }))
                    : String(lastSegment.filter { $0 != "*" && $0 != "?" }) + "-evil"
                let example = (parent.isEmpty ? "" : parent + "/") + segment
                reasons.append("also matches other projects (\(project.quotedDebug) matches \(example.quotedDebug))")
            } else {
                reasons.append("matches every project under \((parent + "/").quotedDebug), subgroups included")
            }
        }
        if (parts.count == 2 && project.hasSuffix("*")) || (parts.count % 2 == 1 && Wildcard.hasWildcard(parts[parts.count - 1])) {
            reasons.append("any ref type and every branch and tag")
        } else if let i = parts.firstIndex(of: "ref_type"), i + 1 < parts.count, Wildcard.hasWildcard(parts[i + 1]) {
            reasons.append("any ref type (branch or tag)")
        }
        if let i = parts.lastIndex(of: "ref"), i + 1 < parts.count, parts[i + 1] == "*" {
            // `ref_type` may be the last part of a malformed pattern: then its value is not known.
            let type = parts.firstIndex(of: "ref_type").flatMap { $0 + 1 < parts.count ? parts[$0 + 1] : nil }
            reasons.append("every \(type.map { $0 == "tag" ? "tag" : "branch" } ?? "ref")")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    private static func located(_ f: Finding, _ s: PolicyStatement, _ policy: TrustPolicy, _ r: SourceRange) -> Finding {
        var f = f
        f.statement = s.index
        f.sid = s.sid
        f.range = policy.lineRange(r)
        return f
    }
}
