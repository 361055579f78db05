/// One line of text being typed (a path, a variable name, a time, a what-if claim) with its cursor:
/// every printable key is text; ←/→, Home/End (Ctrl-A/Ctrl-E), Backspace/Delete, Ctrl-U and Ctrl-W edit.
struct LineEdit {
    var text: String
    /// Characters before the cursor.
    var cursor: Int

    init(_ text: String, cursor: Int? = nil) {
        self.text = text
        self.cursor = min(cursor ?? text.count, text.count)
    }

    /// Applies an editing key; false when the key is not one (Enter, Esc, Tab are the caller's).
    mutating func apply(_ key: KeyEvent) -> Bool {
        var chars = Array(text)
        cursor = min(max(0, cursor), chars.count)
        switch key {
        case .char(let c):
            chars.insert(c, at: cursor)
            cursor += 1
        case .paste(let t):
            let clean = Array(t.filter { $0 != "\n" && $0 != "\r" })
            chars.insert(contentsOf: clean, at: cursor)
            cursor += clean.count
        case .backspace:
            guard cursor > 0 else { return true }
            chars.remove(at: cursor - 1)
            cursor -= 1
        case .delete:
            guard cursor < chars.count else { return true }
            chars.remove(at: cursor)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(chars.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = chars.count
        case .ctrl("u"):
            chars.removeFirst(cursor)
            cursor = 0
        case .ctrl("w"):
            // The word before the cursor, and the spaces after it.
            var start = cursor
            while start > 0 && chars[start - 1] == " " { start -= 1 }
            while start > 0 && chars[start - 1] != " " && chars[start - 1] != "/" { start -= 1 }
            chars.removeSubrange(start..<cursor)
            cursor = start
        default: return false
        }
        text = String(chars)
        return true
    }

    /// The text with the cursor drawn into it (`▏`, or `|` without Unicode): what the field echoes.
    func shown(cursorMark: String) -> String {
        let chars = Array(text)
        return String(chars.prefix(cursor)) + cursorMark + String(chars.dropFirst(cursor))
    }
}
