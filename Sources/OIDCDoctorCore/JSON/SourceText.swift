/// The text a document was read from, with a line table to turn byte offsets into
/// 1-based line and character columns late (only for reports and errors).
public struct SourceText: Sendable {
    public let bytes: [UInt8]
    /// Byte offset where each line starts; CRLF counts as one line break.
    public let lineStarts: [Int]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        // Runs for every document read: skip 8 bytes at a time while none is a line break (≤ 0x0D).
        lineStarts = bytes.withUnsafeBufferPointer { b in
            var starts = [0]
            let n = b.count
            var i = 0
            while i < n {
                if i + 8 <= n {
                    let found = ByteWord.hasLess(ByteWord.load(b, i), 0x0E)
                    if found == 0 {
                        i += 8
                        continue
                    }
                    i += ByteWord.firstIndex(found)
                }
                let c = b[i]
                if c == 0x0A {
                    starts.append(i + 1)
                } else if c == 0x0D {
                    if i + 1 < n, b[i + 1] == 0x0A { i += 1 }
                    starts.append(i + 1)
                }
                i += 1
            }
            return starts
        }
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
    /// The file, when the input has several (a Terraform module): relative to the path given.
    public var file: String?
    public init(line: Int, column: Int, endLine: Int, endColumn: Int, file: String? = nil) {
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
        self.file = file
    }
}

/// Word-at-a-time byte tests for the readers' hot loops: 8 bytes per step instead of one.
/// Each test's result flags qualifying bytes; the lowest flag is always exact (a borrow can only
/// add false flags above a true one), so `firstIndex` finds the first qualifying byte.
enum ByteWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The 8 bytes at `i`, the first in the lowest bits (the caller checks `i + 8 <= b.count`).
    @inline(__always) static func load(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self))
    }

    /// The index (0–7) of the first byte flagged in a non-zero test result.
    @inline(__always) static func firstIndex(_ flags: UInt64) -> Int { flags.trailingZeroBitCount >> 3 }

    /// Non-zero when some byte of `x` is below `n` (1 ≤ n ≤ 128); bytes ≥ 0x80 are never reported.
    @inline(__always) static func hasLess(_ x: UInt64, _ n: UInt8) -> UInt64 {
        (x &- ones &* UInt64(n)) & ~x & highs
    }

    /// Non-zero when some byte of `x` equals `b`.
    @inline(__always) static func has(_ x: UInt64, _ b: UInt8) -> UInt64 {
        let y = x ^ (ones &* UInt64(b))
        return (y &- ones) & ~y & highs
    }
}
