/// The roles of a CloudFormation template as `RoleInput`s: each trust policy resolved as the stack
/// would deploy it, written out as JSON that remembers where every part was written in the
/// template, so findings, snippets and edits point at the template's own lines.
extension Template {
    /// Reads a template's text (its root already known to be a mapping with `Resources`).
    static func read(_ root: JSONNode, source: SourceText, shape: RoleInput.Shape, settings: TemplateSettings, roleArn: String?) -> Template {
        Template(root: root, source: source, shape: shape, settings: settings, roleArn: roleArn)
    }

    /// The roles, in template order; a role known not to be created (its `Condition` false) is left out.
    var roleIDs: [String] {
        resourceOrder.filter { resources[$0]?.type == "AWS::IAM::Role" && isCreated($0) != false }
    }

    func candidates() -> [RoleCandidate] {
        roleIDs.map { id in
            let name = roleNames[id].flatMap { Unknowns.contains($0) ? nil : $0 }
            let arn = roleARN(id).flatMap { Unknowns.contains($0) ? nil : $0 }
            let result = Result { () throws(PolicyInvalid) in try roleInput(id) }
            return RoleCandidate(name: id, arn: arn, shape: shape, document: .template(result), maxSessionDuration: nil, problem: nil, roleName: name)
        }
    }

    /// The role `id` as the engine reads it. Conditions that nothing decides are taken as `assumed`
    /// says, and the other readings are attached (`RoleInput.branches`).
    func roleInput(_ id: String, assumed: [String: Bool] = [:], branching: Bool = true) throws(PolicyInvalid) -> RoleInput {
        guard let r = resources[id] else { throw PolicyInvalid(message: "no resource \(id)", range: nil) }
        let home = SourceRange(start: r.node.range.start, end: r.node.range.end)
        guard let docNode = r.properties?["AssumeRolePolicyDocument"] else {
            throw PolicyInvalid(message: "resource \(id) has no AssumeRolePolicyDocument", range: source.lineRange(home))
        }
        var e = TemplateEvaluator(self, assumed: assumed)
        let evaluated: TFValue?
        do { evaluated = try e.value(docNode) } catch {
            throw PolicyInvalid(message: "resource \(id): \(error.message)", range: source.lineRange(error.range))
        }
        guard let value = evaluated else {
            throw PolicyInvalid(message: "resource \(id): the AssumeRolePolicyDocument is AWS::NoValue", range: source.lineRange(docNode.range))
        }
        let map: PolicySourceMap
        let text: String
        if let s = value.string {
            // A document given as a JSON string: its positions are those of the decoded string.
            text = s
            map = PolicySourceMap(files: [.init(name: "", text: source)], spans: [], home: (0, docNode.range), syntax: .template)
        } else if value.unknownNames != nil {
            var err = PolicyInvalid(message: "resource \(id): the trust policy is not known: it is \(value.unknowns.map { "<\($0)>" }.joined(separator: ", "))", range: source.lineRange(docNode.range))
            err.unresolved = value.unknowns
            throw err
        } else {
            var b = TFEval.TemplateBuilder()
            TFJSON.write(value, into: &b, keepingPieces: true)
            text = b.text
            map = PolicySourceMap(files: [.init(name: "", text: source)],
                                  spans: b.pieces.map { .init(start: $0.start, end: $0.end, file: 0, range: $0.origin.range, exact: $0.exact) },
                                  home: (0, docNode.range), syntax: .template)
        }
        var policy: TrustPolicy
        do { policy = try PolicyParser.parse(text) } catch {
            var err = error
            if let lr = error.range {
                let rendered = SourceText(text)
                let start = rendered.lineStarts[min(max(0, lr.line - 1), rendered.lineStarts.count - 1)] + max(0, lr.column - 1)
                err.range = map.spans.isEmpty ? source.lineRange(docNode.range) : map.lineRange(SourceRange(start: start, end: start + 1))
            }
            let names = Unknowns.names(in: text)
            err.message = "role \(id): \(Unknowns.shown(error.message))" + (names.isEmpty ? "" : " — the policy holds values that are not known (\(names.joined(separator: ", "))), so its shape is not known")
            err.unresolved = names
            throw err
        }
        policy.origin = map
        policy.hasUnknowns = Unknowns.contains(text)
        var input = RoleInput(template: policy, shape: shape)
        input.roleName = id
        input.address = id
        // The role's own ARN in the stack's account (symbolic until --role-arn gives the account).
        input.roleArn = roleARN(id)
        if let d = r.properties?["MaxSessionDuration"] {
            var me = TemplateEvaluator(self)
            if let v = try? me.value(d), let s = v.string { input.maxSessionDuration = Int(s) }
        }
        var said: [String] = []
        for name in e.used.sorted() { if let p = parameter(name) { said.append("parameter " + p.said) } }
        for (c, t) in e.decided.sorted(by: { $0.key < $1.key }) where assumed[c] == nil {
            said.append("condition \(c) = \(t)" + (settings.conditions[c] != nil ? " (given)" : ""))
        }
        let displayName = roleNames[id].map { " (RoleName \(Unknowns.shown($0)))" } ?? ""
        input.summary = "\(shape.rawValue), resource \(id)\(displayName)" + (said.isEmpty ? "" : "; " + said.joined(separator: "; "))
        input.providers = providerInputs
        // Fn::If on conditions nothing decides: every other way they can go is read too.
        let open = e.open.subtracting(assumed.keys).sorted()
        if branching, !open.isEmpty {
            let names = Array(open.prefix(4))
            var branches: [RoleInput.Branch] = []
            for k in 0..<(1 << names.count) {
                var a = assumed
                for (i, n) in names.enumerated() { a[n] = k & (1 << i) == 0 }
                if let b = try? roleInput(id, assumed: a, branching: false) { branches.append(.init(conditions: a, policy: b.policy)) }
            }
            input.branches = branches
            input.openConditions = names
            input.openConditionRange = e.openPlaces[names[0]].map(source.lineRange)
            if let first = branches.first { input.policy = first.policy }
        }
        return input
    }

    /// The OIDC providers this template creates, as provider inputs (their client ids are the
    /// audiences STS accepts).
    var providerInputs: [DiagnosisRequest.Input] {
        resourceOrder.compactMap { id in
            guard let r = resources[id], Self.providerTypes.contains(r.type), let arn = providerARNs[id], let props = r.properties else { return nil }
            var e = TemplateEvaluator(self)
            guard let url = props["Url"].flatMap({ try? e.value($0) })?.string, !Unknowns.contains(url) else { return nil }
            let idsNode = props["ClientIdList"] ?? props["ClientIDList"]
            guard let ids = idsNode.flatMap({ try? e.value($0) })?.list?.compactMap(\.string), !ids.contains(where: Unknowns.contains) else { return nil }
            var fields: [PlainJSON.Pair] = [.init(key: "Url", value: .string(url.hasPrefix("https://") ? url : "https://" + url)),
                                            .init(key: "ClientIDList", value: .array(ids.map(PlainJSON.string)))]
            if !Unknowns.contains(arn) { fields.insert(.init(key: "Arn", value: .string(arn)), at: 0) }
            return DiagnosisRequest.Input(text: PlainJSON.object(fields).jsonTextRaw, source: "\(id) (\(r.type) in the template)")
        }
    }
}
