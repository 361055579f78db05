/// Warnings about what a trust policy admits, independent of whether this token gets in:
/// they fire on allowed policies too (the `trust.*` and `policy.*` ids).
public enum TrustLint {
    static let quota = 2048

    public static func findings(_ policy: TrustPolicy) -> [Finding] {
        var out: [Finding] = []
        for d in policy.duplicateKeys {
            let first = policy.source.position(of: d.first.start)
            var f = Finding(.policyDuplicateKey, .warning,
                detail: "\"\(d.key)\" appears twice in one object (first at line \(first.line), column \(first.column)). IAM refuses to store such a policy now; clients such as the AWS CLI silently keep the last one, and what a stored legacy policy does is undocumented. This diagnosis uses the last one, as a client would.",
                fix: "keep one \"\(d.key)\" and merge the two")
            f.key = d.key
            f.range = policy.source.lineRange(d.second)
            out.append(f)
        }
        if policy.quotaCharacters > quota {
            out.append(Finding(.policySize, .warning,
                detail: "the policy has \(policy.quotaCharacters) characters not counting white space; the default role trust policy quota is \(quota) (adjustable up to 8,192). IAM answers LimitExceeded: Cannot exceed quota for ACLSizePerRole.",
                fix: "merge statements or shorten values, or raise the quota L-C07B4B0D"))
        }
        for s in policy.statements {
            if s.effect == .allow, case .wildcard = s.principal {
                out.append(located(Finding(.principalWildcard, .warning,
                    detail: "\"Principal\": \"*\" is an Access Analyzer error for role trust policies (ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL). Whether it admits a web identity caller is AWS behaviour undocumented; this diagnosis treats it as matching.",
                    fix: "name the provider: \"Principal\": {\"Federated\": \"arn:aws:iam::<account>:oidc-provider/<host>\"}"), s, policy, s.principal.range))
            }
            for c in s.conditions where (c.op.base == .stringEquals || c.op.base == .stringEqualsIgnoreCase) {
                if let v = c.values.first(where: { Wildcard.hasWildcard($0.text) }) {
                    var f = Finding(.conditionWildcardNeedsLike, .warning,
                        detail: "\(c.op.written) takes \(v.text.debugDescription) literally: it matches only a value with a real `\(v.text.contains("*") ? "*" : "?")` in it (Access Analyzer: WILDCARD_WITHOUT_LIKE_OPERATOR).",
                        fix: "if a pattern is meant, change \"\(c.op.written)\" to \"StringLike\" at line \(policy.source.position(of: c.operatorRange.start).line)")
                    f = located(f, s, policy, c.range)
                    f.op = c.op.written
                    f.key = c.key
                    f.values = c.values.map(\.text)
                    out.append(f)
                }
            }
            guard s.effect == .allow else { continue }
            for url in oidcURLs(s) { out += providerWarnings(s, url: url, policy: policy) }
        }
        return out
    }

