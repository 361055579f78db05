/// Explains one failing condition: which catalogue id, what was compared, and the smallest fix.
/// Classification order follows DESIGN §4: wildcard, case, ref, project, key, audience, negated, value.
struct ConditionDiagnosis {
    let prefix: String
    let policy: TrustPolicy
    /// Whether the token has a claim of this name (an absent key may come from an absent claim).
    var hasClaim: (String) -> Bool = { _ in false }

    func finding(for r: ConditionResult, statement: PolicyStatement) -> Finding {
        var f = classify(r)
        f.statement = statement.index
        f.sid = statement.sid
        f.op = r.clause.op.written
        f.key = r.clause.key
        f.values = r.clause.values.map(\.text)
        f.claim = r.context?.claim ?? claimName(r.clause.key)
        // In a generated policy (Terraform) the one value is the place to point at: the values
        // element in the .tf, or the default it came from; the clause is the whole condition block.
        f.range = policy.lineRange(policy.origin != nil && r.clause.values.count == 1 ? r.clause.values[0].range : r.clause.range)
        if !r.undocumented.isEmpty { f.detail += " AWS behaviour undocumented: " + r.undocumented.joined(separator: "; ") + "." }
        f.edit = edit(for: f.id, r)
        // The token's value is the policy's but for what a terminal does not show: the job is to change.
        if let cmp = f.compare, !r.clause.op.base.isNegated, let what = VisibleText.invisibleDifference(expected: cmp.expected, actual: cmp.actual) {
            f.detail += " The two differ only by what a terminal does not show: the token's value has \(what) (\(VisibleText.value(cmp.actual).debugDescription))."
            f.fix = "take \(what) out of where the job's value comes from (the CI variable, the branch or tag name, the project path): the policy value is right"
            f.edit = nil
        }
        return f
    }

    private func where_(_ r: ConditionResult) -> String {
        policy.lineName(r.clause.range.start)
    }

    /// The policy edit behind the fix text, for the ids where one edit lets this token through.
    private func edit(for id: FindingID, _ r: ConditionResult) -> PolicyEdit? {
        let c = r.clause
        let actual = r.context?.values.first
        switch id {
        case .conditionWildcardNeedsLike:
            return PolicyEdit(range: c.operatorRange, replacement: JSONText.quote((c.op.qualifier.map { $0.rawValue + ":" } ?? "") + "StringLike" + (c.op.ifExists ? "IfExists" : "")))
        case .conditionCaseMismatch, .conditionRefMismatch, .conditionProjectMismatch, .conditionAudienceMismatch, .conditionValueMismatch:
            guard let actual, r.reason == .noValueMatched, !c.op.base.isNegated else { return nil }
            return PolicyEdit.addValue(actual, to: c, in: policy.source)
        case .conditionKeyPrefix:
            guard let claim = claimName(c.key) else { return nil }
            return PolicyEdit(range: c.keyRange, replacement: JSONText.quote("\(prefix):\(claim)"))
        case .conditionNegatedMatch:
            guard case .excluded(let i) = r.reason, c.values.count > 1 else { return nil }
            let v = c.values[i].range
            // Remove the excluded value and the comma that joins it to its neighbour.
            if i + 1 < c.values.count { return PolicyEdit(range: SourceRange(start: v.start, end: c.values[i + 1].range.start), replacement: "") }
            return PolicyEdit(range: SourceRange(start: c.values[i - 1].range.end, end: v.end), replacement: "")
        default:
            return nil
        }
    }

    /// The claim a provider key stands for (`gitlab.example.com:sub` → `sub`); nil for other keys.
    func claimName(_ key: String) -> String? {
        guard let i = key.lastIndex(of: ":") else { return nil }
        let pre = key[..<i].lowercased()
        if pre == "aws" || pre == "sts" || pre.hasPrefix("aws:") { return nil }
        return String(key[key.index(after: i)...])
    }

