/// The roles of a Terraform reading as `RoleInput`s: the rendered policy parsed like any other,
/// with a source map into the `.tf` files, and the role's account symbolic until `--role-arn`.
extension TerraformReading {
    /// "Terraform module, 3 files", "Terraform file", "Terraform file main.tf of a module of 3 files"
    public var summary: String {
        let count = "\(configFileCount) file\(configFileCount == 1 ? "" : "s")"
        guard let focus else { return "Terraform module, \(count)" }
        return configFileCount == 1 ? "Terraform file" : "Terraform file \(focus) of a module of \(count)"
    }

    public func role(named name: String?) throws(PolicyInvalid) -> Role {
        if roles.isEmpty {
            throw PolicyInvalid(message: "\(summary) holds no aws_iam_role and no trust policy document (data \"aws_iam_policy_document\" with sts:AssumeRole…)\(remoteNote)", range: nil)
        }
        if let name {
            guard let r = roles.first(where: { $0.address == name }) ?? roles.first(where: { $0.name == name })
                ?? roles.first(where: { $0.address.hasSuffix("." + name) || $0.address.hasSuffix(name) && $0.address.dropLast(name.count).last == "." }) else {
                throw Self.pickRole("no role \(name.debugDescription) in this \(summary); it holds: \(roleNames)")
            }
            return r
        }
        guard roles.count == 1 else {
            throw Self.pickRole("this \(summary) holds \(roles.count) roles; pick one with --role ADDRESS: \(roleNames)")
        }
        return roles[0]
    }

    /// A role that is not named, or named wrong: a usage error (exit 2, input.invalid), not a bad policy.
    static func pickRole(_ message: String) -> PolicyInvalid {
        var e = PolicyInvalid(message: message, range: nil)
        e.usageFix = "pass --role with one of the roles listed: its resource address (aws_iam_role.NAME[\"key\"]) or its name"
        return e
    }

    var roleNames: String {
        let shown = roles.prefix(20).map { r in r.address + (r.name.map { $0 == r.address ? "" : " (\(Unknowns.shown($0)))" } ?? "") }.joined(separator: ", ")
        return roles.count > 20 ? shown + ", … (\(roles.count - 20) more)" : shown
    }

    var remoteNote: String {
        let remote = remoteModules.isEmpty ? "" : "; modules not fetched (their roles are built inside them): " + remoteModules.map { "\($0.address) = \($0.source) (\(place($0.origin)))" }.joined(separator: ", ")
        let none = emptyBlocks.isEmpty ? "" : "; " + emptyBlocks.joined(separator: "; ") + " (give the variable with --var or --var-file)"
        return remote + none
    }

    public func roleInput(_ r: Role, roleArn: String?) throws(PolicyInvalid) -> RoleInput {
        if let p = r.problem {
            var e = TerraformReader.invalid(p, files)
            if !e.message.hasPrefix(r.address + ":") { e.message = "\(r.address): \(e.message)" }
            e.unresolved = p.unknowns
            throw e
        }
        guard let value = r.policy else { throw PolicyInvalid(message: "\(r.address) has no assume_role_policy", range: nil) }
        guard let text = value.string else {
            let names = value.unknowns
            var e = PolicyInvalid(message: "\(r.address): the trust policy is \(names.isEmpty ? value.typeName + ", not a JSON string" : "not known: it waits for \(names.joined(separator: ", "))")", range: TerraformReader.invalid(TFEvalError(message: "", origin: value.origin ?? r.origin), files).range)
            e.unresolved = names
            throw e
        }
        let map = PolicySourceMap(files: files.map { .init(name: $0.path, text: $0.text) },
                                  spans: value.pieces.map { .init(start: $0.start, end: $0.end, file: $0.origin.file, range: $0.origin.range, exact: $0.exact) },
                                  home: (r.origin.file, r.origin.range))
        var policy: TrustPolicy
        do { policy = try PolicyParser.parse(text) } catch {
            let names = Unknowns.names(in: text)
            var e = error
            // The error's place is in the rendered text: report it where the user wrote that part.
            if let lr = error.range {
                let rendered = SourceText(text)
                let start = rendered.lineStarts[min(max(0, lr.line - 1), rendered.lineStarts.count - 1)] + max(0, lr.column - 1)
                e.range = map.lineRange(SourceRange(start: start, end: start + 1))
            }
            e.message = "\(r.address): \(error.message)" + (names.isEmpty ? "" : " — the policy holds values that are not known (\(names.joined(separator: ", "))), so its shape is not known")
            e.unresolved = names
            throw e
        }
        policy.origin = map
        policy.hasUnknowns = Unknowns.contains(text)
        var input = RoleInput(terraform: policy, summary: "\(summary), \(r.isDocument ? "document" : "role") \(r.address)")
        input.roleName = r.name ?? r.address
        input.address = r.address
        if let d = r.maxSessionDuration, case .number(let n) = d.kind { input.maxSessionDuration = Int(n) }
        // The role lives in the account this configuration is applied in: the same symbol its
        // principals use, so a provider made by the same files matches; --role-arn makes it literal.
        if roleArn == nil, let arn = r.arn {
            input.roleArn = arn
        } else if roleArn == nil {
            let name = r.name.map { Unknowns.contains($0) ? Unknowns.marker([r.address + ".name"]) : $0 } ?? Unknowns.marker([r.address + ".name"])
            input.roleArn = "arn:\(Unknowns.marker([TFResources.partitionUnknown])):iam::\(Unknowns.marker([TFResources.accountUnknown])):role/\(name)"
        }
        return input
    }

