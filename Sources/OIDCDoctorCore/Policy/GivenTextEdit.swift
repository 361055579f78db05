/// A fix found in the rendered policy, written back as an edit of the text the user wrote (a
/// `.tf`, a template): a string replaced where its literal sits, a value added after the last one
/// of its list, a lone string made a list. How a literal is written is the `LiteralSyntax`'s
/// business. Nil when the part to change is not a literal of its own in the file (built by a
/// function, a variable, an interpolation).
enum GivenTextEdit {
    static func translate(_ edit: PolicyEdit, _ policy: TrustPolicy) -> (edit: PolicyEdit, file: PolicySourceMap.File)? {
        guard let map = policy.origin else { return nil }
        let syntax: any LiteralSyntax = map.syntax == .hcl ? HCLLiterals() : TemplateLiterals()
        let rendered = policy.source
        let old = rendered.slice(edit.range)
        let new = edit.replacement
        /// The exact literal in a file behind the JSON string token at `r` (its content, quotes excluded).
        func literal(_ r: SourceRange) -> (file: Int, range: SourceRange)? {
            guard r.end - r.start >= 2 else { return nil }
            let inner = SourceRange(start: r.start + 1, end: r.end - 1)
            if let s = map.spans.first(where: { $0.exact && $0.start == inner.start && $0.end == inner.end }) {
                return syntax.isWholeLiteral(s.range, in: map.files[s.file].text) ? (s.file, s.range) : nil
            }
            // A part that stands for the whole token (a condition's test, a key): the file holds
            // the same string written plainly, "StringEquals".
            guard let value = JSONStrings.decode(rendered.slice(r))?.first else { return nil }
            for s in map.spans where s.start == r.start && s.end == r.end {
                if let inner = syntax.content(of: s.range, equalTo: value, in: map.files[s.file].text) { return (s.file, inner) }
            }
            return nil
        }
        func result(_ file: Int, _ e: PolicyEdit?) -> (PolicyEdit, PolicySourceMap.File)? { e.map { ($0, map.files[file]) } }
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
        func appended(after last: SourceRange, _ values: [String]) -> (PolicyEdit, PolicySourceMap.File)? {
            guard let (f, r) = literal(last), syntax.isListElement(r, in: map.files[f].text) else { return nil }
            return result(f, syntax.append(values, after: r, in: map.files[f].text))
        }
        // A string replaced by a string.
        if let from = JSONStrings.decode(old), from.count == 1, let to = JSONStrings.decode(new), to.count == 1 {
            guard let (f, r) = literal(edit.range) else { return nil }
            return result(f, syntax.replace(r, with: to[0], in: map.files[f].text))
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
            if syntax.isListElement(r, in: map.files[f].text) { return appended(after: edit.range, Array(all.dropFirst())) }
            return result(f, syntax.list(all, replacing: r, in: map.files[f].text))
        }
        if old.hasPrefix("["), old.hasSuffix("]"), let had = JSONStrings.decode(String(old.dropFirst().dropLast())), Array(all.prefix(had.count)) == had,
           let quote = Array(old.utf8).lastIndex(of: 0x22), let last = token(endingAt: edit.range.start + quote + 1) {
            return appended(after: last, Array(all.dropFirst(had.count)))
        }
        return nil
    }
}

/// How string literals are written in one kind of file: what the generic edit needs to know.
protocol LiteralSyntax {
    /// The exact content at `inner` is a string literal of its own (not part of a larger one).
    func isWholeLiteral(_ inner: SourceRange, in text: SourceText) -> Bool
    /// The content range of the literal written at `range` when it spells `value`.
    func content(of range: SourceRange, equalTo value: String, in text: SourceText) -> SourceRange?
    /// The literal whose content is `inner` is an element of a list.
    func isListElement(_ inner: SourceRange, in text: SourceText) -> Bool
    func replace(_ inner: SourceRange, with value: String, in text: SourceText) -> PolicyEdit?
    func append(_ values: [String], after inner: SourceRange, in text: SourceText) -> PolicyEdit?
    func list(_ values: [String], replacing inner: SourceRange, in text: SourceText) -> PolicyEdit?
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
