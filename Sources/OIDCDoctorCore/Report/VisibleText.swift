/// Characters a terminal shows as nothing, or as another character: a zero-width space, a no-break
/// space, a space at the end of a ref, a Cyrillic `а` among Latin letters. A value that differs from the
/// policy's only by one of them is a real cause (a CI variable with a trailing space), and the screen
/// must show it (issue 9, item 4).
public enum VisibleText {
    /// Zero-width and format characters, and spaces other than U+0020: shown as `\u{…}`.
    public static func isHidden(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00A0, 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x1680, 0x180E, 0x2000...0x200F, 0x2028...0x202F, 0x205F...0x2064, 0x2066...0x206F, 0x3000, 0x3164, 0xFEFF:
            return true
        default: return false
        }
    }

    /// A hidden character as it is shown: `\u{200b}`.
    public static func escaped(_ u: Unicode.Scalar) -> String { "\\u{" + String(u.value, radix: 16) + "}" }

    /// Letters of other scripts drawn like Latin ones, with the Latin letter they pass for.
    static let lookalikes: [UInt32: Character] = [
        0x0430: "a", 0x0435: "e", 0x043E: "o", 0x0440: "p", 0x0441: "c", 0x0443: "y", 0x0445: "x", 0x0456: "i", 0x0458: "j", 0x0455: "s",
        0x0410: "A", 0x0412: "B", 0x0415: "E", 0x041A: "K", 0x041C: "M", 0x041D: "H", 0x041E: "O", 0x0420: "P", 0x0421: "C", 0x0422: "T", 0x0425: "X",
        0x03BF: "o", 0x03BD: "v", 0x03C1: "p", 0x03B1: "a", 0x0391: "A", 0x0392: "B", 0x0395: "E", 0x039F: "O", 0x03A1: "P", 0x03A4: "T",
    ]

    static let names: [UInt32: String] = [
        0x00A0: "no-break space", 0x00AD: "soft hyphen", 0x200B: "zero width space", 0x200C: "zero width non-joiner", 0x200D: "zero width joiner",
        0x200E: "left-to-right mark", 0x200F: "right-to-left mark", 0x2060: "word joiner", 0xFEFF: "zero width no-break space (BOM)", 0x202F: "narrow no-break space",
        0x3000: "ideographic space",
    ]

    /// "U+200B zero width space", "U+0430 Cyrillic а (looks like Latin a)".
    public static func describe(_ u: Unicode.Scalar) -> String {
        let code = "U+" + String(format4: u.value)
        if let n = names[u.value] { return "\(code) \(n)" }
        if let latin = lookalikes[u.value] { return "\(code) \(u.value < 0x0400 ? "Greek" : "Cyrillic") \(Character(u)) (looks like Latin \(latin))" }
        if u == " " { return "a space" }
        return code
    }

    /// A value shown so that nothing in it hides: hidden characters as `\u{…}`, a space at either end as
    /// `␠`, a look-alike letter among Latin ones as `а(U+0430)`.
    public static func value(_ s: String) -> String { shown(s).text }

    /// `value`, with where each of the value's scalars starts in it (one entry past the end too), so
    /// that a caret under the first difference stays under it.
    public static func shown(_ s: String) -> (text: String, offsets: [Int]) {
        let scalars = Array(s.unicodeScalars)
        let latin = scalars.contains { ($0.value >= 0x41 && $0.value <= 0x5A) || ($0.value >= 0x61 && $0.value <= 0x7A) }
        let lead = scalars.prefix { $0 == " " }.count
        let trail = lead == scalars.count ? 0 : scalars.reversed().prefix { $0 == " " }.count
        var out = ""
        var offsets: [Int] = []
        var at = 0
        for (i, u) in scalars.enumerated() {
            offsets.append(at)
            let piece: String
            if u == " " && (i < lead || i >= scalars.count - trail) {
                piece = "␠"
            } else if isHidden(u) {
                piece = escaped(u)
            } else if latin, lookalikes[u.value] != nil {
                piece = String(Character(u)) + "(U+" + String(format4: u.value) + ")"
            } else {
                piece = String(Character(u))
            }
            out += piece
            at += piece.unicodeScalars.count
        }
        offsets.append(at)
        return (out, offsets)
    }

    /// What alone sets `actual` apart from `expected`, when the two are the same text once spaces at the
    /// ends, hidden characters and look-alike letters are taken out: "a trailing space", "U+200B zero
    /// width space", …; nil when they differ otherwise (or not at all).
    public static func invisibleDifference(expected: String, actual: String) -> String? {
        guard expected != actual else { return nil }
        var found: [String] = []
        func clean(_ s: String, note: Bool) -> String {
            var scalars = Array(s.unicodeScalars)
            let lead = scalars.prefix { $0 == " " || $0 == "\t" }.count
            let trail = scalars.reversed().prefix { $0 == " " || $0 == "\t" }.count
            if note && trail > 0 && lead < scalars.count { found.append(trail == 1 ? "a trailing space" : "\(trail) trailing spaces") }
            if note && lead > 0 && lead < scalars.count { found.append(lead == 1 ? "a leading space" : "\(lead) leading spaces") }
            scalars = Array(scalars.dropFirst(lead).dropLast(lead < scalars.count ? trail : 0))
            var out = ""
            for u in scalars {
                if isHidden(u) {
                    if note { found.append(describe(u)) }
                    if u.value == 0x00A0 || (0x2000...0x200A).contains(u.value) || u.value == 0x202F || u.value == 0x3000 { out += " " }
                } else if let latin = lookalikes[u.value] {
                    if note { found.append(describe(u)) }
                    out.append(latin)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
            return out
        }
        let a = clean(actual, note: true)
        let e = clean(expected, note: false)
        guard a == e || Wildcard.matches(a, pattern: Wildcard.pattern(expected, variables: false)) && !Wildcard.matches(actual, pattern: Wildcard.pattern(expected, variables: false)), !found.isEmpty else { return nil }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }.joined(separator: ", ")
    }
}
