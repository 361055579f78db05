/// An IAM OIDC identity provider as the AWS CLI shows it.
public struct OIDCProvider: Sendable, Hashable {
    /// Known, or rebuilt from the account and Url (get-open-id-connect-provider output carries no ARN).
    public var arn: String?
    /// The provider URL without `https://`, as IAM stores it.
    public var url: String?
    /// nil when the input only proves the provider exists (list-open-id-connect-providers).
    public var clientIDs: [String]?
    public var source: String

    public var arnParts: ARN? { arn.flatMap(ARN.init) }

    /// The URL part of the ARN (`…:oidc-provider/<url>`), or the Url field.
    public var effectiveURL: String? {
        if let u = url { return u }
        guard let a = arnParts, a.resource.hasPrefix("oidc-provider/") else { return nil }
        return String(a.resource.dropFirst("oidc-provider/".count))
    }

    public struct ReadError: Error, Sendable { public var message: String }

    /// Reads one `--provider` input; may hold several providers (a list).
    /// `account`/`partition` rebuild the ARN for get-open-id-connect-provider output.
    public static func read(_ text: String, source: String, partition: String?, account: String?) throws(ReadError) -> [OIDCProvider] {
        let doc: JSONReader.Document
        do { doc = try JSONReader.read(text) } catch {
            throw ReadError(message: "not valid JSON: line \(error.line), column \(error.column): \(error.message)")
        }
        let root = doc.root.plain
        if case .array(let list)? = root["OpenIDConnectProviderList"] {
            return list.compactMap { item in
                item["Arn"]?.string.map { OIDCProvider(arn: $0, url: nil, clientIDs: nil, source: source + " (list-open-id-connect-providers: existence only)") }
            }
        }
        guard case .object = root else { throw ReadError(message: "expected a JSON object (aws iam get-open-id-connect-provider or list-open-id-connect-providers output)") }
        let arn = root["Arn"]?.string ?? root["OpenIDConnectProviderArn"]?.string
        var url = root["Url"]?.string
        if let u = url, u.hasPrefix("https://") { url = String(u.dropFirst(8)) }
        guard arn != nil || url != nil else {
            throw ReadError(message: "no \"Url\" or \"Arn\": this is not aws iam get-open-id-connect-provider output")
        }
        var clientIDs: [String]?
        if case .array(let ids)? = root["ClientIDList"] { clientIDs = ids.compactMap(\.string) } else if root["ClientIDList"] == nil { clientIDs = [] }
        var finalArn = arn
        if finalArn == nil, let u = url, let account {
            finalArn = "arn:\(partition ?? "aws"):iam::\(account):oidc-provider/\(u)"
        }
        return [OIDCProvider(arn: finalArn, url: url, clientIDs: clientIDs, source: source)]
    }
}

/// `arn:partition:service:region:account:resource`, split for comparisons.
public struct ARN: Sendable, Hashable {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    public init?(_ text: String) {
        guard text.hasPrefix("arn:") else { return nil }
        let parts = text.utf8.split(separator: 0x3A, maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        partition = String(Substring(parts[1]))
        service = String(Substring(parts[2]))
        region = String(Substring(parts[3]))
        account = String(Substring(parts[4]))
        resource = String(Substring(parts[5]))
    }

    public var text: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    /// The AWS partitions an IAM ARN can name.
    public static let partitions: Set<String> = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]

    /// Twelve digits: anything else (a wildcard, eight digits, empty) names no account.
    public static func isAccountID(_ s: String) -> Bool {
        s.utf8.count == 12 && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// What keeps this ARN from naming an IAM OIDC provider of some account, field by field; nil
    /// when it is well-formed.
    public var malformedField: String? {
        if !ARN.partitions.contains(partition) { return "its partition \(partition.debugDescription) is not an AWS partition (aws, aws-cn, aws-us-gov, …)" }
        if service != "iam" { return "its service field is \(service.debugDescription), not \"iam\"" }
        if !region.isEmpty { return "it has a region field (\(region.debugDescription)); IAM ARNs have none: arn:\(partition):iam::\(account):\(resource)" }
        if !ARN.isAccountID(account) { return "its account field \(account.debugDescription) is not a 12-digit account ID" }
        return nil
    }
}
