/// A fix found in the rendered policy, written back as an edit of the `.tf` text the user wrote:
/// a string replaced where its literal sits (`test = "StringLike"`), a value added after the last
/// one of its list (`values = ["a", "b"]`), a lone string made a list. Nil when the part to change
/// is not a literal of its own in the file (built by a function, a variable, an interpolation).
enum TerraformEdit {
    static func translate(_ edit: PolicyEdit, _ policy: TrustPolicy) -> (edit: PolicyEdit, file: PolicySourceMap.File)? {
        guard let map = policy.origin else { return nil }
        let rendered = policy.source
        let old = rendered.slice(edit.range)
        let new = edit.replacement
        /// The exact literal in a file behind the JSON string token at `r` (quotes excluded).
        func literal(_ r: SourceRange) -> (file: Int, range: SourceRange)? {
            guard r.end - r.start >= 2 else { return nil }
            let inner = SourceRange(start: r.start + 1, end: r.end - 1)
            if let s = map.spans.first(where: { $0.exact && $0.start == inner.start && $0.end == inner.end }) {
                let bytes = map.files[s.file].text.bytes
                // The literal must be a quoted string of its own in the file: "…".
                guard s.range.start > 0, s.range.end < bytes.count, bytes[s.range.start - 1] == 0x22, bytes[s.range.end] == 0x22 else { return nil }
                return (s.file, s.range)
            }
            // A part that stands for the whole token (a condition's test, a key): the file holds
            // the same string written plainly, "StringEquals".
            guard let value = JSONStrings.decode(rendered.slice(r))?.first else { return nil }
            for s in map.spans where s.start == r.start && s.end == r.end {
                let text = map.files[s.file].text
                if text.slice(s.range) == HCLText.quote(value) { return (s.file, SourceRange(start: s.range.start + 1, end: s.range.end - 1)) }
            }
            return nil
        }
        func result(_ file: Int, _ e: PolicyEdit) -> (PolicyEdit, PolicySourceMap.File) { (e, map.files[file]) }
        // The JSON string token ending at `end` in the rendered text.
        func token(endingAt end: Int) -> SourceRange? {
            let b = rendered.bytes
            guard end > 1, end <= b.count, b[end - 1] == 0x22 else { return nil }
            var k = end - 2
            while k >= 0 {
                if b[k] == 0x22 {
                    var slashes = 0
                    while k - 1 - slashes >= 0, b[k - 1 - slashes] == 0x5C { slashes += 1 }
                    if slashes % 2 == 0 { return SourceRange(start: k, end: end) }
                }
                k -= 1
            }
            return nil
        }
        /// After the literal's closing quote comes `,` or `]`: it is an element of an HCL tuple.
        func inTuple(_ file: Int, _ r: SourceRange) -> Bool {
            let b = map.files[file].text.bytes
            var k = r.end + 1
            while k < b.count, b[k] == 0x20 || b[k] == 0x09 || b[k] == 0x0A || b[k] == 0x0D { k += 1 }
            return k < b.count && (b[k] == 0x2C || b[k] == 0x5D)
        }
        func appended(after last: SourceRange, _ values: [String]) -> (PolicyEdit, PolicySourceMap.File)? {
            guard let (f, r) = literal(last), inTuple(f, r) else { return nil }
            let at = r.end + 1
            return result(f, PolicyEdit(range: SourceRange(start: at, end: at), replacement: values.map { ", " + HCLText.quote($0) }.joined()))
        }
        // A string replaced by a string.
        if let from = JSONStrings.decode(old), from.count == 1, let to = JSONStrings.decode(new), to.count == 1 {
            guard let (f, r) = literal(edit.range) else { return nil }
            return result(f, PolicyEdit(range: r, replacement: HCLText.literal(to[0])))
        }
        // Values inserted after a string: `, "b"`.
        if edit.range.start == edit.range.end, new.hasPrefix(", "), let values = JSONStrings.decode(String(new.dropFirst(2))),
           let last = token(endingAt: edit.range.start) {
            return appended(after: last, values)
        }
        // A lone string made a list, or a list grown: `"a"` → `["a", "b"]`, `[…]` → `[…, "b"]`.
        guard new.hasPrefix("["), new.hasSuffix("]"), let all = JSONStrings.decode(String(new.dropFirst().dropLast())) else { return nil }
        if let one = JSONStrings.decode(old), one.count == 1, all.first == one[0] {
            guard let (f, r) = literal(edit.range) else { return nil }
            if inTuple(f, r) { return appended(after: edit.range, Array(all.dropFirst())) }
            let whole = SourceRange(start: r.start - 1, end: r.end + 1)
            return result(f, PolicyEdit(range: whole, replacement: "[" + all.map(HCLText.quote).joined(separator: ", ") + "]"))
        }
        if old.hasPrefix("["), old.hasSuffix("]"), let had = JSONStrings.decode(String(old.dropFirst().dropLast())), Array(all.prefix(had.count)) == had,
           let quote = Array(old.utf8).lastIndex(of: 0x22), let last = token(endingAt: edit.range.start + quote + 1) {
            return appended(after: last, Array(all.dropFirst(had.count)))
        }
        return nil
    }
}

/// JSON string tokens separated by commas and white space, decoded; nil when the text is
/// anything else.
enum JSONStrings {
    static func decode(_ text: String) -> [String]? {
        guard let doc = try? JSONReader.read("[" + text + "]"), case .array(let items) = doc.root.value else { return nil }
        let strings = items.compactMap(\.stringValue)
        return strings.count == items.count && !items.isEmpty ? strings : nil
    }
}

/// Text as an HCL quoted string literal: `"`, `\`, control characters escaped, and `${` / `%{`
/// doubled so they stay literal.
enum HCLText {
    static func literal(_ s: String) -> String {
        var out = ""
        var previous: Character?
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "{" where previous == "$" || previous == "%":
                out.append(previous!)
                out.append(c)
            default:
                if let a = c.asciiValue, a < 0x20 || a == 0x7F {
                    out += "\\u" + String(repeating: "0", count: 4 - String(a, radix: 16).count) + String(a, radix: 16)
                } else {
                    out.append(c)
                }
            }
            previous = c
        }
        return out
    }

    static func quote(_ s: String) -> String { "\"" + literal(s) + "\"" }
}
