/// A strict RFC 8259 reader that keeps every value's byte range and reports duplicate keys.
/// Our own only because Foundation's parser gives neither positions nor duplicates (DESIGN §2).
public struct JSONReader {
    public struct Limits: Sendable {
        public var maxDepth: Int
        public var maxBytes: Int
        public init(maxDepth: Int = 256, maxBytes: Int = 4 << 20) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
        }
    }

    public struct Document: Sendable {
        public var root: JSONNode
        public var duplicates: [JSONDuplicateKey]
        public var text: SourceText
        /// True when a UTF-8 byte order mark preceded the text (tolerated, reported as a note).
        public var hadByteOrderMark: Bool
        /// The white-space bytes between the tokens of `text`, counted while reading (nil for a document
        /// made otherwise): what the policy size quota does not count outside strings.
        var spaceBytes: Int? = nil
    }

    public static func read(_ text: String, limits: Limits = Limits()) throws(JSONSyntaxError) -> Document {
        try read(bytes: utf8Bytes(text), limits: limits)
    }

    /// `Array(text.utf8)`, copied in one go when the string's storage is contiguous (it nearly always is).
    static func utf8Bytes(_ text: String) -> [UInt8] {
        text.utf8.withContiguousStorageIfAvailable { src in
            // `Array(src)` copies byte by byte; this is a memcpy.
            Array(unsafeUninitializedCapacity: src.count) { dst, count in
                if let from = src.baseAddress, src.count > 0 { dst.baseAddress!.initialize(from: from, count: src.count) }
                count = src.count
            }
        } ?? Array(text.utf8)
    }

    public static func read(bytes: [UInt8], limits: Limits = Limits()) throws(JSONSyntaxError) -> Document {
        let source = SourceText(bytes: bytes)
        if bytes.count > limits.maxBytes {
            throw JSONSyntaxError(message: "input is \(bytes.count) bytes; the limit is \(limits.maxBytes)", offset: 0, text: source)
        }
        // The scanner reads through a raw pointer: no bounds checks and no array retains per byte.
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) -> Document in
                var scanner = Scanner(bytes: buffer, limits: limits, text: source)
                let bom = buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
                if bom { scanner.i = 3 }
                scanner.skipSpace()
                guard scanner.i < buffer.count else {
                    throw JSONSyntaxError(message: "the input is empty (expected a JSON value)", offset: scanner.i, text: source)
                }
                let root = try scanner.value(depth: 0)
                scanner.skipSpace()
                if scanner.i < buffer.count {
                    throw scanner.error("unexpected \(scanner.describeHere()) after the end of the JSON value")
                }
                return Document(root: root, duplicates: scanner.duplicates, text: source, hadByteOrderMark: bom, spaceBytes: scanner.spaceBytes)
            }
        }
        return try result.get()
    }
}

public struct JSONDuplicateKey: Sendable {
    public var key: String
    public var first: SourceRange
    public var second: SourceRange
}

