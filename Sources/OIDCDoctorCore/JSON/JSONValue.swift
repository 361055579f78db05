/// A byte range in the UTF-8 text a value was read from. Kept out of value equality on purpose:
/// tests compare documents without positions, reports turn ranges into line/column late.
public struct SourceRange: Hashable, Sendable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// A JSON value with the place every part of it came from.
public struct JSONNode: Sendable {
    public var value: JSONValue
    public var range: SourceRange

    public init(_ value: JSONValue, range: SourceRange) {
        self.value = value
        self.range = range
    }
}

/// One `"key": value` pair of an object, in document order (order matters: "first failing condition").
public struct JSONMember: Sendable {
    public var key: String
    public var keyRange: SourceRange
    public var value: JSONNode
}

public enum JSONValue: Sendable {
    case object([JSONMember])
    case array([JSONNode])
    case string(String)
    /// The literal text of the number, as written: IAM compares condition values as strings.
    case number(String)
    case bool(Bool)
    case null

    public var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

extension JSONNode {
    public var stringValue: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    /// A whole number written as a JSON number (`MaxSessionDuration: 3600`); nil otherwise.
    public var intValue: Int? {
        if case .number(let n) = value { return Int(n) }
        return nil
    }

    public var members: [JSONMember]? {
        if case .object(let m) = value { return m }
        return nil
    }

    /// The last member with this exact key (what a last-wins client keeps); nil when absent.
    public func member(_ key: String) -> JSONMember? {
        members?.last { $0.key == key }
    }

    public subscript(key: String) -> JSONNode? { member(key)?.value }

    /// Turns the value into plain Swift values (for claims and JSON output).
    public var plain: PlainJSON { plain(checkingDuplicates: true) }

    /// `plain`. A repeated key keeps its first place and its last value; a document whose `duplicates`
    /// is empty has none, so it can skip the search for an earlier pair (quadratic in the key count).
    func plain(checkingDuplicates: Bool) -> PlainJSON {
        switch value {
        case .object(let ms):
            var pairs: [PlainJSON.Pair] = []
            pairs.reserveCapacity(ms.count)
            for m in ms {
                let v = m.value.plain(checkingDuplicates: checkingDuplicates)
                if checkingDuplicates, let i = pairs.firstIndex(where: { $0.key == m.key }) { pairs[i].value = v } else { pairs.append(PlainJSON.Pair(key: m.key, value: v)) }
            }
            return .object(pairs)
        case .array(let items): return .array(items.map { $0.plain(checkingDuplicates: checkingDuplicates) })
        case .string(let s): return .string(s)
        case .number(let n): return .number(n)
        case .bool(let b): return .bool(b)
        case .null: return .null
        }
    }
}

/// A JSON value without positions, order kept; equality is structural. Used for claims and output.
public indirect enum PlainJSON: Hashable, Sendable {
    public struct Pair: Hashable, Sendable {
        public var key: String
        public var value: PlainJSON
        public init(key: String, value: PlainJSON) {
            self.key = key
            self.value = value
        }
    }

    case object([Pair])
    case array([PlainJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public subscript(key: String) -> PlainJSON? {
        if case .object(let pairs) = self { return pairs.last { $0.key == key }?.value }
        return nil
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Integer seconds for time claims: STS requires integer timestamps.
    public var integer: Int64? {
        if case .number(let n) = self { return Int64(n) }
        return nil
    }

    /// Compact JSON text, keys in their original order.
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .object(let pairs):
            out += "{"
            for (i, p) in pairs.enumerated() {
                if i > 0 { out += "," }
                JSONText.quote(p.key, into: &out)
                out += ":"
                p.value.write(to: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.write(to: &out)
            }
            out += "]"
        case .string(let s): JSONText.quote(s, into: &out)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }
}

public enum JSONText {
    /// A JSON string literal; every control character escaped so output is safe for terminals too.
    public static func quote(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }

    /// `quote`, appended to `out` (a large document is written without a string per value).
    public static func quote(_ s: String, into out: inout String) {
        // Printable ASCII without `"` or `\` needs no escape: skip the per-scalar walk. (`withUTF8`
        // also gives the bytes of a small string, which `withContiguousStorageIfAvailable` may not.)
        var bytes = s
        let plain = bytes.withUTF8 { b in
            b.allSatisfy { $0 >= 0x20 && $0 <= 0x7E && $0 != 0x22 && $0 != 0x5C }
        }
        if plain {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += escaped(s)
    }

    static func escaped(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value == 0xFDD0 || u.value == 0xFDD1 {
                    out += u.value == 0xFDD0 ? "<" : ">"  // an unknown value's marker, shown as <name>
                } else if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029 {
                    out += "\\u" + hex4(u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
        return out
    }

    static func hex4(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int((v >> 12) & 0xF)], digits[Int((v >> 8) & 0xF)], digits[Int((v >> 4) & 0xF)], digits[Int(v & 0xF)]])
    }
}
