/// The text a document was read from, with a line table to turn byte offsets into
/// 1-based line and character columns late (only for reports and errors).
public struct SourceText: Sendable {
    public let bytes: [UInt8]
    /// Byte offset where each line starts; CRLF counts as one line break.
    public let lineStarts: [Int]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A {
                starts.append(i + 1)
            } else if bytes[i] == 0x0D {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        lineStarts = starts
    }

    public init(_ string: String) { self.init(bytes: Array(string.utf8)) }

    public struct Position: Hashable, Sendable, Codable {
        public var line: Int
        public var column: Int
    }

    public func position(of offset: Int) -> Position {
        let offset = min(max(0, offset), bytes.count)
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var k = lineStarts[lo]
        while k < offset {
            if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        // Offsets in the middle of a UTF-8 sequence count from its first byte.
        return Position(line: lo + 1, column: max(1, column))
    }

    public var lineCount: Int { lineStarts.count }

    /// The text of a 1-based line without its line break.
    public func line(_ n: Int) -> String {
        guard n >= 1 && n <= lineStarts.count else { return "" }
        let start = lineStarts[n - 1]
        var end = n < lineStarts.count ? lineStarts[n] : bytes.count
        while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    public func slice(_ r: SourceRange) -> String {
        String(decoding: bytes[max(0, r.start)..<min(bytes.count, r.end)], as: UTF8.self)
    }

    public func lineRange(_ r: SourceRange) -> LineRange {
        let s = position(of: r.start), e = position(of: r.end)
        return LineRange(line: s.line, column: s.column, endLine: e.line, endColumn: e.column)
    }
}

/// A range as people read it: 1-based lines and character columns; the end column is exclusive.
public struct LineRange: Hashable, Sendable, Codable {
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int
    public init(line: Int, column: Int, endLine: Int, endColumn: Int) {
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
    }
}
