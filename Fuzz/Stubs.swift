// The fuzz build compiles the engine with swiftc alone, without the packages: the two files that
// need them (Yams, swift-crypto) are replaced by these. Never part of `swift build`.

/// YAML templates are not read in the fuzz build: every non-JSON text is "not valid JSON".
enum CloudFormationYAML {
    static func candidates(in text: String, roleArn: String?) throws(PolicyInvalid) -> [RoleCandidate]? { nil }
}

/// Signatures are not checked in the fuzz build (a JWKS input is still read and matched by kid).
public enum SignatureCheck {
    public struct Outcome: Sendable {
        public var status: SignatureStatus
        public var detail: String
    }

    public static func verify(_ token: IDToken, with jwks: JWKS) -> Outcome {
        Outcome(status: .unverified, detail: "not checked in the fuzz build")
    }
}
