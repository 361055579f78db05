/// What the `--policy` input held: a raw trust policy, or `aws iam get-role` output around one.
public struct RoleInput: Sendable {
    public enum Shape: String, Sendable {
        case policy = "trust policy"
        case getRole = "aws iam get-role output"
        case getRoleJSONString = "aws iam get-role output (AssumeRolePolicyDocument as a JSON string)"
        case getRoleURLEncoded = "aws iam get-role output (AssumeRolePolicyDocument URL-encoded)"
        case urlEncodedPolicy = "URL-encoded trust policy"
    }

    public var shape: Shape
    public var policy: TrustPolicy
    public var roleName: String?
    public var roleArn: String?
    public var maxSessionDuration: Int?

    /// Positions refer to `policy.source`; for string-embedded documents that is the decoded text.
    public var positionsAreInDecodedText: Bool { shape == .getRoleJSONString || shape == .getRoleURLEncoded || shape == .urlEncodedPolicy }

    public var description: String {
        var s = shape.rawValue
        if let n = roleName { s += ", role \(n)" }
        return s
    }

    public static func read(_ text: String) throws(PolicyInvalid) -> RoleInput {
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.hasPrefix("%7B") || trimmed.hasPrefix("%7b") {
            guard let decoded = percentDecode(String(trimmed).trimmingWhitespace) else {
                throw PolicyInvalid(message: "looks URL-encoded but has an invalid %-escape", range: nil)
            }
            return RoleInput(shape: .urlEncodedPolicy, policy: try PolicyParser.parse(decoded))
        }
        let doc: JSONReader.Document
        do { doc = try JSONReader.read(text) } catch {
            throw PolicyInvalid(message: "not valid JSON: \(error.message)", range: LineRange(line: error.line, column: error.column, endLine: error.line, endColumn: error.column + 1))
        }
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
            var p = try PolicyParser.parse(sub)
            p.quotaCharacters = quotaOf(doc.text.slice(docNode.range))
            input = RoleInput(shape: .getRole, policy: p)
        case .string(let s):
            let t = s.trimmingWhitespace
            if t.hasPrefix("{") {
                input = RoleInput(shape: .getRoleJSONString, policy: try prefixed(PolicyParser.parse(t), "in the AssumeRolePolicyDocument string"))
            } else if let decoded = percentDecode(t), decoded.trimmingWhitespace.hasPrefix("{") {
                input = RoleInput(shape: .getRoleURLEncoded, policy: try prefixed(PolicyParser.parse(decoded), "in the URL-decoded AssumeRolePolicyDocument"))
            } else {
                throw PolicyInvalid(message: "\"AssumeRolePolicyDocument\" is a string that is neither policy JSON nor URL-encoded policy JSON", range: doc.text.lineRange(docNode.range))
            }
        default:
            throw PolicyInvalid(message: "\"AssumeRolePolicyDocument\" must be an object or a string, not \(docNode.value.kindName)", range: doc.text.lineRange(docNode.range))
        }
        input.roleName = role["RoleName"]?.stringValue
        input.roleArn = role["Arn"]?.stringValue
        if case .number(let n)? = role["MaxSessionDuration"]?.value { input.maxSessionDuration = Int(n) }
        return input
    }

    private static func prefixed(_ parse: @autoclosure () throws(PolicyInvalid) -> TrustPolicy, _ note: String) throws(PolicyInvalid) -> TrustPolicy {
        do { return try parse() } catch {
            throw PolicyInvalid(message: "\(error.message) (\(note))", range: error.range)
        }
    }

    private init(shape: Shape, policy: TrustPolicy) {
        self.shape = shape
        self.policy = policy
    }

    static func quotaOf(_ text: String) -> Int {
        (try? PolicyParser.parse(text).quotaCharacters) ?? text.count
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
