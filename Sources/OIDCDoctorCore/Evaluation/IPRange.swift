/// An IPv4 or IPv6 range for `IpAddress`/`NotIpAddress`: IAM takes "the standard CIDR format (for
/// example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64)"; a value without a prefix is one address.
struct IPRange: Sendable, Equatable {
    /// 4 bytes for IPv4, 16 for IPv6.
    let network: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = Self.address(String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let p = Int(parts[1]), (0...bits).contains(p) else { return nil }
            prefix = p
        } else {
            prefix = bits
        }
        network = address
    }

    /// Whether `address` (text) lies in the range; an IPv4 address never lies in an IPv6 range nor
    /// the reverse.
    func contains(_ address: String) -> Bool {
        guard let a = Self.address(address), a.count == network.count else { return false }
        var left = prefix
        for (x, y) in zip(a, network) {
            guard left > 0 else { return true }
            let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
            if x & mask != y & mask { return false }
            left -= 8
        }
        return true
    }

    /// The bytes of a dotted IPv4 address or an IPv6 address (`::` shortening and a dotted IPv4 tail
    /// allowed; no zone index); nil for anything else.
    static func address(_ s: String) -> [UInt8]? {
        if !s.contains(":") { return ipv4(Substring(s)) }
        let halves = s.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, f) in fields.enumerated() {
                if i == fields.count - 1, f.contains(".") {
                    guard let v4 = ipv4(f) else { return nil }
                    out += v4
                } else {
                    guard (1...4).contains(f.count), f.allSatisfy(\.isHexDigit), let v = UInt16(f, radix: 16) else { return nil }
                    out += [UInt8(v >> 8), UInt8(v & 0xFF)]
                }
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    private static func ipv4(_ s: Substring) -> [UInt8]? {
        let octets = s.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var out: [UInt8] = []
        for o in octets {
            guard !o.isEmpty, o.count <= 3, o.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt8(o) else { return nil }
            out.append(v)
        }
        return out
    }
}
