import Foundation
import OIDCDoctorCore

/// Reads a Terraform configuration for the engine: the module directory's `.tf` files and auto
/// tfvars, then whatever the configuration turns out to refer to (local modules, `file()` and
/// `templatefile()` paths), a few rounds at most. All file I/O lives here.
enum TerraformLoader {
    static let maxFiles = 2000
    static let maxRounds = 8

    /// Whether `path` names Terraform input: a `.tf` file or a directory holding one.
    static func isTerraform(_ path: String) -> Bool {
        guard path != "-", !path.hasPrefix("env:") else { return false }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return false }
        if isDir.boolValue { return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).contains { $0.hasSuffix(".tf") } }
        return path.hasSuffix(".tf")
    }

    /// The configuration rooted at `path` (a directory, or the directory of a `.tf` file), with the
    /// `--var`/`--var-file` arguments in the order given.
    static func load(_ path: String, arguments: [(isFile: Bool, value: String)], roleArn: String?) throws -> TerraformFiles {
        var isDir: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        let root = isDir.boolValue ? path : ((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
        var files: [String: String] = [:]
        try readDirectory(root, as: ".", into: &files, autoVars: true)
        var args: [TerraformFiles.Argument] = []
        for a in arguments {
            if a.isFile {
                args.append(.file(path: a.value, text: try InputSource.read(a.value, what: "var file")))
            } else {
                guard let eq = a.value.firstIndex(of: "="), eq != a.value.startIndex else {
                    throw InputSource.Failure(description: "--var \(a.value): expected NAME=VALUE")
                }
                args.append(.variable(name: String(a.value[..<eq]), value: String(a.value[a.value.index(after: eq)...])))
            }
        }
        let arn = roleArn.flatMap(ARN.init)
        var input = TerraformFiles(files: files, arguments: args, account: arn?.account, partition: arn?.partition)
        if !isDir.boolValue { input.focus = (path as NSString).lastPathComponent }
        // Local modules first, from the syntax alone (no evaluation).
        var tried: Set<String> = []
        for _ in 0..<TerraformFiles.maxModuleDepth {
            let dirs = input.wantedModuleDirectories.filter { !tried.contains($0) }
            if dirs.isEmpty { break }
            for dir in dirs {
                tried.insert(dir)
                let full = (root as NSString).appendingPathComponent(dir)
                var d: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &d), d.boolValue {
                    try readDirectory(full, as: dir, into: &input.files, autoVars: false)
                }
                if input.files.count > maxFiles { throw InputSource.Failure(description: "policy \(path): the configuration refers to more than \(maxFiles) files") }
            }
        }
        // Then what expressions refer to (file(), templatefile()), found by evaluating, until
        // nothing new is wanted.
        let readsFiles = input.files.contains { TerraformFiles.isConfigFile($0.key) && $0.value.contains("file(") }
        for _ in 0..<(readsFiles ? maxRounds : 0) {
            guard let reading = try? TerraformReader.read(input) else { break }
            let wanted = reading.missing.filter { !tried.contains($0) }
            if wanted.isEmpty { break }
            for w in wanted {
                tried.insert(w)
                let full = (root as NSString).appendingPathComponent(w)
                var d: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &d) else { continue }
                if d.boolValue { try readDirectory(full, as: w, into: &input.files, autoVars: false) } else if let t = try? InputSource.read(full, what: "file") {
                    input.files[w] = t
                }
                if input.files.count > maxFiles { throw InputSource.Failure(description: "policy \(path): the configuration refers to more than \(maxFiles) files") }
            }
        }
        return input
    }

    static func readDirectory(_ dir: String, as prefix: String, into files: inout [String: String], autoVars: Bool) throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
            throw InputSource.Failure(description: "policy \(dir): cannot list the directory")
        }
        for n in names.sorted() where n.hasSuffix(".tf") || (autoVars && TerraformFiles.isAutoVarFile(n)) {
            let full = (dir as NSString).appendingPathComponent(n)
            let key = prefix == "." ? n : prefix + "/" + n
            files[key] = try readText(full)
        }
    }

    /// A `.tf` file may be empty (Terraform accepts it).
    static func readText(_ path: String) throws -> String {
        do { return try InputSource.read(path, what: "policy") } catch let f as InputSource.Failure where f.description.hasSuffix(": is empty") {
            return ""
        }
    }

    /// `--var` and `--var-file` in the order they were given (Terraform applies them in that
    /// order); the parser keeps two lists, so the order is recovered from the command line.
    static func ordered(vars: [String], varFiles: [String], commandLine: [String] = CommandLine.arguments) -> [(isFile: Bool, value: String)] {
        var out: [(isFile: Bool, value: String)] = []
        var i = 0
        while i < commandLine.count {
            let a = commandLine[i]
            if a == "--var" || a == "--var-file", i + 1 < commandLine.count {
                out.append((a == "--var-file", commandLine[i + 1]))
                i += 2
                continue
            }
            if a.hasPrefix("--var=") { out.append((false, String(a.dropFirst(6)))) }
            if a.hasPrefix("--var-file=") { out.append((true, String(a.dropFirst(11)))) }
            i += 1
        }
        if out.filter({ !$0.isFile }).map(\.value) == vars && out.filter(\.isFile).map(\.value) == varFiles { return out }
        return varFiles.map { (true, $0) } + vars.map { (false, $0) }
    }
}
