/// How a CloudFormation template writes its strings, for edits of the template itself: JSON
/// strings, and in YAML double-quoted, single-quoted or plain scalars; lists as `[…]` or as
/// block items (`- value`).
struct TemplateLiterals: LiteralSyntax {
    private static let quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'")

    /// The literal's whole token (its quotes included) and its quote byte, if any.
    private func token(_ inner: SourceRange, _ b: [UInt8]) -> (range: SourceRange, quote: UInt8?) {
        if inner.start > 0, inner.end < b.count, b[inner.start - 1] == b[inner.end], b[inner.end] == Self.quote || b[inner.end] == Self.apostrophe {
            return (SourceRange(start: inner.start - 1, end: inner.end + 1), b[inner.end])
        }
        return (inner, nil)
    }

    func isWholeLiteral(_ inner: SourceRange, in text: SourceText) -> Bool {
        let b = text.bytes
        guard inner.start >= 0, inner.end <= b.count else { return false }
        if token(inner, b).quote != nil { return true }
        // A plain YAML scalar: nothing of it before or after on its line.
        let before = inner.start == 0 ? 0x0A : b[inner.start - 1]
        let after = inner.end == b.count ? 0x0A : b[inner.end]
        return [0x20, 0x09, 0x0A, UInt8(ascii: "["), UInt8(ascii: ",")].contains(before)
            && [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: "}")].contains(after)
    }

    func content(of range: SourceRange, equalTo value: String, in text: SourceText) -> SourceRange? {
        let written = text.slice(range)
        let b = text.bytes
        guard range.start >= 0, range.end <= b.count, range.end > range.start else { return nil }
        let first = b[range.start], last = b[range.end - 1]
        let inner = SourceRange(start: range.start + 1, end: range.end - 1)
        if first == Self.quote, last == Self.quote, JSONStrings.decode(written)?.first == value { return inner }
        if first == Self.apostrophe, last == Self.apostrophe, text.slice(inner).replacingOccurrences(of: "''", with: "'") == value { return inner }
        return written == value ? range : nil
    }

    func isListElement(_ inner: SourceRange, in text: SourceText) -> Bool {
        flowList(inner, text.bytes) || blockItemIndent(inner, text.bytes) != nil
    }

    func replace(_ inner: SourceRange, with value: String, in text: SourceText) -> PolicyEdit? {
        // `${` inside Fn::Sub would become a reference: leave such a value to the user.
        guard !value.contains("${") else { return nil }
        let (whole, quote) = token(inner, text.bytes)
        switch quote {
        case Self.quote?: return PolicyEdit(range: inner, replacement: String(JSONText.quote(value).dropFirst().dropLast()))
        case Self.apostrophe?:
            guard !value.contains(where: { $0.isNewline }) else { return nil }
            return PolicyEdit(range: inner, replacement: value.replacingOccurrences(of: "'", with: "''"))
        default: return PolicyEdit(range: whole, replacement: scalar(value, inFlow: flowList(inner, text.bytes)))
        }
    }

    func append(_ values: [String], after inner: SourceRange, in text: SourceText) -> PolicyEdit? {
        guard !values.contains(where: { $0.contains("${") }) else { return nil }
        let b = text.bytes
        let end = token(inner, b).range.end
        if flowList(inner, b) { return PolicyEdit(range: SourceRange(start: end, end: end), replacement: values.map { ", " + JSONText.quote($0) }.joined()) }
        guard let indent = blockItemIndent(inner, b) else { return nil }
        let lines = values.map { "\n" + String(repeating: " ", count: indent) + "- " + scalar($0, inFlow: false) }
        return PolicyEdit(range: SourceRange(start: end, end: end), replacement: lines.joined())
    }

    func list(_ values: [String], replacing inner: SourceRange, in text: SourceText) -> PolicyEdit? {
        guard !values.contains(where: { $0.contains("${") }) else { return nil }
        return PolicyEdit(range: token(inner, text.bytes).range, replacement: "[" + values.map(JSONText.quote).joined(separator: ", ") + "]")
    }

    /// After the token comes `,` or `]`: an element of a JSON array or YAML flow sequence.
    private func flowList(_ inner: SourceRange, _ b: [UInt8]) -> Bool {
        var k = token(inner, b).range.end
        while k < b.count, b[k] == 0x20 || b[k] == 0x09 || b[k] == 0x0A || b[k] == 0x0D { k += 1 }
        return k < b.count && (b[k] == UInt8(ascii: ",") || b[k] == UInt8(ascii: "]"))
    }

    /// The column of the `-` when the token is a YAML block sequence item (`  - value`).
    private func blockItemIndent(_ inner: SourceRange, _ b: [UInt8]) -> Int? {
        var k = token(inner, b).range.start - 1
        while k >= 0, b[k] == 0x20 { k -= 1 }
        guard k >= 0, b[k] == UInt8(ascii: "-"), k + 1 < b.count, b[k + 1] == 0x20 else { return nil }
        var indent = 0
        var j = k - 1
        while j >= 0, b[j] == 0x20 { indent += 1; j -= 1 }
        return j < 0 || b[j] == 0x0A ? indent : nil
    }

    /// A value as a YAML scalar: plain when YAML reads it back as the same string, else quoted.
    private func scalar(_ value: String, inFlow: Bool) -> String {
        let words: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]
        let allowed = value.unicodeScalars.allSatisfy { c in
            c.properties.isAlphabetic || ("0"..."9").contains(c) || "_./:*?@+=-".unicodeScalars.contains(c)
        }
        let plain = !value.isEmpty && allowed && !"-?:*@".unicodeScalars.contains(value.unicodeScalars.first!) && !value.hasSuffix(":")
            && !value.contains(": ") && !words.contains(value.lowercased()) && Double(value) == nil && !(inFlow && value.contains(","))
        return plain ? value : JSONText.quote(value)
    }
}
