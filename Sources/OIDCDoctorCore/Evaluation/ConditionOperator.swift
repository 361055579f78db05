/// A condition operator as IAM reads it: `[ForAnyValue:|ForAllValues:]Base[IfExists]`.
public struct ConditionOperator: Hashable, Sendable {
    public enum Qualifier: String, Sendable {
        case forAnyValue = "ForAnyValue"
        case forAllValues = "ForAllValues"
    }

    public enum Base: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan", numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan", numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool", binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals", arnLike = "ArnLike", arnNotEquals = "ArnNotEquals", arnNotLike = "ArnNotLike"
        case null = "Null"

        /// Negated operators are true when the key is absent and AND their values (reference §2, §3.2).
        public var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .notIpAddress, .arnNotEquals, .arnNotLike:
                true
            default: false
            }
        }

        public var isString: Bool {
            switch self {
            case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike, .stringNotLike: true
            default: false
            }
        }
        public var isArn: Bool {
            switch self {
            case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike: true
            default: false
            }
        }
        /// Policy variables are substituted for string and ARN operators only (reference §3.4).
        public var takesVariables: Bool { isString || isArn }
        public var ignoresCase: Bool { self == .stringEqualsIgnoreCase || self == .stringNotEqualsIgnoreCase }
        public var isEqualsFamily: Bool { self == .stringEquals || self == .stringEqualsIgnoreCase || self == .stringNotEquals || self == .stringNotEqualsIgnoreCase }

        /// The positive form, whose match the negated form inverts.
        public var positive: Base {
            switch self {
            case .stringNotEquals: .stringEquals
            case .stringNotEqualsIgnoreCase: .stringEqualsIgnoreCase
            case .stringNotLike: .stringLike
            case .numericNotEquals: .numericEquals
            case .dateNotEquals: .dateEquals
            case .notIpAddress: .ipAddress
            case .arnNotEquals: .arnEquals
            case .arnNotLike: .arnLike
            default: self
            }
        }
    }

    public var qualifier: Qualifier?
    public var base: Base
    public var ifExists: Bool
    /// The operator as written in the policy.
    public var written: String
    /// True when the spelling differs from AWS's only in letter case (accepted; AWS behaviour undocumented).
    public var caseDiffers: Bool

    public var name: String { (qualifier.map { $0.rawValue + ":" } ?? "") + base.rawValue + (ifExists ? "IfExists" : "") }

    public enum ParseError: Error, Sendable, Equatable {
        case unknown(suggestion: String?)
        case nullWithIfExists
        case nullWithQualifier
    }

    public static func parse(_ text: String) throws(ParseError) -> ConditionOperator {
        if let known = exact[text] { return known }
        var rest = Substring(text)
        var qualifier: Qualifier?
        for q in [Qualifier.forAnyValue, .forAllValues] where rest.lowercased().hasPrefix(q.rawValue.lowercased() + ":") {
            qualifier = q
            rest = rest.dropFirst(q.rawValue.count + 1)
        }
        var ifExists = false
        if rest.lowercased().hasSuffix("ifexists") {
            ifExists = true
            rest = rest.dropLast(8)
        }
        guard let base = Base.allCases.first(where: { $0.rawValue.lowercased() == rest.lowercased() }) else {
            throw .unknown(suggestion: suggestion(for: text))
        }
        if base == .null && ifExists { throw .nullWithIfExists }
        if base == .null && qualifier != nil { throw .nullWithQualifier }
        var op = ConditionOperator(qualifier: qualifier, base: base, ifExists: ifExists, written: text, caseDiffers: false)
        op.caseDiffers = op.name != text
        return op
    }

    /// Every correctly spelled operator, so the common case is one dictionary lookup.
    static let exact: [String: ConditionOperator] = {
        var out: [String: ConditionOperator] = [:]
        for base in Base.allCases {
            for q in [nil, Qualifier.forAnyValue, .forAllValues] where !(base == .null && q != nil) {
                for ifExists in base == .null ? [false] : [false, true] {
                    let op = ConditionOperator(qualifier: q, base: base, ifExists: ifExists, written: "", caseDiffers: false)
                    var named = op
                    named.written = op.name
                    out[op.name] = named
                }
            }
        }
        return out
    }()

    /// "did you mean" by edit distance over the known operators.
    static func suggestion(for text: String) -> String? {
        let names = Base.allCases.map(\.rawValue) + Base.allCases.map { $0.rawValue + "IfExists" }
        let scored = names.map { ($0, editDistance($0.lowercased(), text.lowercased())) }.min { $0.1 < $1.1 }
        guard let best = scored, best.1 <= max(2, text.count / 4) else { return nil }
        return best.0
    }
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = prev
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}
