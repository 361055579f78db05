/// A Terraform configuration given as texts: the executable reads the files, the engine evaluates.
/// Paths are relative to the root module's directory, with `/` and no `./`.
public struct TerraformFiles: Sendable, Equatable {
    public var files: [String: String]
    /// `--var NAME=VALUE` and `--var-file` in command-line order (a var-file as its path and text).
    public var arguments: [Argument]
    public var account: String?
    public var partition: String?
    /// A `.tf` file given on its own: its directory is the module, and its roles are the ones listed.
    public var focus: String?

    public enum Argument: Sendable, Equatable {
        case variable(name: String, value: String)
        case file(path: String, text: String)
    }

    public init(files: [String: String], arguments: [Argument] = [], account: String? = nil, partition: String? = nil) {
        self.files = files
        self.arguments = arguments
        self.account = account
        self.partition = partition
    }

    /// How deep local modules may nest (deeper is a module that includes itself).
    public static let maxModuleDepth = TerraformConfig.maxModuleDepth

    /// Directories of local modules (`source = "./…"` written as a literal) that the files call but
    /// do not hold: found from the syntax alone, so a loader can read them without evaluating.
    public var wantedModuleDirectories: [String] {
        var out: Set<String> = []
        for (path, text) in files where Self.isConfigFile(path) {
            guard let body = try? HCLParser.parse(SourceText(text)) else { continue }
            for b in body.blocks where b.type == "module" {
                guard let e = b.body.attribute("source")?.value, case .template(let parts) = e.kind, parts.count == 1,
                      case .literal(let source, _, _) = parts[0], source.hasPrefix("./") || source.hasPrefix("../") else { continue }
                let dir = Self.join(Self.directory(of: path), source)
                let prefix = dir == "." ? "" : dir + "/"
                if !files.keys.contains(where: { $0.hasPrefix(prefix) && Self.isConfigFile($0) && !$0.dropFirst(prefix.count).contains("/") }) {
                    out.insert(dir)
                }
            }
        }
        return out.sorted()
    }

    /// The files Terraform loads from a module directory, in the order it reads them.
    public static func isConfigFile(_ name: String) -> Bool { name.hasSuffix(".tf") }
    public static func isAutoVarFile(_ name: String) -> Bool {
        name == "terraform.tfvars" || name == "terraform.tfvars.json" || name.hasSuffix(".auto.tfvars") || name.hasSuffix(".auto.tfvars.json")
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    /// `base` joined with a relative path, `.` and `..` resolved (leading `..` kept).
    static func join(_ base: String, _ rel: String) -> String {
        var parts: [Substring] = rel.hasPrefix("/") ? [] : base.split(separator: "/").filter { $0 != "." }
        for p in rel.split(separator: "/") {
            if p == "." || p.isEmpty { continue }
            if p == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(p) }
        }
        let j = parts.joined(separator: "/")
        return rel.hasPrefix("/") ? "/" + j : (j.isEmpty ? "." : j)
    }
}

/// One file of a configuration, read: its name as the user knows it and its text.
public struct TFSourceFile: Sendable {
    public var path: String
    public var text: SourceText
}

/// The evaluation of one configuration: files parsed once, module instances, limits, and what
/// was needed but not given (files to read, modules not fetched).
final class TerraformConfig: @unchecked Sendable {
    var input: TerraformFiles
    var sources: [TFSourceFile] = []
    var parsed: [String: (file: Int, body: HCLBody)] = [:]
    /// Files and directories an expression or module wanted that the executable has not read yet.
    var missing: Set<String> = []
    /// Remote modules, not fetched: their address and source.
    var remoteModules: [(address: String, source: String, origin: TFOrigin)] = []
    var steps = 0
    /// Roles whose assume_role_policy could not be evaluated, by address.
    var roleErrors: [String: TFEvalError] = [:]
    /// Resource instances in the order they were made.
    var instances: [TFInstance] = []
    static let maxSteps = 1_000_000
    static let maxModuleDepth = 24
    var root: TFModuleInstance!

    init(_ input: TerraformFiles) {
        self.input = input
    }

    func tick(_ at: TFOrigin) throws(TFEvalError) {
        steps += 1
        if steps > Self.maxSteps {
            throw TFEvalError(message: "evaluating this configuration takes more than \(Self.maxSteps) steps (a for expression or count over a huge range?); oidc-doctor stops here", origin: at)
        }
    }

