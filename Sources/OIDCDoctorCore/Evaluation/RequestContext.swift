/// The parameters of the `AssumeRoleWithWebIdentity` call and the moment it is made.
public struct RequestParameters: Sendable, Hashable {
    public var roleArn: String?
    public var sessionName: String?
    public var durationSeconds: Int?
    /// Unix seconds; every time check uses it (`--at`).
    public var at: Int64 { didSet { atText = TimeText.iso(at) } }
    /// `at` as `aws:CurrentTime` holds it, formatted once (an audit builds a context per witness job).
    public private(set) var atText: String
    /// The address the call comes from as AWS sees it (`--source-ip`): the runner's public IP.
    public var sourceIp: String?

    public init(roleArn: String? = nil, sessionName: String? = nil, durationSeconds: Int? = nil, at: Int64, sourceIp: String? = nil) {
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
        self.at = at
        atText = TimeText.iso(at)
        self.sourceIp = sourceIp
    }

    /// Whether `text` is an IPv4 or IPv6 address, as `--source-ip` needs.
    public static func isIPAddress(_ text: String) -> Bool { IPRange.address(text) != nil }
}

/// One key AWS puts in the request context, with where its value came from.
public struct ContextEntry: Sendable, Hashable {
    public var key: String
    public var values: [String]
    public var multiValued: Bool
    /// The token claim it was made from, if any.
    public var claim: String?
}

/// The keys AWS STS creates for this call (reference §1, DESIGN §3). Key names are case-insensitive.
public struct RequestContext: Sendable {
    public private(set) var entries: [ContextEntry] = []
    private var index: [String: Int] = [:]
    /// `iss` minus `https://`: the prefix of every provider key.
    public var providerPrefix: String?

    /// Claims that become keys only when the prefix is exactly `gitlab.com` (reference §1.4, SR 2026-07).
    public static let gitlabComKeys = ["namespace_id", "pipeline_source", "project_id", "ref_protected", "runner_environment", "user_access_level", "user_email", "user_id", "user_login"]
    /// Claim names that are keys for any generic OIDC provider.
    public static let genericKeys = ["sub", "aud", "oaud", "amr"]
    /// Claims some sources list as keys of a generic provider and AWS's own text does not (reference §1.2):
    /// not put in the context, and a condition on them says so.
    public static let unconfirmedClaimKeys: Set<String> = ["email", "azp"]

    public init(token: IDToken, request: RequestParameters) {
        providerPrefix = token.providerPrefix
        if let p = providerPrefix {
            if let sub = token.subject { add("\(p):sub", [sub], claim: "sub") }
            if let azp = token.authorizedParty {
                add("\(p):aud", [azp], claim: "azp")
            } else if let auds = token.audiences {
                add("\(p):aud", auds, multi: auds.count > 1, claim: "aud")
            }
            if let auds = token.audiences { add("\(p):oaud", auds, multi: auds.count > 1, claim: "aud") }
            if case .array(let amr)? = token.claims["amr"] {
                add("\(p):amr", amr.compactMap(\.string), multi: true, claim: "amr")
            } else if let amr = token.claims["amr"]?.string {
                add("\(p):amr", [amr], multi: true, claim: "amr")
            }
            if p == "gitlab.com" {
                for name in Self.gitlabComKeys {
                    guard let v = token.claims[name] else { continue }
                    switch v {
                    case .string(let s): add("gitlab.com:\(name)", [s], claim: name)
                    case .number(let n): add("gitlab.com:\(name)", [n], claim: name)
                    case .bool(let b): add("gitlab.com:\(name)", [b ? "true" : "false"], claim: name)
                    default: break
                    }
                }
            }
        }
        if let name = request.sessionName { add("sts:RoleSessionName", [name]) }
        if let tags = token.sessionTags {
            for t in tags.principalTags { add("aws:RequestTag/\(t.key)", [t.value], claim: "https://aws.amazon.com/tags") }
            add("aws:TagKeys", tags.principalTags.map(\.key), multi: true, claim: "https://aws.amazon.com/tags")
            if !tags.transitiveTagKeys.isEmpty { add("sts:TransitiveTagKeys", tags.transitiveTagKeys, multi: true, claim: "https://aws.amazon.com/tags") }
        }
        if let si = token.sourceIdentity { add("sts:SourceIdentity", [si], claim: "https://aws.amazon.com/source_identity") }
        // Request-time keys: present per the global-key docs, UNCONFIRMED for this unauthenticated call.
        add("aws:CurrentTime", [request.atText])
        add("aws:EpochTime", [String(request.at)])
        // "Always present in the request context, except when the requester uses a VPC endpoint" (global
        // keys); this tool knows it only when told.
        if let ip = request.sourceIp { add("aws:SourceIp", [ip]) }
    }

