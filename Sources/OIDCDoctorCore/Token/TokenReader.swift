/// Reads a JWT the way admins paste it: surrounding quotes, a `Bearer ` prefix, a trailing newline,
/// or a token wrapped over several lines by a terminal are all tolerated.
public enum TokenReader {
    /// The compact token with paste artefacts removed.
    public static func clean(_ raw: String) -> String {
        // The usual token has nothing to clean: no byte below 0x21 (so no white space) and no quote or
        // `Bearer` at its start. Told on the text's own bytes, 8 at a time, without copying them.
        let untouched = raw.utf8.withContiguousStorageIfAvailable { r -> Bool in
            guard let f = r.first, f != 0x22, f != 0x27, f | 0x20 != UInt8(ascii: "b") else { return false }
            var i = 0
            while i + 8 <= r.count {
                if ByteWord.hasLess(ByteWord.load(r, i), 0x21) != 0 { return false }
                i += 8
            }
            while i < r.count {
                if r[i] < 0x21 { return false }
                i += 1
            }
            return true
        } ?? false
        if untouched { return raw }
        // Byte-level: a token is ASCII, and this runs on every keystroke-sized paste in the TUI.
        var b = ArraySlice(raw.utf8)
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        func trim() {
            while let f = b.first, isSpace(f) { b = b.dropFirst() }
            while let l = b.last, isSpace(l) { b = b.dropLast() }
        }
        trim()
        for _ in 0..<2 {
            if b.count >= 2, let f = b.first, let l = b.last, f == l, f == 0x22 || f == 0x27 {
                b = b.dropFirst().dropLast()
                trim()
            }
            if b.count > 7, b[b.startIndex] | 0x20 == UInt8(ascii: "b"), b.prefix(6).map({ $0 | 0x20 }) == Array("bearer".utf8), isSpace(b[b.startIndex + 6]) {
                b = b.dropFirst(7)
                trim()
            }
        }
        // A wrapped paste carries line breaks and spaces inside; none belongs to a JWT.
        if !b.contains(where: isSpace) {
            // Nothing to remove (the usual case): the text itself, no copy.
            if b.startIndex == 0 && b.endIndex == raw.utf8.count { return raw }
            return String(decoding: b, as: UTF8.self)
        }
        return String(decoding: b.filter { !isSpace($0) }, as: UTF8.self)
    }

    public static func read(_ raw: String) throws(TokenMalformed) -> IDToken {
        if raw.utf8.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{") {
            return try claimsObject(raw)
        }
        let compact = clean(raw)
        if compact.isEmpty { throw TokenMalformed(segment: .whole, reason: "the token is empty") }
        // Byte check first: a JWT is printable ASCII; the scalar walk below only runs to name the culprit.
        let printable = compact.utf8.withContiguousStorageIfAvailable { b in b.allSatisfy { $0 >= 0x20 && $0 <= 0x7E } } ?? false
        if !printable, let offset = compact.unicodeScalars.firstIndex(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value > 0x7E }).map({ compact.unicodeScalars.distance(from: compact.unicodeScalars.startIndex, to: $0) }) {
            let bad = Array(compact.unicodeScalars)[offset]
            throw TokenMalformed(segment: .whole, reason: "character U+\(String(format4: bad.value)) at offset \(offset) cannot appear in a JWT (expected base64url and '.')")
        }
        // Split bytes, not Characters: grapheme breaking over a 1 KB token costs more than decoding it.
        let bytes = JSONReader.utf8Bytes(compact)
        let parts = bytes.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            let hint: String
            switch parts.count {
            case 1: hint = "; a JWT has three parts, header.payload.signature (is this the JWT, or a variable name or CI_JOB_TOKEN?)"
            case 2: hint = "; the signature part is missing (truncated copy?)"
            case 5: hint = "; five parts is an encrypted JWE, not a signed ID token"
            default: hint = ""
            }
            throw TokenMalformed(segment: .whole, reason: "\(parts.count) segment\(parts.count == 1 ? "" : "s") separated by '.', expected 3\(hint)")
        }
        let header = try decodeJSON(parts[0], segment: .header)
        let payload = try decodeJSON(parts[1], segment: .payload)
        // An unsigned token (`alg: none`, or an alg STS does not take) is well-formed: the signature
        // check names the alg (token.unsupported-alg). An empty signature under RS256 is a cut copy.
        if parts[2].isEmpty, let alg = header["alg"]?.string, SigningAlgorithm(rawValue: alg) == nil {
            return IDToken(header: header, claims: payload, signingInput: Array(bytes.prefix(parts[0].count + 1 + parts[1].count)), signature: [])
        }
        if parts[2].isEmpty {
            throw TokenMalformed(segment: .signature, reason: "empty (an unsigned token; STS requires RS256/384/512 or ES256/384/512)")
        }
        let signature: [UInt8]
        do { signature = try Base64URL.decode(parts[2]) } catch {
            throw TokenMalformed(segment: .signature, reason: "bad base64url at offset \(error.offset): \(error.reason)")
        }
        let signingInput = Array(bytes.prefix(parts[0].count + 1 + parts[1].count))
        return IDToken(header: header, claims: payload, signingInput: signingInput, signature: signature)
    }

    /// A JSON object of decoded claims (e.g. printed by a debug job): evaluated as the token's payload,
    /// with the signature reported as absent.
    static func claimsObject(_ raw: String) throws(TokenMalformed) -> IDToken {
        let doc: JSONReader.Document
        do { doc = try JSONReader.read(raw, limits: .init(maxDepth: 64, maxBytes: 1 << 20)) } catch {
            throw TokenMalformed(segment: .payload, reason: "decoded claims are not JSON: line \(error.line), column \(error.column): \(error.message)")
        }
        let claims = doc.root.plain
        // `{"header": …, "payload": …}` or `{"claims": …}` wrappers, as jwt tools print them.
        let body = claims["payload"] ?? claims["claims"] ?? claims
        guard case .object = body, body["iss"] != nil || body["sub"] != nil else {
            throw TokenMalformed(segment: .payload, reason: "a JSON object without iss or sub: not the claims of an ID token")
        }
        var token = IDToken(header: claims["header"] ?? .object([]), claims: body)
        token.claimsOnly = true
        return token
    }

    private static func decodeJSON(_ part: ArraySlice<UInt8>, segment: TokenMalformed.Segment) throws(TokenMalformed) -> PlainJSON {
        if part.isEmpty { throw TokenMalformed(segment: segment, reason: "empty") }
        let bytes: [UInt8]
        do { bytes = try Base64URL.decode(part) } catch {
            throw TokenMalformed(segment: segment, reason: "bad base64url at offset \(error.offset): \(error.reason)")
        }
        let doc: JSONReader.Document
        do { doc = try JSONReader.read(bytes: bytes, limits: .init(maxDepth: 64, maxBytes: 1 << 20)) } catch {
            throw TokenMalformed(segment: segment, reason: "decoded bytes are not JSON: line \(error.line), column \(error.column): \(error.message)")
        }
        guard case .object = doc.root.value else {
            throw TokenMalformed(segment: segment, reason: "decodes to \(doc.root.value.kindName), expected a JSON object")
        }
        return doc.root.plain(checkingDuplicates: !doc.duplicates.isEmpty)
    }
}

extension String {
    init(format4 v: UInt32) {
        let h = String(v, radix: 16, uppercase: true)
        self.init(String(repeating: "0", count: Swift.max(0, 4 - h.count)) + h)
    }
}
