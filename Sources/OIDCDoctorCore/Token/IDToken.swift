/// A decoded GitLab ID token (a compact JWS). The signature bytes are kept only for verification
/// and are never rendered: the token is a credential.
public struct IDToken: Sendable {
    public var header: PlainJSON
    public var claims: PlainJSON
    /// `base64url(header) + "." + base64url(payload)`, the bytes the signature covers.
    public var signingInput: [UInt8]
    public var signature: [UInt8]
    /// Decoded claims given instead of a JWT (a debug job's output): there is no header or signature.
    public var claimsOnly = false

    public init(header: PlainJSON, claims: PlainJSON, signingInput: [UInt8] = [], signature: [UInt8] = []) {
        self.header = header
        self.claims = claims
        self.signingInput = signingInput
        self.signature = signature
    }

    /// Compact JWS text for claims that no issuer signed (demos, what-if): the signature is a placeholder.
    public static func placeholderCompact(header: PlainJSON, claims: PlainJSON, note: String) -> String {
        Base64URL.encode(Array(header.jsonText.utf8)) + "." + Base64URL.encode(Array(claims.jsonText.utf8)) + "." + Base64URL.encode(Array(note.utf8))
    }

    public var alg: String? { header["alg"]?.string }
    public var kid: String? { header["kid"]?.string }
    public var issuer: String? { claims["iss"]?.string }
    public var subject: String? { claims["sub"]?.string }
    public var authorizedParty: String? { claims["azp"]?.string }

    /// `aud` as a list: a JSON string becomes one element; nil when absent or not strings.
    public var audiences: [String]? {
        switch claims["aud"] {
        case .string(let s): return [s]
        case .array(let items):
            let strings = items.compactMap(\.string)
            return strings.count == items.count ? strings : nil
        default: return nil
        }
    }

    public var audIsArray: Bool {
        if case .array = claims["aud"] { return true }
        return false
    }

    public var expiresAt: Int64? { claims["exp"]?.integer }
    public var issuedAt: Int64? { claims["iat"]?.integer }
    public var notBefore: Int64? { claims["nbf"]?.integer }

    /// `iss` minus a leading `https://`, nothing else normalised: the provider URL, ARN suffix and key prefix.
    public var providerPrefix: String? {
        guard let iss = issuer else { return nil }
        return iss.hasPrefix("https://") ? String(iss.dropFirst(8)) : iss
    }

    public var claimNames: [String] {
        if case .object(let pairs) = claims { return pairs.map(\.key) }
        return []
    }

    /// Session tags as AWS reads them from `https://aws.amazon.com/tags`.
    public var sessionTags: SessionTags? {
        guard let tags = claims["https://aws.amazon.com/tags"] else { return nil }
        var principal: [(String, String)] = []
        if case .object(let pairs)? = tags["principal_tags"] {
            for p in pairs {
                switch p.value {
                case .array(let vs): principal.append((p.key, vs.first?.string ?? ""))
                case .string(let s): principal.append((p.key, s))
                default: principal.append((p.key, ""))
                }
            }
        }
        var transitive: [String] = []
        if case .array(let ks)? = tags["transitive_tag_keys"] { transitive = ks.compactMap(\.string) }
        return SessionTags(principalTags: principal.map { SessionTags.Tag(key: $0.0, value: $0.1) }, transitiveTagKeys: transitive)
    }

    public var sourceIdentity: String? { claims["https://aws.amazon.com/source_identity"]?.string }
}

public struct SessionTags: Sendable, Hashable {
    public struct Tag: Sendable, Hashable {
        public var key: String
        public var value: String
    }
    public var principalTags: [Tag]
    public var transitiveTagKeys: [String]
}

/// Why a text is not a JWT, with the segment and place, for `token.malformed`.
public struct TokenMalformed: Error, Sendable, Hashable {
    public enum Segment: String, Sendable {
        case whole = "token", header, payload, signature
    }
    public var segment: Segment
    public var reason: String

    public var message: String {
        segment == .whole ? reason : "\(segment.rawValue) segment: \(reason)"
    }
}
