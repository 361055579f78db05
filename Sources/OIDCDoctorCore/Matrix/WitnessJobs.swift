/// Witness jobs from a policy's own values: the job it is evidently meant for, and one job for every
/// class its conditions could tell apart from that one (another branch, a tag, an MR, a fork, a
/// sibling or prefix-extended project, a subgroup, another group, another instance, and a value
/// beyond each wildcard). Every claim about who gets in is then an evaluation of one of them.
public enum WitnessJobs {

    /// `token`: the job at hand, when there is one: its claims as they are make the first row.
    public static func derive(_ policy: TrustPolicy, token: IDToken? = nil, clientIDs: [String] = [], at: Int64) -> [WitnessJob] {
        let intended = meant(by: policy, clientIDs: clientIDs, at: at)
        var jobs: [WitnessJob] = []
        if let token, let own = shape(of: token, at: at) {
            jobs.append(WitnessJob(kind: .thisJob, label: "this job: " + own.words, job: own, given: token.claims))
        }
        // The job at hand is often the one the policy means: then it stands for it.
        if jobs.first.map({ $0.job.sub != intended.sub || $0.job.host != intended.host }) ?? true {
            jobs.append(WitnessJob(kind: .intended, label: "intended: " + intended.words, job: intended))
        }
        func add(_ kind: WitnessJob.Kind, _ label: String, _ change: (inout JobShape) -> Void) {
            var j = intended
            change(&j)
            guard !jobs.contains(where: { $0.job == j }) else { return }
            jobs.append(WitnessJob(kind: kind, label: label, job: j))
        }
        let otherBranch = intended.ref == "feature/witness" ? "feature/other-witness" : "feature/witness"
        add(.otherBranch, "other branch \(otherBranch)") {
            $0.refType = "branch"
            $0.ref = otherBranch
            $0.refProtected = "false"
        }
        let tag = intended.ref == "v1.2.0" ? "v2.0.0" : "v1.2.0"
        add(.tag, "tag \(tag)") {
            $0.refType = "tag"
            $0.ref = tag
        }
        if intended.refProtected == "true", conditions(policy).contains(where: { $0.keyLower.hasSuffix(":ref_protected") }) {
            add(.unprotectedRef, "unprotected \(intended.refType) \(intended.ref)") { $0.refProtected = "false" }
        }
        add(.mergeRequest, "merge request pipeline from feature/mr-witness") {
            $0.pipelineSource = "merge_request_event"
            $0.refType = "branch"
            $0.ref = "feature/mr-witness"
            $0.refProtected = "false"
        }
        // Since GitLab 18.2.2 a fork MR's token carries the fork's path, even when it runs in the parent.
        let fork = "fork-owner/\(intended.projectName)"
        add(.forkMergeRequest, "fork merge request from \(fork)") {
            $0.jobProjectPath = $0.projectPath
            $0.projectPath = fork
            $0.projectID = "7001"
            $0.namespaceID = "7000"
            $0.pipelineSource = "merge_request_event"
            $0.refType = "branch"
            $0.ref = "feature/from-fork"
            $0.refProtected = "false"
        }
        let parent = intended.namespacePath == intended.projectPath ? "" : intended.namespacePath
        if !parent.isEmpty {
            add(.siblingProject, "sibling project \(parent)/other-project") {
                $0.projectPath = "\(parent)/other-project"
                $0.projectID = "21"
            }
        }
        add(.extendedPath, "prefix-extended project \(intended.projectPath)-evil") {
            $0.projectPath = intended.projectPath + "-evil"
            $0.projectID = "22"
        }
        add(.subgroupProject, "subgroup project \(parent.isEmpty ? intended.projectPath : parent)/subgroup/\(intended.projectName)") {
            $0.projectPath = "\(parent.isEmpty ? intended.projectPath : parent)/subgroup/\(intended.projectName)"
            $0.projectID = "23"
            $0.namespaceID = "73"
        }
        let otherGroup = intended.projectPath.hasPrefix("other-group/") ? "another-group" : "other-group"
        add(.otherGroup, "other group \(otherGroup)/\(intended.projectName)") {
            $0.projectPath = "\(otherGroup)/\(intended.projectName)"
            $0.projectID = "24"
            $0.namespaceID = "74"
        }
        let otherHost = intended.host == "gitlab.com" ? "gitlab.example.org" : "gitlab.com"
        add(.otherInstance, "same project on \(otherHost)") {
            $0.host = otherHost
            $0.projectID = "25"
            $0.namespaceID = "75"
        }
        jobs += beyondWildcards(policy, intended: intended, besides: jobs)
        return jobs
    }

    /// Every condition of the policy's Allow statements.
    static func conditions(_ policy: TrustPolicy) -> [ConditionClause] {
        policy.statements.filter { $0.effect == .allow }.flatMap(\.conditions)
    }

