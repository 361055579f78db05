/// A JSON Web Key Set as the issuer publishes it (`/oauth/discovery/keys`).
public struct JWKS: Sendable {
    public struct Key: Sendable {
        public var kid: String?
        public var kty: String
        public var alg: String?
        var fields: PlainJSON
    }
    public var keys: [Key]

    public struct ReadError: Error, Sendable { public var message: String }

    public init(json: String) throws(ReadError) {
        let doc: JSONReader.Document
        do { doc = try JSONReader.read(json) } catch { throw ReadError(message: "not JSON: line \(error.line), column \(error.column): \(error.message)") }
        let root = doc.root.plain
        let list: [PlainJSON]
        if case .array(let ks)? = root["keys"] {
            list = ks
        } else if root["kty"] != nil {
            list = [root]  // a single JWK
        } else {
            throw ReadError(message: "expected a JWKS object with a \"keys\" array")
        }
        keys = list.compactMap { k in
            guard let kty = k["kty"]?.string else { return nil }
            return Key(kid: k["kid"]?.string, kty: kty, alg: k["alg"]?.string, fields: k)
        }
        if keys.isEmpty { throw ReadError(message: "the key set holds no usable key (each needs \"kty\")") }
    }
}

/// What checking the signature found; the JSON `signature` field uses the raw values.
public enum SignatureStatus: String, Sendable {
    case unverified
    case valid
    case invalid
    case unknownKey = "unknown-key"
    /// Claims were given, not a JWT: there is no signature to check.
    case absent
}

/// The algorithms STS accepts (reference §1.5): RS256/384/512, ES256/384/512.
public enum SigningAlgorithm: String, Sendable, CaseIterable {
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512", es256 = "ES256", es384 = "ES384", es512 = "ES512"
}
