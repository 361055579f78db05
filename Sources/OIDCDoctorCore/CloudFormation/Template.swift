/// A CloudFormation template (JSON or YAML, CDK synth output included) with the stack settings it is
/// read with: its parameters, conditions, mappings and resources, and what follows from them before
/// deploy — the ARNs of the OIDC providers and roles it creates.
public struct Template: Sendable {
    let root: JSONNode
    let source: SourceText
    let shape: RoleInput.Shape
    let settings: TemplateSettings
    /// `--role-arn`: its account and partition are the stack's.
    let roleArn: ARN?
    let parameters: [String: JSONNode]
    let resources: [String: Resource]
    let resourceOrder: [String]
    let conditions: [String: JSONNode]?
    let mappings: JSONNode?
    private(set) var providerARNs: [String: String] = [:]
    private(set) var roleNames: [String: String] = [:]

    struct Resource: Sendable {
        var type: String
        var node: JSONNode
        var properties: JSONNode? { node["Properties"] }
    }

    /// Unknowns of the stack itself (names without `:`, which would cut an ARN apart).
    enum Stack {
        static let account = "stack account"
        static let partition = "stack partition"
        static let region = "stack region"
        static let name = "stack name"
        static let pseudo: [String: String] = [
            "AWS::AccountId": account, "AWS::Partition": partition, "AWS::Region": region, "AWS::StackName": name,
            "AWS::URLSuffix": "stack URL suffix", "AWS::StackId": "stack id", "AWS::NotificationARNs": "stack notification ARNs",
        ]
    }

    static let functions: Set<String> = [
        "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If", "Fn::FindInMap", "Fn::ImportValue", "Fn::Base64",
        "Fn::GetAZs", "Fn::Cidr", "Fn::Transform", "Fn::ToJsonString", "Fn::Length", "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not",
    ]
    static let providerTypes: Set<String> = ["AWS::IAM::OIDCProvider", "Custom::AWSCDKOpenIdConnectProvider"]

    init(root: JSONNode, source: SourceText, shape: RoleInput.Shape, settings: TemplateSettings, roleArn: String?) {
        self.root = root
        self.source = source
        self.shape = shape
        self.settings = settings
        self.roleArn = roleArn.flatMap(ARN.init)
        var params: [String: JSONNode] = [:]
        for m in root["Parameters"]?.members ?? [] { params[m.key] = m.value }
        parameters = params
        var res: [String: Resource] = [:]
        var order: [String] = []
        for m in root["Resources"]?.members ?? [] {
            guard let type = m.value["Type"]?.stringValue else { continue }
            if res[m.key] == nil { order.append(m.key) }
            res[m.key] = Resource(type: type, node: m.value)
        }
        resources = res
        resourceOrder = order
        var conds: [String: JSONNode] = [:]
        for m in root["Conditions"]?.members ?? [] { conds[m.key] = m.value }
        conditions = conds
        mappings = root["Mappings"]
        // Providers first (their URL refers to parameters, not to roles), then role names.
        var arns: [String: String] = [:]
        for id in order where Self.providerTypes.contains(res[id]!.type) {
            var e = TemplateEvaluator(self)
            guard let url = res[id]!.properties?["Url"], let v = try? e.value(url), let u = v.string else { continue }
            let host = u.hasPrefix("https://") ? String(u.dropFirst(8)) : u
            arns[id] = "arn:\(pseudoOrMarker("AWS::Partition")):iam::\(pseudoOrMarker("AWS::AccountId")):oidc-provider/\(host)"
        }
        providerARNs = arns
        var names: [String: String] = [:]
        for id in order where res[id]!.type == "AWS::IAM::Role" {
            var e = TemplateEvaluator(self)
            guard let n = res[id]!.properties?["RoleName"], let v = try? e.value(n), let s = v.string else { continue }
            names[id] = s
        }
        roleNames = names
    }

