/// What a resource or data source instance reads as: the IAM ones trust policies need, rebuilt
/// before apply where AWS's values follow from the configuration (ARNs, provider URLs); anything
/// else is an argument as written or, if not written, known only after apply.
enum TFResources {
    static let accountUnknown = "account"
    static let partitionUnknown = "partition"
    static let regionUnknown = "region"

    static func account(_ c: TerraformConfig) -> String { c.input.account ?? Unknowns.marker([accountUnknown]) }
    static func partition(_ c: TerraformConfig) -> String { c.input.partition ?? Unknowns.marker([partitionUnknown]) }

    static func object(mode: TFModuleInstance.Mode, type: String, block: HCLBlock, scope: TFScope, address: String) throws(TFEvalError) -> TFValue {
        let config = scope.module.config
        let here = scope.origin(block.range)
        func s(_ t: String) -> TFValue { .string(t, here) }
        func arg(_ name: String) throws(TFEvalError) -> TFValue? {
            guard let a = block.body.attribute(name) else { return nil }
            // An argument set to null is an argument not set: the provider's default applies.
            let v = try TFEval.eval(a.value, scope)
            return v.isNull ? nil : v
        }
        var v: TFValue
        switch (mode, type) {
        case (.data, "aws_iam_policy_document"):
            let json = try PolicyDocumentRenderer.render(block, scope)
            var minified = json
            minified.pieces = []
            v = .object([TFEntry(key: "json", value: json), TFEntry(key: "minified_json", value: minified), TFEntry(key: "id", value: .unknown(["\(address).id"], here))], origin: here)
        case (.data, "aws_caller_identity"):
            let acct = account(config)
            v = .object([TFEntry(key: "account_id", value: s(acct)), TFEntry(key: "id", value: s(acct))], origin: here)
        case (.data, "aws_partition"):
            let p = partition(config)
            let suffix = config.input.partition.map { $0 == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com" } ?? Unknowns.marker([partitionUnknown])
            v = .object([TFEntry(key: "partition", value: s(p)), TFEntry(key: "id", value: s(p)), TFEntry(key: "dns_suffix", value: s(suffix))], origin: here)
        case (.data, "aws_region"):
            // The region asked for, else the default aws provider's (modules inherit the root's).
            var r = Unknowns.marker([regionUnknown])
            var given = try arg("name")
            if given == nil { given = try arg("region") }
            if let given, let g = TFEval.stringValue(given) {
                r = g
            } else if let root = config.root, let p = root.awsProvider, let a = p.block.body.attribute("region"),
                      let value = try? TFEval.eval(a.value, TFScope(module: root, file: p.file)), let g = TFEval.stringValue(value) {
                r = g
            }
            v = .object([TFEntry(key: "name", value: s(r)), TFEntry(key: "region", value: s(r)), TFEntry(key: "id", value: s(r))], origin: here)
        case (.managed, "aws_iam_openid_connect_provider"), (.data, "aws_iam_openid_connect_provider"):
            var entries: [TFEntry] = []
            var host: String?
            if let u = try arg("url") {
                let url = try TFEval.string(u, here)
                host = url.hasPrefix("https://") ? String(url.dropFirst(8)) : url
            } else if let a = try arg("arn"), let arn = a.string, let r = arn.firstRange(of: ":oidc-provider/") {
                host = String(arn[r.upperBound...])
                entries.append(TFEntry(key: "arn", value: a))
            }
            if let host {
                // AWS returns the URL without its scheme, and so does the provider's url attribute.
                entries.append(TFEntry(key: "url", value: .string(host, block.body.attribute("url").map { scope.origin($0.value.range) } ?? here)))
                if !entries.contains(where: { $0.key == "arn" }) {
                    let arn = "arn:\(partition(config)):iam::\(account(config)):oidc-provider/\(host)"
                    entries.append(TFEntry(key: "arn", value: s(arn)))
                    entries.append(TFEntry(key: "id", value: s(arn)))
                }
            }
            for name in ["client_id_list", "thumbprint_list"] {
                if let x = try arg(name) { entries.append(TFEntry(key: name, value: x)) }
            }
            v = .object(entries, origin: here)
        case (.managed, "aws_iam_role"):
            var entries: [TFEntry] = []
            let path = try arg("path").flatMap(TFEval.stringValue) ?? "/"
            let name = try arg("name")
            if let name {
                entries.append(TFEntry(key: "name", value: name))
                entries.append(TFEntry(key: "id", value: name))
                let arn = "arn:\(partition(config)):iam::\(account(config)):role\(path)\(try TFEval.string(name, here))"
                entries.append(TFEntry(key: "arn", value: s(arn)))
            }
            if let p = try arg("name_prefix") { entries.append(TFEntry(key: "name_prefix", value: p)) }
            entries.append(TFEntry(key: "path", value: s(path)))
            entries.append(TFEntry(key: "max_session_duration", value: try arg("max_session_duration") ?? TFValue(.number(3600), origin: here)))
            do {
                if let p = try arg("assume_role_policy") { entries.append(TFEntry(key: "assume_role_policy", value: p)) }
            } catch {
                // One role's bad policy does not stop the others: the role carries the error.
                config.roleErrors[address] = error
            }
            v = .object(entries, origin: here)
        default:
            // Arguments as written; other attributes are known only after apply.
            var entries: [TFEntry] = []
            for a in block.body.attributes where !["count", "for_each", "depends_on", "provider", "lifecycle"].contains(a.name) {
                if let x = try? TFEval.eval(a.value, scope) { entries.append(TFEntry(key: a.name, value: x)) }
            }
            v = .object(entries, origin: here)
        }
        v.openAddress = address
        config.instances.append(TFInstance(address: address, mode: mode, type: type, value: v, block: block, file: scope.file, module: scope.module))
        return v
    }
}

/// One resource instance made while evaluating, in the order they were made.
struct TFInstance {
    var address: String
    var mode: TFModuleInstance.Mode
    var type: String
    var value: TFValue
    var block: HCLBlock
    var file: Int
    var module: TFModuleInstance
}
