import Crypto
import _CryptoExtras
import struct Foundation.Data

/// One key's answer: verified or not, or why the key could not be used.
private enum KeyCheck {
    case success(Bool)
    case failure(String)
}

public enum SignatureCheck {
    public struct Outcome: Sendable {
        public var status: SignatureStatus
        public var detail: String
    }

    public static func verify(_ token: IDToken, with jwks: JWKS) -> Outcome {
        guard let alg = token.alg.flatMap(SigningAlgorithm.init(rawValue:)) else {
            return Outcome(status: .invalid, detail: "alg \(token.alg ?? "(none)") is not one STS accepts")
        }
        let wantKty = alg.rawValue.hasPrefix("RS") ? "RSA" : "EC"
        let candidates: [JWKS.Key]
        if let kid = token.kid {
            candidates = jwks.keys.filter { $0.kid == kid }
            if candidates.isEmpty {
                let known = jwks.keys.compactMap(\.kid).map { "\"\($0)\"" }.joined(separator: ", ")
                return Outcome(status: .unknownKey, detail: "kid \"\(kid)\" is not in the key set (it has \(known.isEmpty ? "no kids" : known))")
            }
        } else {
            candidates = jwks.keys.filter { $0.kty == wantKty }
            if candidates.isEmpty { return Outcome(status: .unknownKey, detail: "the token has no kid and the key set has no \(wantKty) key") }
        }
        var problems: [String] = []
        for key in candidates {
            switch check(token, alg: alg, key: key) {
            case .success(true): return Outcome(status: .valid, detail: "\(alg.rawValue) signature verifies with key \(key.kid.map { "\"\($0)\"" } ?? "(no kid)")")
            case .success(false): problems.append("does not verify with key \(key.kid.map { "\"\($0)\"" } ?? "(no kid)")")
            case .failure(let why): problems.append(why)
            }
        }
        return Outcome(status: .invalid, detail: problems.joined(separator: "; "))
    }

    private static func bytes(_ key: JWKS.Key, _ name: String) -> [UInt8]? {
        guard let s = key.fields[name]?.string else { return nil }
        return try? Base64URL.decode(Substring(s).utf8)
    }

    private static func check(_ token: IDToken, alg: SigningAlgorithm, key: JWKS.Key) -> KeyCheck {
        let data = Data(token.signingInput)
        let sig = Data(token.signature)
        switch alg {
        case .rs256, .rs384, .rs512:
            guard key.kty == "RSA" else { return .failure("key \(key.kid ?? "") is \(key.kty), the token says \(alg.rawValue)") }
            guard let n = bytes(key, "n"), let e = bytes(key, "e") else { return .failure("RSA key lacks n or e") }
            let pub: _RSA.Signing.PublicKey
            do { pub = try _RSA.Signing.PublicKey(n: n, e: e) } catch { return .failure("RSA key is not usable (\(error))") }
            let s = _RSA.Signing.RSASignature(rawRepresentation: sig)
            switch alg {
            case .rs256: return .success(pub.isValidSignature(s, for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5))
            case .rs384: return .success(pub.isValidSignature(s, for: SHA384.hash(data: data), padding: .insecurePKCS1v1_5))
            default: return .success(pub.isValidSignature(s, for: SHA512.hash(data: data), padding: .insecurePKCS1v1_5))
            }
        case .es256, .es384, .es512:
            guard key.kty == "EC" else { return .failure("key \(key.kid ?? "") is \(key.kty), the token says \(alg.rawValue)") }
            guard let x = bytes(key, "x"), let y = bytes(key, "y") else { return .failure("EC key lacks x or y") }
            let raw = Data(x + y)
            do {
                switch alg {
                case .es256:
                    let pub = try P256.Signing.PublicKey(rawRepresentation: raw)
                    guard let s = try? P256.Signing.ECDSASignature(rawRepresentation: sig) else { return .success(false) }
                    return .success(pub.isValidSignature(s, for: data))
                case .es384:
                    let pub = try P384.Signing.PublicKey(rawRepresentation: raw)
                    guard let s = try? P384.Signing.ECDSASignature(rawRepresentation: sig) else { return .success(false) }
                    return .success(pub.isValidSignature(s, for: data))
                default:
                    let pub = try P521.Signing.PublicKey(rawRepresentation: raw)
                    guard let s = try? P521.Signing.ECDSASignature(rawRepresentation: sig) else { return .success(false) }
                    return .success(pub.isValidSignature(s, for: data))
                }
            } catch {
                return .failure("EC key does not fit \(alg.rawValue) (curve \(key.fields["crv"]?.string ?? "?"))")
            }
        }
    }
}