public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var line: Int
    public var column: Int

    init(message: String, offset: Int, text: SourceText) {
        self.message = message
        self.offset = offset
        let p = text.position(of: offset)
        self.line = p.line
        self.column = p.column
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

private struct Scanner {
    /// Valid only inside `JSONReader.read(bytes:)`'s `withUnsafeBufferPointer`.
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONReader.Limits
    let text: SourceText
    var i = 0
    /// White-space bytes skipped so far (every byte `skipSpace` passes over is one).
    var spaceBytes = 0
    var duplicates: [JSONDuplicateKey] = []
    /// Scratch stacks shared by every object and array: elements are collected here and moved out once
    /// into an exactly sized array, instead of growing a fresh array per container (1, 2, 4, 8 …).
    let memberStack = ScratchStack<JSONMember>()
    let itemStack = ScratchStack<JSONNode>()
    /// Set by `string()`: the string just read was plain ASCII, its bytes the source's.
    var lastStringPlainASCII = false
    /// Created at the first long string (see `StringTable`).
    var longStrings: StringTable?

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONReader.Limits, text: SourceText) {
        self.bytes = bytes
        self.limits = limits
        self.text = text
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: offset ?? i, text: text)
    }

    func describeHere() -> String {
        guard i < bytes.count else { return "end of input" }
        let b = bytes[i]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        if b == 0 { return "NUL byte" }
        if b < 0x20 || b == 0x7F { return "control character 0x\(String(b, radix: 16))" }
        return "character"
    }

    mutating func skipSpace() {
        let from = i
        defer { spaceBytes += i - from }
        while i < bytes.count {
            switch bytes[i] {
            case 0x20:
                // Indentation: skip a run of 8 spaces at once.
                if i + 8 <= bytes.count, ByteWord.load(bytes, i) == 0x2020_2020_2020_2020 { i += 8 } else { i += 1 }
            case 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    /// Names the usual non-JSON habits (comments, trailing commas, single quotes) instead of a bare "unexpected".
    func unexpected(_ expected: String) -> JSONSyntaxError {
        guard i < bytes.count else { return error("unexpected end of input; expected \(expected)") }
        let b = bytes[i]
        if b == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") || bytes[i + 1] == UInt8(ascii: "*") {
            return error("comments are not allowed in JSON (IAM rejects them too); expected \(expected)")
        }
        if b == UInt8(ascii: "'") { return error("strings must use double quotes, not single quotes; expected \(expected)") }
        return error("unexpected \(describeHere()); expected \(expected)")
    }

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard i < bytes.count else { throw unexpected("a value") }
        let start = i
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""):
            let s = try string()
            return JSONNode(.string(s), range: SourceRange(start: start, end: i))
        case UInt8(ascii: "t"): try literal("true"); return JSONNode(.bool(true), range: SourceRange(start: start, end: i))
        case UInt8(ascii: "f"): try literal("false"); return JSONNode(.bool(false), range: SourceRange(start: start, end: i))
        case UInt8(ascii: "n"): try literal("null"); return JSONNode(.null, range: SourceRange(start: start, end: i))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let n = try number()
            return JSONNode(.number(n), range: SourceRange(start: start, end: i))
        default:
            throw unexpected("a value")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw error("invalid literal; expected \(word)") }
        let w = word.utf8Start
        for k in 0..<n where bytes[i + k] != w[k] {
            throw error("invalid literal; expected \(word)")
        }
        i += n
    }

    /// A String of `bytes[start..<end]`, which the scanner has already checked to be valid UTF-8.
    func makeString(_ start: Int, _ end: Int) -> String {
        let n = end - start
        if n <= 0 { return "" }
        if n <= 15 {
            // A small string: made in place, and checked only when not ASCII (the decoding initializer
            // validates every time). Same string either way, as the bytes are valid UTF-8.
            return String(unsafeUninitializedCapacity: n) { out in
                out.baseAddress!.initialize(from: bytes.baseAddress! + start, count: n)
                return n
            }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    mutating func number() throws(JSONSyntaxError) -> String {
        let start = i
        func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, digit(bytes[i]) else { throw error("invalid number: expected a digit") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, digit(bytes[i]) { throw error("invalid number: leading zeros are not allowed") }
        } else {
            while i < bytes.count, digit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, digit(bytes[i]) else { throw error("invalid number: expected a digit after '.'") }
            while i < bytes.count, digit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, digit(bytes[i]) else { throw error("invalid number: expected a digit in the exponent") }
            while i < bytes.count, digit(bytes[i]) { i += 1 }
        }
        return makeString(start, i)
    }

    mutating func string() throws(JSONSyntaxError) -> String {
        i += 1  // opening quote
        let start = i
        var out: [UInt8]? = nil  // only allocated once an escape is seen
        var plainASCII = true
        var runStart = i
        let count = bytes.count
        lastStringPlainASCII = false
        while true {
            // Plain printable ASCII is by far the common case: skip it in a tight loop on a local index.
            var j = i
            while j + 8 <= count {
                let w = ByteWord.load(bytes, j)
                let special = (w & ByteWord.highs) | ByteWord.hasLess(w, 0x20) | ByteWord.has(w, UInt8(ascii: "\"")) | ByteWord.has(w, UInt8(ascii: "\\"))
                if special != 0 {
                    j += ByteWord.firstIndex(special)
                    break
                }
                j += 8
            }
            while j < count {
                let c = bytes[j]
                if c &- 0x20 >= 0x60 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { break }
                j += 1
            }
            i = j
            guard i < count else { throw error("unterminated string", at: start - 1) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                defer { i += 1 }
                guard var o = out else {
                    lastStringPlainASCII = plainASCII
                    // No escapes: the text is the source bytes. Long ones (which allocate) are shared.
                    if i - start > 15 {
                        if longStrings == nil { longStrings = StringTable() }
                        return longStrings!.string(bytes, start, i)
                    }
                    return makeString(start, i)
                }
                o.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                return String(decoding: o, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                var o = out ?? []
                out = nil
                o.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                try escape(into: &o)
                out = o
                runStart = i
                continue
            }
            if b < 0x20 {
                throw error(b == 0 ? "NUL byte inside a string" : "control character 0x\(String(b, radix: 16)) inside a string (escape it as \\u00\(b < 16 ? "0" : "")\(String(b, radix: 16)))")
            }
            plainASCII = false
            try utf8Sequence()
        }
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, ≤ U+10FFFF).
    mutating func utf8Sequence() throws(JSONSyntaxError) {
        let b0 = bytes[i]
        let count: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: count = 2
        case 0xE0: count = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED: count = 3; hi = 0x9F
        case 0xF0: count = 4; lo = 0x90
        case 0xF1...0xF3: count = 4
        case 0xF4: count = 4; hi = 0x8F
        default: throw error("invalid UTF-8 byte 0x\(String(b0, radix: 16))")
        }
        guard i + count <= bytes.count else { throw error("truncated UTF-8 sequence") }
        let b1 = bytes[i + 1]
        guard b1 >= lo && b1 <= hi else { throw error("invalid UTF-8 sequence") }
        for k in 2..<max(2, count) where !(bytes[i + k] >= 0x80 && bytes[i + k] <= 0xBF) {
            throw error("invalid UTF-8 sequence")
        }
        i += count
    }

    mutating func escape(into out: inout [UInt8]) throws(JSONSyntaxError) {
        let at = i
        i += 1
        guard i < bytes.count else { throw error("unterminated escape", at: at) }
        let c = bytes[i]
        i += 1
        switch c {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by \u low surrogate; a lone one becomes U+FFFD.
                if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = save
                        scalar = 0xFFFD
                    }
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                scalar = 0xFFFD
            }
            UTF8.encode(Unicode.Scalar(scalar)!) { out.append($0) }
        default:
            throw error("invalid escape sequence '\\\(c >= 0x20 && c < 0x7F ? String(Character(Unicode.Scalar(c))) : "?")'", at: at)
        }
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("\\u escape needs four hex digits") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw error("\\u escape needs four hex digits")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        let start = i
        guard depth <= limits.maxDepth else { throw error("nesting deeper than \(limits.maxDepth) levels") }
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            return JSONNode(.object([]), range: SourceRange(start: start, end: i))
        }
        let base = memberStack.count
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                if i < bytes.count, bytes[i] == UInt8(ascii: "}"), memberStack.count > base {
                    throw error("trailing comma before '}' (JSON and IAM do not allow it)")
                }
                throw unexpected("a key in double quotes")
            }
            let keyStart = i
            let key = try string()
            let keyRange = SourceRange(start: keyStart, end: i)
            // Tagged with a fingerprint of its bytes when the key is plain ASCII (no escapes), else -1: such keys
            // are equal exactly when their bytes are, so unequal fingerprints skip the String compare.
            let keyHash = lastStringPlainASCII ? Self.hash(keyStart + 1, i - 1, in: bytes) : -1
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw unexpected("':' after the key") }
            i += 1
            skipSpace()
            let v = try value(depth: depth)
            // Objects in policies are small: a scan beats hashing every key into a dictionary.
            if let first = memberStack.firstKeyRange(of: key, hash: keyHash, from: base) {
                duplicates.append(JSONDuplicateKey(key: key, first: first, second: keyRange))
            }
            memberStack.push(JSONMember(key: key, keyRange: keyRange, value: v), tag: keyHash)
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of input; expected ',' or '}' (object opened at line \(text.position(of: start).line))") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw unexpected("',' or '}'")
        }
        let members = memberStack.pop(from: base)
        return JSONNode(.object(members), range: SourceRange(start: start, end: i))
    }

    /// A cheap fingerprint of `bytes[start..<end]` (length, first, middle and last byte); never -1.
    static func hash(_ start: Int, _ end: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = end - start
        guard n > 0 else { return 0 }
        return n & 0xFFFF | Int(bytes[start]) << 16 | Int(bytes[start + n / 2]) << 24 | Int(bytes[end - 1]) << 32
    }

    mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        let start = i
        guard depth <= limits.maxDepth else { throw error("nesting deeper than \(limits.maxDepth) levels") }
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            return JSONNode(.array([]), range: SourceRange(start: start, end: i))
        }
        let base = itemStack.count
        while true {
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]"), itemStack.count > base {
                throw error("trailing comma before ']' (JSON and IAM do not allow it)")
            }
            itemStack.push(try value(depth: depth))
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of input; expected ',' or ']' (array opened at line \(text.position(of: start).line))") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw unexpected("',' or ']'")
        }
        let items = itemStack.pop(from: base)
        return JSONNode(.array(items), range: SourceRange(start: start, end: i))
    }
}

