/// How to give each kind of template unknown, for `input.unresolved`.
enum TemplateAdvice {
    static func advice(_ name: String) -> String? {
        switch name {
        case Template.Stack.account:
            return "<\(name)> is AWS::AccountId, the account the stack is deployed in: give --role-arn arn:aws:iam::ACCOUNT:role/NAME"
        case Template.Stack.partition:
            return "<\(name)> is AWS::Partition, the stack's partition: give --role-arn, or --region"
        case Template.Stack.region:
            return "<\(name)> is AWS::Region, the stack's region: give --region"
        case Template.Stack.name:
            return "<\(name)> is AWS::StackName: give --stack-name"
        default: break
        }
        if name.hasPrefix("parameter ") {
            let p = name.dropFirst(10)
            return "<\(name)> has no Default and no value: give --parameter \(p)=VALUE (or --parameters FILE)"
        }
        if name.hasPrefix("RoleName of ") {
            return "<\(name)> is a name CloudFormation generates (no RoleName set): give --role-arn with the deployed role's ARN"
        }
        if name.hasSuffix("(custom resource output)") {
            return "<\(name)> is a custom resource's output, made at deploy time: pass the deployed role's aws iam get-role output instead"
        }
        if name.hasPrefix("ImportValue ") {
            return "<\(name)> is another stack's export: give it as a literal, or pass the deployed role's aws iam get-role output"
        }
        if name.hasPrefix("GetAtt ") || name.hasPrefix("Ref ") {
            return "<\(name)> is known only once the stack is deployed: pass the deployed role's aws iam get-role output instead"
        }
        if name.hasSuffix(" result") || name.hasSuffix("(condition)") {
            return "<\(name)> is computed by CloudFormation from values not given here: pass the deployed role's aws iam get-role output instead"
        }
        return nil
    }
}
