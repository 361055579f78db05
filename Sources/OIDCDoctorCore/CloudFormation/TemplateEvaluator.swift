/// CloudFormation's intrinsic functions over a template's values, as CloudFormation resolves them at
/// deploy time — as far as the template and the command line give the inputs. A value they do not
/// give (a parameter without value, `AWS::AccountId` without `--role-arn`, another stack's export,
/// a custom resource's output) becomes an unknown that names it, never text that could be compared.
/// Values keep the place they were written, so a finding points into the template.
struct TemplateEvaluator {
    let template: Template
    /// Conditions taken as given for one reading of a role (`Fn::If` on a condition nobody gives).
    var assumed: [String: Bool] = [:]
    /// Conditions met that neither the inputs nor `assumed` decide.
    private(set) var open: Set<String> = []
    /// Parameters read, to say which values the reading used.
    private(set) var used: Set<String> = []
    /// Conditions decided by their inputs, and where each undecided one is used.
    private(set) var decided: [String: Bool] = [:]
    private(set) var openPlaces: [String: SourceRange] = [:]

    init(_ template: Template, assumed: [String: Bool] = [:]) {
        self.template = template
        self.assumed = assumed
    }

    typealias Failure = TemplateError

    func origin(_ r: SourceRange) -> TFOrigin { TFOrigin(file: 0, range: r) }

    /// A scalar written as is: the string with a piece that maps its bytes one to one when the
    /// template holds them unescaped.
    func literal(_ s: String, _ n: JSONNode) -> TFValue {
        var v = TFValue.string(s, origin(n.range))
        if let inner = template.exactRange(n, s) { v.pieces = [TFPiece(start: 0, end: s.utf8.count, origin: origin(inner), exact: true)] }
        return v
    }

    /// The value of a node; nil for `AWS::NoValue` (the element or property is removed).
    mutating func value(_ n: JSONNode) throws(Failure) -> TFValue? {
        switch n.value {
        case .string(let s): return literal(s, n)
        case .number(let t): return .string(t, origin(n.range))  // IAM reads numbers in policies as text
        case .bool(let b): return TFValue(.bool(b), origin: origin(n.range))
        case .null: return TFValue(.null, origin: origin(n.range))
        case .array(let items):
            var out: [TFValue] = []
            for x in items { if let v = try value(x) { out.append(v) } }
            return TFValue(.list(out), origin: origin(n.range))
        case .object(let members):
            if members.count == 1, let m = members.first, Template.functions.contains(m.key) {
                return try function(m.key, m.value, at: n)
            }
            var entries: [TFEntry] = []
            for m in members {
                guard let v = try value(m.value) else { continue }
                entries.append(TFEntry(key: m.key, value: v, keyOrigin: origin(m.keyRange),
                                       itemOrigin: origin(SourceRange(start: m.keyRange.start, end: max(m.keyRange.end, m.value.range.end)))))
            }
            return TFValue(.object(entries), origin: origin(n.range))
        }
    }

    /// A value that must be there (a function's argument): `AWS::NoValue` is an error.
    mutating func required(_ n: JSONNode, _ what: String) throws(Failure) -> TFValue {
        guard let v = try value(n) else { throw TemplateError("\(what) is AWS::NoValue", n.range) }
        return v
    }

