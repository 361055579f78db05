/// One instance of a module: the root, or a local `module` block (once per count/for_each key),
/// with its variables bound. Locals, resources and outputs are evaluated on first use, once.
final class TFModuleInstance: @unchecked Sendable {
    enum Mode: String { case managed, data }

    struct Declared {
        var block: HCLBlock
        var file: Int
    }

    /// Unowned: the configuration holds its modules (root, instances), and lives for the whole read.
    unowned let config: TerraformConfig
    /// `path.module`: the module's directory relative to the root.
    let path: String
    /// `""` for the root, else `module.ci` / `module.ci["a"]` (nested: `module.a.module.b`).
    let address: String
    let directory: String
    let isolated: Bool

    var variables: [String: Declared] = [:]
    var variableValues: [String: TFValue] = [:]
    /// Variables whose validation blocks were checked (once, on first use).
    var validated: Set<String> = []
    var invalidVariables: [String: TFEvalError] = [:]
    var locals: [String: (expr: HCLExpression, file: Int, range: SourceRange)] = [:]
    var resources: [String: Declared] = [:]
    var resourceOrder: [String] = []
    var modules: [String: Declared] = [:]
    var moduleOrder: [String] = []
    var outputs: [String: (expr: HCLExpression, file: Int)] = [:]
    var awsProvider: Declared?

    private var localCache: [String: TFValue] = [:]
    private var resourceCache: [String: TFValue] = [:]
    private var moduleCache: [String: TFValue] = [:]
    /// Child module instances made so far, by their address.
    var children: [(address: String, instance: TFModuleInstance)] = []
    private var inProgress: Set<String> = []

    init(config: TerraformConfig, path: String, address: String, directory: String, isolated: Bool = false) {
        self.config = config
        self.path = path
        self.address = address
        self.directory = directory
        self.isolated = isolated
    }

    func prefixed(_ local: String) -> String { address.isEmpty ? local : "\(address).\(local)" }

    /// Reads the module's `.tf` files. A directory with none is recorded as missing.
    func load() throws(TFEvalError) {
        let files = config.moduleFiles(directory)
        if files.isEmpty { config.missing.insert(directory) }
        for f in files {
            guard let (file, body) = try config.parse(f) else { continue }
            for a in body.attributes {
                throw TFEvalError(message: "\(a.name) = … at the top level of a .tf file: Terraform expects blocks here (resource, data, variable, locals, module, output…)", origin: TFOrigin(file: file, range: a.range))
            }
            for b in body.blocks {
                let d = Declared(block: b, file: file)
                let at = TFOrigin(file: file, range: b.range)
                switch b.type {
                case "variable":
                    guard b.labels.count == 1 else { throw TFEvalError(message: "a variable block takes one label, its name", origin: at) }
                    variables[b.labels[0]] = d
                case "locals":
                    for a in b.body.attributes { locals[a.name] = (a.value, file, a.range) }
                case "resource", "data":
                    guard b.labels.count == 2 else { throw TFEvalError(message: "a \(b.type) block takes two labels, its type and name", origin: at) }
                    let key = "\(b.type == "data" ? "data." : "")\(b.labels[0]).\(b.labels[1])"
                    if resources[key] == nil { resourceOrder.append(key) }
                    resources[key] = d
                case "module":
                    guard b.labels.count == 1 else { throw TFEvalError(message: "a module block takes one label, its name", origin: at) }
                    if modules[b.labels[0]] == nil { moduleOrder.append(b.labels[0]) }
                    modules[b.labels[0]] = d
                case "output":
                    if b.labels.count == 1, let v = b.body.attribute("value") { outputs[b.labels[0]] = (v.value, file) }
                case "provider" where b.labels == ["aws"] && b.body.attribute("alias") == nil:
                    awsProvider = d  // the default aws provider: its region is data.aws_region's
                default:
                    break  // terraform, other providers, moved, import, check…: nothing a trust policy reads
                }
            }
        }
    }

    func scope(_ file: Int) -> TFScope { TFScope(module: self, file: file) }

    // MARK: variables

    func variable(_ name: String, _ at: TFOrigin) throws(TFEvalError) -> TFValue {
        if isolated { throw TFEvalError(message: "var.\(name): a template sees only the variables passed to templatefile()", origin: at) }
        let v = try boundVariable(name, at)
        // Checked once; a failure stands for every later read too (the first may be in a try()).
        if validated.insert(name).inserted {
            do { try validate(name, v) } catch { invalidVariables[name] = error }
        }
        if let e = invalidVariables[name] { throw e }
        return v
    }

