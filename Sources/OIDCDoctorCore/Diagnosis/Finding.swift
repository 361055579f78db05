/// One thing the diagnosis found, located in the policy where it has a place.
public struct Finding: Sendable {
    public var id: FindingID
    public var severity: Severity
    public var title: String
    public var detail: String
    /// The smallest change of policy, provider or job that lets this token through; nil for notes.
    public var fix: String?
    public var statement: Int?
    public var sid: String?
    public var op: String?
    public var key: String?
    public var values: [String]?
    public var claim: String?
    public var range: LineRange?
    public var compare: Comparison?
    /// The fix as a text edit of the policy, where one edit is enough.
    public var edit: PolicyEdit?
    /// The STS answer when this finding decides the outcome.
    public var stsError: STSError?
    /// The UNCONFIRMED points whose other reading changes what this finding says decides.
    public var undocumented: [Readings.Point] = []

    public init(_ id: FindingID, _ severity: Severity, detail: String, fix: String? = nil, stsError: STSError? = nil) {
        self.id = id
        self.severity = severity
        self.title = id.title
        self.detail = detail
        self.fix = fix
        self.stsError = stsError
    }
}

/// `policy expects` over `token has`, with the first differing character and `sub` component by component.
public struct Comparison: Sendable, Hashable {
    public struct Component: Sendable, Hashable {
        public var name: String
        public var expected: String?
        public var actual: String?
        public var matches: Bool
    }

    public var expected: String
    public var actual: String
    /// Character index into `actual`/`expected` where they part; nil when they do not differ textually.
    public var differsAt: Int?
    public var components: [Component]
}

public struct WalkStep: Sendable, Hashable {
    public enum Status: String, Sendable {
        case pass, fail, warn, skip
    }
    public var step: String
    public var status: Status
    public var summary: String
}
