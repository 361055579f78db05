import Foundation
import Testing
@testable import OIDCDoctorCore

/// The Terraform reader against Terraform itself: each fixture under `Terraform/fixtures` holds `.tf`
/// files and the `oracle.json` that `terraform plan` + `show -json` gave for them (`regenerate.sh`),
/// with account 111122223333 and partition aws. The rendering must match byte for byte.
struct TerraformFixture: CustomTestStringConvertible, Sendable {
    var name: String
    var input: TerraformFiles
    var oracle: PlainJSON
    var testDescription: String { name }

    static let root = Bundle.module.resourceURL!.appendingPathComponent("Terraform")
    static let bookkeeping: Set<String> = ["oracle.json", "args", "README.md", "expect.txt"]

    static func all(_ group: String) -> [TerraformFixture] {
        let dir = root.appendingPathComponent(group)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.sorted() ?? []
        return names.compactMap { load(dir.appendingPathComponent($0), name: "\(group)/\($0)") }
    }

    static func load(_ dir: URL, name: String) -> TerraformFixture? {
        let oracleURL = dir.appendingPathComponent("oracle.json")
        guard let oracleText = try? String(contentsOf: oracleURL, encoding: .utf8) else { return nil }
        var files: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: dir.path)
        while let rel = walker?.nextObject() as? String {
            let url = dir.appendingPathComponent(rel)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue,
                !bookkeeping.contains(rel)
            else { continue }
            files[rel] = try? String(contentsOf: url, encoding: .utf8)
        }
        var arguments: [TerraformFiles.Argument] = []
        if let args = try? String(contentsOf: dir.appendingPathComponent("args"), encoding: .utf8) {
            var words = shellWords(args)[...]
            while let flag = words.popFirst() {
                let (name, value): (String, String?) =
                    flag.contains("=") && flag.hasPrefix("--var")
                    ? (String(flag.prefix { $0 != "=" }), String(flag.drop { $0 != "=" }.dropFirst()))
                    : (flag, words.popFirst())
                guard let value else { break }
                if name == "--var" {
                    let n = String(value.prefix { $0 != "=" })
                    arguments.append(.variable(name: n, value: String(value.dropFirst(n.count + 1))))
                } else if name == "--var-file" {
                    let text = (try? String(contentsOf: dir.appendingPathComponent(value), encoding: .utf8)) ?? ""
                    arguments.append(.file(path: value, text: text))
                }
            }
        }
        let oracle = try! JSONReader.read(oracleText).root.plain
        return TerraformFixture(
            name: name,
            input: TerraformFiles(files: files, arguments: arguments, account: "111122223333", partition: "aws"),
            oracle: oracle)
    }

    /// POSIX shell words: single quotes, double quotes with backslash escapes, plain words.
    static func shellWords(_ s: String) -> [String] {
        var out: [String] = [], word = "", inWord = false
        var it = s.makeIterator()
        while let c = it.next() {
            switch c {
            case "'":
                inWord = true
                while let d = it.next(), d != "'" { word.append(d) }
            case "\"":
                inWord = true
                while let d = it.next(), d != "\"" {
                    if d == "\\", let e = it.next() { word.append(e) } else { word.append(d) }
                }
            case "\\":
                inWord = true
                if let e = it.next() { word.append(e) }
            case " ", "\t", "\n":
                if inWord { out.append(word) }
                word = ""
                inWord = false
            default:
                inWord = true
                word.append(c)
            }
        }
        if inWord { out.append(word) }
        return out
    }
}

@Suite struct TerraformOracleTests {
    static let fixtures = TerraformFixture.all("fixtures")
    static let unresolved = TerraformFixture.all("fixtures-unresolved")

    @Test func corpusIsThere() {
        #expect(Self.fixtures.count >= 40, "Terraform/fixtures holds \(Self.fixtures.count) fixtures with an oracle.json")
    }

    @Test(arguments: fixtures) func rendersAsTerraformDoes(_ f: TerraformFixture) throws {
        let reading = try TerraformReader.read(f.input)
        #expect(reading.missing.isEmpty, "files asked for but not in the fixture: \(reading.missing)")
        let roles = f.oracle["roles"]?.items ?? []
        for want in roles {
            let address = want["address"]?.string ?? ""
            guard let got = reading.roles.first(where: { $0.address == address }) else {
                Issue.record("role \(address) not read; read: \(reading.roles.map(\.address))")
                continue
            }
            #expect(got.problem == nil, "\(address): \(got.problem?.message ?? "")")
            if let text = want["config_assume_role_policy_text"]?.string {
                #expect(got.policy?.string == text, "\(address): assume_role_policy")
            }
            if let name = want["name"]?.string, want["name_prefix"]?.string == nil {
                #expect(got.name == name, "\(address): name")
            }
            if let seconds = want["max_session_duration"]?.integer {
                #expect(got.maxSessionDuration.flatMap(TFEval.stringValue) == String(seconds), "\(address): max_session_duration")
            }
        }
        let readRoles = Set(reading.roles.filter { !$0.isDocument }.map(\.address))
        #expect(readRoles == Set(roles.compactMap { $0["address"]?.string }), "the role instances")
        for want in f.oracle["documents"]?.items ?? [] {
            let address = want["address"]?.string ?? ""
            guard let text = want["json_text"]?.string else { continue }
            guard let got = reading.documents.first(where: { $0.address == address }) else {
                Issue.record("document \(address) not read; read: \(reading.documents.map(\.address))")
                continue
            }
            #expect(got.policy?.string == text, "\(address): json")
        }
        for want in f.oracle["providers"]?.items ?? [] {
            let address = want["address"]?.string ?? ""
            guard let got = reading.providers.first(where: { $0.address == address }) else {
                Issue.record("provider \(address) not read")
                continue
            }
            // IAM keeps the url without its scheme; that is what the resource's `url` reads as.
            let url = want["url"]?.string.map { $0.hasPrefix("https://") ? String($0.dropFirst(8)) : $0 }
            #expect(got.url == url, "\(address): url")
            #expect(got.clientIDs == want["client_id_list"]?.items?.compactMap(\.string), "\(address): client_id_list")
        }
    }

    /// Configurations Terraform itself cannot plan to a policy: the reader leaves the value unknown
    /// (or refuses), never makes one up.
    @Test(arguments: unresolved) func leavesUnknownWhatTerraformCannotKnow(_ f: TerraformFixture) {
        let reading: TerraformReading
        do { reading = try TerraformReader.read(f.input) } catch {
            #expect(!error.unresolved.isEmpty || error.range != nil, "\(error.message)")
            return
        }
        #expect(!reading.roles.isEmpty)
        for r in reading.roles {
            let unknown = r.problem.map { !$0.unknowns.isEmpty } ?? Unknowns.contains(r.policy?.string ?? "")
            #expect(unknown, "\(r.address) should depend on a value the files do not give")
        }
    }
}


