import Foundation
import Testing
@testable import OIDCDoctorCore

/// One case of the corpus in `Scenarios/*.json`: claims (or a raw token), a policy given as text, providers,
/// request parameters and what STS would answer. Policies are sliced from the case file verbatim, so key
/// order and positions are exactly as written.
struct Scenario: CustomTestStringConvertible, Sendable {
    var file: String
    var name: String
    var request: DiagnosisRequest
    var expect: PlainJSON
    /// For a Terraform case: the same policy written as JSON, which must be diagnosed alike.
    var twin: DiagnosisRequest?
    var testDescription: String { "\(file): \(name)" }

    static func loadAll() -> [Scenario] {
        let dir = Bundle.module.resourceURL!.appendingPathComponent("Scenarios")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
        return files.flatMap { f -> [Scenario] in
            let text = try! String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
            let doc: JSONReader.Document
            do { doc = try JSONReader.read(text) } catch { fatalError("\(f): \(error)") }
            guard case .array(let cases) = doc.root.value else { fatalError("\(f): expected an array of cases") }
            return cases.map { make($0, file: f, text: doc.text) }
        }
    }

    static func make(_ c: JSONNode, file: String, text: SourceText) -> Scenario {
        let plain = c.plain
        let name = plain["name"]?.string ?? "?"
        let sign = plain["sign"]?.string
        var tokenText = plain["token"]?.string ?? Fixtures.token(claims: Fixtures.claims(plain["claims"]), header: plain["header"], sign: sign)
        if plain["claimsJSON"] == .bool(true) { tokenText = JSONReport.pretty(Fixtures.claims(plain["claims"])) }
        let policyText = plain["policyText"]?.string ?? c["policy"].map { text.slice($0.range) } ?? "{}"
        var providers: [DiagnosisRequest.Input] = []
        if case .array(let ps)? = c["providers"]?.value {
            providers = ps.enumerated().map { .init(text: text.slice($0.element.range), source: "provider\($0.offset)") }
        }
        var jwks: DiagnosisRequest.Input?
        switch plain["jwks"]?.string ?? (sign != nil ? "test" : nil) {
        case "test"?: jwks = .init(text: Fixtures.jwks, source: "test-jwks")
        case "other"?: jwks = .init(text: #"{"keys":[{"kty":"EC","crv":"P-256","kid":"another-key","x":"AAAA","y":"AAAA"}]}"#, source: "other-jwks")
        case let raw?: jwks = .init(text: raw, source: "inline-jwks")
        case nil: break
        }
        let params = RequestParameters(
            roleArn: plain["roleArn"]?.string, sessionName: plain["sessionName"]?.string,
            durationSeconds: plain["duration"]?.integer.map(Int.init),
            at: plain["at"]?.string.flatMap(TimeText.parse) ?? Fixtures.defaultAt, sourceIp: plain["sourceIp"]?.string)
        var request = DiagnosisRequest(token: .init(text: tokenText, source: "token"), policy: .init(text: policyText, source: "policy.json"), providers: providers, jwks: jwks, parameters: params, observed: plain["stsError"]?.string,
                                       role: plain["role"]?.string)
        var twin: DiagnosisRequest?
        // A Terraform case: `tf` is main.tf, `vars` its --var values; `policy`, when given, the JSON twin.
        if let tf = plain["tf"]?.string {
            twin = c["policy"] == nil ? nil : request
            var vars: [TerraformFiles.Argument] = []
            if case .object(let vs)? = plain["vars"] { vars = vs.map { .variable(name: $0.key, value: $0.value.string ?? "") } }
            let arn = params.roleArn.flatMap(ARN.init)
            request.terraform = TerraformFiles(files: ["main.tf": tf], arguments: vars, account: arn?.account, partition: arn?.partition)
            request.policy = .init(text: "", source: "main.tf")
        }
        // A CloudFormation case: `template` is the file as written, with the stack's settings.
        if let t = plain["template"]?.string {
            request.policy = .init(text: t, source: "template")
            var settings = TemplateSettings(region: plain["region"]?.string, stackName: plain["stackName"]?.string)
            if case .object(let ps)? = plain["parameters"] { for p in ps { settings.parameters[p.key] = p.value.string ?? "" } }
            if case .object(let cs)? = plain["conditions"] { for c in cs { settings.conditions[c.key] = c.value == .bool(true) } }
            request.template = settings
        }
        if case .array(let rs)? = c["rcps"]?.value {
            request.rcps = rs.enumerated().map { .init(text: text.slice($0.element.range), source: "rcp\($0.offset).json") }
        }
        return Scenario(file: file, name: name, request: request, expect: plain["expect"] ?? .object([]), twin: twin)
    }
}

@Suite struct ScenarioCorpusTests {
    static let scenarios = Scenario.loadAll()

