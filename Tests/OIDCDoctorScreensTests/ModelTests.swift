import Foundation
import Testing
@testable import OIDCDoctorCore
@testable import OIDCDoctorScreens

@Suite struct ModelTests {
    /// Panes show their position; paging past the end stops at the last screenful, so one k moves the
    /// pane at once; G reaches the end of the token pane too; g/G in the walk bring the panes along.
    @Test func panesShowTheirPositionAndStopAtTheEnd() {
        var m = AppModel(request: DemoScenario.all[2].request, title: "demo")
        let total = TokenPane.lines(model: m).count
        #expect(total > m.paneRows)
        #expect(Render.canvas(m, width: 80, height: 24).rows()[2].contains("/\(total)"), "\(Render.canvas(m, width: 80, height: 24).rows()[2])")
        _ = m.update(.key(.tab))  // the token pane
        for _ in 0..<10 { _ = m.update(.key(.pageDown)) }
        #expect(m.tokenScroll == total - m.paneRows)
        _ = m.update(.key(.char("k")))
        #expect(m.tokenScroll == total - m.paneRows - 1, "one k moves the pane")
        _ = m.update(.key(.char("G")))
        #expect(m.tokenScroll == total - m.paneRows)
        #expect(Render.canvas(m, width: 80, height: 24).rows()[2].contains("\(total - m.paneRows + 1)–\(total)/\(total)"))
        _ = m.update(.key(.backTab))  // back to the walk
        _ = m.update(.key(.char("G")))
        _ = m.update(.key(.char("g")))
        #expect(m.selected == 0)
    }

    /// A paste on the diagnosis says where it would go, on the status line, until the next key.
    @Test func aPasteOnTheDiagnosisSaysWhereItGoes() {
        var m = AppModel(request: DemoScenario.main.request, title: "demo")
        _ = m.update(.key(.paste("eyJ...")))
        #expect(Render.canvas(m, width: 80, height: 24).rows()[23].contains("a paste goes into a slot"))
        _ = m.update(.key(.down))
        #expect(Render.canvas(m, width: 80, height: 24).rows()[23].contains("q quit"))
    }

    /// One size limit for a slot, pasted or loaded, and the same words for both.
    @Test func aPasteOverTheLimitIsRefusedInTheWordsOfALoad() {
        var m = AppModel()
        _ = m.update(.key(.paste(String(repeating: "x", count: AppModel.slotLimit + 1))))
        #expect(m.slots[0].text.isEmpty)
        #expect(m.message == "pasted text: \(AppModel.slotLimit + 1) bytes is more than the \(AppModel.slotLimit)-byte limit")
    }

    /// Text fields edit where the cursor is: ←/→, Home/End, Ctrl-W, Ctrl-U; the screen shows the cursor;
    /// typing into a slot echoes what was typed.
    @Test func textFieldsHaveACursor() {
        var m = AppModel()
        _ = m.update(.key(.char("e")))
        for ch in "GITLAB_TOKEN" { _ = m.update(.key(.char(ch))) }
        for _ in 0..<6 { _ = m.update(.key(.left)) }
        _ = m.update(.key(.char("X")))
        #expect(m.prompt == .env("GITLABX_TOKEN"))
        #expect(Render.canvas(m, width: 80, height: 24).rows().contains { $0.contains("environment variable: GITLABX_TOKEN".replacingOccurrences(of: "X_", with: "X__")) })
        _ = m.update(.key(.home))
        _ = m.update(.key(.delete))
        _ = m.update(.key(.end))
        _ = m.update(.key(.ctrl("w")))
        #expect(m.prompt == .env(""), "Ctrl-W takes the word before the cursor: \(m.prompt)")
        _ = m.update(.key(.escape))
        var w = AppModel(request: DemoScenario.all[2].request, title: "demo")
        _ = w.update(.key(.char("w")))
        _ = w.update(.key(.home))
        for ch in "new-" { _ = w.update(.key(.char(ch))) }
        #expect(w.whatIf?.values[0] == "new-mygroup/myproject" && w.diagnosis?.primaryCause == .conditionProjectMismatch)
        var typing = AppModel()
        _ = typing.update(.key(.char("i")))
        for ch in "eyJhbGci" { _ = typing.update(.key(.char(ch))) }
        #expect(Render.canvas(typing, width: 80, height: 24).rows().contains { $0.contains("eyJhbGci_") })
    }

