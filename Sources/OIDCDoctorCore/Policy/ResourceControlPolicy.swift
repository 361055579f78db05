/// An AWS Organizations resource control policy (`--rcp`). RCPs apply to STS, so an explicit Deny in one
/// refuses AssumeRoleWithWebIdentity whatever the trust policy says (reference §5.3). SCPs do not: the
/// web identity caller is not a principal of the organization.
public struct ResourceControlPolicy: Sendable {
    /// The policy's name from describe-policy output, else the input's name.
    public var name: String
    public var policy: TrustPolicy
    /// Positions refer to `policy.source`: the decoded `Content` string for describe-policy output.
    public var positionsAreInDecodedText: Bool

    /// A raw RCP, or `aws organizations describe-policy` output around one.
    public static func read(_ text: String, source: String) throws(PolicyInvalid) -> ResourceControlPolicy {
        let doc: JSONReader.Document
        do { doc = try JSONReader.read(text) } catch {
            throw PolicyInvalid(notJSON: error)
        }
        guard let wrapper = doc.root["Policy"], wrapper["Content"] != nil || wrapper["PolicySummary"] != nil else {
            return ResourceControlPolicy(name: source, policy: try PolicyParser.parse(doc, kind: .resourceControl), positionsAreInDecodedText: false)
        }
        let summary = wrapper["PolicySummary"]
        let name = summary?["Name"]?.stringValue ?? source
        if let type = summary?["Type"]?.stringValue, type != "RESOURCE_CONTROL_POLICY" {
            throw PolicyInvalid(message: "policy \(name) is a \(type), not a RESOURCE_CONTROL_POLICY; only RCPs govern AssumeRoleWithWebIdentity (the web identity caller is not a principal of the organization, so SCPs do not apply)", range: doc.text.lineRange(summary!.range))
        }
        guard let content = wrapper["Content"]?.stringValue else {
            throw PolicyInvalid(message: "describe-policy output without a \"Content\" string", range: doc.text.lineRange(wrapper.range))
        }
        do {
            return ResourceControlPolicy(name: name, policy: try PolicyParser.parse(content, kind: .resourceControl), positionsAreInDecodedText: true)
        } catch {
            throw PolicyInvalid(message: "\(error.message) (in the Content string of policy \(name))", range: error.range)
        }
    }
}