    private func classify(_ r: ConditionResult) -> Finding {
        let c = r.clause
        let op = c.op
        let at = where_(r)
        switch r.reason {
        case .keyAbsent:
            return absentKey(r, at: at)
        case .nullCheck where r.context == nil:
            return absentKey(r, at: at)
        case .excluded(let i):
            let v = c.values[i].text
            return Finding(.conditionNegatedMatch, .error,
                detail: "\(op.written) on \(c.key) excludes \(v.quotedDebug), and this token's value \(Self.shown(r.context)) is one it excludes. A negated operator must match none of its values.",
                fix: "remove \(v.quotedDebug) from \(c.key) under \(op.written) at \(at) — if this job really should be allowed")
        case .multiValuedKey:
            return Finding(.conditionValueMismatch, .error,
                detail: "\(c.key) is multi-valued in this request (\(Self.shown(r.context))); a plain \(op.written) never matches a multi-valued key (Access Analyzer: MISSING_QUALIFIER).",
                fix: "write the operator as ForAnyValue:\(op.base.rawValue) at \(at)")
        case .emptyValueList:
            return Finding(.conditionValueMismatch, .error, detail: "\(op.written) on \(c.key) lists no values, so it cannot match.", fix: "list the values \(c.key) may have at \(at), or remove the entry")
        case .nullCheck:
            return Finding(.conditionValueMismatch, .error,
                detail: "Null on \(c.key) requires the key to be \(c.values.first?.text == "true" ? "absent" : "present"), and in this request it is \(r.context == nil ? "absent" : "present").",
                fix: "change the Null value at \(at)")
        case .matched, .noValueMatched:
            break
        }
        let actual = r.context?.values.first ?? ""
        let values = r.effectiveValues
        if values.contains(where: { $0 == nil }) && !values.contains(where: { $0 != nil }) {
            return Finding(.conditionValueMismatch, .error,
                detail: "every value of \(c.key) uses a policy variable with no value in this request; such a value never matches.",
                fix: "use a variable whose key exists (e.g. ${\(prefix):sub}) or a literal at \(at)")
        }
        let literal = values.compactMap { $0 }
        // 1. A wildcard that StringEquals takes literally.
        if op.base == .stringEquals || op.base == .stringEqualsIgnoreCase,
           let v = literal.first(where: { Wildcard.hasWildcard($0) && Wildcard.matches(actual, pattern: $0, ignoreCase: op.base == .stringEqualsIgnoreCase) }) {
            var f = Finding(.conditionWildcardNeedsLike, .error,
                detail: "\(op.written) compares \(c.key) with \(v.quotedDebug) literally: `*` and `?` are wildcards only under StringLike. Under StringLike this token's value \(actual.quotedDebug) would match.",
                fix: "change the operator \"\(op.written)\" to \"StringLike\" at \(policy.lineName(c.operatorRange.start))" + (op.base == .stringEqualsIgnoreCase ? " (StringLike is case-sensitive; there is no StringLikeIgnoreCase)" : ""))
            f.compare = compare(actual: actual, expected: v, like: true, ignoreCase: false)
            return f
        }
        let like = op.base.positive == .stringLike || op.base.isArn
        // 2. Case only.
        if op.base.isString && !op.base.isNegated && !op.base.ignoresCase,
           let v = literal.first(where: { like ? Wildcard.matches(actual, pattern: $0, ignoreCase: true) : $0.lowercased() == actual.lowercased() }) {
            var f = Finding(.conditionCaseMismatch, .error,
                detail: "\(c.key) is \(actual.quotedDebug) in the token; the policy has \(v.quotedDebug). They differ only in letter case, and \(op.written) is case-sensitive (GitLab keeps the project path's stored case).",
                fix: like ? "write the value at \(at) with the token's case: \(actual.quotedDebug)" : "replace \(v.quotedDebug) with \(actual.quotedDebug) at \(at), or use StringEqualsIgnoreCase")
            f.compare = compare(actual: actual, expected: v, like: like, ignoreCase: false)
            return f
        }
        let keyLower = c.key.lowercased()
        // 3/4. `sub`: which component parts.
        if keyLower == prefix.lowercased() + ":sub" {
            return subMismatch(r, actual: actual, values: literal, like: like, at: at)
        }
        // 6. Audience.
        if keyLower == prefix.lowercased() + ":aud" || keyLower == prefix.lowercased() + ":oaud" {
            var f = Finding(.conditionAudienceMismatch, .error,
                detail: "the token's audience is \(actual.quotedDebug); \(op.written) on \(c.key) expects \(list(literal)). The audience must match twice: the provider's client IDs and this condition.",
                fix: "set the job's `id_tokens: <NAME>: aud:` to \(literal.first.map { $0.quotedDebug } ?? "the expected value"), or add \(actual.quotedDebug) to \(c.key) at \(at)")
            f.compare = best(actual: actual, values: literal, like: like)
            return f
        }
        var f = Finding(.conditionValueMismatch, .error,
            detail: "\(op.written) on \(c.key): the request has \(Self.shown(r.context)); the policy expects \(list(literal)).",
            fix: "add \(actual.quotedDebug) to the values of \(c.key) at \(at), if this job should be allowed")
        f.compare = best(actual: actual, values: literal, like: like)
        return f
    }

