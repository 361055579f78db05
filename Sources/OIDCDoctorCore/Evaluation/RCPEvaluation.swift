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
