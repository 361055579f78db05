import Foundation
import Testing
@testable import OIDCDoctorCore

/// The built `oidc-doctor` binary, run as a user would: samples, exit codes, bad inputs.
@Suite struct CommandLineTests {
    static let samples: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.shared.appendingPathComponent("samples").path)) ?? [])
        .filter { !$0.hasSuffix(".json") }.sorted()

    @Test func samplesArePresent() { #expect(Self.samples.count >= 6) }

    /// `--sub-format` and `--renamed-from`: JSON `migration` with every job before and after and the
    /// values to add; a format GitLab refuses is a usage error (exit 2).
    @Test func subMigrationOptions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-migration-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.example.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main"}}}]}"#
            .write(to: dir.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
        try Fixtures.token(claims: Fixtures.claims(nil)).write(to: dir.appendingPathComponent("t.jwt"), atomically: true, encoding: .utf8)
        let base = ["check", "--token", "t.jwt", "--policy", "p.json", "--at", "2026-11-27T11:10:00Z"]
        let (status, out, err) = try Fixtures.run(base + ["--sub-format", "project_id", "--format", "json"], cwd: dir)
        #expect(status == 0, "the job gets in now: \(err)")
        let m = try JSONReader.read(out).root.plain["migration"]
        #expect(m?["change"] == .string("sub components → project_id,ref_type,ref"))
        #expect(m?["rows"]?.items?.first?["after"]?["decision"] == .string("deny") && m?["rows"]?.items?.first?["after"]?["sub"] == .string("project_id:20:ref_type:branch:ref:main"))
        #expect(m?["proposal"]?["additions"]?.items?.first?["add"] == .array([.string("project_id:20:ref_type:branch:ref:main")]) && m?["proposal"]?["admitsBoth"] == .bool(true), "\(out)")
        let (_, text, _) = try Fixtures.run(base + ["--renamed-from", "mygroup/myproject", "--renamed-to", "platform/myproject"], cwd: dir)
        #expect(text.contains(#"to admit both during the change: add "project_path:platform/myproject:ref_type:branch:ref:main""#) && text.contains("checked:"), "\(text)")
        for bad in [["--sub-format", "ref,project_path"], ["--sub-format", "project_path,branch"], ["--renamed-to", "x/y"], ["--sub-format", "default", "--renamed-from", "a/b"],
                    ["--renamed-from", "mygroup/myproject"]] {
            let (code, _, e) = try Fixtures.run(base + bad, cwd: dir)
            #expect(code == 2 && !e.isEmpty, "\(bad): \(code) \(e)")
        }
    }

    /// `check --matrix`: the job at hand first, then the witness jobs, each as `check` would answer it;
    /// `audit --matrix`: the same rows per role. The exit status stays the token's own answer.
    @Test func matrixOnCheckAndAudit() throws {
        let dir = Fixtures.shared.appendingPathComponent("samples/deny-wildcard-equals-ref")
        let args = try String(contentsOf: dir.appendingPathComponent("args"), encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        let (status, out, _) = try Fixtures.run(["check", "--token", "token.jwt", "--policy", "policy.json", "--matrix", "--format", "json"] + args, cwd: dir)
        #expect(status == 1)
        let got = try JSONReader.read(out).root.plain
        guard case .array(let rows)? = got["matrix"] else { Issue.record("no matrix: \(out.prefix(300))"); return }
        #expect(rows.first?["kind"] == .string("this-job") && rows.first?["decision"] == .string("deny") && rows.first?["cause"] == got["primaryCause"])
        #expect(rows.count >= 9 && rows.allSatisfy { $0["decision"] == .string("deny") && $0["job"]?["sub"]?.string != nil }, "StringEquals with * admits no job")
        let (_, text, _) = try Fixtures.run(["check", "--token", "token.jwt", "--policy", "policy.json", "--matrix"] + args, cwd: dir)
        #expect(text.contains("who else this policy admits") && text.contains("fork merge request from fork-owner/myproject"), "\(text)")
        let matrixLines = text.split(separator: "\n").drop { !$0.hasPrefix("who else") }.dropFirst()
        #expect(matrixLines.count >= 9 && matrixLines.allSatisfy { $0.count <= 80 }, "an 80-column terminal shows each row whole: \(matrixLines)")
        let (auditStatus, audit, _) = try Fixtures.run(["audit", "--roles", "policy.json", "--matrix", "--format", "json"] + args, cwd: dir)
        let role = try JSONReader.read(audit).root.plain["roles"]?.items?.first
        #expect(auditStatus == 1 && role?["warnings"]?.items?.contains(.string("trust.never-assumable")) == true, "\(audit)")
        #expect(role?["matrix"]?.items?.isEmpty == false && role?["admits"] == .array([.string("nobody: no witness job is admitted")]))
        let (_, md, _) = try Fixtures.run(["audit", "--roles", "policy.json", "--matrix", "--format", "markdown"] + args, cwd: dir)
        #expect(md.contains("| job | sub | decision | deciding |"), "\(md)")
    }

    /// `cd CASE && oidc-doctor check --token token.jwt --policy policy.json $(cat args) --format json` gives expect.json.
    @Test(arguments: samples)
    func sample(_ name: String) throws {
        let dir = Fixtures.shared.appendingPathComponent("samples").appendingPathComponent(name)
        let args = try String(contentsOf: dir.appendingPathComponent("args"), encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        let (status, out, err) = try Fixtures.run(["check", "--token", "token.jwt", "--policy", "policy.json"] + args + ["--format", "json"], cwd: dir)
        let expect = try JSONReader.read(String(contentsOf: dir.appendingPathComponent("expect.json"), encoding: .utf8)).root.plain
        let got = try JSONReader.read(out).root.plain
        #expect(Int64(status) == expect["exit"]?.integer, "stderr: \(err)")
        #expect(got["decision"] == expect["decision"])
        #expect(got["stsError"]?["code"] == (expect["sts"] == .null ? nil : expect["sts"]))
        if let cause = expect["cause"] { #expect(got["primaryCause"] == cause) }
        if case .array(let findings)? = got["findings"] {
            if let st = expect["statement"] { #expect(findings.first?["statement"] == st) }
            if let key = expect["key"] { #expect(findings.first?["key"] == key) }
            if case .array(let ws)? = expect["warnings"] { for w in ws { #expect(findings.contains { $0["id"] == w }) } }
        }
        #expect(!out.contains(try String(contentsOf: dir.appendingPathComponent("token.jwt"), encoding: .utf8).split(separator: ".").last.map(String.init)!.trimmingWhitespace), "signature printed")
    }

    @Test func samplesVerifyAgainstTheirKeySet() throws {
        let dir = Fixtures.shared.appendingPathComponent("samples/allow-seed-main")
        let (status, out, _) = try Fixtures.run(["check", "--token", "token.jwt", "--policy", "policy.json", "--at", "2026-11-27T11:10:00Z", "--jwks", "../jwks.json", "--format", "json"], cwd: dir)
        #expect(status == 0)
        #expect(out.contains("\"signature\": \"valid\""))
    }

    @Test func demoPrintsADiagnosisAtItsOwnTime() throws {
        let (status, out, _) = try Fixtures.run(["demo"])
        #expect(status == 1)
        #expect(out.contains("Evaluated at the example's own time, 2026-11-27T11:10:00Z"))
        #expect(out.contains("error[condition.wildcard-needs-like]"))
        #expect(out.contains("help: change the operator \"StringEquals\" to \"StringLike\""))
        #expect(!out.contains("\u{1B}["), "colour written to a pipe")
    }

    @Test func textFallsBackToASCIIWithoutUTF8Locale() throws {
        let (_, out, _) = try Fixtures.run(["demo", "other-branch"], env: ["LANG": "C", "LC_ALL": "C"])
        #expect(out.contains("  x conditions"))
        #expect(!out.contains("✗"))
    }

    @Test func markdownReport() throws {
        let (status, out, _) = try Fixtures.run(["demo", "unsupported-key", "--format", "markdown"])
        #expect(status == 1)
        #expect(out.hasPrefix("## oidc-doctor: DENY"))
        #expect(out.contains("`condition.unsupported-key`"))
    }

    @Test func decodeShowsClaimsNotSignature() throws {
        let token = Fixtures.token(claims: Fixtures.claims(nil))
        let (status, out, _) = try Fixtures.run(["decode", "--token", "-", "--at", "2026-11-27T11:10:00Z"], stdin: Data(token.utf8))
        #expect(status == 0)
        #expect(out.contains("exp 1795780800 = 2026-11-27T12:00:00Z (in 50m)"))
        #expect(out.contains("sub components: project_path=mygroup/myproject  ref_type=branch  ref=main"))
        #expect(!out.contains(String(token.split(separator: ".")[2])))
    }

    static let policyFile: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-test-policy-\(getpid()).json")
        try? DemoScenario.main.policy.write(to: url, atomically: true, encoding: .utf8)
        return url
    }()

    struct BadInput: CustomTestStringConvertible, Sendable {
        var name: String
        var args: [String]
        var stdin: String?
        var stdinBytes: [UInt8]? = nil
        var env: [String: String] = [:]
        var exit: Int32
        var stderrHas: String
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "missing token file", args: ["--token", "/nonexistent/token.jwt"], exit: 2, stderrHas: "token /nonexistent/token.jwt: no such file"),
        BadInput(name: "directory as token", args: ["--token", "/tmp"], exit: 2, stderrHas: "token /tmp: is a directory"),
        BadInput(name: "unset env variable", args: ["--token", "env:OIDC_DOCTOR_SURELY_UNSET"], exit: 2, stderrHas: "environment variable OIDC_DOCTOR_SURELY_UNSET is not set"),
        BadInput(name: "empty stdin", args: ["--token", "-"], stdin: "\n", exit: 2, stderrHas: "token -: is empty"),
        BadInput(name: "20 MB paste", args: ["--token", "-"], stdin: String(repeating: "A", count: 20_000_000), exit: 2, stderrHas: "more than the 4194304-byte limit"),
        BadInput(name: "invalid UTF-8 in the token", args: ["--token", "-"], stdin: nil, stdinBytes: [0x65, 0x79, 0xFF, 0x2E], exit: 2, stderrHas: "not UTF-8 text (invalid byte 0xff at byte offset 2)"),
        BadInput(name: "NUL in the token", args: ["--token", "-"], stdin: "eyJh\u{0}bGc.e30.c2ln", exit: 1, stderrHas: ""),
        BadInput(name: "bad --at", args: ["--token", "-", "--at", "yesterday"], stdin: "x", exit: 2, stderrHas: "--at"),
        BadInput(name: "unknown option", args: ["--token", "-", "--frobnicate"], stdin: "x", exit: 2, stderrHas: "frobnicate"),
        BadInput(name: "bad --source-ip", args: ["--token", "-", "--source-ip", "203.0.113.300"], stdin: "x", exit: 2, stderrHas: "--source-ip \"203.0.113.300\": expected an IPv4 or IPv6 address"),
    ]

    /// Every subcommand refuses a bad --at or --source-ip instead of quietly using now / no address.
    @Test(arguments: [["decode", "--token", "x", "--at", "yesterday"], ["audit", "--roles", "x", "--at", "yesterday"],
                      ["audit", "--roles", "x", "--source-ip", "1.2.3"], ["open", "--token", "x", "--policy", "y", "--source-ip", "::g"]])
    func badOptionValuesAreUsageErrors(_ args: [String]) throws {
        let (status, _, err) = try Fixtures.run(args)
        #expect(status == 2, "\(args): \(err)")
        #expect(err.contains(args[args.count - 2]), "names the option: \(err)")
    }

    @Test(arguments: badInputs)
    func badInput(_ c: BadInput) throws {
        let (status, out, err) = try Fixtures.run(["check", "--policy", Self.policyFile.path] + c.args, env: c.env, stdin: c.stdinBytes.map { Data($0) } ?? c.stdin.map { Data($0.utf8) })
        #expect(status == c.exit, "stdout: \(out.prefix(300)) stderr: \(err)")
        if !c.stderrHas.isEmpty { #expect(err.contains(c.stderrHas), "stderr: \(err)") }
        #expect(!err.contains("Fatal error") && !err.contains("Stack dump"))
    }

    /// A template through the binary: parameters from the command line and from a parameters file,
    /// positions in the template, and stack options that do not fit the input as usage errors.
    @Test func templateOptions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-cfn-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let template = dir.appendingPathComponent("stack.yaml")
        try Fixtures.stackTemplate(projectDefault: "mygroup/myproject").write(to: template, atomically: true, encoding: .utf8)
        let token = Data(Fixtures.token(claims: Fixtures.claims(nil)).utf8)
        let at = ["--at", "2026-11-27T11:10:00Z"]
        let base = ["check", "--token", "-", "--policy", template.path, "--format", "json"] + at
        var (status, out, err) = try Fixtures.run(base, stdin: token)
        #expect(status == 0, "the default admits the job: \(err)")
        (status, out, _) = try Fixtures.run(base + ["--parameter", "Project=other/project"], stdin: token)
        #expect(status == 1 && out.contains("\"primaryCause\": \"condition.project-mismatch\""))
        #expect(out.contains("\"line\": 18"), "the place in the template: \(out.prefix(600))")
        for (name, text) in [("create.json", #"[{"ParameterKey": "Project", "ParameterValue": "other/project"}]"#),
                             ("deploy.json", #"["Project=other/project"]"#), ("plain.txt", "Project=other/project\n")] {
            let f = dir.appendingPathComponent(name)
            try text.write(to: f, atomically: true, encoding: .utf8)
            (status, _, err) = try Fixtures.run(base + ["--parameters", f.path], stdin: token)
            #expect(status == 1, "\(name): \(err)")
        }
        (status, out, _) = try Fixtures.run(base + ["--parameter", "project=other/project"], stdin: token)
        #expect(status == 2 && out.contains("--parameter project: not in the template"), "names are case-sensitive: \(out.prefix(400))")
        (status, out, _) = try Fixtures.run(["check", "--token", "-", "--policy", Self.policyFile.path, "--format", "json", "--condition", "IsProd=true"] + at, stdin: token)
        #expect(status == 2 && out.contains("input.invalid") && out.contains("--condition applies only to CloudFormation templates"))
        (status, _, err) = try Fixtures.run(base + ["--parameter", "Project"], stdin: token)
        #expect(status == 2 && err.contains("--parameter"), "NAME=VALUE expected: \(err)")
    }

    @Test func jsonIsPrintedForExit2Too() throws {
        let (status, out, _) = try Fixtures.run(["check", "--token", "/nonexistent", "--policy", Self.policyFile.path, "--format", "json"])
        #expect(status == 2)
        let doc = try JSONReader.read(out)
        #expect(doc.root["decision"]?.stringValue == "unknown")
        #expect(doc.root["primaryCause"]?.stringValue == "input.invalid")
    }

    @Test func invalidPolicyGivesLineAndColumnAndExit2() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-bad-\(getpid()).json")
        try "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [],\n}".write(to: url, atomically: true, encoding: .utf8)
        let token = Fixtures.token(claims: Fixtures.claims(nil))
        let (status, out, _) = try Fixtures.run(["check", "--token", "-", "--policy", url.path, "--format", "json"], stdin: Data(token.utf8))
        #expect(status == 2)
        #expect(out.contains("\"primaryCause\": \"policy.invalid\""))
        #expect(out.contains("line 4, column 1: not valid JSON: trailing comma"))
    }

    @Test func controlCharactersFromInputsNeverReachTheTerminal() throws {
        let claims = Fixtures.claims(.object([.init(key: "sub", value: .string("project_path:evil\u{1B}]0;pwned\u{7}:ref_type:branch:ref:main"))]))
        let token = Fixtures.token(claims: claims)
        let (_, out, _) = try Fixtures.run(["check", "--token", "-", "--policy", Self.policyFile.path, "--at", "2026-11-27T11:10:00Z"], stdin: Data(token.utf8))
        #expect(!out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(out.contains("\\u{1b}]0;pwned"))
    }

    /// Under LANG=C every report is ASCII: no em dash, ellipsis or check mark reaches a terminal that
    /// cannot show it.
    @Test func reportsAreASCIIWithoutAUTF8Locale() throws {
        let env = ["LANG": "C", "LC_ALL": "C", "LC_CTYPE": ""]
        for name in ["deny-ref-other-branch", "deny-wildcard-equals-ref", "allow-seed-main"] {
            let sample = Fixtures.shared.appendingPathComponent("samples/\(name)")
            let (_, out, _) = try Fixtures.run(["check", "--token", "token.jwt", "--policy", "policy.json", "--at", "2026-11-27T11:10:00Z"], cwd: sample, env: env)
            #expect(!out.isEmpty && !out.unicodeScalars.contains { !$0.isASCII }, "\(name): \(out)")
            let (_, audit, _) = try Fixtures.run(["audit", "--roles", "policy.json", "--token", "token.jwt", "--at", "2026-11-27T11:10:00Z", "--format", "text"], cwd: sample, env: env)
            #expect(!audit.isEmpty && !audit.unicodeScalars.contains { !$0.isASCII }, "\(name): \(audit)")
        }
    }

    /// A finding's edit is in the JSON with the whole fixed policy, which then passes.
    @Test func jsonCarriesTheEditAndTheFixedPolicy() throws {
        let sample = Fixtures.shared.appendingPathComponent("samples/deny-wildcard-equals-ref")
        let args = ["check", "--token", sample.appendingPathComponent("token.jwt").path, "--at", "2026-11-27T11:10:00Z", "--format", "json"]
        let (status, out, _) = try Fixtures.run(args + ["--policy", sample.appendingPathComponent("policy.json").path])
        #expect(status == 1)
        let doc = try JSONReader.read(out)
        let edit = try #require(doc.root["findings"].flatMap { f -> JSONNode? in
            guard case .array(let items) = f.value else { return nil }
            return items.first?["edit"]
        })
        #expect(edit["replacement"]?.stringValue == "\"StringLike\"")
        #expect(edit["range"]?["line"] != nil)
        let fixed = try #require(edit["fixedPolicy"]?.stringValue)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-fixed-\(getpid()).json")
        try fixed.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (after, _, _) = try Fixtures.run(args + ["--policy", file.path])
        #expect(after == 0, "the fixed policy lets the token through")
    }

    /// `--rcp` through the real binary: a Deny in the organization's RCP is the answer, in every format.
    @Test func resourceControlPolicyFromAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-rcp-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rcp = dir.appendingPathComponent("rcp.json")
        try #"{"Version": "2012-10-17", "Statement": [{"Sid": "NoFederation", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Resource": "*"}]}"#
            .write(to: rcp, atomically: true, encoding: .utf8)
        let sample = Fixtures.shared.appendingPathComponent("samples/allow-seed-main")
        let args = ["check", "--token", sample.appendingPathComponent("token.jwt").path, "--policy", sample.appendingPathComponent("policy.json").path,
                    "--at", "2026-11-27T11:10:00Z", "--rcp", rcp.path]
        let (status, out, _) = try Fixtures.run(args + ["--format", "json"])
        #expect(status == 1)
        #expect(out.contains("\"primaryCause\": \"rcp.explicit-deny\""))
        let (_, text, _) = try Fixtures.run(args)
        #expect(text.contains("✗ rcp") || text.contains("x rcp"), "\(text)")
        let (both, _, err) = try Fixtures.run(["check", "--token", "-", "--policy", "x", "--rcp", "-"], stdin: Data("x".utf8))
        #expect(both == 2 && err.contains("only one input can be read from standard input"))
        // audit weighs the RCP in whether the token can assume each role.
        let audit = ["audit", "--roles", sample.appendingPathComponent("policy.json").path, "--token", sample.appendingPathComponent("token.jwt").path,
                     "--at", "2026-11-27T11:10:00Z", "--format", "json"]
        let (_, without, _) = try Fixtures.run(audit)
        #expect(without.contains("\"canAssume\": true"))
        let (_, with, _) = try Fixtures.run(audit + ["--rcp", rcp.path])
        #expect(with.contains("\"canAssume\": false") && with.contains("\"primaryCause\": \"rcp.explicit-deny\""), "\(with)")
    }

    @Test func auditExitCodesAndJSON() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-audit-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let roles = dir.appendingPathComponent("roles.json")
        try InputShapeTests.listRoles.write(to: roles, atomically: true, encoding: .utf8)
        let (status, out, _) = try Fixtures.run(["audit", "--roles", roles.path, "--format", "json"])
        #expect(status == 0, "no role is open to the whole instance")
        #expect(try JSONReader.read(out).root["schema"]?.stringValue == "oidc-doctor/audit/v1")
        let open = dir.appendingPathComponent("open.json")
        try #"{"Roles": [{"RoleName": "open", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}}]}"#
            .write(to: open, atomically: true, encoding: .utf8)
        #expect(try Fixtures.run(["audit", "--roles", open.path, "--format", "json"]).0 == 1)
        #expect(try Fixtures.run(["audit", "--roles", dir.path, "--format", "text"]).0 == 1, "a directory of such files")
        let truncated = dir.appendingPathComponent("truncated.json")
        try String(InputShapeTests.listRoles.prefix(300)).write(to: truncated, atomically: true, encoding: .utf8)
        let (t, _, err) = try Fixtures.run(["audit", "--roles", truncated.path, "--format", "json"])
        #expect(t == 2)
        #expect(err.contains("truncated.json") && err.contains("line"), "stderr: \(err)")
    }
}

