/// IAM's `*`/`?` glob: `*` is any run (empty, `/` and `:` included), `?` exactly one character.
/// Linear-time greedy matcher with one backtrack point, so hostile patterns cannot blow up.
public enum Wildcard {
    public static func matches(_ value: String, pattern: String, ignoreCase: Bool = false) -> Bool {
        let v = ignoreCase ? value.lowercased() : value
        let p = ignoreCase ? pattern.lowercased() : pattern
        // ASCII (every GitLab sub, every ARN): match bytes in place, no allocation.
        if v.utf8.allSatisfy({ $0 < 0x80 }), p.utf8.allSatisfy({ $0 < 0x80 }) {
            var v = v, p = p
            return v.withUTF8 { vb in p.withUTF8 { pb in glob(vb, pb, star: 0x2A, one: 0x3F) } }
        }
        return glob(Array(v.unicodeScalars), Array(p.unicodeScalars), star: "*", one: "?")
    }

    private static func glob<C: RandomAccessCollection>(_ v: C, _ p: C, star: C.Element, one: C.Element) -> Bool where C.Element: Equatable, C.Index == Int {
        var vi = v.startIndex, pi = p.startIndex
        var starP = -1, starV = 0
        while vi < v.endIndex {
            if pi < p.endIndex, p[pi] == one || (p[pi] != star && p[pi] == v[vi]) {
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

    public static func hasWildcard(_ s: String) -> Bool { s.utf8.contains { $0 == 0x2A || $0 == 0x3F } }
}

/// Where two strings first differ, in characters: what the compare strip puts its caret under.
public func firstDifference(_ a: String, _ b: String) -> Int? {
    let x = Array(a), y = Array(b)
    for i in 0..<min(x.count, y.count) where x[i] != y[i] { return i }
    return x.count == y.count ? nil : min(x.count, y.count)
}

/// Where a glob stops matching: the index of the first value character no pattern path can consume
/// (the value's length when the value ran out first). An NFA walk over pattern positions, O(n·m).
public func firstGlobDifference(value: String, pattern: String) -> Int? {
    if Wildcard.matches(value, pattern: pattern) { return nil }
    let v = Array(value.unicodeScalars), p = Array(pattern.unicodeScalars)
    var states = [Bool](repeating: false, count: p.count + 1)
    func close(_ s: inout [Bool]) {
        for i in 0..<p.count where s[i] && p[i] == "*" { s[i + 1] = true }
    }
    states[0] = true
    close(&states)
    for (i, c) in v.enumerated() {
        var next = [Bool](repeating: false, count: p.count + 1)
        for j in 0..<p.count where states[j] {
            if p[j] == "*" { next[j] = true } else if p[j] == "?" || p[j] == c { next[j + 1] = true }
        }
        close(&next)
        if !next.contains(true) { return i }
        states = next
    }
    return v.count
}
