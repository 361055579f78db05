/// What a CloudFormation stack is deployed with, as far as the command line says:
/// `--parameter NAME=VALUE`, `--parameters FILE`, `--condition NAME=true|false`, `--region`,
/// `--stack-name`. Whatever is not given stays unknown (or the parameter's `Default`).
public struct TemplateSettings: Sendable {
    public var parameters: [String: String] = [:]
    public var conditions: [String: Bool] = [:]
    public var region: String?
    public var stackName: String?

    /// The options these settings came from, for messages.
    var givenOptions: [String] {
        (parameters.isEmpty ? [] : ["--parameter"]) + (conditions.isEmpty ? [] : ["--condition"]) + (region == nil ? [] : ["--region"]) + (stackName == nil ? [] : ["--stack-name"])
    }

    public init(parameters: [String: String] = [:], conditions: [String: Bool] = [:], region: String? = nil, stackName: String? = nil) {
        self.parameters = parameters
        self.conditions = conditions
        self.region = region
        self.stackName = stackName
    }

    public var isEmpty: Bool { parameters.isEmpty && conditions.isEmpty && region == nil && stackName == nil }

    public struct Invalid: Error, Sendable {
        public var message: String
    }

    /// `NAME=VALUE` as `--parameter` takes it (the value may hold `=`).
    public static func pair(_ text: String, flag: String) throws(Invalid) -> (String, String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw Invalid(message: "\(flag) \(text.debugDescription): expected NAME=VALUE")
        }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }

    /// `--condition NAME=true|false`.
    public static func condition(_ text: String) throws(Invalid) -> (String, Bool) {
        let (name, value) = try pair(text, flag: "--condition")
        switch value.lowercased() {
        case "true": return (name, true)
        case "false": return (name, false)
        default: throw Invalid(message: "--condition \(text.debugDescription): the value must be true or false")
        }
    }

    /// A `--parameters` file in the shapes the AWS tools use: `[{"ParameterKey": …, "ParameterValue": …}]`
    /// (aws cloudformation create-stack), `["NAME=VALUE", …]` or `NAME=VALUE` lines
    /// (aws cloudformation deploy --parameter-overrides), `{"Parameters": {NAME: VALUE}}` (a
    /// CodePipeline template configuration) or a plain `{NAME: VALUE}` object.
    public static func parameters(file text: String, name: String) throws(Invalid) -> [(String, String)] {
        let trimmed = text.trimmingWhitespace
        guard trimmed.first == "[" || trimmed.first == "{" else {
            var out: [(String, String)] = []
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let l = line.trimmingWhitespace
                if l.isEmpty || l.hasPrefix("#") { continue }
                do { out.append(try pair(l, flag: "\(name):\(n + 1):")) } catch { throw error }
            }
            return out
        }
        let doc: JSONReader.Document
        do { doc = try JSONReader.read(text) } catch {
            throw Invalid(message: "\(name):\(error.line):\(error.column): not valid JSON: \(error.message)")
        }
        func scalar(_ n: JSONNode?) -> String? {
            switch n?.value {
            case .string(let s)?: return s
            case .number(let t)?: return t
            case .bool(let b)?: return b ? "true" : "false"
            default: return nil
            }
        }
        func place(_ n: JSONNode) -> String {
            let p = doc.text.position(of: n.range.start)
            return "\(name):\(p.line):\(p.column)"
        }
        switch doc.root.value {
        case .array(let items):
            return try items.map { item throws(Invalid) -> (String, String) in
                if let s = item.stringValue { return try pair(s, flag: place(item) + ":") }
                guard let key = item["ParameterKey"]?.stringValue else {
                    throw Invalid(message: "\(place(item)): expected {\"ParameterKey\": …, \"ParameterValue\": …} or \"NAME=VALUE\"")
                }
                guard let value = scalar(item["ParameterValue"]) else {
                    if item["UsePreviousValue"] != nil { throw Invalid(message: "\(place(item)): \(key) uses the stack's previous value, which is not in the file: give it with --parameter \(key)=VALUE") }
                    throw Invalid(message: "\(place(item)): \(key) has no ParameterValue")
                }
                return (key, value)
            }
        case .object(let members):
            let source = doc.root["Parameters"]?.members ?? members
            return try source.map { m throws(Invalid) -> (String, String) in
                guard let v = scalar(m.value) else { throw Invalid(message: "\(place(m.value)): the value of \(m.key) must be a string") }
                return (m.key, v)
            }
        default:
            throw Invalid(message: "\(name): expected a JSON array or object of parameters")
        }
    }
}
