import Yams

/// CloudFormation templates in YAML: the short-form tags (`!Sub`, `!Ref`, `!GetAtt`, `!Join`, …) become
/// their `Fn::` forms, then the roles are found exactly as in a JSON template.
enum CloudFormationYAML {
    static func candidates(in text: String, roleArn: String?) throws(PolicyInvalid) -> [RoleCandidate]? {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw PolicyInvalid(message: "neither JSON nor YAML: \(String(describing: error).split(separator: "\n").first ?? "")", range: nil)
        }
        guard let root = node, case .mapping = root else {
            throw PolicyInvalid(message: "not JSON, and as YAML not a mapping: expected a trust policy, aws iam output, a CloudFormation template or terraform show -json output", range: nil)
        }
        let plain = convert(root)
        guard case .object(let resources)? = plain["Resources"] else {
            throw PolicyInvalid(message: "YAML without \"Resources\": not a CloudFormation template (a trust policy must be JSON)", range: nil)
        }
        // Reuse the JSON template walk on a JSON rendering of the converted template.
        let json = JSONReport.pretty(.object([.init(key: "Resources", value: .object(resources))]))
        guard let doc = try? JSONReader.read(json), let members = doc.root["Resources"]?.members else { return [] }
        return RoleCatalog.cloudFormation(members, doc: doc, roleArn: roleArn, shape: .cloudFormationYAML).map { c in
            var c = c
            // Positions in the YAML file cannot be kept: the policy is shown as generated JSON.
            if case .region(let source, let range) = c.document {
                c.document = .text(JSONReport.pretty((try? JSONReader.read(source.slice(range)).root.plain) ?? .null) + "\n")
            }
            return c
        }
    }

    static let shortForms: [String: String] = [
        "!Sub": "Fn::Sub", "!Ref": "Ref", "!GetAtt": "Fn::GetAtt", "!Join": "Fn::Join", "!If": "Fn::If", "!Select": "Fn::Select",
        "!ImportValue": "Fn::ImportValue", "!Base64": "Fn::Base64", "!FindInMap": "Fn::FindInMap", "!Split": "Fn::Split", "!Equals": "Fn::Equals",
    ]

    static func convert(_ node: Node) -> PlainJSON {
        let tag = node.tag.description
        let value: PlainJSON
        switch node {
        case .scalar(let s):
            if let fn = shortForms[tag] {
                // `!GetAtt Role.Arn` is the short form of `Fn::GetAtt: [Role, Arn]`.
                if fn == "Fn::GetAtt" { return .object([.init(key: fn, value: .array(s.string.split(separator: ".", maxSplits: 1).map { .string(String($0)) }))]) }
                return .object([.init(key: fn, value: .string(s.string))])
            }
            switch tag {
            case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float": value = .number(s.string)
            case "tag:yaml.org,2002:bool": value = .bool(["true", "yes", "on"].contains(s.string.lowercased()))
            case "tag:yaml.org,2002:null": value = .null
            default: value = .string(s.string)  // timestamps such as 2012-10-17 stay text
            }
        case .mapping(let m):
            value = .object(m.compactMap { k, v in k.scalar.map { PlainJSON.Pair(key: $0.string, value: convert(v)) } })
        case .sequence(let seq):
            value = .array(seq.map(convert))
        }
        if let fn = shortForms[tag] { return .object([.init(key: fn, value: value)]) }
        return value
    }
}