    /// Positive string operators: their values say what the author meant a claim to be.
    static func isPositive(_ c: ConditionClause) -> Bool {
        c.op.base.isString && !c.op.base.isNegated && c.op.qualifier != .forAllValues && !c.values.isEmpty
    }

    /// The job the policy is evidently meant for: its first trusted provider, and for each claim the
    /// first value a positive condition gives it, wildcards filled with the likeliest text.
    static func meant(by policy: TrustPolicy, clientIDs: [String], at: Int64) -> JobShape {
        let allows = policy.statements.filter { $0.effect == .allow }
        let statement = allows.first { !TrustLint.oidcURLs($0).isEmpty } ?? allows.first
        // A provider ARN written with its scheme (`oidc-provider/https://…`) still means that host.
        let host = statement.flatMap { TrustLint.oidcURLs($0).first.map { $0.hasPrefix("https://") ? String($0.dropFirst(8)) : $0 } }
            ?? conditions(policy).compactMap { c in c.key.lastIndex(of: ":").map { String(c.key[..<$0]) } }.first { $0.contains(".") }
            ?? "gitlab.example.com"
        var job = JobShape(host: host, audiences: [clientIDs.first ?? "sts.amazonaws.com"], projectPath: "mygroup/myproject", projectID: "20", namespaceID: "72",
                           refType: "branch", ref: "main", refProtected: "true", pipelineSource: "push", subComponents: ["project_path", "ref_type", "ref"],
                           extra: [:], issuedAt: at - 60)
        let own = (statement?.conditions ?? []) + conditions(policy)
        let prefix = host.lowercased() + ":"
        var seen = Set<String>()
        for c in own where isPositive(c) && c.keyLower.hasPrefix(prefix) {
            let claim = String(c.keyLower.dropFirst(prefix.count))
            guard seen.insert(claim).inserted else { continue }
            let like = c.op.base.positive == .stringLike
            let value = like ? fill(c.values[0].text) : c.values[0].text
            switch claim {
            case "sub":
                // Under StringEquals a `*` is literal, but the author meant a wildcard: filled all the same.
                if let s = SubClaim(fillSub(c.values[0].text)) { apply(s, to: &job) }
            case "aud":
                if !clientIDs.contains(value) || clientIDs.isEmpty { job.audiences = [value == "x" ? "sts.amazonaws.com" : value] }
            case "project_id": job.projectID = value
            case "namespace_id": job.namespaceID = value
            case "ref_protected": job.refProtected = value
            case "pipeline_source": job.pipelineSource = value
            default: job.extra[claim] = value
            }
        }
        return job
    }

    /// A `sub` (or pattern filled in) laid onto a job.
    static func apply(_ s: SubClaim, to job: inout JobShape) {
        job.subComponents = s.names
        for c in s.components {
            switch c.name {
            case "project_path": job.projectPath = c.value
            case "project_id": job.projectID = c.value
            // GitLab issues branch or tag only (there is no `ref_type:mr`): the job meant is a branch.
            case "ref_type": job.refType = c.value == "tag" ? "tag" : "branch"
            case "ref": job.ref = c.value
            case "ref_protected": job.refProtected = c.value
            case "job_project_path": job.jobProjectPath = c.value == job.projectPath ? nil : c.value
            default: job.extra[c.name] = c.value
            }
        }
    }

    /// The token's job, as a shape the other witnesses vary.
    static func shape(of token: IDToken, at: Int64) -> JobShape? {
        guard let host = token.providerPrefix else { return nil }
        let s = { (name: String) in token.claims[name]?.string }
        var job = JobShape(host: host, audiences: token.audiences ?? ["sts.amazonaws.com"], projectPath: s("project_path") ?? "mygroup/myproject",
                           projectID: s("project_id") ?? "20", namespaceID: s("namespace_id") ?? "72", refType: s("ref_type") ?? "branch",
                           ref: s("ref") ?? "main", refProtected: s("ref_protected") ?? "true", pipelineSource: s("pipeline_source") ?? "push",
                           subComponents: ["project_path", "ref_type", "ref"], extra: [:], issuedAt: at - 60)
        if let sub = token.subject, let parsed = SubClaim(sub) { apply(parsed, to: &job) }
        for name in RequestContext.gitlabComKeys where !["project_id", "namespace_id", "ref_protected", "pipeline_source"].contains(name) {
            if let v = s(name) { job.extra[name] = v }
        }
        return job
    }

    /// A pattern's likeliest intended value: `*` as a whole segment becomes a plain name, `?` a digit.
    static func fill(_ pattern: String) -> String {
        if pattern.allSatisfy({ $0 == "*" }) { return "x" }
        return String(pattern.flatMap { $0 == "*" ? Array("1") : $0 == "?" ? ["1"] : [$0] })
    }

