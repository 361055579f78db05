import Testing
@testable import OIDCDoctorCore

/// `trust.broad-sub-pattern`: the byte-level fast path for tight patterns agrees with the reading by parts.
@Suite struct TrustLintTests {
    /// A small deterministic generator (SplitMix64): the same patterns on every run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func fastPathAgreesWithThePartsOnGeneratedPatterns() {
        let parts = ["project_path", "project_id", "job_project_path", "ref_type", "ref", "branch", "tag", "main", "v*", "*", "?", "g/a",
                     "g/*", "g/a*", "", "release-?", "deployment_tier", "ref_protected", "true", "mygroup/myproject"]
        var rng = SplitMix(state: 2026)
        for _ in 0..<20_000 {
            let n = Int.random(in: 1...8, using: &rng)
            let pattern = (0..<n).map { _ in parts.randomElement(using: &rng)! }.joined(separator: ":")
            #expect(TrustLint.broadness(pattern) == TrustLint.broadnessByParts(pattern), "\(pattern)")
        }
    }

    /// Found while optimising: `ref_type` as the last part after a `ref:*` indexed past the end.
    @Test func refTypeAsTheLastPartIsNoCrash() {
        #expect(TrustLint.broadness("project_path:g/a:ref:*:ref_type")?.contains("every ref") == true)
        #expect(TrustLint.broadness("project_path:g/a:ref_type") == nil)
    }
}