    /// `q` on the fix screen with a corrected policy not written asks first; once written it quits.
    @Test func quitWithAnUnsavedFixAsks() {
        var m = AppModel(request: DemoScenario.main.request, title: "demo")
        _ = m.update(.key(.char("f")))
        #expect(m.fixedPolicy != nil)
        #expect(m.update(.key(.char("q"))) == [] && m.prompt == .confirmQuit)
        #expect(Render.canvas(m, width: 80, height: 24).rows().contains { $0.contains("quit anyway? y/n") })
        #expect(m.update(.key(.char("n"))) == [] && m.screen == .fix)
        _ = m.update(.key(.char("q")))
        #expect(m.update(.key(.char("y"))) == [.quit])
        var saved = AppModel(request: DemoScenario.main.request, title: "demo")
        _ = saved.update(.key(.char("f")))
        _ = saved.update(.saved(path: "fixed.json"))
        #expect(saved.update(.key(.char("q"))) == [.quit])
    }

    /// Modes: in the what-if `?` is text; a prompt's status line shows only its own keys; Ctrl-L asks
    /// the terminal to repaint everything.
    @Test func keysOfTheMode() {
        var m = AppModel(request: DemoScenario.all[2].request, title: "demo")
        _ = m.update(.key(.char("w")))
        _ = m.update(.key(.char("?")))
        #expect(m.screen == .whatIf && m.whatIf?.values[0].hasSuffix("?") == true)
        var inputs = AppModel()
        _ = inputs.update(.key(.char("l")))
        let status = Render.canvas(inputs, width: 80, height: 24).rows()[23]
        #expect(status.contains("Enter done") && status.contains("Tab complete") && !status.contains("q quit"), "\(status)")
        #expect(inputs.update(.key(.ctrl("l"))) == [.redraw])
    }

    /// `--policy roles.json --role X`: the inputs screen recognises the role named (no "pick one"), and
    /// the policy pane shows that role's policy, not the blank lines above it in the file.
    @Test func aRoleOfAListRolesFile() throws {
        let roles = (1...3).map { i in
            "    {\n      \"RoleName\": \"r\(i)\",\n      \"AssumeRolePolicyDocument\": " + DemoScenario.all[2].policy.split(separator: "\n").joined(separator: "\n      ") + "\n    }"
        }
        let text = "{\n  \"Roles\": [\n" + roles.joined(separator: ",\n") + "\n  ]\n}\n"
        var r = DemoScenario.all[2].request
        r.policy = .init(text: text, source: "roles.json")
        r.role = "r3"
        var m = AppModel(request: r, title: "roles.json")
        #expect(m.diagnosis?.role?.roleName == "r3" && m.diagnosis?.primaryCause == .conditionRefMismatch)
        let pane = Render.canvas(m, width: 80, height: 24).rows()[3..<13]
        #expect(pane.contains { $0.contains("\"Effect\": \"Allow\"") || $0.contains("StringEquals") }, "\(Array(pane))")
        m.screen = .inputs
        m.prepareFrame()
        #expect(m.slots[1].recognition?.ok == true && m.slots[1].recognition?.summary.contains("role r3") == true, "\(m.slots[1].recognition?.summary ?? "")")
    }

