/// HCL: literals are always double-quoted; lists are tuples `[…]`.
struct HCLLiterals: LiteralSyntax {
    func isWholeLiteral(_ r: SourceRange, in text: SourceText) -> Bool {
        let bytes = text.bytes
        return r.start > 0 && r.end < bytes.count && bytes[r.start - 1] == 0x22 && bytes[r.end] == 0x22
    }

    func content(of range: SourceRange, equalTo value: String, in text: SourceText) -> SourceRange? {
        text.slice(range) == HCLText.quote(value) ? SourceRange(start: range.start + 1, end: range.end - 1) : nil
    }

    /// After the literal's closing quote comes `,` or `]`: it is an element of an HCL tuple.
    func isListElement(_ r: SourceRange, in text: SourceText) -> Bool {
        let b = text.bytes
        var k = r.end + 1
        while k < b.count, b[k] == 0x20 || b[k] == 0x09 || b[k] == 0x0A || b[k] == 0x0D { k += 1 }
        return k < b.count && (b[k] == 0x2C || b[k] == 0x5D)
    }

    func replace(_ r: SourceRange, with value: String, in text: SourceText) -> PolicyEdit? {
        PolicyEdit(range: r, replacement: HCLText.literal(value))
    }

    func append(_ values: [String], after r: SourceRange, in text: SourceText) -> PolicyEdit? {
        PolicyEdit(range: SourceRange(start: r.end + 1, end: r.end + 1), replacement: values.map { ", " + HCLText.quote($0) }.joined())
    }

    func list(_ values: [String], replacing r: SourceRange, in text: SourceText) -> PolicyEdit? {
        PolicyEdit(range: SourceRange(start: r.start - 1, end: r.end + 1), replacement: "[" + values.map(HCLText.quote).joined(separator: ", ") + "]")
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
