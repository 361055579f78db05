/// IAM's `*`/`?` glob: `*` is any run (empty, `/` and `:` included), `?` exactly one character.
/// Linear-time greedy matcher with one backtrack point, so hostile patterns cannot blow up.
public enum Wildcard {
    public static func matches(_ value: String, pattern: String, ignoreCase: Bool = false) -> Bool {
        let v = Array((ignoreCase ? value.lowercased() : value).unicodeScalars)
        let p = Array((ignoreCase ? pattern.lowercased() : pattern).unicodeScalars)
        var vi = 0, pi = 0
        var starP = -1, starV = 0
        while vi < v.count {
            if pi < p.count, p[pi] == "?" || (p[pi] != "*" && p[pi] == v[vi]) {
                vi += 1
                pi += 1
            } else if pi < p.count, p[pi] == "*" {
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
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    public static func hasWildcard(_ s: String) -> Bool { s.contains("*") || s.contains("?") }
}

/// Where two strings first differ, in characters: what the compare strip puts its caret under.
public func firstDifference(_ a: String, _ b: String) -> Int? {
    let x = Array(a), y = Array(b)
    for i in 0..<min(x.count, y.count) where x[i] != y[i] { return i }
    return x.count == y.count ? nil : min(x.count, y.count)
}

/// Where a glob stops matching: the length of the longest value prefix some pattern prefix can match.
public func firstGlobDifference(value: String, pattern: String) -> Int? {
    if Wildcard.matches(value, pattern: pattern) { return nil }
    let v = Array(value)
    var lo = 0
    for k in stride(from: v.count, through: 0, by: -1) where Wildcard.matches(String(v[0..<k]), pattern: pattern + "*") || prefixMatch(String(v[0..<k]), pattern) {
        lo = k
        break
    }
    return lo
}

/// Can `value` be extended to something the pattern matches, i.e. is it a prefix of a match?
private func prefixMatch(_ value: String, _ pattern: String) -> Bool {
    let p = Array(pattern)
    for cut in 0...p.count where Wildcard.matches(value, pattern: String(p[0..<cut])) { return true }
    return false
}
