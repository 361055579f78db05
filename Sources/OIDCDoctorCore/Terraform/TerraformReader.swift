/// A Terraform configuration read as Terraform would plan it, as far as trust policies go: every
/// `aws_iam_role` instance (in local modules too), the trust documents, the OIDC providers.
public struct TerraformReading: Sendable {
    public struct Role: Sendable {
        public var address: String
        public var name: String?
        /// The role's ARN as the resource gives it (the account and partition may be unknown).
        public var arn: String? = nil
        /// The policy text with where its parts came from; nil when it could not be made.
        public var policy: TFValue?
        public var maxSessionDuration: TFValue?
        public var origin: TFOrigin
        /// Why the policy could not be made (bad HCL, a value not known).
        public var problem: TFEvalError?
        /// A `data "aws_iam_policy_document"` read as the trust policy (no role in the files).
        public var isDocument: Bool
    }

    public struct Provider: Sendable {
        public var address: String
        public var arn: String?
        public var url: String?
        public var clientIDs: [String]?
        /// Where `url` and `client_id_list` are written (a provider finding points there).
        public var urlRange: LineRange? = nil
        public var clientIDsRange: LineRange? = nil
        /// The resource block, for findings about the provider as a whole.
        public var blockRange: LineRange? = nil
        /// `url` is a quoted literal (a fix can say "set url = …"), not an expression of variables.
        public var urlIsLiteral = false
        /// ` (main.tf:3)`: where the resource is written, for messages.
        public var place: String { blockRange.map { " (\($0.file ?? "?"):\($0.line))" } ?? "" }
    }

    public var files: [TFSourceFile]
    public var roles: [Role]
    public var providers: [Provider]
    /// Every `data "aws_iam_policy_document"` instance, trust document or not.
    public var documents: [Role]
    /// Files and directories the configuration refers to that were not given (the executable reads
    /// them and reads again).
    public var missing: [String]
    /// Modules from a registry or git: not fetched; their address, source and place.
    public var remoteModules: [(address: String, source: String, origin: TFOrigin)]
    public var configFileCount: Int
    /// The one `.tf` file given (`--policy main.tf`), nil for a module directory.
    public var focus: String? = nil
    /// Roles and documents whose count or for_each gave no instance ("… for_each = var.roles is empty").
    public var emptyBlocks: [String] = []

    /// `main.tf:12`
    public func place(_ o: TFOrigin) -> String {
        let p = files[o.file].text.position(of: o.range.start)
        return "\(files[o.file].path):\(p.line)"
    }
}