/// A stack of a scanner's open containers' elements. `pop(from:)` moves the top elements into an
/// exactly sized array: one allocation per container and no retain/release per element.
private final class ScratchStack<Element> {
    private var base: UnsafeMutablePointer<Element>
    /// An Int per element for the user's bookkeeping (key fingerprints).
    private(set) var tags: UnsafeMutablePointer<Int>
    private var capacity = 32
    private(set) var count = 0

    init() {
        base = .allocate(capacity: capacity)
        tags = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)  // what an error left behind
        base.deallocate()
        tags.deallocate()
    }

    func push(_ element: consuming Element, tag: Int = 0) {
        if count == capacity {
            let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = bigger
            let biggerTags = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
            biggerTags.initialize(from: tags, count: count)
            tags.deallocate()
            tags = biggerTags
            capacity *= 2
        }
        (base + count).initialize(to: element)
        tags[count] = tag
        count += 1
    }

    func pop(from start: Int) -> [Element] {
        var out: [Element] = []
        out.reserveCapacity(count - start)
        for k in start..<count { out.append((base + k).move()) }
        count = start
        return out
    }
}

extension ScratchStack where Element == JSONMember {
    /// The key range of the first member from `start` on with this key (duplicate detection); `hash` as in
    /// the tags, where two fingerprints (both ≥ 0) that differ mean different keys.
    func firstKeyRange(of key: String, hash: Int, from start: Int) -> SourceRange? {
        for k in start..<count {
            if hash >= 0, tags[k] >= 0, tags[k] != hash { continue }
            if base[k].key == key { return base[k].keyRange }
        }
        return nil
    }
}

