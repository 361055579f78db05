import Foundation
import Testing
@testable import OIDCDoctorCore

/// The policy line printed under a finding: it fits the width asked for, and the `^^^` marker sits
/// under the text it names — also on a minified one-line policy and with tab indentation.
@Suite struct TextReportTests {
    static let token = Fixtures.token(claims: Fixtures.claims(nil))

    func report(_ policy: String, width: Int = 100, unicode: Bool = true) -> [String] {
        let r = DiagnosisRequest(token: .init(text: Self.token, source: "token"), policy: .init(text: policy, source: "policy.json"),
                                 parameters: RequestParameters(at: Fixtures.defaultAt))
        let d = Diagnoser.diagnose(r)
        return TextReport.render(d, options: .init(unicode: unicode, width: width)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The snippet of the first error: its source line and the text above the marker.
    func marked(_ lines: [String]) -> (line: String, under: String)? {
        guard let e = lines.firstIndex(where: { $0.hasPrefix("error[") }),
              let caret = lines[e...].firstIndex(where: { $0.contains("^") }) else { return nil }
        let source = Array(lines[caret - 1].split(separator: "|", maxSplits: 1)[1].dropFirst())
        let marks = Array(lines[caret].split(separator: "|", maxSplits: 1)[1].dropFirst())
        guard let first = marks.firstIndex(of: "^") else { return nil }
        let last = marks.lastIndex(of: "^")!
        return (String(source), String(source[first...min(last, source.count - 1)]))
    }

    static let minified = #"{"Version":"2012-10-17","Statement":[{"Sid":"DeployFromMain","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.example.com:aud":"https://gitlab.example.com","gitlab.example.com:sub":"project_path:mygroup/myproject:ref_type:branch:ref:release"}}}]}"#

    @Test func aMinifiedPolicyIsCutAroundTheFailingCondition() throws {
        for width in [80, 100, 132] {
            let lines = report(Self.minified, width: width)
            let m = try #require(marked(lines), "\(lines.joined(separator: "\n"))")
            #expect(m.line.count <= width - 4, "line fits: \(m.line)")
            #expect(m.line.hasPrefix("…"))
            #expect(m.under.hasPrefix(#""gitlab.example.com:sub""#), "marker under the clause: \(m.under)")
        }
        let ascii = report(Self.minified, width: 80, unicode: false)
        let m = try #require(marked(ascii))
        #expect(m.line.hasPrefix("...") && m.under.hasPrefix(#""gitlab.example.com:sub""#))
    }

    @Test func aShortLineIsPrintedWhole() throws {
        let pretty = """
        {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/other"}}}]
        }
        """
        let m = try #require(marked(report(pretty)))
        #expect(m.line == #"    "Condition": {"StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/other"}}}]"#)
        #expect(m.under == #""gitlab.example.com:sub": "project_path:mygroup/other""#)
    }

    @Test func tabIndentationKeepsTheMarkerAligned() throws {
        let tabbed = "{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Federated\": \"arn:aws:iam::111122223333:oidc-provider/gitlab.example.com\"}, \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n\t\t\"Condition\": {\"StringEquals\": {\"gitlab.example.com:sub\": \"x\"}}}]\n}"
        let m = try #require(marked(report(tabbed)))
        #expect(m.line.hasPrefix("        \"Condition\""), "tabs shown as spaces: \(m.line)")
        #expect(m.under == #""gitlab.example.com:sub": "x""#)
    }

    /// The edit behind the fix is shown as the policy lines before and after it, in text and Markdown.
    @Test func theEditIsShownAsRemovedAndAddedLines() throws {
        let pretty = """
        {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
              "StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:*"}}}]
        }
        """
        let lines = report(pretty, width: 132)
        let help = try #require(lines.firstIndex { $0.contains("help: change the operator") })
        #expect(lines[help + 2] == #"5 -       "StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:*"}}}]"#)
        #expect(lines[help + 3] == #"5 +       "StringLike": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:*"}}}]"#)
        let r = DiagnosisRequest(token: .init(text: Self.token, source: "token"), policy: .init(text: pretty, source: "policy.json"),
                                 parameters: RequestParameters(at: Fixtures.defaultAt))
        let md = MarkdownReport.render(Diagnoser.diagnose(r))
        #expect(md.contains("```diff\n-      \"StringEquals\": {"), "\(md)")
        #expect(md.contains("\n+      \"StringLike\": {"))
    }

    /// An added value at the end of a long line stays in view.
    @Test func anAddedValueAtTheEndOfALongLineIsShown() throws {
        let lines = report(Self.minified.replacingOccurrences(of: "ref:release", with: "ref:dev"), width: 80)
        let plus = try #require(lines.first { $0.hasPrefix("1 + ") })
        #expect(plus.hasSuffix(#""project_path:mygroup/myproject:ref_type:branch:ref:main"]}}}]}"#), "\(plus)")
        #expect(plus.count <= 80)
    }

    /// Without UTF-8 the whole report is ASCII, and the marker still sits under the clause.
    @Test func asciiReportEscapesDataAndKeepsTheMarker() throws {
        let policy = #"{"Version": "2012-10-17", "Statement": [{"Sid": "Déploiement", "Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:release"}}}]}"#
        for width in [80, 400] {
            let lines = report(policy, width: width, unicode: false)
            #expect(!lines.joined().unicodeScalars.contains { !$0.isASCII }, "\(lines.joined(separator: "\n"))")
            let m = try #require(marked(lines))
            #expect(m.under.hasPrefix(#""gitlab.example.com:sub""#), "width \(width): \(m.under)")
        }
        #expect(report(policy, width: 400, unicode: false).contains { $0.contains(#"D\u{e9}ploiement"#) })
    }

    @Test func controlCharactersInTheLineAreEscapedAndCounted() {
        // A raw ESC inside a string is invalid JSON: the error points at it, shown escaped.
        let line = SnippetLine("{\"a\": \"x\u{1B}[31my\"}", mark: 8..<9, width: 100, unicode: true)
        #expect(line.text == "{\"a\": \"x\\u{1b}[31my\"}")
        #expect(line.markStart == 8 && line.markWidth == 6)
        #expect(!line.text.unicodeScalars.contains { $0.value < 0x20 })
    }
}
