/// The STS error line from the job log (`--sts-error`), e.g.
/// `An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized …`.
public struct ObservedError: Sendable, Hashable {
    public var code: String?
    public var message: String
    /// The API call the CLI names (`when calling the UpdateAssumeRolePolicy operation`), when it does.
    public var operation: String?

    /// In a few words, the cause of an error this tool explains from its text alone (the walk step of
    /// `observed.known-failure`); nil for the errors the diagnosis itself predicts.
    public var knownCause: String? { KnownFailure.match(self)?.summary }

    /// The line as understood: `CODE: message`.
    public var text: String { [code, message.isEmpty ? nil : message].compactMap { $0 }.joined(separator: ": ") }

    static let knownCodes = ["AccessDenied", "InvalidIdentityToken", "InvalidIdentityTokenException", "ExpiredTokenException", "ExpiredToken",
                             "ValidationError", "IDPCommunicationError", "IDPRejectedClaim", "PackedPolicyTooLarge", "RegionDisabledException", "MalformedPolicyDocument"]

    public init(_ text: String) {
        let t = text.trimmingWhitespace
        if let r = t.firstRange(of: "when calling the "), let end = t[r.upperBound...].firstRange(of: " operation") {
            let name = t[r.upperBound..<end.lowerBound]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber }) { operation = String(name) }
        }
        // `An error occurred (CODE) when calling … operation: MESSAGE`
        if let open = t.firstIndex(of: "("), let close = t[open...].firstIndex(of: ")") {
            let code = String(t[t.index(after: open)..<close])
            if !code.isEmpty, code.allSatisfy({ $0.isLetter }) {
                self.code = code
                if let colon = t[close...].firstIndex(of: ":") {
                    message = t[t.index(after: colon)...].trimmingWhitespace
                } else {
                    message = ""
                }
                return
            }
        }
        // `CODE: MESSAGE`, or a bare message
        if let colon = t.firstIndex(of: ":"), Self.knownCodes.contains(String(t[..<colon])) {
            code = String(t[..<colon])
            message = t[t.index(after: colon)...].trimmingWhitespace
            return
        }
        code = t.hasPrefix("Not authorized to perform") ? "AccessDenied" : nil
        message = t
    }

    /// STS codes as the CLI prints them and as CloudTrail may record them name the same answer.
    static func normalise(_ code: String) -> String {
        switch code {
        case "InvalidIdentityTokenException": "InvalidIdentityToken"
        case "ExpiredToken": "ExpiredTokenException"
        default: code
        }
    }

    /// Whether `predicted` (nil = credentials issued) is the answer this line reports.
    func agrees(with predicted: STSError?) -> Bool {
        guard let predicted else { return false }
        if let code, Self.normalise(code) != Self.normalise(predicted.code) { return false }
        if code == nil && !message.isEmpty && !predicted.message.hasPrefix(String(message.prefix(24))) { return false }
        // For provider lookups the message names the issuer: a different one is a different token.
        if predicted.message.hasPrefix("No OpenIDConnect provider found"), !message.isEmpty, message != predicted.message { return false }
        return true
    }
}
