/// A string from the policy with the place it was written.
public struct PolicyString: Sendable, Hashable {
    public var text: String
    public var range: SourceRange
}

/// A role trust policy as IAM stores it, every part with its position in the text given.
public struct TrustPolicy: Sendable {
    public var version: String?
    public var statements: [PolicyStatement]
    public var source: SourceText
    public var duplicateKeys: [JSONDuplicateKey]
    /// Characters IAM counts against the trust-policy quota (white space outside strings is not counted).
    public var quotaCharacters: Int

    /// Where a generated text came from (a Terraform configuration); nil when `source` is the text given.
    public var origin: PolicySourceMap? = nil
    /// The text holds unknowns (values a Terraform configuration does not give): evaluation then
    /// checks each clause for them.
    public var hasUnknowns = false

    /// Policy variables are only expanded under this version (reference §3.4).
    public var expandsVariables: Bool { version == "2012-10-17" }

    /// A range as the user reads it: in the file they wrote when the text was generated.
    public func lineRange(_ r: SourceRange) -> LineRange {
        origin?.lineRange(r) ?? source.lineRange(r)
    }

    /// "line 12" or "main.tf:12", for fix texts.
    public func lineName(_ offset: Int) -> String {
        let r = lineRange(SourceRange(start: offset, end: offset))
        return r.file.map { "\($0):\(r.line)" } ?? "line \(r.line)"
    }

    /// The text a range refers to: the user's file for a generated policy.
    public func text(of r: LineRange) -> SourceText {
        if let origin, let f = origin.file(named: r.file) { return f.text }
        return source
    }
}

public enum Effect: String, Sendable {
    case allow = "Allow"
    case deny = "Deny"
}

public struct PolicyStatement: Sendable {
    public var index: Int
    public var sid: String?
    public var effect: Effect
    public var principal: PrincipalSpec
    public var action: ActionSpec
    public var conditions: [ConditionClause]
    public var range: SourceRange
    /// `Resource`/`NotResource`: only in a resource control policy (a trust policy cannot name one).
    public var resource: ResourceSpec? = nil

    /// `statement "Sid"`, or `statement 2` without a Sid: how reports name it.
    public var name: String { sid.map { "statement \"\($0)\"" } ?? "statement \(index)" }
}

public struct ResourceSpec: Sendable {
    /// True for `NotResource`.
    public var negated: Bool
    public var patterns: [PolicyString]
    public var range: SourceRange
}

public enum PrincipalSpec: Sendable {
    /// `"Principal": "*"`
    case wildcard(SourceRange)
    case entries([PrincipalEntry], SourceRange)

    public var range: SourceRange {
        switch self {
        case .wildcard(let r), .entries(_, let r): r
        }
    }

    public var entries: [PrincipalEntry] {
        if case .entries(let e, _) = self { return e }
        return []
    }
}

public struct PrincipalEntry: Sendable {
    /// `Federated`, `AWS`, `Service` or `CanonicalUser`.
    public var type: String
    public var value: PolicyString
    /// Parsed once at read time; evaluation compares parts, never re-splits the text.
    public var arn: ARN?

    public init(type: String, value: PolicyString) {
        self.init(type: type, value: value, arn: ARN(value.text))
    }

    /// With the ARN already parsed (the reader parses each distinct text once); `arn` must be `ARN(value.text)`.
    init(type: String, value: PolicyString, arn: ARN?) {
        self.type = type
        self.value = value
        self.arn = arn
    }
}

public struct ActionSpec: Sendable {
    /// True for `NotAction`.
    public var negated: Bool
    public var patterns: [PolicyString]
    public var range: SourceRange
}

/// One `operator → key → values` entry of a `Condition` block.
public struct ConditionClause: Sendable {
    public var op: ConditionOperator
    public var operatorRange: SourceRange
    public var key: String
    /// Key names are case-insensitive (reference §1.1): folded once at read time.
    public var keyLower: String
    public var keyRange: SourceRange
    public var values: [PolicyString]
    /// From the key to the end of its values: what a report underlines.
    public var range: SourceRange
    /// The same key written earlier in this operator in another letter case (`"GITLAB.EXAMPLE.COM:SUB"`
    /// after `"gitlab.example.com:sub"`): whether IAM evaluates both or keeps one is UNCONFIRMED.
    public var caseTwinOf: String? = nil
    /// A later key of this operator is this one in another letter case.
    public var hasLaterCaseTwin = false
}