    mutating func function(_ name: String, _ arg: JSONNode, at n: JSONNode) throws(Failure) -> TFValue? {
        let here = origin(n.range)
        switch name {
        case "Ref":
            guard let target = arg.stringValue else { throw TemplateError("Ref takes the name of a parameter or resource", arg.range) }
            if target == "AWS::NoValue" { return nil }
            return try reference(target, at: n)
        case "Fn::GetAtt":
            let path: [String]
            if let s = arg.stringValue {
                path = s.split(separator: ".", maxSplits: 1).map(String.init)
            } else if case .array(let items) = arg.value {
                var parts: [String] = []
                for x in items {
                    let v = try required(x, "a Fn::GetAtt part")
                    guard let s = v.string, !Unknowns.contains(s) else { return .unknown(v.unknowns.isEmpty ? ["GetAtt"] : v.unknowns, here) }
                    parts.append(s)
                }
                path = parts
            } else {
                path = []
            }
            guard path.count == 2 else { throw TemplateError("Fn::GetAtt takes [LogicalId, Attribute]", arg.range) }
            return attribute(path[0], path[1], at: n)
        case "Fn::Sub":
            return try sub(arg, at: n)
        case "Fn::Join":
            guard case .array(let items) = arg.value, items.count == 2, let sep = items[0].stringValue else {
                throw TemplateError("Fn::Join takes [delimiter, [values…]]", arg.range)
            }
            let list = try required(items[1], "the list of Fn::Join")
            guard let parts = list.list else { return .unknown(list.unknowns.isEmpty ? ["Join result"] : list.unknowns, here) }
            var b = TFEval.TemplateBuilder()
            for (k, p) in parts.enumerated() {
                if k > 0 { b.append(sep, origin: origin(items[0].range), exact: false) }
                try append(p, to: &b, at: n)
            }
            return TFValue(.string(b.text), origin: here, pieces: b.pieces)
        case "Fn::Select":
            guard case .array(let items) = arg.value, items.count == 2 else { throw TemplateError("Fn::Select takes [index, [values…]]", arg.range) }
            let index = try required(items[0], "the index of Fn::Select")
            let list = try required(items[1], "the list of Fn::Select")
            guard let i = index.string.flatMap({ Int($0) }) else {
                if !index.unknowns.isEmpty { return .unknown(index.unknowns, here) }
                throw TemplateError("the index of Fn::Select must be a number", items[0].range)
            }
            guard let l = list.list else { return .unknown(list.unknowns.isEmpty ? ["Select result"] : list.unknowns, here) }
            guard l.indices.contains(i) else { throw TemplateError("Fn::Select index \(i) is outside the list of \(l.count)", items[0].range) }
            return l[i]
        case "Fn::Split":
            guard case .array(let items) = arg.value, items.count == 2, let sep = items[0].stringValue, !sep.isEmpty else {
                throw TemplateError("Fn::Split takes [delimiter, string]", arg.range)
            }
            let s = try required(items[1], "the string of Fn::Split")
            // A string not known in full cannot be cut: where its unknown parts hold the delimiter is not known.
            guard let text = s.string, !Unknowns.contains(text) else { return .unknown(s.unknowns.isEmpty ? ["Split result"] : s.unknowns, here) }
            return TFValue(.list(text.split(separator: sep, omittingEmptySubsequences: false).map { .string(String($0), here) }), origin: here)
        case "Fn::If":
            guard case .array(let items) = arg.value, items.count == 3, let cond = items[0].stringValue else {
                throw TemplateError("Fn::If takes [ConditionName, value if true, value if false]", arg.range)
            }
            guard let truth = try condition(cond, at: items[0]) else {
                // Neither given nor decidable: this reading takes it true; the role's other readings take it false.
                open.insert(cond)
                if openPlaces[cond] == nil { openPlaces[cond] = n.range }
                return try value(items[1])
            }
            return try value(items[truth ? 1 : 2])
        case "Fn::FindInMap":
            guard case .array(let items) = arg.value, items.count == 3 else { throw TemplateError("Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]", arg.range) }
            var keys: [String] = []
            for x in items {
                let v = try required(x, "a Fn::FindInMap key")
                guard let s = v.string, !Unknowns.contains(s) else { return .unknown(v.unknowns.isEmpty ? ["FindInMap result"] : v.unknowns, here) }
                keys.append(s)
            }
            guard let node = template.mappings?[keys[0]]?[keys[1]]?[keys[2]] else {
                throw TemplateError("Fn::FindInMap: Mappings has no \(keys.joined(separator: "."))", arg.range)
            }
            return try value(node)
        case "Fn::ImportValue":
            let v = try required(arg, "the export name")
            return .unknown(["ImportValue " + Self.safe(Unknowns.shown(v.string ?? "?"))], here)
        case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
            guard let t = try conditionValue(n) else { return .unknown([Self.safe(name) + " (condition)"], here) }
            return TFValue(.bool(t), origin: here)
        default:
            // Base64, GetAZs, Cidr, Transform…: nothing a trust policy is made of.
            return .unknown([Self.safe(name) + " result"], here)
        }
    }

