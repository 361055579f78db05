/// Finds the roles in the files admins actually have: `aws iam list-roles` output, CloudFormation
/// templates, `terraform show -json` plans and state, `*.tf.json`. Each role's trust policy is handed
/// on as text, with positions in the original file where the document is written out there.
public struct RoleCandidate: Sendable {
    public var name: String
    public var arn: String?
    public var shape: RoleInput.Shape
    /// The policy document: text of its own, or a region of the original file.
    public enum Document: Sendable {
        case text(String)
        case region(SourceText, SourceRange)
        /// A template role, read with the stack's settings (or why it cannot be).
        case template(Result<RoleInput, PolicyInvalid>)
    }
    public var document: Document
    public var positionsInOriginal: Bool { if case .region = document { return true }; return false }

    /// The text to parse. With `keepPositions`, a region becomes the whole file with everything else
    /// blanked, so positions are the file's own; otherwise just the region (cheap, for many roles).
    public func documentText(keepPositions: Bool) -> String {
        switch document {
        case .text(let t): return t
        case .region(let source, let range):
            return keepPositions ? RoleCatalog.blanked(source, keeping: range) : source.slice(range)
        case .template: return ""
        }
    }
    public var maxSessionDuration: Int?
    /// Why this role's document cannot be read, when it cannot (the role is still listed).
    public var problem: String?
    /// A template role's `RoleName`, when it sets one (`name` is then its logical id).
    public var roleName: String? = nil
}

public enum RoleCatalog {
    /// What a `--policy` text turned out to be. A single document comes back parsed, so that the
    /// policy reader does not parse the same text a second time.
    enum Reading {
        case roles([RoleCandidate])
        /// One policy or get-role output; the parsed JSON when it parsed within the single-document limits.
        case single(JSONReader.Document?)
    }