    static func oidcURLs(_ s: PolicyStatement) -> [String] {
        s.principal.entries.compactMap { e in
            guard e.type == "Federated", let a = e.arn, a.resource.hasPrefix("oidc-provider/") else { return nil }
            return String(a.resource.dropFirst("oidc-provider/".count))
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

    private static func providerWarnings(_ s: PolicyStatement, url: String, policy: TrustPolicy) -> [Finding] {
        var out: [Finding] = []
        let subKey = url.lowercased() + ":sub"
        let restrictingKeys: Set<String> = url == "gitlab.com" ? [subKey, "gitlab.com:project_id", "gitlab.com:namespace_id"] : [subKey]
        func effective(_ c: ConditionClause) -> Bool {
            !c.op.base.isNegated && !c.op.ifExists && c.op.qualifier != .forAllValues && c.op.base != .null && !c.values.isEmpty
                && !c.values.contains { $0.text == "*" && c.op.base.positive == .stringLike }
        }
        if !s.conditions.contains(where: { restrictingKeys.contains($0.key.lowercased()) && effective($0) }) {
            out.append(located(Finding(.trustNoSubCondition, .warning,
                detail: "statement \(s.index) trusts \(url) with no effective condition on \(url):sub\(url == "gitlab.com" ? " (or gitlab.com:project_id / namespace_id)" : ""): every project on that instance — anyone who can run a pipeline there — can assume this role. Conditions on absent keys, negated, IfExists and ForAllValues conditions do not restrict.",
                fix: "add \"StringEquals\": {\"\(url):sub\": \"project_path:<group>/<project>:ref_type:branch:ref:<branch>\"}"), s, policy, s.range))
        }
        for c in s.conditions {
            let lower = c.key.lowercased()
            if lower == subKey, c.op.base.positive == .stringLike, !c.op.base.isNegated {
                for v in c.values {
                    if let why = broadness(v.text) {
                        var f = located(Finding(.trustBroadSubPattern, .warning,
                            detail: "\(c.op.written) \(v.text.debugDescription) on \(c.key) \(why). `*` matches any run of characters, including `/` and `:`.",
                            fix: "pin the project path and the ref: \"project_path:<group>/<project>:ref_type:branch:ref:<branch>\""), s, policy, v.range)
                        f.op = c.op.written
                        f.key = c.key
                        f.values = [v.text]
                        out.append(f)
                    }
                }
            }
            let vacuous = c.op.base.isNegated || c.op.ifExists || c.op.qualifier == .forAllValues || (c.op.base == .null && c.values.contains { $0.text.lowercased() == "true" })
            if vacuous && !keyCanExist(c.key, url: url) {
                var f = located(Finding(.trustAlwaysTrueCondition, .warning,
                    detail: "\(c.key) never exists for tokens of \(url), and \(c.op.written) is true when the key is absent: this condition admits everyone it seems to exclude.",
                    fix: "express the restriction on \(url):sub with a positive operator (StringEquals / StringLike)"), s, policy, c.range)
                f.op = c.op.written
                f.key = c.key
                out.append(f)
            }
            let singleValued = lower == subKey || lower == url.lowercased() + ":oaud" || (url == "gitlab.com" && RequestContext.gitlabComKeys.contains { "gitlab.com:" + $0 == lower })
            if let q = c.op.qualifier, singleValued {
                var f = located(Finding(.trustForAllValuesSingleValued, .warning,
                    detail: "\(q.rawValue): on the single-valued key \(c.key)" + (q == .forAllValues ? " is true when the key is absent, which can be overly permissive (Access Analyzer: FORALLVALUES_WITH_SINGLE_VALUED_KEY)." : " works like the plain operator but documents the wrong intent."),
                    fix: "remove \"\(q.rawValue):\" from the operator at line \(policy.source.position(of: c.operatorRange.start).line)"), s, policy, c.range)
                f.op = c.op.written
                f.key = c.key
                out.append(f)
            }
        }
        return out
    }

    /// Why a StringLike `sub` pattern admits more than one project or ref; nil when it is tight.
    static func broadness(_ pattern: String) -> String? {
        guard Wildcard.hasWildcard(pattern) else { return nil }
        if pattern.allSatisfy({ $0 == "*" }) { return "matches every sub: any project, any ref" }
        let parts = pattern.utf8.split(separator: 0x3A, omittingEmptySubsequences: false).map { String(Substring($0)) }
        guard parts.count >= 2, SubClaim.projectNames.contains(parts[0]) else { return "matches more than one project or ref" }
        let project = parts[1]
        var reasons: [String] = []
        if Wildcard.hasWildcard(project) {
            let segments = project.utf8.split(separator: 0x2F, omittingEmptySubsequences: false).map { String(Substring($0)) }
            let lastSegment = segments.last ?? project
            let parent = segments.dropLast().joined(separator: "/")
            if lastSegment != "*" && Wildcard.hasWildcard(lastSegment) {
                let stem = String(lastSegment.filter { $0 != "*" && $0 != "?" })
                let example = (parent.isEmpty ? "" : parent + "/") + stem + "-evil"
                reasons.append("also matches other projects (\(project.debugDescription) matches \(example.debugDescription))")
            } else {
                reasons.append("matches every project under \((parent + "/").debugDescription), subgroups included")
            }
        }
        if parts.count == 2 && project.hasSuffix("*") {
            reasons.append("any ref type and every branch and tag")
        } else if let i = parts.firstIndex(of: "ref_type"), i + 1 < parts.count, Wildcard.hasWildcard(parts[i + 1]) {
            reasons.append("any ref type (branch or tag)")
        }
        if let i = parts.lastIndex(of: "ref"), i + 1 < parts.count, parts[i + 1] == "*" {
            reasons.append("every \(parts.firstIndex(of: "ref_type").map { parts[$0 + 1] == "tag" ? "tag" : "branch" } ?? "ref")")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    private static func located(_ f: Finding, _ s: PolicyStatement, _ policy: TrustPolicy, _ r: SourceRange) -> Finding {
        var f = f
        f.statement = s.index
        f.sid = s.sid
        f.range = policy.source.lineRange(r)
        return f
    }
}
