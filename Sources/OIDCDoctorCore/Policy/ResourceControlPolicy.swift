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
            throw PolicyInvalid(message: "not valid JSON: \(error.message)", range: LineRange(line: error.line, column: error.column, endLine: error.line, endColumn: error.column + 1))
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

/// One RCP statement against this call.
public struct RCPStatementResult: Sendable {
    public var statement: PolicyStatement
    public var actionMatched: Bool
    /// nil when the role ARN is not known and the statement names specific resources.
    public var resourceMatched: Bool?
    public var conditions: [ConditionResult]

    /// A Deny that refuses the call; an unknown resource counts as matching (the finding says so).
    public var denies: Bool {
        statement.effect == .deny && actionMatched && resourceMatched != false && conditions.allSatisfy(\.result)
    }
}

extension PolicyEvaluator {
    /// The statements of an RCP for `action` on the role. Allow statements never refuse anything: the
    /// organization's RCPFullAWSAccess allows every call (reference §5.3).
    public static func evaluate(_ rcp: ResourceControlPolicy, action: String, roleArn: String?, context: RequestContext) -> [RCPStatementResult] {
        rcp.policy.statements.map { s in
            var resource: Bool? = true
            if let spec = s.resource {
                let wildcardOnly = spec.patterns.allSatisfy { $0.text == "*" }
                if let roleArn {
                    // Resource ARNs match with `*`/`?`, case-sensitively.
                    let any = spec.patterns.contains { Wildcard.matches(roleArn, pattern: $0.text) }
                    resource = spec.negated ? !any : any
                } else if !wildcardOnly {
                    resource = nil
                } else {
                    resource = !spec.negated
                }
            }
            let conds = s.conditions.map { ConditionEvaluator.evaluate($0, statement: s.index, context: context, expandVariables: rcp.policy.expandsVariables) }
            return RCPStatementResult(statement: s, actionMatched: actionMatches(s.action, action), resourceMatched: resource, conditions: conds)
        }
    }
}