    /// The context of a witness job (the matrix): what `init(token:request:)` makes of `job.claims`,
    /// without building and searching the claims. `prefix` is the job's host, `lowerPrefix` it lowercased.
    init(job: JobShape, lowerPrefix: String, request: RequestParameters) {
        let p = job.host
        providerPrefix = p
        entries.reserveCapacity(16)
        add("\(p):sub", [job.sub], claim: "sub", lower: lowerPrefix + ":sub")
        let multi = job.audiences.count > 1
        add("\(p):aud", job.audiences, multi: multi, claim: "aud", lower: lowerPrefix + ":aud")
        add("\(p):oaud", job.audiences, multi: multi, claim: "aud", lower: lowerPrefix + ":oaud")
        if p == "gitlab.com" {
            for (name, value) in job.stringClaims where Self.gitlabComKeys.contains(name) {
                add("gitlab.com:\(name)", [value], claim: name, lower: "gitlab.com:" + name)
            }
        }
        if let name = request.sessionName { add("sts:RoleSessionName", [name]) }
        add("aws:CurrentTime", [request.atText], lower: "aws:currenttime")
        add("aws:EpochTime", [String(request.at)], lower: "aws:epochtime")
        if let ip = request.sourceIp { add("aws:SourceIp", [ip], lower: "aws:sourceip") }
    }

    /// This context (made by `init(job:…)` for a job of the same host and claim names) for another
    /// job: the values replaced in place, keys and their index kept.
    func witness(_ job: JobShape) -> RequestContext? {
        guard job.host == providerPrefix, entries.count >= 3 else { return nil }
        var c = self
        c.entries[0].values = [job.sub]
        let multi = job.audiences.count > 1
        c.entries[1].values = job.audiences
        c.entries[1].multiValued = multi
        c.entries[2].values = job.audiences
        c.entries[2].multiValued = multi
        if job.host == "gitlab.com" {
            let claims = job.stringClaims.filter { Self.gitlabComKeys.contains($0.0) }
            let slots = c.entries.indices.filter { c.entries[$0].key.hasPrefix("gitlab.com:") && c.entries[$0].claim != "sub" && c.entries[$0].claim != "aud" }
            guard claims.count == slots.count else { return nil }
            for (i, (name, value)) in zip(slots, claims) {
                guard c.entries[i].claim == name else { return nil }
                c.entries[i].values = [value]
            }
        }
        return c
    }

    private mutating func add(_ key: String, _ values: [String], multi: Bool = false, claim: String? = nil, lower given: String? = nil) {
        let lower = given ?? key.lowercased()
        if let i = index[lower] {
            entries[i] = ContextEntry(key: key, values: values, multiValued: multi, claim: claim)
        } else {
            index[lower] = entries.count
            entries.append(ContextEntry(key: key, values: values, multiValued: multi, claim: claim))
        }
    }

    public func entry(_ key: String) -> ContextEntry? {
        entry(lowercased: key.lowercased())
    }

    public func entry(lowercased key: String) -> ContextEntry? {
        index[key].map { entries[$0] }
    }

    /// Keys whose presence during this call AWS does not document.
    public static let unconfirmedKeys: Set<String> = ["aws:currenttime", "aws:epochtime", "aws:sourceip", "aws:federatedprovider", "aws:securetransport", "aws:requestedregion", "aws:useragent",
                                                      "aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths", "aws:principalisawsservice", "aws:principalservicename", "aws:principalorgpaths"]

    /// Principal keys, documented as absent from anonymous requests such as this one (reference §1.3).
    public static let absentPrincipalKeys: Set<String> = ["aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:principaltype", "aws:userid"]

    /// `unconfirmedKeys.contains(lower)`; every such key starts with `aws:`, so most keys skip the hashing.
    static func isUnconfirmed(_ lower: String) -> Bool {
        lower.utf8.starts(with: "aws:".utf8) && unconfirmedKeys.contains(lower)
    }
}
