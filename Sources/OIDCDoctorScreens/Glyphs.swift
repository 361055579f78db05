import OIDCDoctorCore

/// Symbols carry every state, so monochrome and NO_COLOR lose nothing; ASCII without a UTF-8 locale.
public struct Glyphs: Sendable {
    public var pass, fail, warn, skip, vertical, horizontal, ellipsis, keyMark, caret, arrow: String

    public static let unicode = Glyphs(pass: "✓", fail: "✗", warn: "!", skip: "–", vertical: "│", horizontal: "─", ellipsis: "…", keyMark: "◆", caret: "^", arrow: "→")
    public static let ascii = Glyphs(pass: "+", fail: "x", warn: "!", skip: "-", vertical: "|", horizontal: "-", ellipsis: "~", keyMark: "*", caret: "^", arrow: ">")

    public func status(_ s: WalkStep.Status) -> String {
        switch s {
        case .pass: pass
        case .fail: fail
        case .warn: warn
        case .skip: skip
        }
    }

    public func severity(_ s: Severity) -> String {
        switch s {
        case .error: fail
        case .warning: warn
        case .info: skip
        }
    }

    /// Key names as the help and status line show them (arrows spelled out without UTF-8).
    public func keys(_ k: String) -> String {
        guard pass == "+" else { return k }
        var s = ""
        for ch in k {
            switch ch {
            case "↑": s += "Up"
            case "↓": s += "/Dn"
            default: s.append(ch)
            }
        }
        return s
    }

    /// Non-ASCII data shown as `\u{…}` when the terminal cannot draw it (ncursesw blanks it in LANG=C).
    public func text(_ s: String) -> String {
        var s = Unknowns.shown(s)
        // Zero-width and unusual space characters are shown as `\u{…}` on every terminal.
        if s.unicodeScalars.contains(where: VisibleText.isHidden) {
            s = s.unicodeScalars.map { VisibleText.isHidden($0) ? VisibleText.escaped($0) : String(Character($0)) }.joined()
        }
        guard self.pass == "+" else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if u.value < 0x80 { out.unicodeScalars.append(u) } else { out += "\\u{\(String(u.value, radix: 16))}" }
        }
        return out
    }
}