    /// A variable's `validation` blocks, as `terraform plan` checks them: a condition that is
    /// false stops Terraform with its error_message, so no policy is made from that value. A
    /// condition that is unknown, or that oidc-doctor cannot evaluate, does not decide.
    func validate(_ name: String, _ v: TFValue) throws(TFEvalError) {
        guard v.unknowns.isEmpty, let d = variables[name] else { return }
        for check in d.block.body.blocks("validation") {
            guard let c = check.body.attribute("condition"), let r = try? TFEval.eval(c.value, scope(d.file)),
                  case .bool(false) = r.kind else { continue }
            let message = check.body.attribute("error_message").flatMap { try? TFEval.eval($0.value, scope(d.file)) }.flatMap(TFEval.stringValue)
            var e = TFEvalError(message: "\(prefixed("var.\(name)")) fails its validation\(message.map { ": " + $0.debugDescription } ?? "") (terraform plan stops here: Invalid value for variable); give a value that passes with --var \(name)=… or --var-file",
                                origin: TFOrigin(file: d.file, range: c.range))
            e.fatal = true
            throw e
        }
    }

    func boundVariable(_ name: String, _ at: TFOrigin) throws(TFEvalError) -> TFValue {
        if let v = variableValues[name] { return v }
        guard let d = variables[name] else {
            throw TFEvalError(message: "var.\(name) is not declared in this module (no variable \"\(name)\" block)", origin: at)
        }
        if let def = d.block.body.attribute("default") {
            let v = try convert(try TFEval.eval(def.value, scope(d.file)), to: d.block.body.attribute("type")?.value, at)
            variableValues[name] = v
            return v
        }
        // No default and no value: the decision may still not depend on it.
        let v = TFValue.unknown([prefixed("var.\(name)")], at)
        variableValues[name] = v
        return v
    }

    /// A variable's value converted to its declared type, as far as the policy shape depends on it.
    func convert(_ v: TFValue, to type: HCLExpression?, _ at: TFOrigin) throws(TFEvalError) -> TFValue {
        guard let type else { return v }
        if v.unknownNames != nil || v.isNull { return v }
        switch type.kind {
        case .variable("string"):
            guard let s = TFEval.stringValue(v) else { throw TFEvalError(message: "expected a string for this variable, found \(v.typeName)", origin: v.origin ?? at) }
            var out = v
            out.kind = .string(s)
            return out
        case .variable("number"):
            return TFValue(.number(try TFEval.number(v, at)), origin: v.origin)
        case .variable("bool"):
            return try TFEval.convertBool(v, at)
        case .call("set", let args, _) where args.count == 1:
            var out = v
            out.kind = .list(try TFFunctions.set(try TFEval.elements(v, at).map { (x) throws(TFEvalError) in try convert(x, to: args[0], at) }, at))
            return out
        case .call("list", let args, _) where args.count == 1:
            var out = v
            out.kind = .list(try TFEval.elements(v, at).map { (x) throws(TFEvalError) in try convert(x, to: args[0], at) })
            return out
        case .call("map", let args, _) where args.count == 1:
            guard let e = v.entries else { throw TFEvalError(message: "expected a map for this variable, found \(v.typeName)", origin: v.origin ?? at) }
            var out = v
            out.kind = .object(try e.map { (x) throws(TFEvalError) in var y = x; y.value = try convert(x.value, to: args[0], at); return y })
            return out
        case .call("object", let args, _) where args.count == 1:
            guard case .object(let items) = args[0].kind, var e = v.entries else { return v }
            for item in items {
                let key = TFEval.identifierText(item.key)
                var attrType: HCLExpression? = item.value
                var fallback: HCLExpression?
                if case .call("optional", let o, _) = item.value.kind {
                    attrType = o.first
                    fallback = o.count > 1 ? o[1] : nil
                }
                if let i = e.firstIndex(where: { $0.key == key }) {
                    e[i].value = try convert(e[i].value, to: attrType, at)
                } else if let fallback {
                    e.append(TFEntry(key: key, value: try TFEval.eval(fallback, TFScope(module: self, file: at.file))))
                } else if case .call("optional", _, _) = item.value.kind {
                    e.append(TFEntry(key: key, value: .null))
                }
            }
            return .object(e, origin: v.origin)
        default:
            return v
        }
    }

