// libFuzzer entry for the input readers: JSON with positions, the tolerant JWT reader, the policy
// grammar (raw and get-role forms) and provider output. Built by Fuzz/run.sh, never by `swift build`.
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
        if let input = try? RoleInput.read(text) {
            for s in input.policy.statements { _ = input.policy.source.lineRange(s.range) }
        }
        _ = try? OIDCProvider.read(text, source: "fuzz", partition: nil, account: nil)
        _ = SubClaim(text)
        _ = TimeText.parse(text)
    }
    return 0
}
