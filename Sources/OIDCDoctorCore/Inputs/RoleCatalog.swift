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
        }
    }
    public var maxSessionDuration: Int?
    /// Why this role's document cannot be read, when it cannot (the role is still listed).
    public var problem: String?
}

public enum RoleCatalog {
    /// What a `--policy` text turned out to be. A single document comes back parsed, so that the
    /// policy reader does not parse the same text a second time.
    enum Reading {
        case roles([RoleCandidate])
        /// One policy or get-role output; the parsed JSON when it parsed within the single-document limits.
        case single(JSONReader.Document?)
    }

    static func read(_ text: String, roleArn: String?) throws(PolicyInvalid) -> Reading {
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }  // a BOM is tolerated like white space
        guard trimmed.first == "{" else {
            // HCL never starts with `{`, so JSON input skips the (whole-text) search.
            if looksLikeHCL(text) {
                throw PolicyInvalid(message: "this is a Terraform HCL file; oidc-doctor reads the JSON Terraform writes: run `terraform show -json` (a plan or the state) and pass that file", range: nil)
            }
            if trimmed.first == nil || trimmed.first == "[" || trimmed.hasPrefix("%7B") || trimmed.hasPrefix("%7b") { return .single(nil) }
            return try CloudFormationYAML.candidates(in: text, roleArn: roleArn).map(Reading.roles) ?? .single(nil)
        }
        // Multi-role files (list-roles of a whole account) may be far larger than one policy.
        guard let doc = try? JSONReader.read(text, limits: .init(maxDepth: 256, maxBytes: 256 << 20)) else { return .single(nil) }
        let root = doc.root
        if case .array(let roles)? = root["Roles"]?.value {
            return .roles(roles.map { listRole($0, doc: doc) })
        }
        if let resources = root["Resources"]?.members {
            return .roles(cloudFormation(resources, doc: doc, roleArn: roleArn, shape: .cloudFormationJSON))
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
        let t = text.drop { $0.isWhitespace }
        return t.hasPrefix("resource \"") || t.hasPrefix("data \"") || t.hasPrefix("provider \"") || t.hasPrefix("terraform {") || t.hasPrefix("module \"")
            || text.utf8.firstRange(of: "resource \"aws_iam_role\"".utf8) != nil
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

    static func cloudFormation(_ resources: [JSONMember], doc: JSONReader.Document, roleArn: String?, shape: RoleInput.Shape) -> [RoleCandidate] {
        // `!Ref`/`!GetAtt X.Arn` of an AWS::IAM::OIDCProvider in the same template is that provider's ARN.
        var refs: [String: String] = [:]
        for r in resources where r.value["Type"]?.stringValue == "AWS::IAM::OIDCProvider" {
            guard let url = r.value["Properties"]?["Url"]?.stringValue else { continue }
            let arn = roleArn.flatMap(ARN.init)
            let host = url.hasPrefix("https://") ? String(url.dropFirst(8)) : url
            refs[r.key] = "arn:\(arn?.partition ?? "<AWS::Partition>"):iam::\(arn?.account ?? "<AWS::AccountId>"):oidc-provider/\(host)"
        }
        return resources.compactMap { r in
            guard r.value["Type"]?.stringValue == "AWS::IAM::Role" else { return nil }
            let props = r.value["Properties"]
            let name = props?["RoleName"]?.stringValue ?? r.key
            let maxDuration = props?["MaxSessionDuration"]?.intValue
            guard let node = props?["AssumeRolePolicyDocument"] else {
                return RoleCandidate(name: name, arn: nil, shape: shape, document: .text(""), maxSessionDuration: maxDuration,
                                     problem: "resource \(r.key) has no AssumeRolePolicyDocument")
            }
            let plain = node.plain
            if Intrinsics.contains(plain) {
                // Intrinsic functions are resolved (or left as a visible placeholder) in a generated document.
                let resolved = Intrinsics.resolve(plain, roleArn: roleArn, refs: refs)
                return RoleCandidate(name: name, arn: nil, shape: shape, document: .text(JSONReport.pretty(resolved) + "\n"), maxSessionDuration: maxDuration, problem: nil)
            }
            let (d, problem) = document(node, doc: doc)
            return RoleCandidate(name: name, arn: nil, shape: shape, document: d, maxSessionDuration: maxDuration, problem: problem)
        }
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

/// CloudFormation intrinsic functions inside a trust policy: `Fn::Sub` / `!Sub` with AWS::AccountId and
/// AWS::Partition from the role ARN, `Ref`, `Fn::Join`; anything unknown stays a visible `<placeholder>`.
enum Intrinsics {
    static let names: Set<String> = ["Fn::Sub", "Ref", "Fn::GetAtt", "Fn::Join", "Fn::ImportValue", "Fn::If", "Fn::Select", "Fn::Split"]

    static func contains(_ v: PlainJSON) -> Bool {
        switch v {
        case .object(let pairs): return pairs.contains { names.contains($0.key) || contains($0.value) }
        case .array(let items): return items.contains(where: contains)
        default: return false
        }
    }

    static func pseudo(_ name: String, roleArn: String?) -> String? {
        let arn = roleArn.flatMap(ARN.init)
        switch name {
        case "AWS::AccountId": return arn?.account
        case "AWS::Partition": return arn?.partition
        case "AWS::URLSuffix": return arn?.partition == "aws-cn" ? "amazonaws.com.cn" : (arn == nil ? nil : "amazonaws.com")
        default: return nil
        }
    }

    static func sub(_ template: String, vars: [String: String], roleArn: String?, refs: [String: String] = [:]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "$") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard after.first == "{", let close = after.firstIndex(of: "}") else {
                out += "$"
                rest = after
                continue
            }
            let name = String(after[after.index(after: after.startIndex)..<close])
            if name.hasPrefix("!") {
                out += "${" + name.dropFirst() + "}"  // ${!Literal} stays literal
            } else {
                out += vars[name] ?? pseudo(name, roleArn: roleArn) ?? refs[name] ?? refs[String(name.split(separator: ".").first ?? "")].flatMap { name.hasSuffix(".Arn") ? $0 : nil } ?? "<\(name)>"
            }
            rest = after[after.index(after: close)...]
        }
        return out + rest
    }

    static func resolve(_ v: PlainJSON, roleArn: String?, refs: [String: String] = [:]) -> PlainJSON {
        switch v {
        case .object(let pairs):
            if pairs.count == 1, let p = pairs.first, names.contains(p.key) {
                return .string(function(p.key, p.value, roleArn: roleArn, refs: refs))
            }
            return .object(pairs.map { .init(key: $0.key, value: resolve($0.value, roleArn: roleArn, refs: refs)) })
        case .array(let items): return .array(items.map { resolve($0, roleArn: roleArn, refs: refs) })
        default: return v
        }
    }

    /// A list argument: literal, or the result of `Fn::Split`.
    static func resolveList(_ v: PlainJSON, roleArn: String?, refs: [String: String]) -> PlainJSON {
        if case .object(let pairs) = v, pairs.count == 1, pairs[0].key == "Fn::Split", case .array(let a) = pairs[0].value, a.count == 2,
           let sep = a[0].string, !sep.isEmpty, let text = resolve(a[1], roleArn: roleArn, refs: refs).string {
            return .array(text.split(separator: sep, omittingEmptySubsequences: false).map { .string(String($0)) })
        }
        return v
    }

    static func function(_ name: String, _ arg: PlainJSON, roleArn: String?, refs: [String: String]) -> String {
        switch name {
        case "Fn::Sub":
            if case .string(let t) = arg { return sub(t, vars: [:], roleArn: roleArn, refs: refs) }
            if case .array(let items) = arg, let t = items.first?.string {
                var vars: [String: String] = [:]
                if items.count > 1, case .object(let ps) = items[1] {
                    for p in ps { vars[p.key] = resolve(p.value, roleArn: roleArn, refs: refs).string ?? "<\(p.key)>" }
                }
                return sub(t, vars: vars, roleArn: roleArn, refs: refs)
            }
        case "Ref":
            if let n = arg.string { return pseudo(n, roleArn: roleArn) ?? refs[n] ?? "<Ref \(n)>" }
        case "Fn::Join":
            if case .array(let items) = arg, items.count == 2, let sep = items[0].string, case .array(let parts) = items[1] {
                return parts.map { resolve($0, roleArn: roleArn, refs: refs).string ?? "<part>" }.joined(separator: sep)
            }
        case "Fn::GetAtt":
            let path = (arg.string.map { $0.split(separator: ".").map(String.init) }) ?? { if case .array(let items) = arg { return items.compactMap(\.string) }; return [] }()
            if path.count == 2, path[1] == "Arn", let arn = refs[path[0]] { return arn }
            return "<GetAtt \(path.joined(separator: "."))>"
        case "Fn::Select":
            // [index, [values…]]: the index may be written as a number or a string.
            if case .array(let items) = arg, items.count == 2, let i = items[0].string.flatMap({ Int($0) }) ?? (items[0].integer.map { Int($0) }),
               case .array(let list) = resolveList(items[1], roleArn: roleArn, refs: refs), list.indices.contains(i) {
                return resolve(list[i], roleArn: roleArn, refs: refs).string ?? "<Select \(i)>"
            }
        case "Fn::ImportValue":
            // Another stack's export: not in this file.
            let export = resolve(arg, roleArn: roleArn, refs: refs).string ?? "?"
            return "<ImportValue \(export)>"
        case "Fn::If":
            // The condition depends on the stack's parameters: both branches are shown.
            if case .array(let items) = arg, items.count == 3, let cond = items[0].string {
                let a = resolve(items[1], roleArn: roleArn, refs: refs).string ?? "…", b = resolve(items[2], roleArn: roleArn, refs: refs).string ?? "…"
                return "<If \(cond): \(a) | \(b)>"
            }
        default: break
        }
        return "<\(name)>"
    }
}