    // MARK: locals

    func local(_ name: String, _ at: TFOrigin) throws(TFEvalError) -> TFValue {
        if let v = localCache[name] { return v }
        guard let l = locals[name] else { throw TFEvalError(message: "local.\(name) is not defined in this module (no \(name) = … in a locals block)", origin: at) }
        let key = "local.\(name)"
        guard !inProgress.contains(key) else {
            throw TFEvalError(message: "a cycle: local.\(name) refers to itself (through \(inProgress.sorted().joined(separator: ", ")))", origin: TFOrigin(file: l.file, range: l.range))
        }
        inProgress.insert(key)
        defer { inProgress.remove(key) }
        let v = try TFEval.eval(l.expr, scope(l.file))
        localCache[name] = v
        return v
    }

    // MARK: resources

    /// What `TYPE.NAME` (or `data.TYPE.NAME`) evaluates to: one instance object, a list (count) or a
    /// map (for_each) of them.
    func resource(mode: Mode, type: String, name: String, _ at: TFOrigin) throws(TFEvalError) -> TFValue {
        if isolated { throw TFEvalError(message: "a template cannot refer to resources", origin: at) }
        let key = "\(mode == .data ? "data." : "")\(type).\(name)"
        if let v = resourceCache[key] { return v }
        guard let d = resources[key] else {
            throw TFEvalError(message: "\(key) is not declared in this module", origin: at)
        }
        guard !inProgress.contains(key) else {
            throw TFEvalError(message: "a cycle: \(key) refers to itself", origin: TFOrigin(file: d.file, range: d.block.range))
        }
        inProgress.insert(key)
        defer { inProgress.remove(key) }
        let v = try instances(of: d, address: prefixed(key)) { (inst, scope, addr) throws(TFEvalError) in
            try TFResources.object(mode: mode, type: type, block: inst, scope: scope, address: addr)
        }
        resourceCache[key] = v
        return v
    }

    /// The instances of a block with `count` or `for_each` (or the one instance without).
    func instances(of d: Declared, address: String, _ make: (HCLBlock, TFScope, String) throws(TFEvalError) -> TFValue) throws(TFEvalError) -> TFValue {
        let body = d.block.body
        let s = scope(d.file)
        if let c = body.attribute("count") {
            let cv = try TFEval.eval(c.value, s)
            if let n = cv.unknownNames { return .unknown(n, s.origin(c.value.range)) }
            let n = try TFEval.number(cv, s.origin(c.value.range))
            guard n >= 0, n == n.rounded(), n <= 10_000 else { throw TFEvalError(message: "count = \(TFEval.format(n)): Terraform needs a whole number ≥ 0 (oidc-doctor reads up to 10,000 instances)", origin: s.origin(c.value.range)) }
            var items: [TFValue] = []
            for k in 0..<Int(n) {
                items.append(try make(d.block, s.binding(["count": .object([TFEntry(key: "index", value: TFValue(.number(Double(k))))])]), "\(address)[\(k)]"))
            }
            return TFValue(.list(items), origin: s.origin(d.block.range))
        }
        if let f = body.attribute("for_each") {
            let fv = try TFEval.eval(f.value, s)
            if let n = fv.unknownNames { return .unknown(n, s.origin(f.value.range)) }
            var entries: [TFEntry] = []
            switch fv.kind {
            case .object(let e):
                entries = e
            case .list(let l):
                // A set of strings: each.key and each.value are the element.
                for x in try TFFunctions.set(l, s.origin(f.value.range)) {
                    guard let k = x.string else { throw TFEvalError(message: "for_each needs a map or a set of strings; this set holds \(x.typeName)", origin: s.origin(f.value.range)) }
                    entries.append(TFEntry(key: k, value: x, keyOrigin: x.origin))
                }
            default:
                throw TFEvalError(message: "for_each needs a map or a set of strings, found \(fv.typeName)", origin: s.origin(f.value.range))
            }
            guard entries.count <= 10_000 else { throw TFEvalError(message: "for_each over \(entries.count) elements: oidc-doctor reads up to 10,000 instances", origin: s.origin(f.value.range)) }
            var out: [TFEntry] = []
            for e in entries {
                let each = TFValue.object([TFEntry(key: "key", value: .string(e.key, e.keyOrigin)), TFEntry(key: "value", value: e.value)])
                out.append(TFEntry(key: e.key, value: try make(d.block, s.binding(["each": each]), "\(address)[\(TFJSON.quote(e.key))]")))
            }
            return .object(out, origin: s.origin(d.block.range))
        }
        return try make(d.block, s, address)
    }

