// libFuzzer entry: the input readers (JSON with positions, the tolerant JWT reader, the policy grammar
// in every accepted shape, provider output) and then the whole diagnosis and its reports, with the
// input as the policy, as the token and as Terraform HCL. Built by Fuzz/run.sh, never by `swift build`.

/// A fixed, well-formed token and policy to pair with the fuzzed input.
private let fixedToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0."
    + "eyJpc3MiOiJodHRwczovL2dpdGxhYi5leGFtcGxlLmNvbSIsImF1ZCI6Imh0dHBzOi8vZ2l0bGFiLmV4YW1wbGUuY29tIiwic3ViIjoicHJvamVjdF9wYXRoOm15Z3JvdXAvbXlwcm9qZWN0OnJlZl90eXBlOmJyYW5jaDpyZWY6bWFpbiIsImlhdCI6MTc5NTc3NzIwMCwiZXhwIjoxNzk1NzgwODAwfQ."
    + "c2ln"
private let fixedPolicy = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringLike": {"gitlab.example.com:sub": "project_path:mygroup/*"}}}]}"#

private func diagnoseAndRender(token: String, policy: String, rcp: String? = nil) {
    var request = DiagnosisRequest(token: .init(text: token, source: "token"), policy: .init(text: policy, source: "policy"),
                                   parameters: RequestParameters(at: 1_795_777_800))
    if let rcp { request.rcps = [.init(text: rcp, source: "rcp")] }
    let d = Diagnoser.diagnose(request)
    _ = TextReport.render(d, options: .init(color: true, unicode: true, width: 80))
    _ = JSONReport.render(d)
    _ = MarkdownReport.render(d)
    // A fix's edit must apply to the text it was made for.
    if let edit = d.primary?.edit, let role = d.role { _ = edit.apply(to: role.policy.source) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let doc = try? JSONReader.read(bytes: bytes) {
        // Every range the reader hands out must lie inside the text and turn into a line/column.
        _ = doc.text.lineRange(doc.root.range)
        _ = doc.root.plain.jsonText
    }
    if let text = String(validating: bytes, as: UTF8.self) {
        _ = try? TokenReader.read(text)
        if let input = try? RoleInput.read(text, role: nil, roleArn: "arn:aws:iam::111122223333:role/r") {
            for s in input.policy.statements { _ = input.policy.source.lineRange(s.range) }
        }
        _ = try? OIDCProvider.read(text, source: "fuzz", partition: nil, account: nil)
        _ = try? JWKS(json: text)
        _ = SubClaim(text)
        _ = TimeText.parse(text)
        _ = ObservedError(text).knownCause
        // HCL: the parser alone, then a one-file module read and diagnosed (and the same text as a
        // template file), every finding's place inside the file.
        _ = try? HCLParser.parse(SourceText(text))
        let module = TerraformFiles(files: ["main.tf": text, "t.tpl": text, "v.tf": "locals {\n  t = templatefile(\"t.tpl\", {})\n}\n"])
        _ = try? TerraformReader.read(module)
        var tf = DiagnosisRequest(token: .init(text: fixedToken, source: "token"), policy: .init(text: "", source: "main.tf"),
                                  parameters: RequestParameters(at: 1_795_777_800))
        tf.terraform = module
        let d = Diagnoser.diagnose(tf)
        _ = TextReport.render(d, options: .init(color: false, unicode: false, width: 80))
        _ = JSONReport.render(d)
        if let f = d.primary, let (edit, source) = d.editInGivenText(f) { _ = edit.apply(to: source) }
        diagnoseAndRender(token: fixedToken, policy: text)
        diagnoseAndRender(token: text, policy: fixedPolicy)
        diagnoseAndRender(token: fixedToken, policy: fixedPolicy, rcp: text)
    }
    return 0
}