public enum TerraformReader {
    public static func read(_ input: TerraformFiles) throws(PolicyInvalid) -> TerraformReading {
        let config = TerraformConfig(input)
        let root = TFModuleInstance(config: config, path: ".", address: "", directory: ".")
        config.root = root
        do {
            try root.load()
            try bindRootVariables(root, config)
            var roles: [TerraformReading.Role] = []
            var documents: [TerraformReading.Role] = []
            var providers: [TerraformReading.Provider] = []
            var empty: [String] = []
            for m in try root.allInstances() {
                for key in m.resourceOrder {
                    let parts = key.split(separator: ".").map(String.init)
                    let data = parts[0] == "data"
                    let type = data ? parts[1] : parts[0], name = data ? parts[2] : parts[1]
                    guard ["aws_iam_role", "aws_iam_policy_document", "aws_iam_openid_connect_provider"].contains(type) else { continue }
                    let d = m.resources[key]!
                    let address = m.prefixed(key)
                    do {
                        let v = try m.resource(mode: data ? .data : .managed, type: type, name: name, TFOrigin(file: d.file, range: d.block.range))
                        if let n = v.unknownNames {
                            // count or for_each not known: the instances cannot be listed.
                            let problem = TFEvalError(message: "\(address): its count or for_each is not known (\(n.joined(separator: ", ")))", origin: TFOrigin(file: d.file, range: d.block.range), unknowns: n)
                            if type == "aws_iam_role" { roles.append(.init(address: address, name: nil, policy: nil, origin: TFOrigin(file: d.file, range: d.block.range), problem: problem, isDocument: false)) }
                            continue
                        }
                        // count = 0 or an empty for_each: no instance, and the user should hear why.
                        if type != "aws_iam_openid_connect_provider", v.list?.isEmpty == true || v.entries?.isEmpty == true,
                           let meta = d.block.body.attribute("for_each") ?? d.block.body.attribute("count") {
                            let text = config.sources[d.file].text
                            let written = String(decoding: text.bytes[meta.range.start..<meta.range.end], as: UTF8.self)
                            empty.append("\(address) (\(config.sources[d.file].path):\(text.position(of: d.block.range.start).line)) has no instance: \(written) is empty")
                        }
                    } catch {
                        if type == "aws_iam_role" || type == "aws_iam_policy_document" {
                            let r = TerraformReading.Role(address: address, name: nil, policy: nil, origin: TFOrigin(file: d.file, range: d.block.range), problem: error, isDocument: type != "aws_iam_role")
                            if type == "aws_iam_role" { roles.append(r) } else { documents.append(r) }
                        }
                        continue
                    }
                }
            }
            var seen: Set<String> = []
            for inst in config.instances where seen.insert(inst.address).inserted {
                let o = TFOrigin(file: inst.file, range: inst.block.range)
                switch inst.type {
                case "aws_iam_role" where inst.mode == .managed:
                    let policy = inst.value["assume_role_policy"]
                    let problem = config.roleErrors[inst.address] ?? (policy == nil ? TFEvalError(message: "\(inst.address) has no assume_role_policy", origin: o) : nil)
                    roles.append(.init(address: inst.address, name: inst.value["name"].flatMap { TFEval.stringValue($0) }, arn: inst.value["arn"]?.string,
                                       policy: problem == nil ? policy : nil, maxSessionDuration: inst.value["max_session_duration"], origin: o, problem: problem,
                                       isDocument: false))
                case "aws_iam_policy_document" where inst.mode == .data:
                    documents.append(.init(address: inst.address, name: nil, policy: inst.value["json"], origin: o, problem: nil, isDocument: true))
                case "aws_iam_openid_connect_provider" where inst.mode == .managed:
                    let ids = inst.value["client_id_list"].flatMap { v in v.list?.compactMap { TFEval.stringValue($0) } }
                    let file = config.sources[inst.file]
                    func place(_ r: SourceRange?) -> LineRange? {
                        guard let r else { return nil }
                        var l = file.text.lineRange(r)
                        l.file = file.path
                        return l
                    }
                    providers.append(.init(address: inst.address, arn: inst.value["arn"]?.string, url: inst.value["url"]?.string, clientIDs: ids,
                                           urlRange: place(inst.block.body.attribute("url")?.range),
                                           clientIDsRange: place(inst.block.body.attribute("client_id_list")?.range),
                                           blockRange: place(inst.block.range), urlIsLiteral: Self.isLiteral(inst.block.body.attribute("url")?.value)))
                default: break
                }
            }
            if let focus = input.focus {
                let inFocus = roles.filter { config.sources[$0.origin.file].path == focus }
                if !inFocus.isEmpty { roles = inFocus }
            }
            // A module's data.tf may hold trust documents but no role: each document stands for one.
            if roles.isEmpty { roles = documents.filter { doc in looksLikeTrust(doc.policy) || doc.problem != nil } }
            return TerraformReading(files: config.sources, roles: roles, providers: providers, documents: documents, missing: config.missing.sorted(),
                                    remoteModules: config.remoteModules, configFileCount: config.sources.filter { $0.path.hasSuffix(".tf") }.count,
                                    focus: input.focus, emptyBlocks: empty)
        } catch {
            throw invalid(error, config.sources)
        }
    }

    static func isLiteral(_ e: HCLExpression?) -> Bool {
        guard let e, case .template(let parts) = e.kind else { return false }
        return parts.allSatisfy { if case .literal = $0 { return true }; return false }
    }

    /// A trust document names an AssumeRole action (sts:AssumeRole…).
    static func looksLikeTrust(_ v: TFValue?) -> Bool {
        guard let t = v?.string else { return false }
        return t.contains("sts:AssumeRole")
    }

    public static func invalid(_ e: TFEvalError, _ files: [TFSourceFile]) -> PolicyInvalid {
        guard let o = e.origin, o.file < files.count else { return PolicyInvalid(message: e.message, range: nil) }
        var r = files[o.file].text.lineRange(o.range)
        r.file = files[o.file].path
        return PolicyInvalid(message: e.message, range: r)
    }

