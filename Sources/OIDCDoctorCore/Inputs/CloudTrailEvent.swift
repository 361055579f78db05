/// A CloudTrail `AssumeRoleWithWebIdentity` event instead of the token: iss, aud and sub are rebuilt
/// from what CloudTrail records; nothing else of the token is ever logged (reference §7.3).
public struct CloudTrailEvent: Sendable {
    public var token: IDToken
    public var roleArn: String?
    public var eventTime: String?
    public var errorCode: String?
    public var errorMessage: String?

    /// The limits stated in every report built from an event.
    public static let limits = "rebuilt from a CloudTrail event: only iss, aud and sub are known (CloudTrail never logs the token); exp, the signature and every other claim are unknown, and what a failed event records is itself undocumented"

    /// nil when the text is not a CloudTrail event (or a `Records` file holding one).
    public static func read(_ text: String) -> CloudTrailEvent? {
        // Decoded claims are JSON objects too: only a text naming the event is parsed as one.
        guard text.utf8.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{"),
              ASCII.contains(text, "\"AssumeRoleWithWebIdentity\""),
              let root = try? JSONReader.read(text, limits: .init(maxDepth: 64, maxBytes: 16 << 20)).root.plain else { return nil }
        var event = root
        if case .array(let records)? = root["Records"] {
            guard let e = records.first(where: { $0["eventName"]?.string == "AssumeRoleWithWebIdentity" }) else { return nil }
            event = e
        }
        guard event["eventName"]?.string == "AssumeRoleWithWebIdentity" else { return nil }
        let identity = event["userIdentity"]
        let response = event["responseElements"]
        let provider = identity?["identityProvider"]?.string ?? response?["provider"]?.string
        var host: String?
        if let p = provider {
            if let arn = ARN(p), arn.resource.hasPrefix("oidc-provider/") { host = String(arn.resource.dropFirst("oidc-provider/".count)) } else { host = p }
        }
        let sub = response?["subjectFromWebIdentityToken"]?.string ?? identity?["userName"]?.string
        var aud = response?["audience"]?.string
        // principalId is `<provider>:<aud>:<sub>`: the audience sits between the two.
        if aud == nil, let pid = identity?["principalId"]?.string, let provider, let sub, pid.hasPrefix(provider + ":"), pid.hasSuffix(":" + sub) {
            let middle = pid.dropFirst(provider.count + 1).dropLast(sub.count + 1)
            if !middle.isEmpty { aud = String(middle) }
        }
        var claims: [PlainJSON.Pair] = []
        if let host { claims.append(.init(key: "iss", value: .string("https://" + host))) }
        if let sub { claims.append(.init(key: "sub", value: .string(sub))) }
        if let aud { claims.append(.init(key: "aud", value: .string(aud))) }
        var token = IDToken(header: .object([]), claims: .object(claims))
        token.claimsOnly = true
        return CloudTrailEvent(token: token, roleArn: event["requestParameters"]?["roleArn"]?.string, eventTime: event["eventTime"]?.string,
                               errorCode: event["errorCode"]?.string, errorMessage: event["errorMessage"]?.string)
    }
}
