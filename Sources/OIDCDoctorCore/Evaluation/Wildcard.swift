/// IAM's `*`/`?` glob: `*` is any run (empty, `/` and `:` included), `?` exactly one character.
/// Linear-time greedy matcher with one backtrack point, so hostile patterns cannot blow up.
public enum Wildcard {
    /// `${*}` and `${?}` after variable expansion: the literal characters, which a pattern
    /// must not read as wildcards (reference §3.4). Noncharacters: no token or policy holds them.
    public static let literalStar = Unicode.Scalar(UInt32(0xFDD2))!
    public static let literalOne = Unicode.Scalar(UInt32(0xFDD3))!

    /// Holds a literal `*`/`?` (UTF-8 EF B7 92 / EF B7 93).
    static func hasLiteralMarks(_ s: String) -> Bool {
        ASCII.contains(s, 0xEF) && s.unicodeScalars.contains { $0 == literalStar || $0 == literalOne }
    }

    /// The text a marked pattern stands for: literal `*`/`?` as the characters themselves.
    public static func plain(_ s: String) -> String {
        guard hasLiteralMarks(s) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(u == literalStar ? "*" : u == literalOne ? "?" : u) }
        return String(out)
    }

    /// The marked pattern as the policy wrote it: `${*}` / `${?}` where a literal stands.
    public static func written(_ s: String) -> String {
        guard hasLiteralMarks(s) else { return s }
        var out = ""
        for u in s.unicodeScalars { if u == literalStar { out += "${*}" } else if u == literalOne { out += "${?}" } else { out.unicodeScalars.append(u) } }
        return out
    }

    public static func matches(_ value: String, pattern: String, ignoreCase: Bool = false) -> Bool {
        if hasLiteralMarks(pattern) {
            let v = ignoreCase ? value.lowercased() : value
            let p = ignoreCase ? pattern.lowercased() : pattern
            return glob(Array(v.unicodeScalars), Array(p.unicodeScalars), star: "*", one: "?") { pc, vc in
                pc == literalStar ? vc == "*" : pc == literalOne ? vc == "?" : pc == vc
            }
        }
        // ASCII (every GitLab sub, every ARN, every action): match bytes in place, no allocation;
        // case folding is done per byte, which for ASCII is exactly what lowercased() does.
        if let r = ASCII.withBytes(value, pattern, { vb, pb in byteGlob(vb, pb, ignoreCase: ignoreCase) }) { return r }
        // Other text: lower-cased first (which can make it ASCII, e.g. the Kelvin sign), as always.
        let v = ignoreCase ? value.lowercased() : value
        let p = ignoreCase ? pattern.lowercased() : pattern
        if v.utf8.allSatisfy({ $0 < 0x80 }), p.utf8.allSatisfy({ $0 < 0x80 }) {
            var v = v, p = p
            return v.withUTF8 { vb in p.withUTF8 { pb in glob(vb, pb, star: 0x2A, one: 0x3F) } }
        }
        return glob(Array(v.unicodeScalars), Array(p.unicodeScalars), star: "*", one: "?")
    }

    /// `glob` on ASCII bytes, optionally folding A–Z to a–z.
    private static func byteGlob(_ v: UnsafeBufferPointer<UInt8>, _ p: UnsafeBufferPointer<UInt8>, ignoreCase: Bool) -> Bool {
        ignoreCase ? glob(v, p, star: 0x2A, one: 0x3F) { ASCII.fold($0) == ASCII.fold($1) } : glob(v, p, star: 0x2A, one: 0x3F)
    }

    /// The one matcher: greedy with a single backtrack point; `same` compares a pattern and a value character.
    @inline(__always)
    private static func glob<C: RandomAccessCollection>(_ v: C, _ p: C, star: C.Element, one: C.Element,
                                                        same: (C.Element, C.Element) -> Bool = { $0 == $1 }) -> Bool where C.Element: Equatable, C.Index == Int {
        var vi = v.startIndex, pi = p.startIndex
        var starP = -1, starV = 0
        while vi < v.endIndex {
            if pi < p.endIndex, p[pi] == one || (p[pi] != star && same(p[pi], v[vi])) {
                vi += 1
                pi += 1
            } else if pi < p.endIndex, p[pi] == star {
                starP = pi
                starV = vi
                pi += 1
            } else if starP >= 0 {
                pi = starP + 1
                starV += 1
                vi = starV
            } else {
                return false
            }
        }
        while pi < p.endIndex, p[pi] == star { pi += 1 }
        return pi == p.endIndex
    }

    public static func hasWildcard(_ s: String) -> Bool { ASCII.contains(s, 0x2A) || ASCII.contains(s, 0x3F) }

    /// A condition value as a pattern: under Version 2012-10-17 `${*}`, `${?}`, `${$}` are literal
    /// characters (marked), not wildcards; under 2008-10-17 the text is taken as written.
    public static func pattern(_ text: String, variables: Bool) -> String {
        guard variables, ASCII.contains(text, 0x24) else { return text }
        var out = "", rest = Substring(text)
        while let r = rest.firstRange(of: "${") {
            out += rest[rest.startIndex..<r.lowerBound]
            let after = rest[r.upperBound...]
            if after.hasPrefix("*}") { out.unicodeScalars.append(literalStar) } else if after.hasPrefix("?}") { out.unicodeScalars.append(literalOne) } else if after.hasPrefix("$}") { out += "$" } else {
                out += "${"
                rest = after
                continue
            }
            rest = after.dropFirst(2)
        }
        return out + rest
    }
}

