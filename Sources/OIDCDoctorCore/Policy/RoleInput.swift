/// What the `--policy` input held: a raw trust policy, or `aws iam get-role` output around one.
public struct RoleInput: Sendable {
    public enum Shape: String, Sendable {
        case policy = "trust policy"
        case getRole = "aws iam get-role output"
        case getRoleJSONString = "aws iam get-role output (AssumeRolePolicyDocument as a JSON string)"
        case getRoleURLEncoded = "aws iam get-role output (AssumeRolePolicyDocument URL-encoded)"
        case urlEncodedPolicy = "URL-encoded trust policy"
        case listRoles = "aws iam list-roles output"
        case cloudFormationJSON = "CloudFormation JSON"
        case cloudFormationYAML = "CloudFormation YAML"
        case terraformPlan = "Terraform plan (terraform show -json)"
        case terraformState = "Terraform state (terraform show -json)"
        case terraformJSON = "Terraform JSON (*.tf.json)"
        case terraformHCL = "Terraform"
    }

    public var shape: Shape
    public var policy: TrustPolicy
    public var roleName: String?
    public var roleArn: String?
    public var maxSessionDuration: Int?

    /// Positions refer to `policy.source`; for string-embedded or generated documents that is not the file given.
    public var positionsAreInDecodedText: Bool = false

    /// For Terraform: the role's resource address (`module.ci.aws_iam_role.this["deploy"]`).
    public var address: String?
    /// What was read, when the shape's name alone does not say it ("Terraform module, 3 files, role …").
    public var summary: String?
    /// The OIDC providers the same input creates (a template's `AWS::IAM::OIDCProvider`), which
    /// stand for `--provider` when none is given.
    public var providers: [DiagnosisRequest.Input] = []

    /// One way the template's undecided conditions can go, and the trust policy it gives.
    public struct Branch: Sendable {
        public var conditions: [String: Bool]
        public var policy: TrustPolicy
    }
    /// Every reading of a template role whose `Fn::If` rests on conditions nothing decides (the
    /// first is `policy`); empty otherwise.
    public var branches: [Branch] = []
    public var openConditions: [String] = []
    /// Where the first of them is used (its `Fn::If`).
    public var openConditionRange: LineRange?

    public var description: String {
        if let summary { return summary }
        var s = shape.rawValue
        if let n = roleName { s += ", \(shape == .cloudFormationJSON || shape == .cloudFormationYAML ? "resource" : "role") \(n)" }
        return s
    }

    /// Reads any accepted shape. Files holding several roles need `role` (a role or resource name);
    /// without it the error lists them.
    public static func read(_ text: String, role: String?, roleArn: String?, template: TemplateSettings = .init()) throws(PolicyInvalid) -> RoleInput {
        let candidates: [RoleCandidate]
        switch try contents(text, roleArn: roleArn, template: template) {
        case .roles(let roles): candidates = roles
        case .single(let input): return input
        }
        let shapeName = candidates.first?.shape.rawValue ?? "this file"
        if candidates.isEmpty { throw PolicyInvalid(message: "\(shapeName) holds no IAM role (no AWS::IAM::Role / aws_iam_role)", range: nil) }
        let chosen: RoleCandidate
        if let role {
            // A logical id, a RoleName or an ARN: whichever the user has at hand.
            guard let c = candidates.first(where: { $0.name == role }) ?? candidates.first(where: { $0.roleName == role })
                ?? candidates.first(where: { $0.arn == role }) ?? candidates.first(where: { $0.arn.flatMap(ARN.init)?.resource.split(separator: "/").last.map(String.init) == role }) else {
                var e = PolicyInvalid(message: "--role \(role.debugDescription): no such role in this \(shapeName); it holds: \(names(candidates))", range: nil)
                e.wrongRole = true
                throw e
            }
            chosen = c
        } else if candidates.count == 1 {
            chosen = candidates[0]
        } else {
            // Which role to diagnose is the user's choice: a usage error, like a wrong --role.
            var e = PolicyInvalid(message: "this \(shapeName) holds \(candidates.count) roles; pick one with --role NAME: \(names(candidates))", range: nil)
            e.wrongRole = true
            throw e
        }
        return try input(from: chosen, keepPositions: true)
    }

    /// What a file holds: several roles, or one policy (get-role output) already read — the text is
    /// parsed once either way.
    public enum Contents {
        case roles([RoleCandidate])
        case single(RoleInput)
    }

    /// `roleByRole` (audit): list-roles output is read one role at a time, each document's positions
    /// its own; `check` reads the file whole, so that a finding points at the file's own line.
    public static func contents(_ text: String, roleArn: String?, template: TemplateSettings = .init(), roleByRole: Bool = false) throws(PolicyInvalid) -> Contents {
        if roleByRole, let roles = ListRolesSplitter.candidates(text) { return .roles(roles) }
        switch try RoleCatalog.read(text, roleArn: roleArn, template: template) {
        case .roles(let roles): return .roles(roles)
        case .single(let doc?): return .single(try read(doc))
        case .single(nil): return .single(try read(text))
        }
    }

    /// One role of a multi-role file, read on its own (`audit`: positions need not be the file's).
    public static func read(_ candidate: RoleCandidate) throws(PolicyInvalid) -> RoleInput {
        try input(from: candidate, keepPositions: false)
    }

