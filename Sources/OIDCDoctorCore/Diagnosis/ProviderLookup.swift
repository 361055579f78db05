/// STS step 2: the provider is found by exact string comparison of its URL with `iss` minus
/// `https://`, in the role's account (reference §1.1, §6.1). Near misses are named, never matched.
enum ProviderLookup {
    struct Outcome {
        var found: OIDCProvider?
        var nearMisses: [String]
    }

    static func find(prefix: String, issuer: String, providers: [OIDCProvider], account: String?, partition: String?) -> Outcome {
        func inAccount(_ p: OIDCProvider) -> Bool {
            guard let a = p.arnParts else { return true }
            if let account, a.account != account { return false }
            if let partition, a.partition != partition { return false }
            return true
        }
        if let hit = providers.first(where: { $0.effectiveURL == prefix && inAccount($0) }), issuer.hasPrefix("https://") {
            return Outcome(found: hit, nearMisses: [])
        }
        var misses: [String] = []
        for p in providers {
            guard let url = p.effectiveURL else { continue }
            let label = p.arn ?? url
            if url == prefix {
                if !issuer.hasPrefix("https://") {
                    misses.append("\(label): the token's iss is \(issuer.debugDescription), not https:// — AWS only accepts https issuers")
                } else if let a = p.arnParts {
                    misses.append("\(label) has this URL but is in account \(a.account) (partition \(a.partition)); STS looks only in the role's account \(account ?? "?")")
                }
            } else if url + "/" == prefix || url == prefix + "/" {
                misses.append("\(label): URL \(url.debugDescription) differs from the issuer by a trailing slash")
            } else if url.lowercased() == prefix.lowercased() {
                misses.append("\(label): URL \(url.debugDescription) differs from the issuer only in letter case (provider URLs are case-sensitive)")
            } else if host(url) == host(prefix) {
                misses.append("\(label): URL \(url.debugDescription) has the same host but a different path or port than \(prefix.debugDescription)")
            } else if prefix.hasPrefix("http://"), url == String(prefix.dropFirst(7)) {
                misses.append("\(label) matches the host, but the token's issuer is http://, which AWS does not accept")
            }
        }
        return Outcome(found: nil, nearMisses: misses)
    }

    static func host(_ s: String) -> String {
        var h = Substring(s)
        if let r = h.firstRange(of: "://") { h = h[r.upperBound...] }
        if let slash = h.firstIndex(of: "/") { h = h[..<slash] }
        if let colon = h.firstIndex(of: ":") { h = h[..<colon] }
        return h.lowercased()
    }
}