    /// A pseudo parameter's value when the settings give it.
    func pseudo(_ name: String) -> String? {
        switch name {
        case "AWS::AccountId": return roleArn?.account
        case "AWS::Partition": return roleArn?.partition ?? settings.region.map(Self.partition(ofRegion:))
        case "AWS::Region": return settings.region
        case "AWS::StackName": return settings.stackName
        case "AWS::URLSuffix": return pseudo("AWS::Partition").map { $0 == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com" }
        default: return nil
        }
    }

    /// The partition a region belongs to, by AWS's region naming (cn-, us-gov-, us-iso-, …).
    static func partition(ofRegion region: String) -> String {
        let prefixes = [("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-isob-", "aws-iso-b"), ("us-iso-", "aws-iso"), ("eu-isoe-", "aws-iso-e"), ("us-isof-", "aws-iso-f")]
        return prefixes.first { region.hasPrefix($0.0) }?.1 ?? "aws"
    }

    func pseudoOrMarker(_ name: String) -> String { pseudo(name) ?? Unknowns.marker([Stack.pseudo[name] ?? name]) }

    struct Parameter {
        var name: String
        var node: JSONNode
        var given: String?
        var isList: Bool { (node["Type"]?.stringValue).map { $0 == "CommaDelimitedList" || $0.hasPrefix("List<") } ?? false }

        func value(_ here: TFOrigin) -> TFValue {
            let text: String?
            var origin = here
            if let given {
                text = given
            } else if let d = node["Default"] {
                origin = TFOrigin(file: 0, range: d.range)
                switch d.value {
                case .string(let s): text = s
                case .number(let t): text = t
                case .bool(let b): text = b ? "true" : "false"
                default: text = nil
                }
            } else {
                text = nil
            }
            guard let text else { return .unknown(["parameter \(name)"], here) }
            if isList {
                return TFValue(.list(text.split(separator: ",", omittingEmptySubsequences: false).map { .string($0.trimmingWhitespace, origin) }), origin: origin)
            }
            return .string(text, origin)
        }

        /// How the reading got its value, in words ("its default \"g/p\"").
        var said: String {
            if let given { return "\(name) = \(given.debugDescription) (given)" }
            if let d = node["Default"] {
                if case .string(let s) = d.value { return "\(name) = its default \(s.debugDescription)" }
                if case .number(let t) = d.value { return "\(name) = its default \(t)" }
            }
            return "\(name) has no value (give --parameter \(name)=…)"
        }
    }

    func parameter(_ name: String) -> Parameter? {
        guard let node = parameters[name] else { return nil }
        return Parameter(name: name, node: node, given: settings.parameters[name])
    }

    func providerARN(_ id: String) -> String? { providerARNs[id] }
    func roleName(_ id: String) -> String? { roleNames[id] }

    /// A role's ARN: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`, the name unknown when
    /// CloudFormation generates it.
    func roleARN(_ id: String) -> String? {
        guard let r = resources[id], r.type == "AWS::IAM::Role" else { return nil }
        var path = "/"
        if let p = r.properties?["Path"]?.stringValue { path = p }
        let name = roleNames[id] ?? Unknowns.marker(["RoleName of \(id)"])
        return "arn:\(pseudoOrMarker("AWS::Partition")):iam::\(pseudoOrMarker("AWS::AccountId")):role\(path)\(name)"
    }

    /// Where a scalar's text sits in the template byte for byte (quotes excluded), when it does.
    func exactRange(_ n: JSONNode, _ s: String) -> SourceRange? {
        let b = source.bytes
        let r = n.range
        guard r.start >= 0, r.end <= b.count, r.start <= r.end else { return nil }
        let text = s.utf8
        if r.end - r.start == text.count, b[r.start..<r.end].elementsEqual(text) { return r }
        if r.end - r.start == text.count + 2, b[r.start] == 0x22 || b[r.start] == 0x27, b[(r.start + 1)..<(r.end - 1)].elementsEqual(text) {
            return SourceRange(start: r.start + 1, end: r.end - 1)
        }
        return nil
    }

    /// A resource's `Condition`: false when it is known not to be created.
    func isCreated(_ id: String) -> Bool? {
        guard let name = resources[id]?.node["Condition"]?.stringValue else { return true }
        var e = TemplateEvaluator(self)
        return try? e.condition(name, at: resources[id]!.node)
    }

    /// Parameters and conditions given that the template does not declare: CloudFormation refuses
    /// such a stack ("Parameters: [X] do not exist in the template"); so does oidc-doctor.
    func checkSettings() throws(PolicyInvalid) {
        let conditionNames = Set(root["Conditions"]?.members?.map(\.key) ?? [])
        let strangers = settings.parameters.keys.filter { parameters[$0] == nil }.sorted().map { "--parameter \($0)" }
            + settings.conditions.keys.filter { !conditionNames.contains($0) }.sorted().map { "--condition \($0)" }
        guard !strangers.isEmpty else { return }
        let declared = parameters.keys.sorted()
        var e = PolicyInvalid(message: "\(strangers.joined(separator: ", ")): not in the template (it declares \(declared.isEmpty ? "no parameters" : "parameters " + declared.joined(separator: ", "))\(conditionNames.isEmpty ? "" : "; conditions " + conditionNames.sorted().joined(separator: ", ")))", range: nil)
        e.usageFix = "give only names the template declares (CloudFormation refuses others); names are case-sensitive"
        throw e
    }
}