    private func absentKey(_ r: ConditionResult, at: String) -> Finding {
        let c = r.clause
        let key = c.key
        guard let colon = key.lastIndex(of: ":") else {
            return Finding(.conditionValueMismatch, .error, detail: "\(key) is not a condition key AWS knows; it is absent, so \(c.op.written) is false.", fix: "remove or correct the key at \(at)")
        }
        let pre = String(key[..<colon])
        let claim = String(key[key.index(after: colon)...])
        let preLower = pre.lowercased()
        if preLower == prefix.lowercased(), RequestContext.unconfirmedClaimKeys.contains(claim.lowercased()) {
            let undocumented = "Whether AWS creates \(key) from a token's \(claim) claim is AWS behaviour undocumented"
            if !hasClaim(claim) {
                let email = prefix == "gitlab.com" ? " (GitLab puts the address in user_email: use the key gitlab.com:user_email)" : " (GitLab puts the address in user_email, which is no key for this provider)"
                return Finding(.conditionValueMismatch, .error,
                    detail: "this token has no \(claim) claim\(claim.lowercased() == "email" ? email : ""), so \(key) is absent whatever AWS does and \(c.op.written) is false. \(undocumented).",
                    fix: prefix == "gitlab.com" && claim.lowercased() == "email" ? "rename the key at \(at) to \"gitlab.com:user_email\""
                        : "remove the condition at \(at): GitLab's tokens have no \(claim) claim; restrict the job through \(prefix):sub instead")
            }
            return Finding(.conditionUnsupportedKey, .error,
                detail: "\(undocumented); this diagnosis assumes it does not (AWS's list of keys for a generic provider names :sub, :aud, :oaud and :amr), so \(c.op.written) is false.",
                fix: subRewrite(claim: claim, values: c.values.map(\.text), at: at))
        }
        if preLower == prefix.lowercased() {
            let isGitLabComKey = RequestContext.gitlabComKeys.contains(claim.lowercased())
            let known = RequestContext.genericKeys.contains(claim.lowercased()) || (prefix == "gitlab.com" && isGitLabComKey)
            if known {
                return Finding(.conditionValueMismatch, .error,
                    detail: "\(key) would be in the context, but this token has no \(claim) claim, so \(c.op.written) is false.",
                    fix: "issue the token with a \(claim) claim (`id_tokens` sets aud), or drop the condition at \(at)")
            }
            var why = "AWS creates only \(prefix):sub, :aud, :oaud and :amr from a token of this provider"
            if prefix == "gitlab.com" {
                why = "for gitlab.com AWS creates :sub, :aud, :oaud, :amr and " + RequestContext.gitlabComKeys.map { ":" + $0 }.joined(separator: ", ")
            } else if isGitLabComKey {
                why += "; \(claim) is a key only for gitlab.com itself, never for a self-managed or Dedicated instance"
            }
            return Finding(.conditionUnsupportedKey, .error,
                detail: "\(key) is never in the request context: \(why). The token's \(claim) claim is ignored by AWS, so \(c.op.written) is always false.",
                fix: subRewrite(claim: claim, values: c.values.map(\.text), at: at))
        }
        let looksLikeProvider = preLower != "aws" && preLower != "sts" && !preLower.hasPrefix("aws:") && (pre.contains(".") || pre.contains("/"))
        if looksLikeProvider {
            let renamed = "\(prefix):\(claim)"
            return Finding(.conditionKeyPrefix, .error,
                detail: "\(key) names provider \(pre.quotedDebug), but this token's keys start with \(prefix.quotedDebug) (its iss minus https://). The key is absent, so \(c.op.written) is false.",
                fix: "rename the key at \(at) to \(renamed.quotedDebug)")
        }
        if c.keyLower == "aws:sourceip" {
            return Finding(.conditionValueMismatch, .error,
                detail: "aws:SourceIp is probably the public address the job's call comes from (absent through a VPC endpoint); this tool was not told it (--source-ip), so \(c.op.written) is evaluated as if the key were absent, which fails.",
                fix: "pass --source-ip with the runner's public address as AWS sees it (on the runner: curl https://checkip.amazonaws.com) to evaluate the condition at \(at)")
        }
        return Finding(.conditionValueMismatch, .error,
            detail: "\(key) is not in the request context of this call, so \(c.op.written) is false.",
            fix: "remove the condition at \(at) or make it …IfExists, if the job should be allowed")
    }

