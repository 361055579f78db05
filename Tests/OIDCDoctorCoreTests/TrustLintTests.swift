import Testing
@testable import OIDCDoctorCore

/// `trust.broad-sub-pattern` on malformed patterns.
@Suite struct TrustLintTests {
    /// Found while optimising: `ref_type` as the last part after a `ref:*` indexed past the end.
    @Test func refTypeAsTheLastPartIsNoCrash() {
        #expect(TrustLint.broadness("project_path:g/a:ref:*:ref_type")?.contains("every ref") == true)
        #expect(TrustLint.broadness("project_path:g/a:ref_type") == nil)
    }
}
