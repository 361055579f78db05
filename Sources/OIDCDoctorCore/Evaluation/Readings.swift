/// The points where AWS's behaviour is UNCONFIRMED (reference, marked so) and the engine has to
/// pick a reading. The engine's readings are `.engine`; a diagnosis also evaluates the other
/// reading of each point, and an answer that changes with it is labelled "AWS behaviour
/// undocumented" with the point that moves it — computed, not listed by case.
public struct Readings: Sendable, Hashable {
    public enum Point: String, CaseIterable, Sendable, Codable {
        /// `"Principal": "*"` / `{"AWS": "*"}` admits a web identity caller (reference §5.1).
        case wildcardPrincipalMatches = "\"Principal\": \"*\" admits a web identity caller"
        /// aws:CurrentTime, aws:EpochTime, aws:SourceIp … are in this call's context (reference §1.3).
        case unconfirmedKeysPresent = "global keys such as aws:CurrentTime are present in this call"
        /// A condition with an empty value list: positive never matches, negated always matches.
        case emptyValueListEvaluated = "an empty value list is evaluated (positive never matches), not ignored"
        /// A negated plain operator (no ForAnyValue/ForAllValues) on a multi-valued key is true.
        case negatedPlainOnMultiValuedIsTrue = "a negated plain operator on a multi-valued key is true"
        /// An operator name in another letter case (`stringequals`) is taken as the operator.
        case operatorCaseAccepted = "an operator written in another letter case is accepted"
        /// One key written twice in one operator in two letter cases: both conditions apply.
        case caseTwinKeysBothApply = "a condition key written twice in two letter cases is evaluated twice"
        /// A policy variable with no value under a negated operator: its value matches nothing, so
        /// the negation holds (reference §3.4 documents only the positive operators).
        /// ArnNotEquals/ArnNotLike on a value that is not an ARN: it matches no ARN, so the negation
        /// holds (reference §3.5 documents only that the positive operators never match).
        case nonARNNegatedHolds = "an ARN operator's negation holds for a value that is not an ARN"
        /// An aud with several values: any element may match the client IDs, and :aud is multi-valued.
        case multiAudAsSet = "an aud with several values is read as a set (any element may match)"
        case missingVariableNegatedHolds = "a policy variable with no value under a negated operator matches nothing, so the negation holds"

        /// What the other reading says, for texts.
        public var otherReading: String {
            switch self {
            case .wildcardPrincipalMatches: "if \"*\" does not admit a web identity caller"
            case .unconfirmedKeysPresent: "if those keys are absent from AssumeRoleWithWebIdentity"
            case .emptyValueListEvaluated: "if a condition with no values is ignored"
            case .negatedPlainOnMultiValuedIsTrue: "if that condition is false"
            case .operatorCaseAccepted: "if an operator in another letter case matches nothing"
            case .caseTwinKeysBothApply: "if only the last spelling counts"
            case .missingVariableNegatedHolds: "if such a statement does not take effect"
            case .multiAudAsSet: "if only its first element counts"
            case .nonARNNegatedHolds: "if an ARN operator on a non-ARN is false either way"
            }
        }
    }

    /// The points read the other way.
    public var flipped: Set<Point> = []

    /// The engine's readings (the ones the reference leans to).
    public static let engine = Readings()

    public static func other(_ p: Point) -> Readings { Readings(flipped: [p]) }

    public func holds(_ p: Point) -> Bool { !flipped.contains(p) }
}
