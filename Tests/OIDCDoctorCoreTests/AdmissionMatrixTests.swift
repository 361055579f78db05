import Foundation
import Testing
@testable import OIDCDoctorCore

/// Issue 8: who a role admits comes from witness jobs evaluated as `check` evaluates a token.
@Suite struct AdmissionMatrixTests {
    struct Pattern: CustomTestStringConvertible {
        var name: String
        var policy: PlainJSON
        var arn: String
        var admits: Set<String>
        var warnings: [String]
        var notWarnings: [String]
        var testDescription: String { name }
    }

    /// `Tests/make-trust-catalogue.py`: trust patterns with the witness classes each must admit.
    static let catalogue: [Pattern] = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Catalogue/trust-catalogue.json")
        let root = try! JSONReader.read(String(contentsOf: url, encoding: .utf8)).root.plain
        guard case .array(let cases) = root else { return [] }
        return cases.map { c in
            let strings = { (k: String) -> [String] in
                if case .array(let xs)? = c[k] { return xs.compactMap(\.string) }
                return []
            }
            return Pattern(name: c["name"]?.string ?? "?", policy: .object([.init(key: "Version", value: .string("2012-10-17")), .init(key: "Statement", value: c["statements"] ?? .array([]))]),
                           arn: c["arn"]?.string ?? "", admits: Set(strings("admits")), warnings: strings("warnings"), notWarnings: strings("notWarnings"))
        }
    }()

    /// The catalogue as `aws iam list-roles` output: one role per pattern, named by its index.
    static var listRoles: String {
        let roles: [PlainJSON] = catalogue.enumerated().map { i, p in
            .object([.init(key: "RoleName", value: .string("r\(i)")), .init(key: "Arn", value: .string(p.arn)), .init(key: "AssumeRolePolicyDocument", value: p.policy)])
        }
        return PlainJSON.object([.init(key: "Roles", value: .array(roles))]).jsonText
    }

    /// As `audit` runs without `--matrix` (rows not kept), and with it (every row walked whole).
    static let report = Auditor.audit([.init(text: listRoles, source: "catalogue.json")], token: nil, providers: [], parameters: RequestParameters(at: Fixtures.defaultAt))
    static let walked = Auditor.audit([.init(text: listRoles, source: "catalogue.json")], token: nil, providers: [], parameters: RequestParameters(at: Fixtures.defaultAt), matrix: true)

    @Test func catalogueIsLargeEnough() {
        #expect(Self.catalogue.count >= 60)
        #expect(Self.report.roles.count == Self.catalogue.count, "every pattern is listed, wildcard principals and never-assumable roles included")
    }

    @Test(arguments: catalogue.indices) func auditHoldsToTheCatalogue(_ i: Int) throws {
        let p = Self.catalogue[i]
        let role = try #require(Self.report.roles.first { $0.name == "r\(i)" }, "\(p.name): not listed")
        let full = try #require(Self.walked.roles.first { $0.name == "r\(i)" })
        let m = try #require(full.matrix)
        #expect(role.matrix == nil, "rows are kept only for --matrix")
        let admitted = Set(role.admitted.map(\.rawValue))
        #expect(admitted == p.admits, "\(p.name): admits \(admitted.sorted()), expected \(p.admits.sorted())\n\(MatrixRendering.text(m, unicode: false).joined(separator: "\n"))")
        #expect(Set(m.admitted.map(\.witness.kind.rawValue)) == admitted && full.admits == role.admits, "\(p.name): --matrix says otherwise")
        let ids = Set(role.warnings.map(\.id.rawValue))
        for w in p.warnings { #expect(ids.contains(w), "\(p.name): missing \(w) in \(ids.sorted())") }
        for w in p.notWarnings { #expect(!ids.contains(w), "\(p.name): \(w) is false here") }
        if p.admits.isEmpty {
            #expect(role.admits == ["nobody: no witness job is admitted"] && ids.contains("trust.never-assumable"), "\(p.name): \(role.admits)")
        } else {
            // Every phrase is a witness that got in, and every witness that got in has its phrase.
            #expect(role.admits.count == role.admitted.count && !ids.contains("trust.never-assumable"), "\(p.name): \(role.admits)")
        }
    }

    /// The real `audit --matrix --format json` is held to the catalogue too, role by role.
    @Test func auditMatrixCommandHoldsToTheCatalogue() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-catalogue-\(getpid()).json")
        try Self.listRoles.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (_, out, err) = try Fixtures.run(["audit", "--roles", file.path, "--matrix", "--format", "json", "--at", "2026-11-27T11:10:00Z"])
        let roles = try #require(try JSONReader.read(out, limits: .init(maxDepth: 64, maxBytes: 64 << 20)).root.plain["roles"]?.items, "\(err)")
        #expect(roles.count == Self.catalogue.count)
        for r in roles {
            guard let name = r["name"]?.string, let i = Int(name.dropFirst()), i < Self.catalogue.count else { Issue.record("role \(r["name"] ?? .null)"); continue }
            let admitted = Set((r["matrix"]?.items ?? []).filter { $0["decision"] == .string("allow") }.compactMap { $0["kind"]?.string })
            #expect(admitted == Self.catalogue[i].admits, "\(Self.catalogue[i].name): --matrix admits \(admitted.sorted())")
        }
    }

    /// The property of issue 8: every row is what `check` answers for a token with that job's claims.
    @Test func everyRowIsWhatCheckAnswers() throws {
        var rng = SplitMix(seed: 20261204)
        var rows = 0, admitted = 0, nobody = 0, mismatches: [String] = []
        for n in 0..<60 {
            let c = RandomCase.make(&rng)
            let role = try RoleInput.read(c.policyText)
            let params = RequestParameters(roleArn: RandomCase.roleArn, at: Fixtures.defaultAt)
            // Every third case with a provider: its audience check and its absence for other hosts count too.
            let providers: [DiagnosisRequest.Input] = n % 3 == 0 ? [.init(text: #"{"Url": "gitlab.example.com", "ClientIDList": ["\#(n % 2 == 0 ? "sts.amazonaws.com" : "https://gitlab.example.com")"]}"#, source: "provider.json")] : []
            var base = DiagnosisRequest(token: .init(text: "", source: "token"), policy: .init(text: c.policyText, source: "policy.json"), providers: providers, parameters: params)
            base.parsedRole = role
            let clientIDs = providers.isEmpty ? [] : [n % 2 == 0 ? "sts.amazonaws.com" : "https://gitlab.example.com"]
            let m = AdmissionMatrix.evaluate(base, role: role, clientIDs: clientIDs)
            // The quick form audit uses gives the same decisions.
            let quick = AdmissionMatrix.evaluate(base, role: role, clientIDs: clientIDs, causes: false)
            #expect(quick.rows.map(\.decision) == m.rows.map(\.decision), "case \(n): quick \(quick.rows.map(\.decision)) vs \(m.rows.map(\.decision))")
            for r in m.rows {
                let check = Diagnoser.diagnose(DiagnosisRequest(token: .init(text: Fixtures.token(claims: r.witness.claims), source: "token"),
                                                                policy: .init(text: c.policyText, source: "policy.json"), providers: providers, parameters: params))
                rows += 1
                if r.decision == .allow { admitted += 1 }
                if check.decision != r.decision || (r.decision != .allow && check.primaryCause != r.cause) {
                    mismatches.append("case \(n) \(r.witness.label): matrix \(r.decision) \(r.cause?.rawValue ?? "-"), check \(check.decision) \(check.primaryCause?.rawValue ?? "-")\n  \(c.policyText)")
                }
            }
            if m.admitsNobody {
                nobody += 1
                let audit = Auditor.audit([.init(text: c.policyText, source: "p.json")], token: nil, providers: providers, parameters: params)
                #expect(audit.roles.first?.warnings.contains { $0.id == .trustNeverAssumable } != false, "case \(n): nobody gets in, audit must say so")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(rows) rows differ from check:\n\(mismatches.prefix(5).joined(separator: "\n"))")
        // A generator that never admits, or always does, would prove nothing.
        #expect(admitted > rows / 20 && nobody > 0 && nobody < 60, "rows \(rows), admitted \(admitted), nobody \(nobody)")
    }

    /// The matrix builds each job's request context without its claims: it must be the one the
    /// token path builds from them, key for key (gitlab.com's extra keys included).
    @Test func aJobsContextIsItsClaimsContext() throws {
        for host in ["gitlab.example.com", "gitlab.com", "GitLab.Example.com"] {
            let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/\#(host)"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"\#(host):sub":"project_path:mygroup/*"},"StringEquals":{"\#(host):user_login":"alice","\#(host):aud":["a","b"]}}}]}"#
            var params = RequestParameters(at: Fixtures.defaultAt, sourceIp: "203.0.113.9")
            params.sessionName = "ci-job"
            let jobs = WitnessJobs.derive(try RoleInput.read(policy).policy, at: Fixtures.defaultAt)
            let first = RequestContext(job: jobs[0].job, lowerPrefix: jobs[0].job.host.lowercased(), request: params)
            for job in jobs {
                // Made anew, or the first job's context with this job's values (what the matrix does).
                let fast = first.witness(job.job) ?? RequestContext(job: job.job, lowerPrefix: job.job.host.lowercased(), request: params)
                if job.job.host == jobs[0].job.host { #expect(first.witness(job.job) != nil, "\(host) \(job.label): same host, same keys") }
                let slow = RequestContext(token: IDToken(header: .object([]), claims: job.claims), request: params)
                let f = Dictionary(uniqueKeysWithValues: fast.entries.map { ($0.key.lowercased(), $0) })
                let s = Dictionary(uniqueKeysWithValues: slow.entries.map { ($0.key.lowercased(), $0) })
                #expect(f == s, "\(host) \(job.label):\n\(f.keys.sorted())\n\(s.keys.sorted())")
                #expect(fast.providerPrefix == slow.providerPrefix)
            }
        }
    }

    /// `--sub-format` / `--renamed-from`: the proposal, applied to the policy text, lets `check` admit
    /// the job's token both in its present form and in its form after the change.
    @Test(arguments: [
        ("project_path:acme/app:ref_type:branch:ref:main", SubMigration.Change.format(["project_id", "ref_type", "ref"]), "project_id:4242:ref_type:branch:ref:main"),
        ("project_path:acme/app:*", .format(["project_id", "ref_type", "ref"]), "project_id:4242:*"),
        ("project_path:acme/app:ref_type:branch:ref:main", .format(["project_path", "ref_protected", "ref_type", "ref"]), "project_path:acme/app:ref_protected:true:ref_type:branch:ref:main"),
        ("project_path:acme/app:ref_type:branch:ref:main", .rename(from: "acme/app", to: "acme/platform/app"), "project_path:acme/platform/app:ref_type:branch:ref:main"),
    ])
    func migrationProposalAdmitsBoth(_ value: String, _ change: SubMigration.Change, _ added: String) throws {
        let policy = { (values: [String]) in
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"gitlab.com:sub":\#(PlainJSON.array(values.map(PlainJSON.string)).jsonText)}}}]}"#
        }
        let claims = Fixtures.claims(.object([.init(key: "iss", value: .string("https://gitlab.com")), .init(key: "project_path", value: .string("acme/app")),
                                              .init(key: "project_id", value: .string("4242")), .init(key: "sub", value: .string("project_path:acme/app:ref_type:branch:ref:main"))]))
        let token = try TokenReader.read(Fixtures.token(claims: claims))
        let role = try RoleInput.read(policy([value]))
        let params = RequestParameters(roleArn: "arn:aws:iam::111122223333:role/deploy", at: Fixtures.defaultAt)
        let m = SubMigration(change)
        let o = m.evaluate(DiagnosisRequest(token: .init(text: "", source: "t"), policy: .init(text: "", source: "p"), parameters: params), role: role, token: token, clientIDs: [])
        let first = try #require(o.rows.first)
        #expect(first.before.decision == .allow && first.after.decision == .deny, "\(first.before.why) / \(first.after.why)")
        #expect(o.proposal.additions.flatMap(\.values) == [added] && o.proposal.admitsBoth, "\(o.proposal.additions.flatMap(\.values)) \(o.proposal.needs)")
        // Backed by check: the policy with the addition admits the job's token now and after the change.
        for row in [first.before, first.after] {
            let d = Diagnoser.diagnose(DiagnosisRequest(token: .init(text: Fixtures.token(claims: row.witness.claims), source: "t"),
                                                        policy: .init(text: policy([value, added]), source: "p"), parameters: params))
            #expect(d.decision == .allow, "\(row.witness.job.sub): \(d.primaryCause?.rawValue ?? "")")
        }
    }

    @Test func migrationOfARoleNobodyAssumesProposesNothing() throws {
        let role = try RoleInput.read(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#)
        let o = SubMigration(.format(["project_id", "ref_type", "ref"])).evaluate(DiagnosisRequest(token: .init(text: "", source: "t"), policy: .init(text: "", source: "p"), parameters: RequestParameters(at: Fixtures.defaultAt)),
                                                                                 role: role, token: nil, clientIDs: [])
        #expect(o.proposal.need == .refusedNow && o.proposal.additions.isEmpty)
        // Without a token of the project its id is not known: the value waits for it, unchecked.
        let open = try RoleInput.read(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}]}"#)
        let w = SubMigration(.format(["project_id", "ref_type", "ref"])).evaluate(DiagnosisRequest(token: .init(text: "", source: "t"), policy: .init(text: "", source: "p"), parameters: RequestParameters(at: Fixtures.defaultAt)),
                                                                                 role: open, token: nil, clientIDs: [])
        #expect(w.proposal.additions.flatMap(\.values) == ["project_id:<project id>:ref_type:branch:ref:main"] && !w.proposal.needs.isEmpty && !w.proposal.admitsBoth)
        #expect(SubMigration.format("ref,project_path").isFailure && SubMigration.format("project_id,ref,ref").isFailure && SubMigration.format("project_path,branch").isFailure)
    }

    @Test func theJobAtHandComesFirstWithItsOwnClaims() throws {
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"gitlab.example.com:sub":"project_path:mygroup/*:ref_type:branch:ref:main"}}}]}"#
        let token = try TokenReader.read(Fixtures.token(claims: Fixtures.claims(nil)))
        let jobs = WitnessJobs.derive(try RoleInput.read(policy).policy, token: token, at: Fixtures.defaultAt)
        #expect(jobs.first?.kind == .thisJob && jobs.first?.claims == token.claims)
        // The policy means a project of mygroup: its intended job differs from the token's, and is listed.
        #expect(jobs.contains { $0.kind == .intended && $0.job.projectPath == "mygroup/project" })
        // Witnesses are jobs GitLab can issue: ref_type branch or tag, no `:` in a ref, a project first.
        for j in jobs {
            let s = try #require(SubClaim(j.job.sub), "\(j.label)")
            #expect(WitnessJobs.isRealSub(s), "\(j.label): \(j.job.sub)")
        }
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
