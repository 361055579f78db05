/// base64url (RFC 4648 §5) without padding, as JWS uses it. Errors say where the first bad character is.
enum Base64URL {
    struct DecodeError: Error {
        var offset: Int
        var reason: String
    }

    private static let table: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8.enumerated() {
            t[Int(c)] = Int8(i)
        }
        return t
    }()

    static func decode<C: Collection<UInt8>>(_ s: C) throws(DecodeError) -> [UInt8] {
        // Token parts are array slices: decode from their storage, with the table held once, not per byte.
        let result = s.withContiguousStorageIfAvailable { bytes in
            table.withUnsafeBufferPointer { t in Result { () throws(DecodeError) in try decode(bytes, table: t) } }
        } ?? Array(s).withUnsafeBufferPointer { bytes in
            table.withUnsafeBufferPointer { t in Result { () throws(DecodeError) in try decode(bytes, table: t) } }
        }
        return try result.get()
    }

    private static func decode(_ s: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<Int8>) throws(DecodeError) -> [UInt8] {
        var failure: DecodeError?
        var n = 0
        // Written in place: n characters decode to at most ⌊6n/8⌋ ≤ ⌊3·count/4⌋ bytes.
        let out = [UInt8](unsafeUninitializedCapacity: s.count * 3 / 4) { buffer, written in
            // Whole blocks of 4 valid characters first (3 bytes each); the loop below takes the rest,
            // including '=' and the first bad character, from a block boundary.
            var start = 0
            while start + 4 <= s.count {
                let a = table[Int(s[start])], b = table[Int(s[start + 1])], c = table[Int(s[start + 2])], d = table[Int(s[start + 3])]
                if a | b | c | d < 0 { break }
                let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                buffer[written] = UInt8(truncatingIfNeeded: v >> 16)
                buffer[written + 1] = UInt8(truncatingIfNeeded: v >> 8)
                buffer[written + 2] = UInt8(truncatingIfNeeded: v)
                written += 3
                start += 4
            }
            n = start
            var acc: UInt32 = 0
            var bits = 0
            var padding = 0
            for offset in start..<s.count {
                let c = s[offset]
                if c == UInt8(ascii: "=") {
                    padding += 1
                    continue
                }
                if padding > 0 {
                    failure = DecodeError(offset: offset, reason: "data after '=' padding")
                    return
                }
                let v = table[Int(c)]
                if v < 0 {
                    let shown = c >= 0x21 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
                    let hint = (c == UInt8(ascii: "+") || c == UInt8(ascii: "/")) ? " (standard base64, not base64url)" : ""
                    failure = DecodeError(offset: offset, reason: "\(shown) is not a base64url character\(hint)")
                    return
                }
                acc = acc << 6 | UInt32(v)
                bits += 6
                n += 1
                if bits >= 8 {
                    bits -= 8
                    buffer[written] = UInt8((acc >> UInt32(bits)) & 0xFF)
                    written += 1
                }
            }
        }
        if let failure { throw failure }
        if n % 4 == 1 { throw DecodeError(offset: n, reason: "length \(n) is not a valid base64url length (truncated?)") }
        return out
    }

    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        var i = 0
        while i + 2 < bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(v >> 18)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)], alphabet[Int(v & 63)]]
            i += 3
        }
        if bytes.count - i == 1 {
            let v = UInt32(bytes[i]) << 16
            out += [alphabet[Int(v >> 18)], alphabet[Int(v >> 12 & 63)]]
        } else if bytes.count - i == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(v >> 18)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