    /// `Ref`: a parameter, a pseudo parameter, or a resource of this template.
    mutating func reference(_ target: String, at n: JSONNode) throws(Failure) -> TFValue {
        let here = origin(n.range)
        if target.hasPrefix("AWS::") { return pseudo(target, here) }
        if let p = template.parameter(target) {
            used.insert(target)
            return p.value(here)
        }
        if let r = template.resources[target] {
            // Ref of a provider is its ARN (so CDK's openIdConnectProviderArn); of a role, its name,
            // which CloudFormation makes up when RoleName is not set.
            if Template.providerTypes.contains(r.type), let arn = template.providerARN(target) { return .string(arn, here) }
            if r.type == "AWS::IAM::Role" {
                if let name = template.roleName(target) { return .string(name, here) }
                return .unknown(["RoleName of \(target)"], here)
            }
            return .unknown(["Ref \(target)"], here)
        }
        // CloudFormation refuses the template: "Unresolved resource dependencies".
        throw TemplateError("\(target) is neither a parameter, a resource of this template nor a pseudo parameter (CloudFormation rejects the template: unresolved dependency)", n.range)
    }

    func pseudo(_ name: String, _ here: TFOrigin) -> TFValue {
        if let v = template.pseudo(name) { return .string(v, here) }
        return .unknown([Template.Stack.pseudo[name] ?? Self.safe(name)], here)
    }

    /// An unknown's name holds no `:` (it may sit in a field of an ARN).
    static func safe(_ name: String) -> String {
        name.replacingOccurrences(of: "Fn::", with: "").replacingOccurrences(of: "::", with: " ").replacingOccurrences(of: ":", with: " ")
    }

    /// `Fn::GetAtt`: the ARN of a provider or role of this template; anything else is known at deploy time only.
    func attribute(_ resource: String, _ attr: String, at n: JSONNode) -> TFValue {
        let here = origin(n.range)
        guard let r = template.resources[resource] else { return .unknown(["GetAtt \(resource).\(attr) (not in this template)"], here) }
        if attr == "Arn", Template.providerTypes.contains(r.type), let arn = template.providerARN(resource) { return .string(arn, here) }
        if attr == "Arn", r.type == "AWS::IAM::Role", let arn = template.roleARN(resource) { return .string(arn, here) }
        if r.type.hasPrefix("Custom::") || r.type == "AWS::CloudFormation::CustomResource" {
            return .unknown(["GetAtt \(resource).\(attr) (custom resource output)"], here)
        }
        return .unknown(["GetAtt \(resource).\(attr)"], here)
    }

