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
    }

    public static func read(_ text: String, limits: Limits = Limits()) throws(JSONSyntaxError) -> Document {
        try read(bytes: Array(text.utf8), limits: limits)
    }

    public static func read(bytes: [UInt8], limits: Limits = Limits()) throws(JSONSyntaxError) -> Document {
        let source = SourceText(bytes: bytes)
        if bytes.count > limits.maxBytes {
            throw JSONSyntaxError(message: "input is \(bytes.count) bytes; the limit is \(limits.maxBytes)", offset: 0, text: source)
        }
        var scanner = Scanner(bytes: bytes, limits: limits, text: source)
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if bom { scanner.i = 3 }
        scanner.skipSpace()
        guard scanner.i < bytes.count else {
            throw JSONSyntaxError(message: "the input is empty (expected a JSON value)", offset: scanner.i, text: source)
        }
        let root = try scanner.value(depth: 0)
        scanner.skipSpace()
        if scanner.i < bytes.count {
            throw scanner.error("unexpected \(scanner.describeHere()) after the end of the JSON value")
        }
        return Document(root: root, duplicates: scanner.duplicates, text: source, hadByteOrderMark: bom)
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
    let bytes: [UInt8]
    let limits: JSONReader.Limits
    let text: SourceText
    var i = 0
    var duplicates: [JSONDuplicateKey] = []

    init(bytes: [UInt8], limits: JSONReader.Limits, text: SourceText) {
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
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
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
        let w = word.withUTF8Buffer { Array($0) }
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
            throw error("invalid literal; expected \(word)")
        }
        i += w.count
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
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    mutating func string() throws(JSONSyntaxError) -> String {
        i += 1  // opening quote
        let start = i
        var out: [UInt8]? = nil  // only allocated once an escape is seen
        var runStart = i
        while true {
            guard i < bytes.count else { throw error("unterminated string", at: start - 1) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                defer { i += 1 }
                guard var o = out else { return String(decoding: bytes[start..<i], as: UTF8.self) }
                o.append(contentsOf: bytes[runStart..<i])
                return String(decoding: o, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                var o = out ?? []
                o.append(contentsOf: bytes[runStart..<i])
                try escape(into: &o)
                out = o
                runStart = i
                continue
            }
            if b < 0x20 {
                throw error(b == 0 ? "NUL byte inside a string" : "control character 0x\(String(b, radix: 16)) inside a string (escape it as \\u00\(b < 16 ? "0" : "")\(String(b, radix: 16)))")
            }
            if b < 0x80 {
                i += 1
            } else {
                try utf8Sequence()
            }
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
            out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
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
        var members: [JSONMember] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            return JSONNode(.object([]), range: SourceRange(start: start, end: i))
        }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                if i < bytes.count, bytes[i] == UInt8(ascii: "}"), !members.isEmpty {
                    throw error("trailing comma before '}' (JSON and IAM do not allow it)")
                }
                throw unexpected("a key in double quotes")
            }
            let keyStart = i
            let key = try string()
            let keyRange = SourceRange(start: keyStart, end: i)
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw unexpected("':' after the key") }
            i += 1
            skipSpace()
            let v = try value(depth: depth)
            // Objects in policies are small: a scan beats hashing every key into a dictionary.
            if let first = members.first(where: { $0.key == key }) {
                duplicates.append(JSONDuplicateKey(key: key, first: first.keyRange, second: keyRange))
            }
            members.append(JSONMember(key: key, keyRange: keyRange, value: v))
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of input; expected ',' or '}' (object opened at line \(text.position(of: start).line))") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw unexpected("',' or '}'")
        }
        return JSONNode(.object(members), range: SourceRange(start: start, end: i))
    }

    mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        let start = i
        guard depth <= limits.maxDepth else { throw error("nesting deeper than \(limits.maxDepth) levels") }
        i += 1
        var items: [JSONNode] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            return JSONNode(.array([]), range: SourceRange(start: start, end: i))
        }
        while true {
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]"), !items.isEmpty {
                throw error("trailing comma before ']' (JSON and IAM do not allow it)")
            }
            items.append(try value(depth: depth))
            skipSpace()
            guard i < bytes.count else { throw error("unexpected end of input; expected ',' or ']' (array opened at line \(text.position(of: start).line))") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw unexpected("',' or ']'")
        }
        return JSONNode(.array(items), range: SourceRange(start: start, end: i))
    }
}