    /// How to say with `sub` what a condition on an unsupported claim meant.
    private func subRewrite(claim: String, values: [String], at: String) -> String {
        let v = values.first ?? "…"
        let pattern: String?
        switch claim {
        case "project_path": pattern = "project_path:\(v):*"
        case "ref": pattern = "project_path:<group>/<project>:ref_type:*:ref:\(v)"
        case "ref_type": pattern = "project_path:<group>/<project>:ref_type:\(v):*"
        case "namespace_path": pattern = "project_path:\(v)/*"
        case "project_id": pattern = "project_id:\(v):*"
        default: pattern = nil
        }
        if let pattern {
            return "replace the condition at \(at) with \"StringLike\": {\"\(prefix):sub\": \"\(pattern)\"}" + (claim == "project_id" ? " (needs the project's sub to start with project_id)" : "")
        }
        return "remove the condition at \(at): \(claim) cannot be checked by AWS for this provider; restrict the job through \(prefix):sub instead"
    }

    private func subMismatch(_ r: ConditionResult, actual: String, values: [String], like: Bool, at: String) -> Finding {
        let c = r.clause
        let tok = SubClaim(actual)
        var bestValue = values.first ?? ""
        var bestFailing: [String]? = nil
        var formatDiffers = tok == nil
        for v in values {
            guard let tok, let pat = SubClaim(v) else { continue }
            let failing = componentFailures(token: tok, pattern: pat, like: like)
            if let failing {
                if bestFailing == nil || failing.count < bestFailing!.count { bestFailing = failing; bestValue = v }
            } else if bestFailing == nil {
                formatDiffers = true
                bestValue = v
            }
        }
        if bestFailing == nil, let tok, values.count == 1, let v = values.first, looseProject(v) != nil {
            // e.g. StringLike "project_path:mygroup/*": compare the project component with the rest of sub.
            let pv = looseProject(v)!
            let projectOK = Wildcard.matches(tok.components.dropFirst().reduce(tok.components.first.map { $0.value } ?? "") { $0 + ":" + $1.name + ":" + $1.value }, pattern: pv)
            bestFailing = projectOK ? ["ref"] : [tok.project?.name ?? "project_path"]
            formatDiffers = false
        }
        let compareValue = bestValue
        var f: Finding
        let subWords = tok.map { " (\($0.summary))" } ?? ""
        let failing = bestFailing ?? []
        if !formatDiffers, failing.contains(where: { SubClaim.projectNames.contains($0) }) {
            f = Finding(.conditionProjectMismatch, .error,
                detail: "the job's sub is \(actual.quotedDebug)\(subWords); \(c.op.written) on \(c.key) allows \(list(values)). The project part differs — renamed or transferred project, a fork, or a group path where the project path belongs.",
                fix: "add \(actual.quotedDebug) to \(c.key) at \(at), or correct the project path in the policy value")
        } else if !formatDiffers, !failing.isEmpty, failing.allSatisfy({ SubClaim.refNames.contains($0) }) {
            let want = SubClaim(compareValue)
            let wantRef = [want?.value("ref_type"), want?.value("ref")].compactMap { $0 }.joined(separator: " ")
            // `ref_type:mr` and the like: no job can run on such a ref (reference gitlab-id-tokens §2.1).
            let neverIssued = want?.value("ref_type").flatMap { $0 == "branch" || $0 == "tag" || Wildcard.hasWildcard($0) ? nil : $0 }
            let never = neverIssued.map { " GitLab never issues ref_type \($0.quotedDebug): only branch or tag (merge request pipelines carry ref_type branch and the source branch), so this value admits no job." } ?? ""
            let run = neverIssued.map { "change ref_type:\($0) to ref_type:branch in the policy value" } ?? "run the job on \(wantRef.isEmpty ? "the allowed ref" : wantRef)"
            f = Finding(.conditionRefMismatch, .error,
                detail: "the job ran on \(tok.map { [$0.value("ref_type"), $0.value("ref")].compactMap { $0 }.map(VisibleText.value).joined(separator: " ") } ?? actual)\(tok?.project.map { " of \($0.value)" } ?? ""); \(c.op.written) on \(c.key) allows only \(list(values)). The project matches; the ref type or ref does not (MR pipelines carry the source branch and ref_type branch; tags carry ref_type tag).\(never)",
                fix: "\(run), or add \(actual.quotedDebug) to \(c.key) at \(at)" + (like ? "" : " (or use StringLike with a deliberate pattern)"))
        } else {
            let fmt = formatDiffers ? " The sub formats differ: the token's components are \((tok?.names ?? ["(not GitLab's name:value form)"]).joined(separator: ", ")), the policy expects \((SubClaim(compareValue)?.names ?? ["(free text)"]).joined(separator: ", ")) — was sub_claim_components customised on one side only?" : ""
            f = Finding(.conditionValueMismatch, .error,
                detail: "the job's sub is \(actual.quotedDebug); \(c.op.written) on \(c.key) expects \(list(values)).\(fmt)",
                fix: "add \(actual.quotedDebug) to \(c.key) at \(at), if this job should be allowed")
        }
        f.compare = compare(actual: actual, expected: compareValue, like: like, ignoreCase: false)
        return f
    }

    /// The project pattern of a value like `project_path:grp/*` whose `*` spans the rest of `sub`.
    private func looseProject(_ v: String) -> String? {
        for name in ["project_path:", "project_id:"] where v.hasPrefix(name) && v.hasSuffix("*") {
            return String(v.dropFirst(name.count))
        }
        return nil
    }

    /// Names of the components that fail; nil when the two are not component-compatible.
    private func componentFailures(token: SubClaim, pattern: SubClaim, like: Bool) -> [String]? {
        guard token.names == pattern.names else { return nil }
        return zip(token.components, pattern.components).filter { t, p in
            !(like ? Wildcard.matches(t.value, pattern: p.value) : t.value == p.value)
        }.map(\.0.name)
    }

    private func best(actual: String, values: [String], like: Bool) -> Comparison? {
        guard let v = values.max(by: { commonPrefix($0, actual) < commonPrefix($1, actual) }) else { return nil }
        return compare(actual: actual, expected: v, like: like, ignoreCase: false)
    }

    func compare(actual: String, expected: String, like: Bool, ignoreCase: Bool) -> Comparison {
        let diff = like ? firstGlobDifference(value: actual, pattern: expected) : firstDifference(actual, expected)
        var comps: [Comparison.Component] = []
        if let t = SubClaim(actual) {
            let p = SubClaim(expected)
            var names: [String] = t.names
            for n in p?.names ?? [] where !names.contains(n) { names.append(n) }
            for n in names {
                let a = t.value(n), e = p?.value(n)
                let ok: Bool = {
                    guard let a, let e else { return false }
                    return like ? Wildcard.matches(a, pattern: e) : a == e
                }()
                comps.append(Comparison.Component(name: n, expected: e.map(Wildcard.written), actual: a, matches: ok))
            }
        }
        // A literal `*`/`?` of the pattern is shown as the policy wrote it (`${*}`).
        return Comparison(expected: Wildcard.written(expected), actual: actual, differsAt: diff, components: comps)
    }

    private func commonPrefix(_ a: String, _ b: String) -> Int {
        // ASCII without CR (CR LF is the one two-byte ASCII character): characters are bytes.
        let bytewise = ASCII.withBytes(a, b) { x, y in x.contains(0x0D) || y.contains(0x0D) ? nil : zip(x, y).prefix { $0 == $1 }.count }
        if case .some(.some(let n)) = bytewise { return n }
        return zip(a, b).prefix { $0 == $1 }.count
    }

    /// The request's value(s) of a key as a report quotes them.
    static func shown(_ e: ContextEntry?) -> String {
        guard let e else { return "no such key" }
        return e.values.count == 1 ? e.values[0].quotedDebug : "[" + e.values.map(\.quotedDebug).joined(separator: ", ") + "]"
    }

    private func list(_ v: [String]) -> String {
        v.count == 1 ? v[0].quotedDebug : "any of [" + v.map(\.quotedDebug).joined(separator: ", ") + "]"
    }
}