    static func read(_ text: String, roleArn: String?, template settings: TemplateSettings = .init()) throws(PolicyInvalid) -> Reading {
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }  // a BOM is tolerated like white space
        guard trimmed.first == "{" else {
            if trimmed.first == nil || trimmed.first == "[" || trimmed.hasPrefix("%7B") || trimmed.hasPrefix("%7b") { return .single(nil) }
            // Files that are not policies at all get the advice that fits them, before any YAML error.
            if let refusal = InputRefusal.refusal(for: text) { throw PolicyInvalid(message: refusal, range: nil) }
            let root = try TemplateYAML.read(text)
            guard root["Resources"]?.members != nil else {
                throw PolicyInvalid(message: "YAML without \"Resources\": not a CloudFormation template (a trust policy must be JSON)", range: nil)
            }
            let template = Template(root: root, source: SourceText(text), shape: .cloudFormationYAML, settings: settings, roleArn: roleArn)
            try template.checkSettings()
            return .roles(template.candidates())
        }
        // Multi-role files (list-roles of a whole account) may be far larger than one policy.
        guard let doc = try? JSONReader.read(text, limits: .init(maxDepth: 256, maxBytes: 256 << 20)) else { return .single(nil) }
        let root = doc.root
        if case .array(let roles)? = root["Roles"]?.value {
            return .roles(roles.map { listRole($0, doc: doc) })
        }
        if root["Resources"]?.members != nil {
            let template = Template(root: root, source: doc.text, shape: .cloudFormationJSON, settings: settings, roleArn: roleArn)
            try template.checkSettings()
            return .roles(template.candidates())
        }
        if root["planned_values"] != nil || root["values"]?["root_module"] != nil {
            return .roles(terraform(root, shape: root["planned_values"] != nil ? .terraformPlan : .terraformState))
        }
        if let tfRoles = root["resource"]?["aws_iam_role"]?.members {
            return .roles(tfRoles.map { terraformJSONRole($0) })
        }
        // A single document keeps the single-document size limit (its error comes from the re-read).
        return .single(doc.text.bytes.count <= JSONReader.Limits().maxBytes ? doc : nil)
    }

    static func looksLikeHCL(_ text: String) -> Bool {
        guard !InputRefusal.isTextPlan(text) else { return false }
        return InputRefusal.startsWithHCLBlock(text) || text.utf8.firstRange(of: "resource \"aws_iam_role\"".utf8) != nil
    }

    /// The original text with every byte outside `range` blanked (line breaks kept): parsing it gives
    /// positions that are the file's own lines and columns.
    static func blanked(_ text: SourceText, keeping range: SourceRange) -> String {
        var bytes = text.bytes
        for i in bytes.indices where (i < range.start || i >= range.end) && bytes[i] != 0x0A && bytes[i] != 0x0D {
            bytes[i] = 0x20
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A document given as an object (positions kept), a JSON string, or a URL-encoded string.
    static func document(_ node: JSONNode?, doc: JSONReader.Document) -> (RoleCandidate.Document, problem: String?) {
        guard let node else { return (.text(""), "no trust policy document") }
        switch node.value {
        case .object: return (.region(doc.text, node.range), nil)
        case .string(let s):
            let t = s.trimmingWhitespace
            if t.hasPrefix("{") { return (.text(t), nil) }
            if let decoded = RoleInput.percentDecode(t), decoded.trimmingWhitespace.hasPrefix("{") { return (.text(decoded), nil) }
            return (.text(t), "the trust policy is a string that is neither policy JSON nor URL-encoded policy JSON")
        default:
            return (.text(""), "the trust policy is \(node.value.kindName), not a policy")
        }
    }

    static func listRole(_ node: JSONNode, doc: JSONReader.Document) -> RoleCandidate {
        let (d, problem) = document(node["AssumeRolePolicyDocument"], doc: doc)
        return RoleCandidate(name: node["RoleName"]?.stringValue ?? "(unnamed)", arn: node["Arn"]?.stringValue, shape: .listRoles,
                             document: d, maxSessionDuration: node["MaxSessionDuration"]?.intValue, problem: problem)
    }

    static func terraform(_ root: JSONNode, shape: RoleInput.Shape) -> [RoleCandidate] {
        var out: [RoleCandidate] = []
        func walk(_ module: JSONNode?) {
            guard let module else { return }
            if case .array(let resources)? = module["resources"]?.value {
                for r in resources where r["type"]?.stringValue == "aws_iam_role" && r["mode"]?.stringValue != "data" {
                    let v = r["values"]
                    let name = v?["name"]?.stringValue ?? r["address"]?.stringValue ?? "(unnamed)"
                    let maxDuration = v?["max_session_duration"]?.intValue
                    let policy = v?["assume_role_policy"]?.stringValue
                    out.append(RoleCandidate(name: name, arn: v?["arn"]?.stringValue, shape: shape, document: .text(policy ?? ""),
                                             maxSessionDuration: maxDuration,
                                             problem: policy == nil ? "\(r["address"]?.stringValue ?? name): assume_role_policy is not known yet (computed at apply time)" : nil))
                }
            }
            if case .array(let children)? = module["child_modules"]?.value { children.forEach(walk) }
        }
        walk(root["planned_values"]?["root_module"] ?? root["values"]?["root_module"])
        return out
    }

    static func terraformJSONRole(_ m: JSONMember) -> RoleCandidate {
        let name = m.value["name"]?.stringValue ?? m.key
        let policy = m.value["assume_role_policy"]?.stringValue ?? ""
        let expression = policy.hasPrefix("${")
        return RoleCandidate(name: name, arn: nil, shape: .terraformJSON, document: .text(policy), maxSessionDuration: nil,
                             problem: expression ? "aws_iam_role.\(m.key): assume_role_policy is a Terraform expression; run `terraform show -json` to get its value" : (policy.isEmpty ? "aws_iam_role.\(m.key) has no assume_role_policy" : nil))
    }
}