    static func names(_ cs: [RoleCandidate]) -> String {
        let shown = cs.prefix(20).map { c in c.name + (c.roleName.map { $0 == c.name ? "" : " (RoleName \($0))" } ?? "") }.joined(separator: ", ")
        return cs.count > 20 ? shown + ", … (\(cs.count - 20) more)" : shown
    }

    static func input(from c: RoleCandidate, keepPositions: Bool) throws(PolicyInvalid) -> RoleInput {
        if let problem = c.problem { throw PolicyInvalid(message: "\(c.name): \(problem)", range: nil) }
        if case .template(let result) = c.document { return try result.get() }
        var r: RoleInput
        do { r = RoleInput(shape: c.shape, policy: try PolicyParser.parse(c.documentText(keepPositions: keepPositions))) } catch {
            throw PolicyInvalid(message: "role \(c.name): \(error.message)\(c.positionsInOriginal ? "" : " (in its trust policy document)")", range: error.range)
        }
        r.roleName = c.name
        r.roleArn = c.arn
        r.maxSessionDuration = c.maxSessionDuration
        r.positionsAreInDecodedText = !(c.positionsInOriginal && keepPositions)
        return r
    }

    public static func read(_ text: String) throws(PolicyInvalid) -> RoleInput {
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.hasPrefix("%7B") || trimmed.hasPrefix("%7b") {
            guard let decoded = percentDecode(String(trimmed).trimmingWhitespace) else {
                throw PolicyInvalid(message: "looks URL-encoded but has an invalid %-escape", range: nil)
            }
            var r = RoleInput(shape: .urlEncodedPolicy, policy: try PolicyParser.parse(decoded))
            r.positionsAreInDecodedText = true
            return r
        }
        let doc: JSONReader.Document
        do { doc = try JSONReader.read(text) } catch {
            throw PolicyInvalid(notJSON: error)
        }
        return try read(doc)
    }

    /// A parsed single document: a raw policy or get-role output.
    static func read(_ doc: JSONReader.Document) throws(PolicyInvalid) -> RoleInput {
        let role = doc.root["Role"] ?? (doc.root["AssumeRolePolicyDocument"] != nil ? doc.root : nil)
        guard let role else {
            return RoleInput(shape: .policy, policy: try PolicyParser.parse(doc))
        }
        guard let docNode = role["AssumeRolePolicyDocument"] else {
            throw PolicyInvalid(message: "this looks like aws iam get-role output but has no \"AssumeRolePolicyDocument\"", range: doc.text.lineRange(role.range))
        }
        var input: RoleInput
        switch docNode.value {
        case .object:
            let sub = JSONReader.Document(root: docNode, duplicates: doc.duplicates.filter { $0.second.start >= docNode.range.start && $0.second.end <= docNode.range.end }, text: doc.text, hadByteOrderMark: false)
            input = RoleInput(shape: .getRole, policy: try PolicyParser.parse(sub))
        case .string(let s):
            let t = s.trimmingWhitespace
            if t.hasPrefix("{") {
                input = RoleInput(shape: .getRoleJSONString, policy: try prefixed(PolicyParser.parse(t), "in the AssumeRolePolicyDocument string"))
                input.positionsAreInDecodedText = true
            } else if let decoded = percentDecode(t), decoded.trimmingWhitespace.hasPrefix("{") {
                input = RoleInput(shape: .getRoleURLEncoded, policy: try prefixed(PolicyParser.parse(decoded), "in the URL-decoded AssumeRolePolicyDocument"))
                input.positionsAreInDecodedText = true
            } else {
                throw PolicyInvalid(message: "\"AssumeRolePolicyDocument\" is a string that is neither policy JSON nor URL-encoded policy JSON", range: doc.text.lineRange(docNode.range))
            }
        default:
            throw PolicyInvalid(message: "\"AssumeRolePolicyDocument\" must be an object or a string, not \(docNode.value.kindName)", range: doc.text.lineRange(docNode.range))
        }
        input.roleName = role["RoleName"]?.stringValue
        input.roleArn = role["Arn"]?.stringValue
        input.maxSessionDuration = role["MaxSessionDuration"]?.intValue
        return input
    }

    private static func prefixed(_ parse: @autoclosure () throws(PolicyInvalid) -> TrustPolicy, _ note: String) throws(PolicyInvalid) -> TrustPolicy {
        do { return try parse() } catch {
            throw PolicyInvalid(message: "\(error.message) (\(note))", range: error.range)
        }
    }

    init(terraform policy: TrustPolicy, summary: String) {
        self.init(shape: .terraformHCL, policy: policy)
        self.summary = summary
        // Edits apply to the rendered JSON, not yet to the .tf text.
        positionsAreInDecodedText = true
    }

    init(template policy: TrustPolicy, shape: Shape) {
        self.init(shape: shape, policy: policy)
    }

    private init(shape: Shape, policy: TrustPolicy) {
        self.shape = shape
        self.policy = policy
    }

    /// RFC 3986 percent-decoding; `+` stays a plus, as IAM's encoding never uses it for spaces.
    static func percentDecode(_ s: String) -> String? {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                guard i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) else { return nil }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        var s = Substring(self)
        s = s.drop { $0.isWhitespace }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