/// Long strings (more than 15 bytes, the ones that allocate) repeat within a document: a policy names the
/// same provider ARN, action and condition keys in every statement. Each is made once and shared.
/// A direct-mapped cache keyed by the source bytes; a clash just makes a new string.
private final class StringTable {
    private struct Entry {
        var start: Int
        var count: Int
        var string: String
    }
    // Only the scanner that owns the table touches it: no dynamic exclusivity checks per lookup.
    @exclusivity(unchecked) private var slots = [Entry?](repeating: nil, count: 64)

    /// The string of `bytes[start..<end]` (valid UTF-8, more than 15 bytes).
    func string(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let n = end - start
        let head = ByteWord.load(bytes, start), tail = ByteWord.load(bytes, end - 8)
        let mixed = ((head &* 0x9E37_79B9_7F4A_7C15) ^ tail ^ UInt64(n)) &* 0xBF58_476D_1CE4_E5B9
        let slot = Int(truncatingIfNeeded: mixed >> 58)  // the top 6 bits: one of 64 slots
        if let e = slots[slot], e.count == n, Self.equal(bytes, e.start, start, n) { return e.string }
        let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        slots[slot] = Entry(start: start, count: n, string: s)
        return s
    }

    /// Whether the `n` (≥ 8) bytes at `a` and at `b` are the same, compared 8 at a time.
    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ n: Int) -> Bool {
        var k = 0
        while k + 8 < n {
            if ByteWord.load(bytes, a + k) != ByteWord.load(bytes, b + k) { return false }
            k += 8
        }
        return ByteWord.load(bytes, a + n - 8) == ByteWord.load(bytes, b + n - 8)
    }
}