    @Test(arguments: scenarios)
    func scenario(_ s: Scenario) {
        let d = Diagnoser.diagnose(s.request)
        let e = s.expect
        let summary = "\(d.decision) \(d.primaryCause?.rawValue ?? "-") findings=\(d.findings.map { "\($0.id.rawValue)/\($0.severity)" })"
        if let want = e["decision"]?.string { #expect(d.decision.rawValue == want, "\(summary)") }
        if let want = e["sts"] {
            #expect(d.stsError?.code == want.string, "\(summary)")
        }
        if let want = e["cause"] { #expect(d.primaryCause?.rawValue == want.string, "\(summary)") }
        if let want = e["signature"]?.string { #expect(d.signature.rawValue == want) }
        let primary = d.primary
        if let twin = s.twin {
            let j = Diagnoser.diagnose(twin)
            #expect(d.decision == j.decision && d.primaryCause == j.primaryCause && d.primary?.key == j.primary?.key && d.primary?.statement == j.primary?.statement,
                    "the .tf and its JSON twin differ: \(summary) vs \(j.decision) \(j.primaryCause?.rawValue ?? "-")")
            #expect(Set(d.findings.map(\.id)) == Set(j.findings.map(\.id)), "findings differ: \(d.findings.map(\.id.rawValue)) vs \(j.findings.map(\.id.rawValue))")
        }
        if let want = e["statement"]?.integer { #expect(primary?.statement == Int(want), "\(summary)") }
        if let want = e["key"]?.string { #expect(primary?.key == want, "\(summary)") }
        if let want = e["line"]?.integer { #expect(primary?.range?.line == Int(want), "primary range \(String(describing: primary?.range))") }
        if let want = e["column"]?.integer { #expect(primary?.range?.column == Int(want), "primary range \(String(describing: primary?.range))") }
        if let want = e["file"]?.string { #expect(primary?.range?.file == want, "primary range \(String(describing: primary?.range))") }
        if let want = e["message"]?.string { #expect(primary?.stsError?.message.contains(want) == true || primary?.detail.contains(want) == true, "\(primary?.stsError?.message ?? "") | \(primary?.detail ?? "")") }
        if let want = e["fix"]?.string { #expect(primary?.fix?.contains(want) == true, "fix: \(primary?.fix ?? "nil")") }
        if case .array(let ws)? = e["warnings"] {
            for w in ws.compactMap(\.string) { #expect(d.findings.contains { $0.id.rawValue == w }, "missing \(w): \(summary)") }
        }
        // Warnings that would be false here (issue 8: no breadth warning on a statement nobody passes).
        if case .array(let ws)? = e["notWarnings"] {
            for w in ws.compactMap(\.string) { #expect(!d.findings.contains { $0.id.rawValue == w }, "\(w) is not true here: \(summary)") }
        }
        // Where a finding other than the primary points: `{"id": {"line": 3, "column": 7, "file": "main.tf"}}`.
        if case .object(let places)? = e["at"] {
            for pair in places {
                let id = pair.key, place = pair.value
                let r = d.findings.first { $0.id.rawValue == id }?.range
                #expect(r != nil, "\(id) has no range: \(summary)")
                if let l = place["line"]?.integer { #expect(r?.line == Int(l), "\(id) range \(String(describing: r))") }
                if let c = place["column"]?.integer { #expect(r?.column == Int(c), "\(id) range \(String(describing: r))") }
                if let f = place["file"]?.string { #expect(r?.file == f, "\(id) range \(String(describing: r))") }
            }
        }
        // The UNCONFIRMED points that move the decision, by name (Readings.Point), exactly.
        if case .array(let us)? = e["undocumented"] {
            let want = Set(us.compactMap(\.string)), got = Set(d.undocumented.map { "\($0)" })
            #expect(got == want, "undocumented \(got.sorted()) ≠ \(want.sorted()): \(summary)")
            if !want.isEmpty { #expect(TextReport.render(d).contains("AWS behaviour undocumented"), "the text says it") }
        }
        if let want = e["known"]?.string {
            let k = d.findings.first { $0.id == .observedKnownFailure }
            #expect(k.map { $0.detail.contains(want) || $0.fix?.contains(want) == true } == true, "known failure lacks \(want): \(k?.detail ?? "none")")
        }
        if case .array(let ws)? = e["absent"] {
            for w in ws.compactMap(\.string) { #expect(!d.findings.contains { $0.id.rawValue == w }, "unexpected \(w): \(summary)") }
        }
        // Every error finding names a fix; every located finding points inside the policy text.
        for f in d.findings where f.severity == .error { #expect(f.fix != nil, "\(f.id.rawValue) has no fix") }
        if let role = d.role {
            for f in d.findings { if let r = f.range { #expect(r.line >= 1 && r.endLine <= role.policy.text(of: r).lineCount, "\(f.id.rawValue) range \(r)") } }
        }
        // A finding's edit really is a fix: applied to the policy, that cause no longer decides the answer.
        if let p = primary, let edit = p.edit, let role = d.role, !role.positionsAreInDecodedText, s.request.policy.source != "template" {
            var fixed = s.request
            fixed.policy = .init(text: edit.apply(to: role.policy.source), source: "fixed.json")
            let after = Diagnoser.diagnose(fixed)
            #expect(after.decision != .unknown, "edit broke the policy: \(fixed.policy.text)")
            #expect(!(after.primaryCause == p.id && after.primary?.range == p.range), "edit did not fix \(p.id.rawValue): \(fixed.policy.text)")
        }
        // For a .tf: the fix is an edit of the .tf, and the configuration it leaves is fixed too.
        if let p = primary, p.edit != nil, var tf = s.request.terraform, let (edit, source) = d.editInGivenText(p), let file = d.editFile(p) {
            #expect(tf.files[file] == String(decoding: source.bytes, as: UTF8.self), "the edit is of \(file) as given")
            tf.files[file] = edit.apply(to: source)
            var fixed = s.request
            fixed.terraform = tf
            let after = Diagnoser.diagnose(fixed)
            #expect(after.decision != .unknown, "edit broke the .tf: \(tf.files[file] ?? "")")
            #expect(after.primaryCause != p.id, "the .tf edit did not fix \(p.id.rawValue): \(tf.files[file] ?? "")")
        }
        // For a template: the fix is an edit of the template, and the template it leaves is fixed too.
        if let p = primary, p.edit != nil, s.request.policy.source == "template", let (edit, source) = d.editInGivenText(p) {
            #expect(String(decoding: source.bytes, as: UTF8.self) == s.request.policy.text, "the edit is of the template as given")
            var fixed = s.request
            fixed.policy = .init(text: edit.apply(to: source), source: "template")
            let after = Diagnoser.diagnose(fixed)
            // Another unknown may still decide (exit 2), but the template must stay readable.
            #expect(![FindingID.policyInvalid, .inputInvalid].contains(after.primaryCause), "edit broke the template: \(fixed.policy.text)")
            #expect(after.primaryCause != p.id, "the template edit did not fix \(p.id.rawValue): \(fixed.policy.text)")
        }
        // The JSON contract holds for every case: one object with the stable top-level fields.
        let json = JSONReport.render(d)
        let parsed = try? JSONReader.read(json)
        #expect(parsed != nil)
        for field in ["schema", "decision", "stsError", "primaryCause", "findings", "walk", "statements", "context", "token"] {
            #expect(parsed?.root[field] != nil, "JSON lacks \(field)")
        }
    }

    /// Fixes of .tf cases are .tf edits (checked above, case by case), and there are some.
    @Test func terraformCasesGetTerraformEdits() {
        let edits = Self.scenarios.filter { $0.request.terraform != nil }.compactMap { s -> String? in
            let d = Diagnoser.diagnose(s.request)
            return d.primary.flatMap { d.editFile($0) }
        }
        #expect(edits.count >= 5, "\(edits.count) .tf cases have a .tf edit")
    }

    /// Fixes of template cases are template edits (checked above, case by case), YAML and JSON.
    @Test func templateCasesGetTemplateEdits() {
        let edits = Self.scenarios.filter { $0.request.policy.source == "template" }.compactMap { s -> String? in
            let d = Diagnoser.diagnose(s.request)
            return d.primary.flatMap { d.editInGivenText($0) }.map { _ in s.name }
        }
        #expect(edits.count >= 8, "\(edits.count) template cases have a template edit: \(edits)")
    }

    /// The corpus must cover every finding id of the catalogue at least once.
    @Test func corpusCoversEveryFindingID() {
        var seen = Set<String>()
        for s in Self.scenarios {
            let d = Diagnoser.diagnose(s.request)
            for f in d.findings { seen.insert(f.id.rawValue) }
        }
        // `audit`'s own findings are held to the trust catalogue (AdmissionMatrixTests).
        let missing = FindingID.allCases.filter { !FindingID.auditOnly.contains($0) }.map(\.rawValue).filter { !seen.contains($0) }
        #expect(missing.isEmpty, "no scenario produces: \(missing)")
        #expect(Self.scenarios.count >= 60, "corpus has \(Self.scenarios.count) cases")
    }
}
