// One diagnosis in-process, median µs: a typical policy and a 20-statement one.
// Run: swift run -c release oidc-doctor-bench
import OIDCDoctorCore
#if canImport(Glibc)
import Glibc
#endif

func twentyStatements() -> String {
    let stmts = (0..<20).map { i in
        """
        {"Sid": "Project\(i)", "Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringEquals": {"gitlab.example.com:aud": "sts.amazonaws.com"},
                       "StringLike": {"gitlab.example.com:sub": ["project_path:group\(i)/app:ref_type:branch:ref:main", "project_path:group\(i)/app:ref_type:tag:ref:v*"]}}}
        """
    }
    return "{\"Version\": \"2012-10-17\", \"Statement\": [\n" + stmts.joined(separator: ",\n") + "\n]}"
}

/// Times both cases in interleaved rounds, so that a slow spell of this (shared, virtual) machine
/// lands on both rather than on whichever case happened to run during it.
func medians(_ cases: [(String, DiagnosisRequest)], rounds: Int = 10, perRound: Int = 200) {
    for (_, r) in cases { for _ in 0..<100 { _ = Diagnoser.diagnose(r) } }  // warm-up
    var samples = Array(repeating: [Double](), count: cases.count)
    var roundMedians = Array(repeating: [Double](), count: cases.count)
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        for (k, (_, request)) in cases.enumerated() {
            var round: [Double] = []
            for _ in 0..<perRound {
                let t = clock.measure { _ = Diagnoser.diagnose(request) }
                round.append(Double(t.components.attoseconds) / 1e12 + Double(t.components.seconds) * 1e6)
            }
            samples[k] += round
            round.sort()
            roundMedians[k].append(round[round.count / 2])
        }
    }
    for (k, (label, _)) in cases.enumerated() {
        let s = samples[k].sorted()
        let p = { (q: Double) in s[Int(Double(s.count - 1) * q)] }
        let rm = roundMedians[k].sorted()
        print("\(label): median \(String(format1: p(0.5))) µs, p90 \(String(format1: p(0.9))) µs over \(s.count) runs"
              + " (round medians \(String(format1: rm.first!))–\(String(format1: rm.last!)) µs)")
    }
}

extension String {
    init(format1 v: Double) { self = String(Double(Int(v * 10)) / 10) }
}

let typical = DemoScenario.main.request
var big = typical
big.policy = .init(text: twentyStatements(), source: "twenty.json")
if CommandLine.arguments.dropFirst().first == "profile" {
    // A fixed workload for `valgrind --tool=callgrind`: instruction counts, not seconds.
    for _ in 0..<200 { _ = Diagnoser.diagnose(big) }
    exit(0)
}
// Single phases for callgrind: `profile-json`, `profile-policy`, `profile-token`, `profile-lint`, `profile-eval`.
if let mode = CommandLine.arguments.dropFirst().first, mode.hasPrefix("profile-") {
    let text = twentyStatements()
    let policy = try! RoleInput.read(text).policy
    let token = try! TokenReader.read(typical.token.text)
    let context = RequestContext(token: token, request: typical.parameters)
    let who = CallerPrincipal(providerURL: "gitlab.example.com", partition: "aws", account: "111122223333")
    for _ in 0..<200 {
        switch mode {
        case "profile-json": _ = try? JSONReader.read(text)
        case "profile-policy": _ = try? RoleInput.read(text)
        case "profile-token": _ = try? TokenReader.read(typical.token.text)
        case "profile-lint": _ = TrustLint.findings(policy)
        case "profile-eval": _ = PolicyEvaluator.evaluate(policy, caller: who, action: "sts:AssumeRoleWithWebIdentity", context: context)
        default: exit(2)
        }
    }
    exit(0)
}
let only = CommandLine.arguments.dropFirst().first
medians([("typical policy (demo wildcard-equals, 1 statement, provider)", typical), ("20-statement policy", big)].filter { only == nil || $0.0.hasPrefix(only!) })

// Phase costs, to see where the time goes.
func phase(_ label: String, _ body: () -> Void) {
    let clock = ContinuousClock()
    for _ in 0..<50 { body() }
    var s: [Double] = []
    for _ in 0..<500 { let t = clock.measure(body); s.append(Double(t.components.attoseconds) / 1e12) }
    s.sort()
    print("  \(label): \(String(format1: s[s.count / 2])) µs")
}
let bigText = twentyStatements()
phase("JSON read (20 statements)") { _ = try? JSONReader.read(bigText) }
phase("policy read (20 statements)") { _ = try? RoleInput.read(bigText) }
phase("token read") { _ = try? TokenReader.read(typical.token.text) }
let bigPolicy = try! RoleInput.read(bigText).policy
phase("trust lint (20 statements)") { _ = TrustLint.findings(bigPolicy) }
let tok = try! TokenReader.read(typical.token.text)
let ctx = RequestContext(token: tok, request: typical.parameters)
let caller = CallerPrincipal(providerURL: "gitlab.example.com", partition: "aws", account: "111122223333")
phase("evaluate (20 statements)") { _ = PolicyEvaluator.evaluate(bigPolicy, caller: caller, action: "sts:AssumeRoleWithWebIdentity", context: ctx) }
phase("context build") { _ = RequestContext(token: tok, request: typical.parameters) }
// The matrix of one role (issue 8: at most 2 ms): every witness walked whole (check --matrix), and
// the quick form audit uses without --matrix.
let typicalRole = try! RoleInput.read(typical.policy.text)
phase("matrix, every row walked (typical policy)") { _ = AdmissionMatrix.evaluate(typical, role: typicalRole, token: tok) }
phase("matrix, quick (typical policy)") { _ = AdmissionMatrix.evaluate(typical, role: typicalRole, token: tok, causes: false) }
phase("matrix, every row walked (20 statements)") { _ = AdmissionMatrix.evaluate(big, role: try! RoleInput.read(bigText), token: tok) }
