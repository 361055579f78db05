import Foundation
import Testing
@testable import OIDCDoctorCore
@testable import OIDCDoctorScreens

/// Golden renderings in `Screens/NAME.txt`: the characters framed by `|`, then a same-shaped role mask.
/// `UPDATE_GOLDEN=1 swift test` rewrites them on purpose; otherwise a difference fails with a line diff.
enum Golden {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Screens")

    static func check(_ canvas: Canvas, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let actual = canvas.golden()
        let url = dir.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden \(name).txt; run UPDATE_GOLDEN=1 swift test", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false), a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            var diff: [String] = []
            for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : "") != (i < a.count ? a[i] : "") {
                diff.append("line \(i + 1)\n- \(i < e.count ? e[i] : "")\n+ \(i < a.count ? a[i] : "")")
            }
            let shown = Array(diff.prefix(12)).joined(separator: "\n")
            Issue.record("\(name) differs from its golden:\n\(shown)", sourceLocation: sourceLocation)
        }
    }

    /// An audit of four roles written for the tests: one open to the whole instance, one per branch, one per group, one hole.
    static var sampleAudit: AuditReport {
        func role(_ name: String, _ condition: String) -> String {
            #"{"RoleName": "\#(name)", "Arn": "arn:aws:iam::111122223333:role/\#(name)", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"}, "Action": "sts:AssumeRoleWithWebIdentity"\#(condition)}]}}"#
        }
        let roles = [
            role("deploy-prod", #", "Condition": {"StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"}}"#),
            role("anyone", ""),
            role("group-readonly", #", "Condition": {"StringLike": {"gitlab.example.com:sub": "project_path:mygroup/*"}}"#),
            role("not-evil", #", "Condition": {"StringNotLike": {"gitlab.example.com:project_path": "evil/*"}}"#),
        ]
        let text = #"{"Roles": ["# + roles.joined(separator: ", ") + "]}"
        return Auditor.audit([.init(text: text, source: "roles.json")], token: .init(text: DemoScenario.main.token, source: "token"), providers: [],
                             parameters: RequestParameters(at: DemoScenario.main.at), matrix: true)
    }

    /// Every named state the goldens hold; the tmux tests drive the real binary into some of them.
    static func states() -> [(String, AppModel, Int, Int)] {
        var out: [(String, AppModel, Int, Int)] = []
        for (w, h) in [(80, 24), (132, 40)] {
            let size = "\(w)x\(h)"
            for d in DemoScenario.all {
                out.append(("diagnosis-\(d.name)-\(size)", AppModel(request: d.request, title: "demo \(d.name)"), w, h))
            }
            out.append(("demos-\(size)", AppModel.demoPicker(), w, h))
            out.append(("inputs-empty-\(size)", AppModel(), w, h))
            var filled = AppModel()
            _ = filled.update(.key(.paste(DemoScenario.main.token)))
            _ = filled.update(.key(.down))
            var policyOnly = filled
            policyOnly.screen = .inputs
            out.append(("inputs-token-\(size)", policyOnly, w, h))
            var help = AppModel(request: DemoScenario.main.request, title: "demo")
            _ = help.update(.key(.char("?")))
            out.append(("help-\(size)", help, w, h))
            var whatIf = AppModel(request: DemoScenario.all[2].request, title: "demo other-branch")
            _ = whatIf.update(.key(.char("w")))
            _ = whatIf.update(.key(.down))
            for _ in 0..<"feature/login".count { _ = whatIf.update(.key(.backspace)) }
            for ch in "main" { _ = whatIf.update(.key(.char(ch))) }
            out.append(("what-if-\(size)", whatIf, w, h))
            var matrix = AppModel(request: DemoScenario.all[2].request, title: "demo other-branch")
            _ = matrix.update(.key(.char("m")))
            _ = matrix.update(.key(.down))
            out.append(("matrix-\(size)", matrix, w, h))
            var fix = AppModel(request: DemoScenario.main.request, title: "demo wildcard-equals")
            _ = fix.update(.key(.char("f")))
            out.append(("fix-\(size)", fix, w, h))
        }
        out.append(("roles-80x24", AppModel.roles(Golden.sampleAudit), 80, 24))
        var roleMatrix = AppModel.roles(Golden.sampleAudit)
        roleMatrix.roleIndex = roleMatrix.shownRoles.firstIndex { $0.name == "group-readonly" } ?? 0
        _ = roleMatrix.update(.key(.char("m")))
        out.append(("matrix-roles-80x24", roleMatrix, 80, 24))
        out.append(("too-small-60x20", AppModel(request: DemoScenario.main.request, title: "demo"), 60, 20))
        out.append(("diagnosis-ascii-80x24", AppModel(request: DemoScenario.all[2].request, title: "demo other-branch", glyphs: .ascii), 80, 24))
        return out
    }
}

@Suite struct GoldenScreenTests {
    @Test(arguments: Golden.states().map(\.0))
    func golden(_ name: String) {
        let (_, model, w, h) = Golden.states().first { $0.0 == name }!
        Golden.check(Render.canvas(model, width: w, height: h), name)
    }
}
