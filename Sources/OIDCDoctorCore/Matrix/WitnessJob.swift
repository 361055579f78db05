/// A GitLab job made up to probe a trust policy: a concrete claim set, and the class of jobs it
/// stands for. The matrix evaluates each one with the same engine as `check`.
/// A class: matrix rows are copied and sorted, and a job with its claims is a large value.
public final class WitnessJob: Sendable, Hashable {
    public static func == (a: WitnessJob, b: WitnessJob) -> Bool { a.kind == b.kind && a.label == b.label && a.job == b.job && a.given == b.given }
    public func hash(into h: inout Hasher) {
        h.combine(kind)
        h.combine(label)
    }

    /// The classes of jobs a trust policy's conditions can tell apart (DESIGN §8, issue 8).
    public enum Kind: String, Sendable, CaseIterable {
        /// The token given to `check`, its claims as they are.
        case thisJob = "this-job"
        case intended
        case otherBranch = "other-branch"
        case tag
        case unprotectedRef = "unprotected-ref"
        case mergeRequest = "merge-request"
        case forkMergeRequest = "fork-merge-request"
        case siblingProject = "sibling-project"
        case extendedPath = "prefix-extended-project"
        case subgroupProject = "subgroup-project"
        case otherGroup = "other-group"
        case otherInstance = "other-instance"
        case beyondWildcard = "beyond-wildcard"
    }

    public let kind: Kind
    public let label: String
    public let job: JobShape
    /// The token's own claims, for the job at hand.
    public let given: PlainJSON?

    public init(kind: Kind, label: String, job: JobShape, given: PlainJSON? = nil) {
        self.kind = kind
        self.label = label
        self.job = job
        self.given = given
    }

    /// The claims GitLab would put in this job's ID token (the token's own, for the job at hand).
    public var claims: PlainJSON { given ?? job.claims }
}

/// The parts of a GitLab job that decide its ID token's claims (reference gitlab-id-tokens §1.4, §2.1).
public struct JobShape: Sendable, Hashable {
    /// `iss` minus `https://`.
    public var host: String
    public var audiences: [String]
    public var projectPath: String
    public var projectID: String
    public var namespaceID: String
    public var refType: String
    public var ref: String
    public var refProtected: String
    public var pipelineSource: String
    /// The configured `sub` components (`ci_id_token_sub_claim_components`), in order.
    public var subComponents: [String]
    /// The project that runs the job when it differs from `projectPath` (a fork MR run in the parent, 18.2.2+).
    public var jobProjectPath: String?
    /// Other claims the policy conditions on (`user_login`, `runner_environment`, …), as GitLab writes them.
    public var extra: [String: String]
    /// `iat`; `nbf` and `exp` follow GitLab's rules (5 s before, one hour job timeout).
    public var issuedAt: Int64

    public var namespacePath: String {
        guard let slash = projectPath.lastIndex(of: "/") else { return projectPath }
        return String(projectPath[..<slash])
    }

    /// The project's own name (the last path segment).
    public var projectName: String {
        projectPath.split(separator: "/").last.map(String.init) ?? projectPath
    }

    /// Components without a value for this job (`environment_protected` without an environment)
    /// are left out, as GitLab leaves out nil components (UNCONFIRMED for the 18.7 ones).
    public var sub: String {
        subComponents.compactMap { name -> String? in
            let value: String?
            switch name {
            case "project_path": value = projectPath
            case "project_id": value = projectID
            case "ref_type": value = refType
            case "ref": value = ref
            case "ref_protected": value = refProtected
            case "job_project_path": value = jobProjectPath ?? projectPath
            case "job_project_id", "source_project_id": value = projectID
            case "source_project_path": value = projectPath
            default: value = extra[name]
            }
            return value.map { "\(name):\($0)" }
        }.joined(separator: ":")
    }

    public var claims: PlainJSON {
        var out = stringClaims.map { PlainJSON.Pair(key: $0.0, value: .string($0.1)) }
        out.append(.init(key: "iss", value: .string("https://" + host)))
        out.append(.init(key: "iat", value: .number(String(issuedAt))))
        out.append(.init(key: "nbf", value: .number(String(issuedAt - 5))))
        out.append(.init(key: "exp", value: .number(String(issuedAt + 3600))))
        out.append(.init(key: "sub", value: .string(sub)))
        out.append(.init(key: "aud", value: audiences.count == 1 ? .string(audiences[0]) : .array(audiences.map(PlainJSON.string))))
        return .object(out)
    }

    /// The string-valued claims, in the order GitLab writes them (`claims` without iss, times, sub and aud).
    var stringClaims: [(String, String)] {
        var pairs: [(String, String)] = [
            ("namespace_id", namespaceID), ("namespace_path", namespacePath), ("project_id", projectID), ("project_path", projectPath),
            ("user_id", extra["user_id"] ?? "5"), ("user_login", extra["user_login"] ?? "deployer"),
            ("user_email", extra["user_email"] ?? "deployer@example.com"), ("user_access_level", extra["user_access_level"] ?? "maintainer"),
            ("pipeline_id", "4711"), ("pipeline_source", pipelineSource), ("job_id", "90210"),
            ("ref", ref), ("ref_type", refType), ("ref_path", "refs/\(refType == "tag" ? "tags" : "heads")/\(ref)"), ("ref_protected", refProtected),
            ("runner_environment", extra["runner_environment"] ?? "self-hosted"),
        ]
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) where !pairs.contains(where: { $0.0 == k }) { pairs.append((k, v)) }
        if let jobProjectPath { pairs.append(("job_project_path", jobProjectPath)) }
        return pairs
    }

    /// "branch main of mygroup/myproject", for labels.
    public var words: String { "\(refType) \(ref) of \(projectPath)" }
}