    /// `fill` for a `sub` pattern, component by component: a ref `*` is `main`, a project segment
    /// `*` is `project`, a trailing `*` after the project stands for `ref_type:branch:ref:main`.
    static func fillSub(_ pattern: String) -> String {
        if pattern.allSatisfy({ $0 == "*" }) { return "project_path:mygroup/myproject:ref_type:branch:ref:main" }
        // `project_path:g/p*`: the trailing `*` stands for the ref part as well (`g/*`: a project too).
        if pattern.hasSuffix("*"), pattern.split(separator: ":", omittingEmptySubsequences: false).count == 2 {
            return fillSub(String(pattern.dropLast()) + (pattern.hasSuffix("/*") ? "project:*" : ":*"))
        }
        var parts = pattern.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count % 2 == 1, let last = parts.last, Wildcard.hasWildcard(last) {
            parts.removeLast()
            parts += ["ref_type", "branch", "ref", "main"]
        }
        var i = 0
        while i + 1 < parts.count {
            let v = parts[i + 1]
            switch parts[i] {
            case "ref": parts[i + 1] = v == "*" ? "main" : fill(v)
            case "ref_type": parts[i + 1] = Wildcard.hasWildcard(v) ? "branch" : v
            case "project_path", "job_project_path", "source_project_path":
                // `myproject*` most likely means `myproject` itself.
                parts[i + 1] = v.split(separator: "/", omittingEmptySubsequences: false).map { seg -> String in
                    let plain = String(seg.filter { $0 != "*" }.map { $0 == "?" ? "1" : $0 })
                    return plain.isEmpty ? "project" : plain
                }.joined(separator: "/")
            default: parts[i + 1] = fill(v)
            }
            i += 2
        }
        return parts.joined(separator: ":")
    }

    /// Texts a `*` may stand for that its author likely did not mean, most surprising first.
    static let stretches = ["-evil:ref_type:tag:ref:v9.9.9", "/evil:ref_type:tag:ref:v9.9.9", "ref_type:tag:ref:v9.9.9",
                            "-evil", "/evil", "evil/sub", "tag", "evil"]

    /// For every `*`/`?` in a positive StringLike value on `sub`: a real GitLab job the pattern admits
    /// whose `sub` is not the intended one.
    static func beyondWildcards(_ policy: TrustPolicy, intended: JobShape, besides taken: [WitnessJob]) -> [WitnessJob] {
        var out: [WitnessJob] = []
        // A stretch that lands on a job already in the matrix says nothing new: the next one is tried.
        var seen: Set<String>?
        for s in policy.statements where s.effect == .allow {
            for url in TrustLint.oidcURLs(s) {
                let subKey = url.lowercased() + ":sub"
                for c in s.conditions where isPositive(c) && c.op.base.positive == .stringLike && c.keyLower == subKey {
                    for v in c.values {
                        let pattern = Wildcard.pattern(v.text, variables: policy.expandsVariables)
                        guard Wildcard.hasWildcard(pattern) else { continue }
                        for stretch in stretches {
                            // `*` and `?` are single bytes: the text is put together byte by byte.
                            var bytes: [UInt8] = []
                            bytes.reserveCapacity(v.text.utf8.count + stretch.utf8.count * 2)
                            for b in v.text.utf8 {
                                if b == 0x2A { bytes += stretch.utf8 } else if b == 0x3F { bytes.append(0x39) } else { bytes.append(b) }
                            }
                            let text = String(decoding: bytes, as: UTF8.self)
                            guard let sub = SubClaim(text), isRealSub(sub), Wildcard.matches(text, pattern: pattern) else { continue }
                            if seen == nil { seen = Set(taken.map { "\($0.job.host) \($0.job.sub)" }) }
                            var j = intended
                            j.host = url
                            apply(sub, to: &j)
                            guard seen?.insert("\(j.host) \(j.sub)").inserted == true else { continue }
                            out.append(WitnessJob(kind: .beyondWildcard, label: "beyond \(v.text.debugDescription): \(j.words)", job: j))
                            break
                        }
                    }
                }
            }
        }
        return out
    }

    /// A `sub` GitLab can issue: the project first, `ref_type` branch or tag, no empty path segment.
    /// Each component once, the project first; git refuses refs that start with `-` or `/`, end with
    /// `/` or hold `//` (git-check-ref-format), and GitLab paths have no empty or `-`-led segment.
    static func isRealSub(_ s: SubClaim) -> Bool {
        guard let p = s.project, s.components.first?.name == p.name, !p.value.isEmpty, Set(s.names).count == s.names.count else { return false }
        if p.name.hasSuffix("path"), p.value.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0.hasPrefix("-") }) { return false }
        if let t = s.value("ref_type"), t != "branch" && t != "tag" { return false }
        if let r = s.value("ref"), r.isEmpty || r.hasPrefix("-") || r.hasPrefix("/") || r.hasSuffix("/") || r.contains("//") { return false }
        return true
    }
}
