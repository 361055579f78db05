/// A place in one of the files of a Terraform configuration.
public struct TFOrigin: Sendable, Hashable {
    /// Index into the configuration's files.
    public var file: Int
    public var range: SourceRange
}

/// A part of a string that came from one place: `exact` when the string's bytes at `start..<end`
/// are the file's bytes at `origin.range` one to one.
public struct TFPiece: Sendable, Hashable {
    public var start: Int
    public var end: Int
    public var origin: TFOrigin
    public var exact: Bool
}

/// A Terraform value as far as trust policies need it, with the place it was written.
public struct TFValue: Sendable {
    public indirect enum Kind: Sendable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        /// A tuple, list or set (a set is sorted and without repeats when made).
        case list([TFValue])
        /// An object or map; Terraform keeps their keys in lexical order.
        case object([TFEntry])
        /// A value the files cannot give, with the inputs it waits for (`var.gitlab_url`, `account`).
        case unknown([String])
    }

    public var kind: Kind
    public var origin: TFOrigin?
    /// For strings: where each part came from, by UTF-8 offset in the string.
    public var pieces: [TFPiece] = []
    /// Set on resource objects: an attribute the configuration does not set is known only after
    /// apply, so reading it gives an unknown named by this address.
    public var openAddress: String? = nil

    public init(_ kind: Kind, origin: TFOrigin? = nil, pieces: [TFPiece] = []) {
        self.kind = kind
        self.origin = origin
        self.pieces = pieces
    }

    static let null = TFValue(.null)
    static func string(_ s: String, _ origin: TFOrigin? = nil) -> TFValue { TFValue(.string(s), origin: origin) }
    static func unknown(_ names: [String], _ origin: TFOrigin? = nil) -> TFValue {
        TFValue(.unknown(Array(Set(names)).sorted()), origin: origin)
    }

    public var string: String? { if case .string(let s) = kind { return s }; return nil }
    public var list: [TFValue]? { if case .list(let l) = kind { return l }; return nil }
    public var entries: [TFEntry]? { if case .object(let e) = kind { return e }; return nil }
    public var isNull: Bool { if case .null = kind { return true }; return false }
    public var unknownNames: [String]? { if case .unknown(let n) = kind { return n }; return nil }

    public subscript(key: String) -> TFValue? { entries?.first { $0.key == key }?.value }

    /// Every unknown this value holds or waits for, inside strings too.
    public var unknowns: [String] {
        switch kind {
        case .unknown(let n): return n
        case .string(let s): return Unknowns.names(in: s)
        case .list(let l): return Array(Set(l.flatMap(\.unknowns))).sorted()
        case .object(let e): return Array(Set(e.flatMap(\.value.unknowns))).sorted()
        default: return []
        }
    }

    public var typeName: String {
        switch kind {
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        case .list: "list"
        case .object: "object"
        case .unknown: "unknown value"
        }
    }

    /// Object from entries in any order: Terraform orders keys lexically (later repeats win).
    static func object(_ entries: [TFEntry], origin: TFOrigin? = nil) -> TFValue {
        var seen: [String: Int] = [:]
        var out: [TFEntry] = []
        for e in entries {
            if let k = seen[e.key] { out[k] = e } else { seen[e.key] = out.count; out.append(e) }
        }
        out.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return TFValue(.object(out), origin: origin)
    }
}

public struct TFEntry: Sendable {
    public var key: String
    public var value: TFValue
    public var keyOrigin: TFOrigin?
    /// The whole `key = value` item.
    public var itemOrigin: TFOrigin?

    public init(key: String, value: TFValue, keyOrigin: TFOrigin? = nil, itemOrigin: TFOrigin? = nil) {
        self.key = key
        self.value = value
        self.keyOrigin = keyOrigin
        self.itemOrigin = itemOrigin
    }
}

/// Unknown values inside strings: a name between two Unicode noncharacters (reserved by Unicode
/// for internal use, so no real policy text holds them), shown to people as `<name>`.
public enum Unknowns {
    // Swift literals cannot hold noncharacters: made from their code points.
    static let open = Character(Unicode.Scalar(0xFDD0)!)
    static let close = Character(Unicode.Scalar(0xFDD1)!)

    public static func marker(_ names: [String]) -> String { "\(open)\(names.joined(separator: ", "))\(close)" }

    /// Whether a string holds an unknown (cheap: one scan of the scalars).
    public static func contains(_ s: String) -> Bool {
        // Every marker starts with U+FDD0, encoded EF B7 90.
        var prev2: UInt8 = 0, prev1: UInt8 = 0
        for u in s.utf8 {
            if prev2 == 0xEF && prev1 == 0xB7 && u == 0x90 { return true }
            prev2 = prev1
            prev1 = u
        }
        return false
    }

    public static func names(in s: String) -> [String] {
        guard contains(s) else { return [] }
        var out: Set<String> = []
        var rest = Substring(s)
        while let o = rest.firstIndex(of: open), let c = rest[o...].firstIndex(of: close) {
            for n in rest[rest.index(after: o)..<c].split(separator: ",") { out.insert(n.trimmingWhitespace) }
            rest = rest[rest.index(after: c)...]
        }
        return out.sorted()
    }

    /// The string as people read it: every unknown as `<name>`.
    public static func shown(_ s: String) -> String {
        guard contains(s) else { return s }
        var t = ""
        for ch in s {
            if ch == open { t.append("<") } else if ch == close { t.append(">") } else { t.append(ch) }
        }
        return t
    }

    /// The string as a glob pattern in which every unknown may be any text (`*`), with `*`/`?` of the
    /// known parts kept as they are. For a "could it match" test.
    public static func asWildcard(_ s: String) -> String {
        var t = ""
        var inside = false
        for ch in s {
            if ch == open { inside = true; t.append("*") } else if ch == close { inside = false } else if !inside { t.append(ch) }
        }
        return t
    }

    /// The known text of `s` with each unknown replaced by `*`, and the known `*`/`?`/`$` escaped as IAM
    /// policy literals would not be: for comparing with StringEquals semantics through the glob matcher,
    /// known wildcard characters must match only themselves. Returns the pattern and whether the known
    /// parts held a `*` or `?` (then the caller treats them literally by other means).
    static func literalPattern(_ s: String) -> (pattern: [PatternPart], Void) {
        var parts: [PatternPart] = []
        var lit = ""
        var inside = false
        for ch in s {
            if ch == open {
                inside = true
                if !lit.isEmpty { parts.append(.text(lit)); lit = "" }
                parts.append(.any)
            } else if ch == close {
                inside = false
            } else if !inside {
                lit.append(ch)
            }
        }
        if !lit.isEmpty { parts.append(.text(lit)) }
        return (parts, ())
    }

    enum PatternPart { case text(String), any }

    /// Whether `s` can equal some string that `candidate` becomes when each unknown is any text.
    /// Known parts compare literally (as StringEquals compares).
    static func canEqual(_ candidate: String, _ s: String) -> Bool {
        let parts = literalPattern(candidate).pattern
        return match(parts[...], Substring(s))
    }

    private static func match(_ parts: ArraySlice<PatternPart>, _ s: Substring) -> Bool {
        guard let first = parts.first else { return s.isEmpty }
        switch first {
        case .text(let t):
            guard s.hasPrefix(t) else { return false }
            return match(parts.dropFirst(), s.dropFirst(t.count))
        case .any:
            var rest = s
            while true {
                if match(parts.dropFirst(), rest) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        }
    }
}
