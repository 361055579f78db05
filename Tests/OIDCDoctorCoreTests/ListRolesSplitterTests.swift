import Testing
@testable import OIDCDoctorCore

/// audit reads list-roles output role by role: the roles, their names, ARNs and policies must be the
/// ones the whole-file reader finds, whatever the strings hold; anything else falls back to it.
@Suite struct ListRolesSplitterTests {
    static let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.example.com:sub":"project_path:g/p:ref_type:branch:ref:main"}}}]}"#

    static func role(_ name: String, document: String, extra: String = "") -> String {
        #"{"RoleName": "\#(name)", "Arn": "arn:aws:iam::111122223333:role/\#(name)", "Description": "a ] tricky } \" description with \\ and \"Roles\": [ ]"\#(extra), "AssumeRolePolicyDocument": \#(document), "MaxSessionDuration": 7200}"#
    }

    static let shapes: [String] = [
        #"{"Roles": [\#(role("a", document: policy)), \#(role("b", document: PlainJSON.string(policy).jsonText))], "IsTruncated": false}"#,
        "\u{FEFF}" + #"{"Marker": "x]}", "Roles": [\#(role("enc", document: "\"" + policy.addingPercentEncodingForTest + "\""))]}"#,
        #"{"Roles": [], "IsTruncated": true}"#,
        #"{"Roles": [\#(role("first", document: policy))], "Roles": [\#(role("second", document: policy, extra: #", "Tags": [{"Key": "k", "Value": "}"}]"#))]}"#,
        "{\n  \"Roles\" : [\n    \(role("spaced", document: policy))\n  ]\n}\n",
    ]

    @Test(arguments: shapes.indices) func sameRolesAsTheWholeFile(_ i: Int) throws {
        let text = Self.shapes[i]
        let split = try #require(ListRolesSplitter.candidates(text), "the splitter refused shape \(i)")
        guard case .roles(let whole) = try RoleCatalog.read(text, roleArn: nil) else { Issue.record("not read as roles"); return }
        #expect(split.map(\.name) == whole.map(\.name) && split.map(\.arn) == whole.map(\.arn) && split.map(\.maxSessionDuration) == whole.map(\.maxSessionDuration))
        for (s, w) in zip(split, whole) {
            let a = try RoleInput.read(s), b = try RoleInput.read(w)
            #expect(a.policy.statements.count == b.policy.statements.count && a.policy.statements.first?.conditions.first?.values.map(\.text) == b.policy.statements.first?.conditions.first?.values.map(\.text))
        }
    }

    @Test(arguments: [
        #"{"Roles": [{"RoleName": "a"}"#,                 // cut off
        #"{"Roles": {"RoleName": "a"}}"#,                 // not an array
        #"{"Policy": {"Statement": []}}"#,                // no Roles
        #"{"Roles": [{"RoleName": "a", }]}"#,             // an element that is not JSON
        #"{"Roles": []} trailing"#,                       // text after the object
        #"["Roles"]"#,
    ]) func anythingElseFallsBackToTheWholeFileReader(_ text: String) {
        #expect(ListRolesSplitter.candidates(text) == nil)
    }
}

extension String {
    /// The policy as `aws iam list-roles` sometimes prints it: percent-encoded.
    var addingPercentEncodingForTest: String {
        var out = ""
        for b in utf8 {
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F { out.unicodeScalars.append(UnicodeScalar(b)) } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPad2
            }
        }
        return out
    }
    var leftPad2: String { count < 2 ? "0" + self : self }
}