    /// Bytes made by templates, functions and for expressions: `"${local.a}${local.a}"` forty
    /// levels deep is a terabyte, made long before the step budget runs out.
    var produced = 0
    static let maxProduced = 64 << 20

    func charge(_ v: TFValue) throws(TFEvalError) -> TFValue {
        switch v.kind {
        case .string(let s): produced += s.utf8.count
        case .list(let l): produced += 32 * l.count
        case .object(let e): produced += 32 * e.count
        default: break
        }
        produced += 32 * v.pieces.count  // where each part came from, kept beside the text
        if produced > Self.maxProduced {
            throw TFEvalError(message: "evaluating this configuration makes more than \(Self.maxProduced >> 20) MB of strings and lists (a value that doubles at every step?); oidc-doctor stops here", origin: v.origin)
        }
        return v
    }

    func isLimit(_ e: TFEvalError) -> Bool { e.fatal || steps > Self.maxSteps || produced > Self.maxProduced || e.message.hasPrefix("a cycle") }

    /// A file of the configuration by path, registered once for positions.
    func sourceIndex(_ path: String) -> Int? {
        if let i = sources.firstIndex(where: { $0.path == path }) { return i }
        guard let text = input.files[path] else { return nil }
        sources.append(TFSourceFile(path: path, text: SourceText(text)))
        return sources.count - 1
    }

    func parse(_ path: String) throws(TFEvalError) -> (file: Int, body: HCLBody)? {
        if let p = parsed[path] { return p }
        guard let i = sourceIndex(path) else { missing.insert(path); return nil }
        do {
            let body = try HCLParser.parse(sources[i].text)
            parsed[path] = (i, body)
            return (i, body)
        } catch {
            throw TFEvalError(message: error.message, origin: TFOrigin(file: i, range: SourceRange(start: error.offset, end: error.offset + 1)))
        }
    }

    /// The `.tf` files of a module directory, in lexical order (as Terraform loads them).
    func moduleFiles(_ dir: String) -> [String] {
        input.files.keys.filter { TerraformFiles.directory(of: $0) == dir && TerraformFiles.isConfigFile(String($0.split(separator: "/").last ?? "")) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func file(_ path: String, _ m: TFModuleInstance, _ here: TFOrigin) throws(TFEvalError) -> TFValue {
        let p = TerraformFiles.join(".", path)
        guard let i = sourceIndex(p) else {
            missing.insert(p)
            throw TFEvalError(message: "file(\(path.debugDescription)): not read (the file is not there or not readable)", origin: here)
        }
        let text = String(decoding: sources[i].text.bytes, as: UTF8.self)
        return TFValue(.string(text), origin: here, pieces: [TFPiece(start: 0, end: sources[i].text.bytes.count, origin: TFOrigin(file: i, range: SourceRange(start: 0, end: sources[i].text.bytes.count)), exact: true)])
    }

    func templateFile(_ path: String, _ vars: [TFEntry], _ m: TFModuleInstance, _ here: TFOrigin) throws(TFEvalError) -> TFValue {
        let p = TerraformFiles.join(".", path)
        guard let i = sourceIndex(p) else {
            missing.insert(p)
            throw TFEvalError(message: "templatefile(\(path.debugDescription)): not read (the file is not there or not readable)", origin: here)
        }
        let parts: [HCLTemplatePart]
        do { parts = try HCLParser.parseTemplate(sources[i].text) } catch {
            throw TFEvalError(message: "in the template: \(error.message)", origin: TFOrigin(file: i, range: SourceRange(start: error.offset, end: error.offset + 1)))
        }
        return try templateFile(i, parts, vars, m, here)
    }

    private func templateFile(_ i: Int, _ parts: [HCLTemplatePart], _ vars: [TFEntry], _ m: TFModuleInstance, _ here: TFOrigin) throws(TFEvalError) -> TFValue {
        // A template sees only the variables given to it (and the functions).
        let isolated = TFModuleInstance(config: self, path: m.path, address: m.address, directory: m.directory, isolated: true)
        var scope = TFScope(module: isolated, file: i)
        for v in vars { scope.names[v.key] = v.value }
        var out = TFEval.TemplateBuilder()
        try TFEval.render(parts, scope, into: &out)
        return TFValue(.string(out.text), origin: here, pieces: out.pieces)
    }
}
