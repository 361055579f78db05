import Testing
@testable import OIDCDoctorCore

/// Template strip markers and directives, with the results `terraform console` (1.11) gave for
/// the same text: HCL scans heredocs and template files line by line, so `~}` at a line's end
/// removes that newline only, and `%{~` the white space of its own line only.
@Suite struct HCLTemplateTests {
    /// The text `templatefile("t.tpl", {})` gives for `template`.
    func rendered(_ template: String, _ expression: String = "templatefile(\"t.tpl\", {})") throws -> String? {
        let main = "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  assume_role_policy = \(expression)\n}\n"
        let reading = try TerraformReader.read(TerraformFiles(files: ["main.tf": main, "t.tpl": template]))
        return reading.roles.first?.policy?.string
    }

    @Test func stripMarkersInTemplateFiles() throws {
        #expect(try rendered("A\n%{ if true ~}\n   B\n%{ endif ~}\n   C\n  %{~ if true ~}\n  D\n%{ endif }\n") == "A\n   B\n   C\n  D\n\n")
        #expect(try rendered("X\n  %{~ for x in [1,2] ~}\n  v${x}\n  %{~ endfor ~}\n  Y\n") == "X\n  v1\n  v2\n  Y\n")
        #expect(try rendered("C\n%{~ if true ~}   B  \n  E\n%{ endif }") == "CB  \n  E\n")
    }

    @Test func stripMarkersInQuotedStrings() throws {
        // In a quoted string the whole neighbouring literal is trimmed, escaped newlines too.
        #expect(try rendered("", #""a \n  ${~ "x" ~}  \n b""#) == "axb")
        #expect(try rendered("", #""[%{ for i, v in ["p", "q"] }${v}%{ if i < 1 },%{ endif }%{ endfor }]""#) == "[p,q]")
    }

    @Test func escapesOfTemplateSyntax() throws {
        #expect(try rendered("", #""$${aws:username} %%{x} \u00e9""#) == "${aws:username} %{x} é")
    }
}