    /// `Fn::Sub` with `${Name}`, `${Resource.Attr}`, `${!Literal}` and an optional map of variables.
    mutating func sub(_ arg: JSONNode, at n: JSONNode) throws(Failure) -> TFValue {
        let here = origin(n.range)
        let textNode: JSONNode
        var vars: [String: TFValue] = [:]
        if arg.stringValue != nil {
            textNode = arg
        } else if case .array(let items) = arg.value, items.count == 2, items[0].stringValue != nil, let ms = items[1].members {
            textNode = items[0]
            for m in ms { vars[m.key] = try required(m.value, "Fn::Sub variable \(m.key)") }
        } else {
            throw TemplateError("Fn::Sub takes a string, or [string, {variables}]", arg.range)
        }
        let text = textNode.stringValue!
        let exact = template.exactRange(textNode, text)
        var b = TFEval.TemplateBuilder()
        var offset = 0  // UTF-8 offset in `text` of what is appended next
        func literalPart(_ s: Substring, _ b: inout TFEval.TemplateBuilder) {
            let n = s.utf8.count
            let o = exact.map { TFOrigin(file: 0, range: SourceRange(start: $0.start + offset, end: $0.start + offset + n)) } ?? origin(textNode.range)
            b.append(String(s), origin: o, exact: exact != nil)
            offset += n
        }
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "$") {
            let after = rest[rest.index(after: open)...]
            guard after.first == "{", let close = after.firstIndex(of: "}") else {
                literalPart(rest[...open], &b)
                rest = after
                continue
            }
            literalPart(rest[..<open], &b)
            let name = String(after[after.index(after: after.startIndex)..<close])
            let written = rest[open...close]
            let writtenOrigin = exact.map { TFOrigin(file: 0, range: SourceRange(start: $0.start + offset, end: $0.start + offset + written.utf8.count)) } ?? origin(textNode.range)
            if name.hasPrefix("!") {
                b.append("${" + name.dropFirst() + "}", origin: writtenOrigin, exact: false)  // ${!Literal} stays literal
            } else {
                let trimmed = name.trimmingWhitespace
                let v: TFValue
                if let given = vars[trimmed] {
                    v = given
                } else if trimmed.contains("."), !trimmed.hasPrefix("AWS::") {
                    let parts = trimmed.split(separator: ".", maxSplits: 1).map(String.init)
                    v = attribute(parts[0], parts[1], at: n)
                } else {
                    v = try reference(trimmed, at: n)
                }
                var placed = v
                placed.origin = writtenOrigin
                try append(placed, to: &b, at: n)
            }
            offset += written.utf8.count
            rest = after[after.index(after: close)...]
        }
        literalPart(rest, &b)
        return TFValue(.string(b.text), origin: here, pieces: b.pieces)
    }

    /// A part of a joined or substituted string: text with its places, or an unknown's marker.
    func append(_ v: TFValue, to b: inout TFEval.TemplateBuilder, at n: JSONNode) throws(Failure) {
        switch v.kind {
        case .string(let s): b.append(s, origin: v.pieces.isEmpty ? v.origin : nil, exact: false, inner: v.pieces)
        case .unknown(let names): b.append(Unknowns.marker(names), origin: v.origin, exact: false)
        case .bool(let t): b.append(t ? "true" : "false", origin: v.origin, exact: false)
        default: throw TemplateError("a \(v.typeName) where a string is needed", v.origin?.range ?? n.range)
        }
    }

    // MARK: conditions

    /// A condition of the `Conditions` section: nil when it rests on a value nobody gives.
    mutating func condition(_ name: String, at n: JSONNode) throws(Failure) -> Bool? {
        if let t = template.settings.conditions[name] { return t }
        if let t = assumed[name] { return t }
        guard let node = template.conditions?[name] else { throw TemplateError("no condition \(name.debugDescription) in Conditions", n.range) }
        var inner = TemplateEvaluator(template, assumed: assumed)
        let t = try inner.conditionValue(node, depth: 0)
        used.formUnion(inner.used)
        if let t { decided[name] = t }
        return t
    }

    mutating func conditionValue(_ n: JSONNode, depth: Int = 0) throws(Failure) -> Bool? {
        guard depth < 64 else { throw TemplateError("conditions refer to each other in a loop", n.range) }
        guard let m = n.members, m.count == 1 else {
            if case .bool(let b) = n.value { return b }
            throw TemplateError("a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition", n.range)
        }
        let arg = m[0].value
        switch m[0].key {
        case "Condition":
            guard let name = arg.stringValue else { throw TemplateError("Condition takes a condition's name", arg.range) }
            if let t = template.settings.conditions[name] ?? assumed[name] { return t }
            guard let node = template.conditions?[name] else { throw TemplateError("no condition \(name.debugDescription) in Conditions", arg.range) }
            return try conditionValue(node, depth: depth + 1)
        case "Fn::Equals":
            guard case .array(let items) = arg.value, items.count == 2 else { throw TemplateError("Fn::Equals takes [value, value]", arg.range) }
            let a = try required(items[0], "a Fn::Equals value"), b = try required(items[1], "a Fn::Equals value")
            if !a.unknowns.isEmpty || !b.unknowns.isEmpty { return nil }
            return Self.scalarText(a) == Self.scalarText(b)
        case "Fn::Not":
            guard case .array(let items) = arg.value, items.count == 1 else { throw TemplateError("Fn::Not takes [condition]", arg.range) }
            return try conditionValue(items[0], depth: depth + 1).map { !$0 }
        case "Fn::And", "Fn::Or":
            guard case .array(let items) = arg.value, (2...10).contains(items.count) else { throw TemplateError("\(m[0].key) takes 2 to 10 conditions", arg.range) }
            let isAnd = m[0].key == "Fn::And"
            var undecided = false
            for x in items {
                guard let t = try conditionValue(x, depth: depth + 1) else { undecided = true; continue }
                if t != isAnd { return t }  // false decides an And, true an Or
            }
            return undecided ? nil : isAnd
        default:
            throw TemplateError("\(m[0].key) is not a condition function", n.range)
        }
    }

    static func scalarText(_ v: TFValue) -> String {
        switch v.kind {
        case .string(let s): s
        case .bool(let b): b ? "true" : "false"
        case .list(let l): l.map(scalarText).joined(separator: ",")
        default: ""
        }
    }
}

/// A template that CloudFormation would reject, or an intrinsic function used wrongly: where.
struct TemplateError: Error {
    var message: String
    var range: SourceRange
    init(_ message: String, _ range: SourceRange) {
        self.message = message
        self.range = range
    }
}