    /// The IAM OIDC providers this configuration creates, as provider inputs (the audience check).
    public var providerInputs: [DiagnosisRequest.Input] {
        providers.compactMap { p in
            guard let url = p.url, !Unknowns.contains(url), let ids = p.clientIDs, !ids.contains(where: Unknowns.contains) else { return nil }
            var fields: [PlainJSON.Pair] = [.init(key: "Url", value: .string("https://" + url)), .init(key: "ClientIDList", value: .array(ids.map(PlainJSON.string)))]
            if let arn = p.arn { fields.insert(.init(key: "Arn", value: .string(arn)), at: 0) }
            return DiagnosisRequest.Input(text: PlainJSON.object(fields).jsonTextRaw, source: p.address)
        }
    }
}

extension PlainJSON {
    /// JSON text with strings as they are (unknown markers kept, for the engine's own use).
    var jsonTextRaw: String {
        switch self {
        case .string(let s):
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                default: if u.value < 0x20 { out += "\\u" + JSONText.hex4(u.value) } else { out.unicodeScalars.append(u) }
                }
            }
            return out + "\""
        case .array(let items): return "[" + items.map(\.jsonTextRaw).joined(separator: ",") + "]"
        case .object(let pairs): return "{" + pairs.map { JSONText.quote($0.key) + ":" + $0.value.jsonTextRaw }.joined(separator: ",") + "}"
        default: return jsonText
        }
    }
}

/// How to give each kind of unknown, for `input.unresolved`.
enum UnknownAdvice {
    static func advice(_ name: String) -> String {
        if let t = TemplateAdvice.advice(name) { return t }
        if name == TFResources.accountUnknown { return "<account> is the account this configuration is applied in (data.aws_caller_identity): give --role-arn arn:aws:iam::ACCOUNT:role/NAME" }
        if name == TFResources.partitionUnknown { return "<partition> is the partition this configuration is applied in (data.aws_partition): give --role-arn" }
        if name == Regexes.unknownName { return "<regex> is the result of a regular expression oidc-doctor does not run (a repeated group that holds a repetition, or more than \(Regexes.maxText) characters of text: the standard library would backtrack for minutes where Terraform's RE2 does not): write the value out" }
        if name == TFResources.regionUnknown { return "<region> is the region of the provider configuration: not known offline" }
        if let r = name.firstRange(of: "var.") {
            let variable = String(name[r.upperBound...])
            if name.hasPrefix("module.") { return "<\(name)> is an input of \(name[..<r.lowerBound].dropLast()) without a value: set \(variable) in its module block" }
            return "<\(name)> has no default and no value: give --var \(variable)=… (or --var-file)"
        }
        if name.hasPrefix("module.") { return "<\(name)> comes from a module that is not fetched (registry or git): pass the deployed role's aws iam get-role output instead" }
        if name.hasSuffix(".name") { return "<\(name)> is a name AWS generates (name_prefix or no name): give --role-arn" }
        return "<\(name)> is known only after apply: pass the deployed role's aws iam get-role output instead"
    }
}
