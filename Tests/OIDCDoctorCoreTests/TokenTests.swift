import Foundation
import Testing
@testable import OIDCDoctorCore

@Suite struct TokenTests {
    static let jwt = Fixtures.token(claims: Fixtures.claims(nil))

    @Test(arguments: [
        jwt, "\"\(jwt)\"", "'\(jwt)'", "Bearer \(jwt)", "bearer \(jwt)\n", "  \(jwt)  \n",
        // A terminal-wrapped paste: line breaks and indentation inside the token.
        String(jwt.prefix(40)) + "\n  " + String(jwt.dropFirst(40).prefix(60)) + "\r\n" + String(jwt.dropFirst(100)),
    ])
    func readsPastedForms(_ pasted: String) throws {
        let t = try TokenReader.read(pasted)
        #expect(t.subject == "project_path:mygroup/myproject:ref_type:branch:ref:main")
        #expect(t.providerPrefix == "gitlab.example.com")
        #expect(t.expiresAt == 1_795_780_800)
    }

    @Test func malformedNamesSegmentAndPlace() {
        func reason(_ s: String) -> String {
            do { _ = try TokenReader.read(s); return "ok" } catch { return error.message }
        }
        #expect(reason("a.b") == "2 segments separated by '.', expected 3; the signature part is missing (truncated copy?)")
        #expect(reason("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0+.c2ln").contains("payload segment: bad base64url at offset 15: '+' is not a base64url character (standard base64, not base64url)"))
        #expect(reason("eyJh\u{0}bGc.e30.c2ln").contains("U+0000 at offset 4"))
        #expect(reason("WzFd.e30.c2ln") == "header segment: decodes to an array, expected a JSON object")
        #expect(reason("e30.e30.") .contains("signature segment: empty"))
        #expect(reason("a.b.c.d.e").contains("JWE"))
    }

    @Test func subComponents() throws {
        let s = try #require(SubClaim("project_path:mygroup/sub/app:ref_type:branch:ref:feature/x"))
        #expect(s.names == ["project_path", "ref_type", "ref"])
        #expect(s.value("ref") == "feature/x")
        #expect(s.summary == "branch feature/x of mygroup/sub/app")
        let custom = try #require(SubClaim("project_id:20:ref_type:tag:ref:v1:ref_protected:true:deployment_tier:production"))
        #expect(custom.project?.name == "project_id")
        #expect(custom.value("deployment_tier") == "production")
        #expect(SubClaim("job_90210") == nil)
        #expect(SubClaim("project_path:a:unknown:b") == nil)
    }

    @Test func timeParsingAndText() {
        #expect(TimeText.parse("2026-11-27T11:10:00Z") == 1_795_777_800)
        #expect(TimeText.parse("2026-11-27T12:10:00+01:00") == 1_795_777_800)
        #expect(TimeText.parse("2026-11-27T11:10:00.250Z") == 1_795_777_800)
        #expect(TimeText.parse("1795777800") == 1_795_777_800)
        #expect(TimeText.parse("27/11/2026") == nil)
        #expect(TimeText.iso(1_795_777_800) == "2026-11-27T11:10:00Z")
        #expect(TimeText.iso(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(TimeText.relative(1_795_780_800, now: 1_795_777_800) == "in 50m")
        #expect(TimeText.relative(1_795_777_000, now: 1_795_777_800) == "13m 20s ago")
    }

    @Test func wildcardAgainstRegexOracle() throws {
        // Property test: the linear matcher agrees with an anchored regex built the way iam-simulate builds it.
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab:/*?")
        for _ in 0..<3000 {
            let pattern = String((0..<Int.random(in: 0...7, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let value = String((0..<Int.random(in: 0...8, using: &rng)).map { _ in "ab:/".randomElement(using: &rng)! })
            let regex = "^" + pattern.map { $0 == "*" ? ".*" : $0 == "?" ? "." : NSRegularExpression.escapedPattern(for: String($0)) }.joined() + "$"
            let re = try NSRegularExpression(pattern: regex, options: [.dotMatchesLineSeparators])
            let oracle = re.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
            #expect(Wildcard.matches(value, pattern: pattern) == oracle, "\(value.debugDescription) ~ \(pattern.debugDescription)")
        }
    }

    @Test func hostilePatternStaysFast() {
        // Exponential backtracking would hang here; the matcher is linear in practice.
        let value = String(repeating: "a", count: 5000)
        #expect(!Wildcard.matches(value, pattern: String(repeating: "*a", count: 200) + "b"))
    }

    @Test func terminalSafeEscapesControlCharacters() {
        #expect(terminalSafe("a\u{1B}[31mb\u{7}\u{9B}c\u{202E}") == "a\\u{1b}[31mb\\u{7}\\u{9b}c\\u{202e}")
        #expect(JSONText.quote("x\u{1B}y") == "\"x\\u001by\"")
    }
}
