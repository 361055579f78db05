/// What a cell means, not how it looks: the curses backend maps roles to colours/attributes per
/// terminal, goldens store one letter per role, and monochrome terminals lose nothing because every
/// state also has a symbol.
public enum Role: Character, Sendable, CaseIterable {
    case plain = "."
    case title = "T"
    case status = "S"
    case key = "K"
    case selected = ">"
    case pass = "o"
    case fail = "x"
    case warn = "w"
    case dim = "d"
    case border = "b"
    case heading = "H"
    /// The selected finding's range in the policy text.
    case underline = "u"
    case input = "i"
}

public struct Cell: Sendable, Equatable {
    public var ch: Character
    public var role: Role
    /// The right half of a wide character: drawn by the cell to its left.
    public var continuation: Bool
}

/// Where the terminal's own cursor goes: on the selection (screen readers follow it), shown only
/// where text is being typed.
public struct CursorSpot: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var visible: Bool
}

/// An immediate-mode grid of cells; screens draw into it, the backend copies it to the terminal.
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// The last spot a screen put the cursor on (the selection, or a text field's cursor).
    public var cursor: CursorSpot?
    /// Drawn in the last cell of a text that did not fit (`…`, or `~` without Unicode): nothing is cut
    /// without a mark.
    public var cutMark: Character = "…"

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(ch: " ", role: .plain, continuation: false), count: self.width * self.height)
    }

    public subscript(x x: Int, y y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Writes `text` from (x, y), clipped at `limit` columns (default: the right edge). Control
    /// characters are shown escaped; a wide character never splits at the edge. Returns the column after.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Role, limit: Int? = nil) -> Int {
        guard y >= 0 && y < height else { return x }
        let end = min(width, x + (limit ?? width))
        var col = x
        var at = text.startIndex
        for ch in text {
            defer { at = text.index(after: at) }
            for piece in CellWidth.safe(ch) {
                let w = CellWidth.of(piece)
                if w == 0 { continue }
                if col + w > end {
                    // Cut: the last cell shows the cut mark, unless only blanks were left out.
                    if col > max(0, x), text[at...].contains(where: { $0 != " " }) {
                        if col < end {
                            // A wide character left a free cell before the edge: the mark goes there.
                            cells[y * width + col] = Cell(ch: cutMark, role: role, continuation: false)
                            return col + 1
                        }
                        var last = col - 1
                        if cells[y * width + last].continuation && last > 0 { last -= 1 }
                        cells[y * width + last] = Cell(ch: cutMark, role: role, continuation: false)
                        if last + 1 < col { cells[y * width + last + 1] = Cell(ch: " ", role: role, continuation: false) }
                    }
                    return col
                }
                if col >= 0 {
                    cells[y * width + col] = Cell(ch: piece, role: role, continuation: false)
                    if w == 2 { cells[y * width + col + 1] = Cell(ch: " ", role: role, continuation: true) }
                }
                col += w
            }
        }
        return col
    }

    /// Sets the role of a run of cells without changing their characters.
    public mutating func paint(x: Int, y: Int, count: Int, role: Role) {
        guard y >= 0 && y < height else { return }
        for c in max(0, x)..<min(width, x + count) { cells[y * width + c].role = role }
    }

    public mutating func fill(y: Int, role: Role, from x: Int = 0, to end: Int? = nil) {
        guard y >= 0 && y < height else { return }
        for c in max(0, x)..<min(width, end ?? width) { cells[y * width + c] = Cell(ch: " ", role: role, continuation: false) }
    }

    /// The text of each row (continuation cells omitted), as a terminal shows it.
    public func rows() -> [String] {
        (0..<height).map { y in String((0..<width).compactMap { x in self[x: x, y: y].continuation ? nil : self[x: x, y: y].ch }) }
    }

    /// Golden form: the rows framed by `|` (trailing blanks kept), then a same-shaped role mask.
    public func golden() -> String {
        var out = "size \(width)x\(height)\n"
        for r in rows() { out += "|\(r)|\n" }
        out += "-- roles: " + Role.allCases.map { "\($0.rawValue)=\($0)" }.joined(separator: " ") + "\n"
        for y in 0..<height {
            out += "|" + String((0..<width).map { self[x: $0, y: y].role.rawValue }) + "|\n"
        }
        return out
    }
}

/// Display width decided in Swift, not by the locale's wcwidth (terminal-ui.md B.3).
public enum CellWidth {
    public static func of(_ ch: Character) -> Int {
        guard let first = ch.unicodeScalars.first else { return 0 }
        let v = first.value
        if ch.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        if first.properties.isEmojiPresentation { return 2 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return ch.unicodeScalars.count == 1 ? 0 : 1
        default: break
        }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v) || (0x3400...0x4DBF).contains(v)
            || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }

    /// Control characters become a visible escape, so input never reaches the terminal as a command.
    public static func safe(_ ch: Character) -> [Character] {
        guard ch.unicodeScalars.contains(where: isControl) else { return [ch] }
        var out: [Character] = []
        for u in ch.unicodeScalars {
            if isControl(u) {
                let hex = String(u.value, radix: 16)
                out += Array("\\u{\(hex)}")
            } else {
                out.append(Character(u))
            }
        }
        return out
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value)
    }
}
