/// The answer STS gives: code and message, as the job log shows them.
public struct STSError: Sendable, Hashable {
    public var code: String
    public var message: String

    static func accessDenied() -> STSError { STSError(code: "AccessDenied", message: "Not authorized to perform sts:AssumeRoleWithWebIdentity") }
    static func invalidToken(_ m: String) -> STSError { STSError(code: "InvalidIdentityToken", message: m) }
    static func validation(_ m: String) -> STSError { STSError(code: "ValidationError", message: m) }
}

public enum Severity: String, Sendable, Comparable {
    case error, warning, info

    public static func < (a: Severity, b: Severity) -> Bool {
        let order: [Severity] = [.error, .warning, .info]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// Every finding the engine can report (DESIGN §4). Ids are a contract: add, never rename.
public enum FindingID: String, Sendable, CaseIterable {
    case requestSessionName = "request.session-name"
    case requestDuration = "request.duration"
    case tokenMalformed = "token.malformed"
    case tokenMissingClaim = "token.missing-claim"
    case tokenUnsupportedAlg = "token.unsupported-alg"
    case providerMissing = "provider.missing"
    case providerAudience = "provider.audience"
    case tokenSignatureInvalid = "token.signature-invalid"
    case tokenUnknownKey = "token.unknown-key"
    case tokenExpired = "token.expired"
    case statementExplicitDeny = "statement.explicit-deny"
    case principalMismatch = "principal.mismatch"
    case actionMismatch = "action.mismatch"
    case conditionWildcardNeedsLike = "condition.wildcard-needs-like"
    case conditionCaseMismatch = "condition.case-mismatch"
    case conditionRefMismatch = "condition.ref-mismatch"
    case conditionProjectMismatch = "condition.project-mismatch"
    case conditionUnsupportedKey = "condition.unsupported-key"
    case conditionKeyPrefix = "condition.key-prefix"
    case conditionAudienceMismatch = "condition.audience-mismatch"
    case conditionNegatedMatch = "condition.negated-match"
    case conditionValueMismatch = "condition.value-mismatch"
    case sessionTagSession = "session.tag-session"
    case trustNoSubCondition = "trust.no-sub-condition"
    case trustBroadSubPattern = "trust.broad-sub-pattern"
    case trustAlwaysTrueCondition = "trust.always-true-condition"
    case trustForAllValuesSingleValued = "trust.forallvalues-single-valued"
    case policyInvalid = "policy.invalid"
    case policyDuplicateKey = "policy.duplicate-key"
    case policySize = "policy.size"
    case tokenAudMultiple = "token.aud-multiple"
    case tokenExpiring = "token.expiring"
    case tokenNotYetValid = "token.not-yet-valid"
    case tokenUnverified = "token.unverified"
    case observedDisagrees = "observed.disagrees"
    // Added after DESIGN §4's first table:
    /// `"Principal": "*"` lets the call through only if AWS matches web identities with it: undocumented.
    case principalWildcard = "principal.wildcard"
    /// The token carries `https://aws.amazon.com/source_identity` but the policy does not allow sts:SetSourceIdentity.
    case sessionSetSourceIdentity = "session.set-source-identity"
    /// A provider or JWKS input that cannot be read (the policy has `policy.invalid`).
    case inputInvalid = "input.invalid"
    /// The `--sts-error` text names a failure whose cause lies outside token, policy and provider
    /// (the issuer's network or TLS, the job's script, the role ARN): explained from the text alone.
    case observedKnownFailure = "observed.known-failure"
    /// An explicit Deny in a resource control policy given with `--rcp` applies to this call.
    case rcpExplicitDeny = "rcp.explicit-deny"
    /// DESIGN §8: the decision depends on a value the inputs do not give.
    case inputUnresolved = "input.unresolved"
    /// DESIGN §8: `audit` found no witness job the role admits (issue 8).
    case trustNeverAssumable = "trust.never-assumable"

    /// Findings of `audit` alone: they speak of every job, not of the token at hand.
    public static let auditOnly: Set<FindingID> = [.trustNeverAssumable]

    public var title: String {
        switch self {
        case .requestSessionName: "RoleSessionName is not valid"
        case .requestDuration: "DurationSeconds is out of range"
        case .tokenMalformed: "the token is not a well-formed JWT"
        case .tokenMissingClaim: "the token lacks a claim STS requires"
        case .tokenUnsupportedAlg: "the token's signing algorithm is not one STS accepts"
        case .providerMissing: "no IAM OIDC provider matches the token's issuer"
        case .providerAudience: "the token's audience is not in the provider's client IDs"
        case .tokenSignatureInvalid: "the signature does not verify"
        case .tokenUnknownKey: "the token's signing key is not in the key set"
        case .tokenExpired: "the token has expired"
        case .statementExplicitDeny: "a Deny statement applies"
        case .principalMismatch: "no Allow statement trusts this token's provider"
        case .actionMismatch: "the provider is trusted, but not for sts:AssumeRoleWithWebIdentity"
        case .conditionWildcardNeedsLike: "a wildcard under StringEquals is taken literally"
        case .conditionCaseMismatch: "the value differs only in letter case"
        case .conditionRefMismatch: "the job's branch or tag is not the one the policy allows"
        case .conditionProjectMismatch: "the job's project is not the one the policy allows"
        case .conditionUnsupportedKey: "the condition key is never in the request context"
        case .conditionKeyPrefix: "the condition key names another provider"
        case .conditionAudienceMismatch: "the audience condition does not match the token"
        case .conditionNegatedMatch: "a negated condition excludes this token"
        case .conditionValueMismatch: "a condition does not match the token"
        case .sessionTagSession: "the token carries session tags but sts:TagSession is not allowed"
        case .trustNoSubCondition: "no effective sub restriction: any project on the instance can assume the role"
        case .trustBroadSubPattern: "the sub pattern admits more than one project or ref"
        case .trustAlwaysTrueCondition: "this condition is always true: the restriction is an illusion"
        case .trustForAllValuesSingleValued: "a set operator on a single-valued key"
        case .policyInvalid: "the trust policy is not valid"
        case .policyDuplicateKey: "the same JSON key appears twice in one object"
        case .policySize: "the trust policy exceeds the default size quota"
        case .tokenAudMultiple: "aud holds several values: AWS behaviour undocumented"
        case .tokenExpiring: "the token is at the edge of its lifetime"
        case .tokenNotYetValid: "the token is not yet valid at the time checked"
        case .tokenUnverified: "the signature was not checked"
        case .observedDisagrees: "the error from the job log differs from the prediction"
        case .principalWildcard: "\"Principal\": \"*\" in a trust policy: AWS behaviour undocumented"
        case .sessionSetSourceIdentity: "the token sets a source identity but sts:SetSourceIdentity is not allowed"
        case .inputInvalid: "an input cannot be read"
        case .observedKnownFailure: "the error from the job log has a known cause outside the trust policy"
        case .rcpExplicitDeny: "a resource control policy of the organization denies the call"
        case .inputUnresolved: "the decision depends on a value the inputs do not give"
        case .trustNeverAssumable: "no GitLab job can assume this role"
        }
    }
}
