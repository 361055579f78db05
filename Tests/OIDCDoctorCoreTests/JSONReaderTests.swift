import Foundation
import Testing
@testable import OIDCDoctorCore

@Suite struct JSONReaderTests {
    static let suite = Fixtures.shared.appendingPathComponent("data/JSONTestSuite/test_parsing")
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: suite.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()

    @Test func suiteIsPresent() {
        #expect(Self.files.count > 300, "JSONTestSuite not found at \(Self.suite.path)")
    }

    /// nst/JSONTestSuite: every y_ accepted, every n_ rejected with a positioned error, no i_ crashing.
    @Test(arguments: files)
    func jsonTestSuite(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.suite.appendingPathComponent(name)))
        let result = Result { () throws(JSONSyntaxError) in try JSONReader.read(bytes: bytes) }
        if name.hasPrefix("y_") {
            if case .failure(let e) = result { Issue.record("\(name) rejected: \(e)") }
        } else if name.hasPrefix("n_") {
            switch result {
            case .success: Issue.record("\(name) accepted")
            case .failure(let e):
                #expect(e.line >= 1 && e.column >= 1)
                #expect(e.offset <= bytes.count)
            }
        }
    }

    @Test func keepsPositionsAndOrder() throws {
        let text = "{\n  \"b\": 1,\n  \"a\": [true, \"x\\u00e9\"]\n}"
        let doc = try JSONReader.read(text)
        let members = try #require(doc.root.members)
        #expect(members.map(\.key) == ["b", "a"])
        let a = try #require(doc.root["a"])
        #expect(doc.text.lineRange(a.range) == LineRange(line: 3, column: 8, endLine: 3, endColumn: 25))
        if case .array(let items) = a.value { #expect(items[1].stringValue == "xé") } else { Issue.record("not an array") }
    }

    @Test func reportsDuplicateKeysWithBothPlaces() throws {
        let doc = try JSONReader.read("{\"Effect\": \"Deny\",\n \"Effect\": \"Allow\"}")
        #expect(doc.duplicates.count == 1)
        let d = try #require(doc.duplicates.first)
        #expect(doc.text.position(of: d.first.start) == SourceText.Position(line: 1, column: 2))
        #expect(doc.text.position(of: d.second.start) == SourceText.Position(line: 2, column: 2))
        #expect(doc.root["Effect"]?.stringValue == "Allow")
    }

    @Test func errorsNameTheHabit() {
        func message(_ s: String) -> String {
            do { _ = try JSONReader.read(s); return "accepted" } catch { return error.description }
        }
        #expect(message("{\"a\": 1,}") == "line 1, column 9: trailing comma before '}' (JSON and IAM do not allow it)")
        #expect(message("[1,\n2,\n]").hasPrefix("line 3, column 1: trailing comma"))
        #expect(message("{/* x */}").contains("comments are not allowed"))
        #expect(message("{'a': 1}").contains("double quotes"))
        #expect(message("").contains("empty"))
        #expect(message(String(repeating: "[", count: 10_000)).contains("nesting deeper than 256"))
        #expect(message("{\"a\": \"x\u{0}\"}").contains("NUL"))
        #expect(message("{\"a\": 1} x").contains("after the end of the JSON value"))
    }

    @Test func lineColumnsCountCharactersAndCRLF() {
        let t = SourceText("ab\r\nцд\"x")
        #expect(t.position(of: 4) == SourceText.Position(line: 2, column: 1))
        #expect(t.position(of: 8) == SourceText.Position(line: 2, column: 3))
        #expect(t.lineCount == 2)
    }
}