    // MARK: modules

    func moduleOutputs(_ name: String, _ at: TFOrigin) throws(TFEvalError) -> TFValue {
        if isolated { throw TFEvalError(message: "a template cannot refer to modules", origin: at) }
        if let v = moduleCache[name] { return v }
        guard let d = modules[name] else { throw TFEvalError(message: "module.\(name) is not declared in this module", origin: at) }
        let key = "module.\(name)"
        guard !inProgress.contains(key) else { throw TFEvalError(message: "a cycle: module.\(name) refers to itself", origin: TFOrigin(file: d.file, range: d.block.range)) }
        inProgress.insert(key)
        defer { inProgress.remove(key) }
        let v = try instances(of: d, address: prefixed(key)) { (block, scope, addr) throws(TFEvalError) in
            try self.child(block, scope, address: addr).outputsValue()
        }
        moduleCache[name] = v
        return v
    }

    /// Makes (or finds) the child instance for a module block in a scope that binds count/each.
    func child(_ block: HCLBlock, _ scope: TFScope, address: String) throws(TFEvalError) -> TFModuleInstance {
        if let c = children.first(where: { $0.address == address }) { return c.instance }
        let at = scope.origin(block.range)
        guard let src = block.body.attribute("source") else { throw TFEvalError(message: "module \(block.labels.first ?? "") has no source", origin: at) }
        let sv = try TFEval.eval(src.value, scope)
        guard let source = sv.string else { throw TFEvalError(message: "a module source must be a literal string", origin: scope.origin(src.value.range)) }
        let local = source.hasPrefix("./") || source.hasPrefix("../")
        let depth = address.ranges(of: "module.").count
        let instance: TFModuleInstance
        if local {
            guard depth <= TerraformConfig.maxModuleDepth else {
                throw TFEvalError(message: "modules nested more than \(TerraformConfig.maxModuleDepth) deep (does a module include itself?)", origin: at)
            }
            let dir = TerraformFiles.join(directory, source)
            instance = TFModuleInstance(config: config, path: dir, address: address, directory: dir)
            try instance.load()
        } else {
            // Not fetched: every output waits for the module's own source.
            config.remoteModules.append((address, source, at))
            instance = TFModuleInstance(config: config, path: "", address: address, directory: "", isolated: true)
        }
        if local {
            let skip: Set<String> = ["source", "version", "count", "for_each", "providers", "depends_on"]
            for a in block.body.attributes where !skip.contains(a.name) {
                let v = try TFEval.eval(a.value, scope)
                if let decl = instance.variables[a.name] {
                    instance.variableValues[a.name] = try instance.convert(v, to: decl.block.body.attribute("type")?.value, at)
                }
            }
        }
        children.append((address, instance))
        return instance
    }

    func outputsValue() throws(TFEvalError) -> TFValue {
        var v: TFValue
        if isolated {
            v = TFValue.object([])
            v.openAddress = address
            return v
        }
        var entries: [TFEntry] = []
        for (name, o) in outputs.sorted(by: { $0.key < $1.key }) {
            entries.append(TFEntry(key: name, value: try TFEval.eval(o.expr, scope(o.file))))
        }
        v = .object(entries)
        return v
    }

    /// Every module instance below this one (local modules, each count/for_each instance), made.
    func allInstances() throws(TFEvalError) -> [TFModuleInstance] {
        var out: [TFModuleInstance] = [self]
        for name in moduleOrder {
            _ = try moduleOutputsOrInstances(name)
        }
        for c in children where !c.instance.isolated { out += try c.instance.allInstances() }
        return out
    }

    /// Makes the child instances of a module block without requiring its outputs to evaluate.
    private func moduleOutputsOrInstances(_ name: String) throws(TFEvalError) -> TFValue {
        guard let d = modules[name] else { return .null }
        return try instances(of: d, address: prefixed("module.\(name)")) { (block, scope, addr) throws(TFEvalError) in
            _ = try self.child(block, scope, address: addr)
            return .null
        }
    }
}
