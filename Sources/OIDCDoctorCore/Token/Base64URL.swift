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
        var out: [UInt8] = []
        out.reserveCapacity(s.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        var n = 0
        var padding = 0
        for (offset, c) in s.enumerated() {
            if c == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            if padding > 0 { throw DecodeError(offset: offset, reason: "data after '=' padding") }
            let v = table[Int(c)]
            if v < 0 {
                let shown = c >= 0x21 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
                let hint = (c == UInt8(ascii: "+") || c == UInt8(ascii: "/")) ? " (standard base64, not base64url)" : ""
                throw DecodeError(offset: offset, reason: "\(shown) is not a base64url character\(hint)")
            }
            acc = acc << 6 | UInt32(v)
            bits += 6
            n += 1
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
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