/// Where two strings first differ, in characters: what the compare strip puts its caret under.
public func firstDifference(_ a: String, _ b: String) -> Int? {
    // ASCII without CR (CR LF is the one two-byte ASCII character): characters are bytes.
    let bytewise = ASCII.withBytes(a, b) { x, y in x.contains(0x0D) || y.contains(0x0D) ? nil : Optional(firstMismatch(x, y)) }
    if case .some(.some(let r)) = bytewise { return r }
    return firstMismatch(Array(a), Array(b))
}

private func firstMismatch<C: RandomAccessCollection>(_ x: C, _ y: C) -> Int? where C.Element: Equatable, C.Index == Int {
    for i in 0..<min(x.count, y.count) where x[x.startIndex + i] != y[y.startIndex + i] { return i }
    return x.count == y.count ? nil : min(x.count, y.count)
}

/// Where a glob stops matching: the index of the first value character no pattern path can consume
/// (the value's length when the value ran out first). An NFA walk over pattern positions, O(n·m).
public func firstGlobDifference(value: String, pattern: String) -> Int? {
    if Wildcard.matches(value, pattern: pattern) { return nil }
    // ASCII: the scalars are the bytes.
    if let r = ASCII.withBytes(value, pattern, { v, p in globStop(v, p, star: UInt8(ascii: "*"), one: UInt8(ascii: "?")) }) { return r }
    return globStop(Array(value.unicodeScalars), Array(pattern.unicodeScalars), star: "*", one: "?")
}

private func globStop<C: RandomAccessCollection>(_ v: C, _ p: C, star: C.Element, one: C.Element) -> Int where C.Element: Equatable, C.Index == Int {
    let m = p.count
    // Two state rows, reused for every value character.
    var states = [Bool](repeating: false, count: m + 1)
    var next = states
    func close(_ s: inout [Bool]) {
        for i in 0..<m where s[i] && p[p.startIndex + i] == star { s[i + 1] = true }
    }
    states[0] = true
    close(&states)
    var i = 0
    for c in v {
        for j in 0...m { next[j] = false }
        var any = false
        for j in 0..<m where states[j] {
            let pj = p[p.startIndex + j]
            if pj == star {
                next[j] = true
                any = true
            } else if pj == one || pj == c {
                next[j + 1] = true
                any = true
            }
        }
        close(&next)
        if !any { return i }
        swap(&states, &next)
        i += 1
    }
    return v.count
}

/// ASCII fast paths for the case folding IAM does on keys and actions; every result equals what the
/// `String` API (`lowercased()`, `==` on lowercased text) gives, non-ASCII text takes that API.
enum ASCII {
    @inline(__always) static func fold(_ c: UInt8) -> UInt8 { c &- 0x41 < 26 ? c | 0x20 : c }