    /// Root variables: defaults, then terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json)
    /// in lexical order, then `--var` / `--var-file` in the order given (later wins).
    static func bindRootVariables(_ root: TFModuleInstance, _ config: TerraformConfig) throws(TFEvalError) {
        let auto = config.input.files.keys.filter { !$0.contains("/") && TerraformFiles.isAutoVarFile($0) }.sorted { a, b in
            func rank(_ s: String) -> Int { s == "terraform.tfvars" ? 0 : s == "terraform.tfvars.json" ? 1 : 2 }
            return rank(a) != rank(b) ? rank(a) < rank(b) : a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        for path in auto { try varFile(path, config.input.files[path]!, root, config) }
        for a in config.input.arguments {
            switch a {
            case .file(let path, let text): try varFile(path, text, root, config)
            case .variable(let name, let value): try cliVariable(name, value, root, config)
            }
        }
    }

    static func varFile(_ path: String, _ text: String, _ root: TFModuleInstance, _ config: TerraformConfig) throws(TFEvalError) {
        config.input.files[path] = text
        guard let i = config.sourceIndex(path) else { return }
        if path.hasSuffix(".json") {
            let v = try TFJSON.decode(text, .string(text, TFOrigin(file: i, range: SourceRange(start: 0, end: 0))), TFOrigin(file: i, range: SourceRange(start: 0, end: 0)))
            guard let entries = v.entries else { throw TFEvalError(message: "\(path): a .tfvars.json file holds one JSON object", origin: TFOrigin(file: i, range: SourceRange(start: 0, end: 1))) }
            for e in entries { try assign(e.key, e.value, root, TFOrigin(file: i, range: SourceRange(start: 0, end: 1))) }
            return
        }
        let body: HCLBody
        do { body = try HCLParser.parse(config.sources[i].text) } catch {
            throw TFEvalError(message: error.message, origin: TFOrigin(file: i, range: SourceRange(start: error.offset, end: error.offset + 1)))
        }
        let scope = TFScope(module: TFModuleInstance(config: config, path: ".", address: "", directory: ".", isolated: true), file: i)
        for a in body.attributes {
            try assign(a.name, try TFEval.eval(a.value, scope), root, scope.origin(a.range))
        }
    }

    static func assign(_ name: String, _ v: TFValue, _ root: TFModuleInstance, _ at: TFOrigin) throws(TFEvalError) {
        // Terraform warns about values for undeclared variables and ignores them.
        guard let decl = root.variables[name] else { return }
        root.variableValues[name] = try root.convert(v, to: decl.block.body.attribute("type")?.value, at)
    }

    /// `-var NAME=VALUE`: an HCL expression for a variable of a collection or object type, the
    /// literal text otherwise.
    static func cliVariable(_ name: String, _ value: String, _ root: TFModuleInstance, _ config: TerraformConfig) throws(TFEvalError) {
        guard let decl = root.variables[name] else {
            throw TFEvalError(message: "--var \(name)=…: the configuration declares no variable \"\(name)\"\(root.variables.isEmpty ? "" : " (it declares \(root.variables.keys.sorted().joined(separator: ", ")))")", origin: nil)
        }
        let type = decl.block.body.attribute("type")?.value
        var complex = false
        if let type {
            switch type.kind {
            case .call(let n, _, _): complex = ["list", "set", "map", "object", "tuple"].contains(n)
            case .variable("any"): complex = value.hasPrefix("[") || value.hasPrefix("{")
            default: break
            }
        }
        let path = "--var \(name)"
        config.input.files[path] = value
        guard let i = config.sourceIndex(path) else { return }
        let at = TFOrigin(file: i, range: SourceRange(start: 0, end: value.utf8.count))
        if !complex {
            root.variableValues[name] = try root.convert(.string(value, at), to: type, at)
            return
        }
        let e: HCLExpression
        do { e = try HCLParser.parseExpression(config.sources[i].text) } catch {
            throw TFEvalError(message: "--var \(name)=…: \(error.message)", origin: TFOrigin(file: i, range: SourceRange(start: error.offset, end: error.offset + 1)))
        }
        let scope = TFScope(module: TFModuleInstance(config: config, path: ".", address: "", directory: ".", isolated: true), file: i)
        root.variableValues[name] = try root.convert(try TFEval.eval(e, scope), to: type, at)
    }
}
