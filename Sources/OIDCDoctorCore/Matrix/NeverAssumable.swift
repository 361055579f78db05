/// `trust.never-assumable`: no witness job gets in. The finding says, statement by statement, why
/// each Allow can never apply where the policy itself shows it; otherwise it names the nearest refusal.
enum NeverAssumable {
    static func finding(_ m: AdmissionMatrix, policy: TrustPolicy) -> Finding? {
        guard m.admitsNobody else { return nil }
        var reasons: [String] = []
        // A Deny that the intended job meets shuts it out, whatever the Allows say.
        let intended = m.rows.first { $0.witness.kind == .thisJob || $0.witness.kind == .intended }
        for i in intended?.denying ?? [] {
            reasons.append("\(policy.statements[i].name) is a Deny that applies to the intended job and \(m.rows.filter { $0.denying.contains(i) }.count - 1) other witness jobs")
        }
        let allows = policy.statements.filter { $0.effect == .allow }
        if allows.isEmpty { reasons.append("the policy has no Allow statement") }
        for s in allows {
            if let why = never(s) { reasons.append("\(s.name) can never apply: \(why)") }
        }
        if reasons.isEmpty, let near = m.nearest {
            reasons.append("none of the \(m.rows.count) witness jobs gets through; the nearest, \(near.witness.label), is refused by \(near.cause?.rawValue ?? "the policy"): \(near.why)")
        }
        var f = Finding(.trustNeverAssumable, .error,
                        detail: "no witness job is admitted — the intended job, other refs, merge requests, forks, other projects and instances all are refused: " + reasons.joined(separator: "; ") + ".",
                        fix: m.nearest?.cause.map { "see `oidc-doctor check --matrix` with the intended job: its \($0.rawValue) names the condition to change" })
        let first = allows.first ?? policy.statements.first
        f.statement = first?.index
        f.sid = first?.sid
        f.range = first.map { policy.lineRange($0.range) }
        return f
    }

    /// Why an Allow statement can never apply to a GitLab ID token, when the policy's text shows it.
    static func never(_ s: PolicyStatement) -> String? {
        if !PolicyEvaluator.actionMatches(s.action, Diagnoser.action) {
            return "its action \(s.action.patterns.map { $0.text.debugDescription }.joined(separator: ", ")) is not sts:AssumeRoleWithWebIdentity"
        }
        if case .wildcard = s.principal { return nil }
        let entries = s.principal.entries
        if entries.contains(where: { $0.type == "AWS" && $0.value.text == "*" }) { return nil }
        let providers = entries.filter { $0.type == "Federated" }.compactMap { e -> String? in
            guard let a = e.arn, a.service == "iam", a.region.isEmpty, ARN.isAccountID(a.account) || Unknowns.contains(a.account) else { return nil }
            guard let url = TrustLint.oidcURL(a.resource), !url.hasSuffix("/"), !Wildcard.hasWildcard(url) else { return nil }
            return url
        }
        if providers.isEmpty {
            let written = entries.map { "\($0.type) \($0.value.text.debugDescription)" }.joined(separator: ", ")
            return "its principal \(written) is no IAM OIDC provider STS can match (principals are compared exactly: no wildcard, no region, no trailing slash)"
        }
        if let v = neverIssued(s) { return v }
        // Every provider it names is ruled out by a condition that needs a key its tokens never carry.
        var blocked: [String] = []
        for url in providers {
            guard let c = s.conditions.first(where: { c in needsAbsentKey(c, url: url) }) else { return nil }
            blocked.append("\(c.op.written) on \(c.key.debugDescription) needs a key tokens of \(url) never bring")
        }
        return blocked.joined(separator: "; ")
    }

    /// Every `sub` value of a positive equality names a `ref_type` GitLab never issues (`mr`).
    static func neverIssued(_ s: PolicyStatement) -> String? {
        for c in s.conditions where c.keyLower.hasSuffix(":sub") && c.op.base.isEqualsFamily && !c.op.base.isNegated && !c.values.isEmpty {
            let types = c.values.map { v in SubClaim(v.text)?.value("ref_type") }
            guard types.allSatisfy({ $0 != nil && $0 != "branch" && $0 != "tag" }) else { continue }
            return "\(c.op.written) on \(c.key.debugDescription) wants ref_type \(types.compactMap { $0?.debugDescription }.joined(separator: ", ")), which GitLab never issues (only branch or tag; merge request pipelines carry ref_type branch)"
        }
        return nil
    }

    /// A condition that holds only if a key is present, on a key that never exists for `url`'s
    /// tokens — or `Null: true` on `sub`, which is always present.
    static func needsAbsentKey(_ c: ConditionClause, url: String) -> Bool {
        if c.op.base == .null {
            let sub = c.keyLower == url.lowercased() + ":sub"
            return sub && c.values.allSatisfy { ASCII.equalIgnoringCase($0.text, "true") }
        }
        guard !c.op.base.isNegated, !c.op.ifExists, c.op.qualifier != .forAllValues, !Unknowns.contains(c.key) else { return false }
        return !TrustLint.keyCanExist(c.key, url: url)
    }
}