    /// A policy slot that holds several roles, and no --role: Enter opens a role picker; Enter on a role
    /// diagnoses the token against it; Esc backs out to the picker, then to the inputs.
    @Test func severalRolesOpenAPicker() throws {
        let roles = ["main", "release", "prod"].map { ref in
            #"{"RoleName": "deploy-\#(ref)", "Arn": "arn:aws:iam::111122223333:role/deploy-\#(ref)", "AssumeRolePolicyDocument": \#(DemoScenario.policy(#"        "StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:\#(ref)"}"#))}"#
        }
        var m = AppModel()
        _ = m.update(.key(.paste(DemoScenario.main.token)))
        _ = m.update(.key(.down))
        _ = m.update(.key(.paste(#"{"Roles": ["# + roles.joined(separator: ", ") + "]}")))
        _ = m.update(.key(.enter))
        #expect(m.screen == .roles && m.shownRoles.count == 3)
        let i = try #require(m.shownRoles.firstIndex { $0.name == "deploy-main" })
        m.roleIndex = i
        _ = m.update(.key(.enter))
        #expect(m.screen == .diagnosis && m.title == "deploy-main" && m.diagnosis?.role?.roleName == "deploy-main")
        _ = m.update(.key(.escape))
        #expect(m.screen == .roles)
        _ = m.update(.key(.escape))
        #expect(m.screen == .inputs)
    }

    /// The roles list: headings; Enter opens the selected role's diagnosis for the job at hand
    /// (`audit --token`), Esc comes back; without a token Enter says what to give.
    @Test func rolesOpenTheirDiagnosis() throws {
        var m = AppModel.roles(Golden.sampleAudit, token: .init(text: DemoScenario.main.token, source: "token"))
        let rows = Render.canvas(m, width: 80, height: 24).rows()
        #expect(rows[1].hasPrefix("risk role") && rows[1].contains("this job") && rows[1].contains("admits"))
        let i = try #require(m.shownRoles.firstIndex { $0.name == "deploy-prod" })
        m.roleIndex = i
        _ = m.update(.key(.enter))
        #expect(m.screen == .diagnosis && m.title == "deploy-prod")
        #expect(m.diagnosis?.decision == (m.shownRoles[i].canAssume == true ? .allow : .deny), "the same answer as the list")
        _ = m.update(.key(.escape))
        #expect(m.screen == .roles && m.roleIndex == i)
        var bare = AppModel.roles(Golden.sampleAudit)
        _ = bare.update(.key(.enter))
        #expect(bare.screen == .roles && bare.message?.contains("--token") == true)
    }

    /// A trailing space or a zero-width character in the job's ref is shown, not hidden, in the compare
    /// strip and its note; the fix says the job's value is to change.
    @Test func invisibleCharactersAreShown() throws {
        for (ref, shown) in [("main ", "main␠"), ("ma\u{200B}in", "ma\\u{200b}in")] {
            var claims = try JSONReader.read(DemoScenario.all[2].claims).root.plain
            if case .object(var pairs) = claims {
                for i in pairs.indices where pairs[i].key == "sub" { pairs[i].value = .string("project_path:mygroup/myproject:ref_type:branch:ref:" + ref) }
                for i in pairs.indices where pairs[i].key == "ref" { pairs[i].value = .string(ref) }
                claims = .object(pairs)
            }
            var r = DemoScenario.all[2].request
            let header = try JSONReader.read(#"{"kid":"demo-key","typ":"JWT","alg":"RS256"}"#).root.plain
            r.token = .init(text: IDToken.placeholderCompact(header: header, claims: claims, note: "test"), source: "t")
            let m = AppModel(request: r, title: "invisible")
            let rows = Render.canvas(m, width: 80, height: 24).rows()
            #expect(rows.contains { $0.contains("token has") && $0.contains(shown) }, "\(ref.debugDescription): \(rows.filter { $0.contains("token has") })")
            // At 80 columns the caret's note runs off the edge (issue 9, item 2); at 132 it is whole.
            let wide = Render.canvas(m, width: 132, height: 40).rows()
            #expect(wide.contains { $0.contains("first difference: ref main \(Glyphs.unicode.arrow) \(shown)") }, "\(wide.suffix(8))")
            #expect(m.diagnosis?.primary?.fix?.hasPrefix("take ") == true && m.diagnosis?.primary?.edit == nil)
        }
    }

    /// A token that expired since its job ran: the first lines say so, `t` evaluates at the job's time
    /// and shows the cause the job really met; `t` again takes any time typed. The time is on screen.
    @Test func theJobsOwnTime() throws {
        var r = DemoScenario.all[2].request  // other-branch: the job ran on feature/login, the role is for main
        r.parameters.at = 1_795_777_200 + 86_400
        var m = AppModel(request: r, title: "expired")
        #expect(m.diagnosis?.primaryCause == .tokenExpired)
        let first = Render.canvas(m, width: 80, height: 24).rows()
        #expect(first[1].contains("press t for the job's own time") && first[1].contains("at 2026-11-28T11:00:00Z"), "\(first[1])")
        _ = m.update(.key(.char("t")))
        #expect(m.diagnosis?.primaryCause == .conditionRefMismatch && m.atJobTime && m.request?.parameters.at == 1_795_777_260)
        #expect(Render.canvas(m, width: 80, height: 24).rows()[1].contains("job's time 2026-11-27T11:01:00Z"))
        _ = m.update(.key(.char("t")))
        #expect(m.prompt == .time("2026-11-27T11:01:00Z"))
        _ = m.update(.key(.ctrl("u")))
        for ch in "1795777800" { _ = m.update(.key(.char(ch))) }
        #expect(Render.canvas(m, width: 80, height: 24).rows()[1].contains("evaluate at: 1795777800_"))
        _ = m.update(.key(.enter))
        #expect(m.prompt == .none && m.request?.parameters.at == 1_795_777_800 && !m.atJobTime && m.diagnosis?.primaryCause == .conditionRefMismatch)
        _ = m.update(.key(.char("t")))
        for _ in 0..<30 { _ = m.update(.key(.backspace)) }
        for ch in "yesterday" { _ = m.update(.key(.char(ch))) }
        _ = m.update(.key(.enter))
        #expect(m.request?.parameters.at == 1_795_777_800 && m.message?.contains("not a time") == true, "a bad time changes nothing")
    }

    /// `m` opens the matrix of the diagnosed policy; Enter tries the selected witness job as a
    /// what-if (the verdict the matrix row shows), Esc comes back to the matrix, then to the diagnosis.
    @Test func matrixRowsOpenAsWhatIf() throws {
        var m = AppModel(request: DemoScenario.all[2].request, title: "demo other-branch")
        #expect(m.diagnosis?.decision == .deny)
        _ = m.update(.key(.char("m")))
        #expect(m.screen == .matrix)
        let rows = try #require(m.matrix?.rows)
        #expect(rows.first?.witness.kind == .thisJob && rows.first?.decision == .deny)
        let intended = try #require(rows.firstIndex { $0.witness.kind == .intended })
        #expect(rows[intended].decision == .allow, "the policy admits branch main, the job it is meant for")
        while m.matrixIndex < intended { _ = m.update(.key(.down)) }
        _ = m.update(.key(.enter))
        #expect(m.screen == .whatIf && m.diagnosis?.decision == .allow, "the what-if shows the row's verdict")
        #expect(m.whatIf?.values.first == "mygroup/myproject" && m.whatIf?.values[1] == "main")
        // Editing the witness's ref re-diagnoses from the witness's claims, not the real token's.
        _ = m.update(.key(.down))
        for _ in 0..<4 { _ = m.update(.key(.backspace)) }
        for ch in "prod" { _ = m.update(.key(.char(ch))) }
        #expect(m.diagnosis?.decision == .deny && m.diagnosis?.token?.claims["pipeline_source"] == .string("push"))
        _ = m.update(.key(.escape))
        #expect(m.screen == .matrix && m.diagnosis?.decision == .deny && m.diagnosis?.token?.subject?.hasSuffix("feature/login") == true)
        _ = m.update(.key(.escape))
        #expect(m.screen == .diagnosis)
    }

    /// The roles list's matrix (`m`) is held to the trust catalogue: each role admits exactly the
    /// witness classes worked out for it (Tests/make-trust-catalogue.py).
    @Test func rolesMatrixHoldsToTheCatalogue() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("OIDCDoctorCoreTests/Catalogue/trust-catalogue.json")
        guard case .array(let cases) = try JSONReader.read(String(contentsOf: url, encoding: .utf8)).root.plain else { Issue.record("no catalogue"); return }
        let roles: [PlainJSON] = cases.enumerated().map { i, c in
            .object([.init(key: "RoleName", value: .string("r\(i)")), .init(key: "Arn", value: c["arn"] ?? .null),
                     .init(key: "AssumeRolePolicyDocument", value: .object([.init(key: "Version", value: .string("2012-10-17")), .init(key: "Statement", value: c["statements"] ?? .array([]))]))])
        }
        let report = Auditor.audit([.init(text: PlainJSON.object([.init(key: "Roles", value: .array(roles))]).jsonText, source: "catalogue.json")], token: nil, providers: [],
                                   parameters: RequestParameters(at: 1_795_777_800), matrix: true)
        var model = AppModel.roles(report)
        #expect(model.shownRoles.count == cases.count)
        for index in model.shownRoles.indices {
            model.screen = .roles
            model.roleIndex = index
            _ = model.update(.key(.char("m")))
            let name = model.shownRoles[index].name
            guard let i = Int(name.dropFirst()), case .array(let want)? = cases[i]["admits"] else { Issue.record("\(name)"); continue }
            #expect(model.screen == .matrix)
            let got = Set(model.matrix?.rows.filter { $0.decision == .allow }.map(\.witness.kind.rawValue) ?? [])
            #expect(got == Set(want.compactMap(\.string)), "\(cases[i]["name"]?.string ?? name): the screen shows \(got.sorted())")
            _ = model.update(.key(.escape))
        }
    }

    @Test func pasteIsDataNeverKeys() {
        var m = AppModel()
        let effects = m.update(.key(.paste("q?wq\nq")))
        #expect(effects.isEmpty, "a pasted q must not quit")
        #expect(m.screen == .inputs)
        #expect(m.slots[0].text == "q?wq\nq")
        #expect(m.slots[0].recognition?.ok == false)
    }

    /// Token and policy pasted: the verdict shows on the inputs screen, and the diagnosis opens on
    /// Enter — not by itself, so the optional slots can be filled first.
    @Test func tokenThenPolicyPasteThenEnterOpensTheDiagnosis() {
        var m = AppModel()
        _ = m.update(.key(.paste(DemoScenario.main.token)))
        #expect(m.screen == .inputs)
        _ = m.update(.key(.down))
        _ = m.update(.key(.paste(DemoScenario.main.policy)))
        #expect(m.screen == .inputs && m.diagnosis?.primaryCause == .conditionWildcardNeedsLike)
        #expect(Render.canvas(m, width: 80, height: 24).rows().contains { $0.contains("verdict: DENY, condition.wildcard-needs-like") })
        _ = m.update(.key(.enter))
        #expect(m.screen == .diagnosis)
    }

    @Test func theScreenRendersTheEnginesVerdict() {
        for s in DemoScenario.all {
            let m = AppModel(request: s.request, title: s.name)
            let engine = Diagnoser.diagnose(s.request)
            let top = Render.canvas(m, width: 80, height: 24).rows()[0]
            #expect(top.contains(engine.decision == .allow ? "ALLOW" : "DENY"), "\(s.name): \(top)")
            if let e = engine.stsError { #expect(top.contains(e.code), "\(s.name): \(top)") }
        }
    }

    @Test func selectingAFindingScrollsBothPanesToIt() {
        var m = AppModel(request: DemoScenario.all[2].request, title: "other-branch")
        let canvas = Render.canvas(m, width: 80, height: 24)
        // The failing condition's line is visible and marked, and the sub claim is underlined.
        let rows = canvas.rows()
        #expect(rows.contains { $0.contains("12✗") })
        #expect(rows.contains { $0.contains("sub project_path") })
        // Moving up to a passing step clears the selection's range; moving back restores it.
        _ = m.update(.key(.up))
        _ = m.update(.key(.up))
        _ = m.update(.key(.down))
        _ = m.update(.key(.down))
        #expect(m.selectedFinding?.id == .conditionRefMismatch)
    }

    @Test func whatIfChangesTheVerdictAndEscRestoresTheRealToken() {
        var m = AppModel(request: DemoScenario.all[2].request, title: "other-branch")
        #expect(m.diagnosis?.decision == .deny)
        _ = m.update(.key(.char("w")))
        #expect(m.screen == .whatIf)
        _ = m.update(.key(.down))
        for _ in 0..<"feature/login".count { _ = m.update(.key(.backspace)) }
        for ch in "main" { _ = m.update(.key(.char(ch))) }
        #expect(m.diagnosis?.decision == .allow)
        _ = m.update(.key(.char("x")))
        #expect(m.diagnosis?.primaryCause == .conditionRefMismatch, "every key re-evaluates")
        _ = m.update(.key(.escape))
        #expect(m.screen == .diagnosis)
        #expect(m.diagnosis?.decision == .deny)
        #expect(m.diagnosis?.token?.claims["ref"]?.string == "feature/login")
    }

    @Test func statusLineAlwaysShowsHelpAndQuit() {
        for screen in [ScreenKind.inputs, .diagnosis, .demoPicker] {
            var m = AppModel(request: DemoScenario.main.request, title: "x")
            m.screen = screen
            let last = Render.canvas(m, width: 80, height: 24).rows()[23]
            #expect(last.contains("? help") && last.contains("q quit"), "\(screen): \(last)")
        }
    }

    @Test func tooSmallSaysWhatItNeeds() {
        let m = AppModel(request: DemoScenario.main.request, title: "x")
        let text = Render.canvas(m, width: 79, height: 24).rows().joined(separator: "\n")
        #expect(text.contains("needs a terminal of at least 80×24"))
        #expect(text.contains("79×24"))
    }

    @Test func asciiGlyphsWithoutUTF8AndDataStillVisible() {
        var s = DemoScenario.all[2]
        s.claims = s.claims.replacingOccurrences(of: "\"user_login\":\"deployer\"", with: "\"user_login\":\"déployeur\"")
        let m = AppModel(request: s.request, title: "x", glyphs: .ascii)
        let rows = Render.canvas(m, width: 80, height: 24).rows()
        #expect(rows.allSatisfy { $0.unicodeScalars.allSatisfy { $0.value < 0x80 } })
        #expect(rows.joined().contains("x DENY"))
    }

    @Test func controlCharactersInClaimsAreShownEscaped() {
        var s = DemoScenario.all[2]
        s.claims = s.claims.replacingOccurrences(of: "\"pipeline_source\":\"push\"", with: "\"pipeline_source\":\"push\\u001b[2J\"")
        var m = AppModel(request: s.request, title: "x")
        m.tokenScroll = 10
        _ = m.update(.key(.tab))
        let canvas = Render.canvas(m, width: 132, height: 40)
        #expect(canvas.cells.allSatisfy { c in c.ch.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } })
    }

    @Test func demoPickerOpensEachScenario() {
        var m = AppModel.demoPicker()
        _ = m.update(.key(.down))
        _ = m.update(.key(.enter))
        #expect(m.screen == .diagnosis)
        #expect(m.diagnosis?.primaryCause == .principalMismatch)
        _ = m.update(.key(.escape))
        #expect(m.screen == .demoPicker)
    }

    @Test func helpListsEveryBindingAndEscCloses() {
        var m = AppModel(request: DemoScenario.main.request, title: "x")
        _ = m.update(.key(.char("?")))
        let text = Render.canvas(m, width: 132, height: 40).rows().joined(separator: "\n")
        for b in KeyMap.all { #expect(text.contains(b.help), "help lacks \(b.keys)") }
        _ = m.update(.key(.escape))
        #expect(m.screen == .diagnosis)
    }

    @Test func fixWritesTheCorrectedPolicyAndNeverOverwritesWithoutAsking() throws {
        var m = AppModel(request: DemoScenario.main.request, title: "x")
        _ = m.update(.key(.char("f")))
        #expect(m.screen == .fix)
        let fixed = try #require(m.fixedPolicy)
        #expect(fixed.contains("\"StringLike\": {"))
        // The corrected policy really lets this token through.
        var r = DemoScenario.main.request
        r.policy = .init(text: fixed, source: "fixed")
        #expect(Diagnoser.diagnose(r).decision == .allow)
        _ = m.update(.key(.char("s")))
        for ch in "out.json" { _ = m.update(.key(.char(ch))) }
        #expect(m.update(.key(.enter)) == [.writeFile(path: "out.json", contents: fixed, overwrite: false)])
        _ = m.update(.saveFailed(path: "out.json", message: "exists", exists: true))
        #expect(m.prompt == .confirmOverwrite("out.json"))
        #expect(m.update(.key(.char("n"))).isEmpty, "anything but y keeps the file")
        _ = m.update(.saveFailed(path: "out.json", message: "exists", exists: true))
        #expect(m.update(.key(.char("y"))) == [.writeFile(path: "out.json", contents: fixed, overwrite: true)])
    }

    /// `l` on a module directory: the slot says what was read, the diagnosis is of the .tf, and
    /// the fix is saved into the .tf file it edits (asking before overwriting it).
    @Test func terraformModuleInThePolicySlot() throws {
        let main = """
            data "aws_iam_policy_document" "trust" {
              statement {
                actions = ["sts:AssumeRoleWithWebIdentity"]
                principals {
                  type        = "Federated"
                  identifiers = ["arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"]
                }
                condition {
                  test     = "StringEquals"
                  variable = "gitlab.example.com:sub"
                  values   = ["project_path:mygroup/myproject:ref_type:branch:ref:*"]
                }
              }
            }

            """
        let role = "resource \"aws_iam_role\" \"ci\" {\n  name = \"ci\"\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}\n"
        var m = AppModel()
        _ = m.update(.key(.paste(DemoScenario.main.token)))
        _ = m.update(.key(.down))
        _ = m.update(.key(.char("l")))
        for ch in "infra" { _ = m.update(.key(.char(ch))) }
        #expect(m.update(.key(.enter)) == [.loadFile(path: "infra", slot: 1)])
        _ = m.update(.loadedTerraform(slot: 1, files: TerraformFiles(files: ["main.tf": main, "role.tf": role]), source: "infra"))
        #expect(m.slots[1].recognition?.summary == "Terraform module, 2 files, role aws_iam_role.ci, 1 statement")
        _ = m.update(.key(.enter))
        #expect(m.screen == .diagnosis)
        #expect(m.diagnosis?.primaryCause == .conditionWildcardNeedsLike)
        #expect(m.diagnosis?.primary?.range?.file == "main.tf")
        _ = m.update(.key(.char("f")))
        let fixed = try #require(m.fixedPolicy)
        #expect(fixed == main.replacingOccurrences(of: "\"StringEquals\"", with: "\"StringLike\""))
        _ = m.update(.key(.char("s")))
        #expect(m.prompt == .savePath("infra/main.tf"))
        #expect(m.update(.key(.enter)) == [.writeFile(path: "infra/main.tf", contents: fixed, overwrite: false)])
        // Typing into the slot replaces the configuration with the typed text.
        _ = m.update(.key(.escape))
        m.slots[1].text += " "
        #expect(m.slots[1].terraformFiles == nil)
    }

    @Test func loadFilePromptCompletesAndLoads() {
        var m = AppModel()
        _ = m.update(.key(.char("l")))
        for ch in "/tm" { _ = m.update(.key(.char(ch))) }
        #expect(m.update(.key(.tab)) == [.completePath(prefix: "/tm")])
        _ = m.update(.completions(["/tmp/"]))
        #expect(m.prompt == .path("/tmp/"))
        #expect(m.update(.key(.enter)) == [.loadFile(path: "/tmp/", slot: 0)])
        _ = m.update(.loadFailed(slot: 0, message: "file /tmp/: is a directory, not a file"))
        #expect(Render.canvas(m, width: 80, height: 24).rows().joined().contains("is a directory"))
    }

    /// An error the diagnosis cannot predict (here an empty token variable) is named on the Inputs
    /// screen as soon as it is pasted, and explained on the diagnosis.
    @Test func stsErrorSlotNamesAKnownCause() {
        var m = AppModel()
        for _ in 0..<3 { _ = m.update(.key(.down)) }
        _ = m.update(.key(.paste("aws: error: argument --web-identity-token: expected one argument")))
        m.prepareFrame()
        #expect(m.slots[3].recognition?.ok == true)
        #expect(Render.canvas(m, width: 80, height: 24).rows().joined().contains("known cause: the job passed an empty token"))
        _ = m.update(.key(.down))  // the RCP slot
        _ = m.update(.key(.down))  // round to the token
        _ = m.update(.key(.paste(DemoScenario.all[5].token)))
        _ = m.update(.key(.down))
        _ = m.update(.key(.paste(DemoScenario.all[5].policy)))
        #expect(m.diagnosis?.findings.contains { $0.id == .observedKnownFailure } == true)
    }

    /// A slot's recognition follows its text after a frame was prepared (it is kept between frames).
    @Test func slotRecognitionFollowsEdits() {
        var m = AppModel()
        _ = m.update(.key(.char("i")))
        for ch in "eyJ" { _ = m.update(.key(.char(ch))) }
        m.prepareFrame()
        let before = m.slots[0].recognition
        #expect(before?.ok == false)
        _ = m.update(.key(.paste("." + DemoScenario.all[5].token)))
        #expect(m.slots[0].recognition?.summary != before?.summary, "not the kept recognition of the old text")
        _ = m.update(.key(.escape))
        m.slots[0].text = DemoScenario.all[5].token
        m.prepareFrame()
        #expect(m.slots[0].recognition?.ok == true)
    }

    /// The RCP slot is read as it is filled, and its Deny is the verdict.
    @Test func rcpSlotDeniesTheCall() {
        var m = AppModel()
        _ = m.update(.key(.up))  // up from the token wraps to the last slot
        #expect(m.slots[m.selectedSlot].kind == .rcp)
        _ = m.update(.key(.paste(#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:*", "Resource": "*"}]}"#)))
        m.prepareFrame()
        #expect(m.slots[4].recognition?.summary == "resource control policy pasted, 1 statement, 1 Deny")
        _ = m.update(.key(.down))
        _ = m.update(.key(.paste(DemoScenario.all[5].token)))
        _ = m.update(.key(.down))
        _ = m.update(.key(.paste(DemoScenario.all[5].policy)))
        #expect(m.diagnosis?.primaryCause == .rcpExplicitDeny)
    }

    @Test func stsErrorSlotIsComparedWithThePrediction() {
        var m = AppModel()
        for _ in 0..<3 { _ = m.update(.key(.down)) }
        _ = m.update(.key(.paste("An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity")))
        #expect(m.slots[3].recognition?.summary.hasPrefix("AccessDenied: Not authorized") == true)
        _ = m.update(.key(.down))  // the RCP slot
        _ = m.update(.key(.down))  // round to the token
        _ = m.update(.key(.paste(DemoScenario.all[5].token)))  // the allowed demo
        _ = m.update(.key(.down))
        _ = m.update(.key(.paste(DemoScenario.all[5].policy)))
        _ = m.update(.key(.enter))
        #expect(m.screen == .diagnosis)
        #expect(m.diagnosis?.findings.contains { $0.id == .observedDisagrees } == true)
        // A text in the slot that is no STS error (rejected on the inputs screen) is not compared.
        _ = m.update(.key(.char("o")))
        m.selectedSlot = 3
        _ = m.update(.key(.paste("the job failed, no idea why")))
        #expect(m.slots[3].recognition?.ok == false)
        #expect(m.diagnosis?.findings.contains { $0.id == .observedDisagrees || $0.id == .observedKnownFailure } == false && m.request?.observed == nil)
    }

    @Test func rolesListSortsByRiskOrName() {
        var m = AppModel.roles(Golden.sampleAudit)
        #expect(m.shownRoles.first.map { AuditedRole.errorSeverity.contains($0.warnings.first!.id) } == true, "riskiest first")
        _ = m.update(.key(.char("r")))
        #expect(m.shownRoles.map(\.name) == ["anyone", "deploy-prod", "group-readonly", "not-evil"])
        _ = m.update(.key(.down))
        let text = Render.canvas(m, width: 80, height: 24).rows().joined(separator: "\n")
        #expect(text.contains("admits branch main of mygroup/myproject on gitlab.example.com"))
        #expect(m.update(.key(.char("q"))) == [.quit])
    }

    /// Wrapping keeps every character of a long word (an ARN), breaking it with the cut mark; text past
    /// the last row ends in the mark.
    @Test func wrapNeverDropsCharacters() {
        var c = Canvas(width: 20, height: 4)
        let arn = "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"
        let end = DiagnosisScreen.wrap(&c, "see " + arn, x: 0, y: 0, width: 20, maxRows: 4, role: .plain)
        let rows = c.rows().map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(end == 4)
        #expect(rows.map { $0.hasSuffix("…") ? String($0.dropLast()) : $0 }.joined().replacingOccurrences(of: " ", with: "") == "see" + arn, "\(rows)")
        var short = Canvas(width: 20, height: 1)
        _ = DiagnosisScreen.wrap(&short, "one two three four five six seven", x: 0, y: 0, width: 20, maxRows: 1, role: .plain)
        #expect(short.rows()[0].hasSuffix("…"), "the rest does not fit: marked")
    }

    @Test func widthPolicy() {
        #expect(CellWidth.of("✓") == 1)
        #expect(CellWidth.of("日") == 2)
        #expect(CellWidth.of("🙂") == 2)
        var c = Canvas(width: 5, height: 1)
        c.put("ab日本", x: 0, y: 0, role: .plain)
        #expect(c.rows()[0] == "ab日…", "a wide character never splits at the edge, and the cut is marked")
        var fits = Canvas(width: 5, height: 1)
        fits.put("ab   ", x: 0, y: 0, role: .plain)
        fits.put("abc  x", x: 0, y: 0, role: .plain, limit: 3)
        #expect(fits.rows()[0] == "ab…  ", "only blanks cut: no mark; anything else: a mark")
    }
}