    @inline(__always) static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var any: UInt8 = 0
        for c in b { any |= c }
        return any < 0x80
    }

    /// `body` on the UTF-8 bytes of two strings when both are ASCII; nil otherwise.
    @inline(__always) static func withBytes<R>(_ a: String, _ b: String, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let r: R?? = a.utf8.withContiguousStorageIfAvailable { ab in
            guard isASCII(ab) else { return nil }
            let r: R?? = b.utf8.withContiguousStorageIfAvailable { bb in
                guard isASCII(bb) else { return nil }
                return body(ab, bb)
            }
            return r ?? nil
        }
        return r ?? nil
    }

    /// Whether `s` holds the ASCII text `needle`, byte for byte (no Unicode comparison needed).
    static func contains(_ s: String, _ needle: StaticString) -> Bool {
        let n = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = n.first else { return true }
        var text = s
        return text.withUTF8 { b in
            guard b.count >= n.count else { return false }
            var i = 0
            while i <= b.count - n.count {
                if b[i] == first {
                    var k = 1
                    while k < n.count && b[i + k] == n[k] { k += 1 }
                    if k == n.count { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// `s.lowercased()`, returning `s` itself (no allocation) when it is already lower-case ASCII.
    static func lowercased(_ s: String) -> String {
        let alreadyLower = s.utf8.withContiguousStorageIfAvailable { b in
            var any: UInt8 = 0
            var upper = false
            for c in b {
                any |= c
                upper = upper || c &- 0x41 < 26
            }
            return any < 0x80 && !upper
        } ?? false
        return alreadyLower ? s : s.lowercased()
    }

    /// `s.utf8.split(separator: byte, omittingEmptySubsequences: false).map { String(Substring($0)) }` for an
    /// ASCII separator (so every part is whole characters), cut from the bytes in place.
    static func split(_ s: String, _ separator: UInt8) -> [String] {
        s.utf8.withContiguousStorageIfAvailable { b in
            var parts: [String] = []
            var count = 1
            for c in b where c == separator { count += 1 }
            parts.reserveCapacity(count)
            var start = 0
            for i in 0..<b.count where b[i] == separator {
                parts.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
                start = i + 1
            }
            parts.append(String(decoding: UnsafeBufferPointer(rebasing: b[start...]), as: UTF8.self))
            return parts
        } ?? s.utf8.split(separator: separator, omittingEmptySubsequences: false).map { String(Substring($0)) }
    }

    /// `s.utf8.contains(byte)`, 8 bytes at a time.
    static func contains(_ s: String, _ byte: UInt8) -> Bool {
        s.utf8.withContiguousStorageIfAvailable { b in
            var i = 0
            while i + 8 <= b.count {
                if ByteWord.has(ByteWord.load(b, i), byte) != 0 { return true }
                i += 8
            }
            while i < b.count {
                if b[i] == byte { return true }
                i += 1
            }
            return false
        } ?? s.utf8.contains(byte)
    }

    /// `a.lowercased() == b.lowercased()`, without allocating for ASCII text.
    static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
        if let r = withBytes(a, b, { ab, bb in
            guard ab.count == bb.count else { return false }
            for k in 0..<ab.count where fold(ab[k]) != fold(bb[k]) { return false }
            return true
        }) { return r }
        return a.lowercased() == b.lowercased()
    }
}

extension String {
    /// `debugDescription`, skipping its per-scalar escaping walk (costly) in the common case: printable
    /// ASCII with nothing to escape (no `"`, `'` or `\`) comes out as the text in double quotes.
    var quotedDebug: String {
        let plain = utf8.withContiguousStorageIfAvailable { b in
            b.allSatisfy { $0 >= 0x20 && $0 <= 0x7E && $0 != 0x22 && $0 != 0x27 && $0 != 0x5C }
        } ?? false
        if plain { return "\"" + self + "\"" }
        // A literal `*`/`?` of a pattern is shown as written (`${*}`), never as a bare wildcard.
        return Wildcard.hasLiteralMarks(self) ? Wildcard.written(self).quotedDebug : debugDescription
    }
}
