import Foundation
import Testing
@testable import OIDCDoctorCore

/// Issue 15: random trust policies and tokens, evaluated by the engine and by `NaiveIAM` below — a
/// second evaluator written from the reference's rules alone, sharing no code with the engine, with
/// the UNCONFIRMED points as switches. The engine must agree under its own readings, and must label
/// (`undocumented`) every case whose answer a switch changes. Seeded: a failure names its seed.
/// `DIFFERENTIAL_CASES=5000 swift test --filter DifferentialTests` runs more (Benchmarks/differential.sh).
@Suite struct DifferentialTests {
    static let cases = Int(ProcessInfo.processInfo.environment["DIFFERENTIAL_CASES"] ?? "") ?? 300
    static let seed = UInt64(ProcessInfo.processInfo.environment["DIFFERENTIAL_SEED"] ?? "") ?? 20261203

    @Test func engineAgreesWithTheNaiveEvaluator() {
        var rng = SplitMix(seed: Self.seed)
        var disagreements: [String] = []
        var unlabelled: [String] = []
        var labelled = 0, allows = 0
        for n in 0..<Self.cases {
            let c = RandomCase.make(&rng)
            let want = NaiveIAM.decide(c, NaiveIAM.Switches())
            var request = DiagnosisRequest(token: .init(text: Fixtures.token(claims: c.claims), source: "token"),
                                           policy: .init(text: c.policyText, source: "policy.json"),
                                           parameters: RequestParameters(roleArn: RandomCase.roleArn, at: Fixtures.defaultAt))
            request.providers = []
            let d = Diagnoser.diagnose(request)
            let got = d.decision.rawValue
            if got != want { disagreements.append("case \(n): engine \(got), naive \(want)\n  \(c.policyText)\n  sub \(c.sub) aud \(c.aud)") }
            if want == "allow" { allows += 1 }
            // Every switch that changes the naive answer must be named by the engine.
            let moving = NaiveIAM.Switches.points.filter { NaiveIAM.decide(c, NaiveIAM.Switches(flipped: [$0])) != want }
            if !moving.isEmpty { labelled += 1 }
            let named = Set(d.undocumented.map { "\($0)" })
            for p in moving where !named.contains(p) { unlabelled.append("case \(n): \(p) moves \(want) but is not named (named: \(named.sorted()))\n  \(c.policyText)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(Self.cases) disagree (seed \(Self.seed)):\n\(disagreements.prefix(5).joined(separator: "\n"))")
        #expect(unlabelled.isEmpty, "\(unlabelled.count) unlabelled (seed \(Self.seed)):\n\(unlabelled.prefix(5).joined(separator: "\n"))")
        // The generator reaches both answers and the undocumented points (a generator that never
        // allows, or never touches a switch, would prove nothing).
        #expect(allows > Self.cases / 20 && labelled > Self.cases / 50, "allows \(allows), labelled \(labelled)")
        print("differential: \(Self.cases) cases, seed \(Self.seed), agreement \(Self.cases - disagreements.count)/\(Self.cases), labelled \(labelled), allows \(allows)")
    }
}

/// A deterministic generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func pick<T>(_ xs: [T]) -> T { xs[Int(next() % UInt64(xs.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
}

/// One generated case: the policy as JSON text (and as values, for the naive evaluator), the token's claims.
struct RandomCase {
    struct Condition { var op: String; var key: String; var values: [String] }
    struct Statement {
        var effect: String
        var principal: Any  // "*" or [String: Any]
        var actions: [String]
        var conditions: [Condition]
    }
    var statements: [Statement]
    var sub: String
    var aud: String
    var policyText: String
    var claims: PlainJSON

    static let roleArn = "arn:aws:iam::111122223333:role/deploy"
    static let provider = "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"
    static let subs = ["project_path:mygroup/myproject:ref_type:branch:ref:main", "project_path:mygroup/myproject:ref_type:tag:ref:v1.0",
                       "project_path:mygroup/other:ref_type:branch:ref:main", "project_path:MyGroup/myproject:ref_type:branch:ref:main",
                       "project_path:mygroup/sub/myproject:ref_type:branch:ref:dev"]
    static let values = ["project_path:mygroup/myproject:ref_type:branch:ref:main", "project_path:mygroup/myproject:*", "project_path:mygroup/*",
                         "project_path:mygroup/myproject:ref_type:branch:ref:ma?n", "project_path:mygroup/myproject:ref_type:tag:ref:v1.0",
                         "project_path:mygroup/${*}", "*", "project_path:MYGROUP/myproject:ref_type:branch:ref:main",
                         "project_path:mygroup/myproject:ref_type:branch:ref:${?}ain", "project_path:mygroup/other:*"]
    static let operators = ["StringEquals", "StringLike", "StringNotEquals", "StringNotLike", "StringEqualsIgnoreCase", "ForAnyValue:StringLike",
                            "ForAllValues:StringEquals", "StringLikeIfExists", "StringNotEqualsIfExists", "stringlike", "StringEQUALS"]

    static func make(_ r: inout SplitMix) -> RandomCase {
        var statements: [Statement] = []
        for _ in 0..<(1 + Int(r.next() % 3)) {
            var conds: [Condition] = []
            for _ in 0..<Int(r.next() % 3) {
                switch r.next() % 10 {
                case 0: conds.append(Condition(op: r.pick(["DateLessThan", "DateGreaterThan"]), key: "aws:CurrentTime", values: [r.pick(["2020-01-01T00:00:00Z", "2099-01-01T00:00:00Z"])]))
                case 1: conds.append(Condition(op: "Null", key: r.pick(["gitlab.example.com:sub", "gitlab.example.com:project_path"]), values: [r.pick(["true", "false"])]))
                case 2: conds.append(Condition(op: r.pick(["StringEquals", "StringNotEquals", "StringLike"]), key: "gitlab.example.com:sub", values: []))
                case 3: conds.append(Condition(op: r.pick(["StringEquals", "StringNotLike", "StringLikeIfExists"]), key: "gitlab.example.com:project_path", values: ["mygroup/*"]))
                case 4: conds.append(Condition(op: r.pick(["StringEquals", "StringLike"]), key: "gitlab.example.com:aud", values: [r.pick(["https://gitlab.example.com", "sts.amazonaws.com", "sts*"])]))
                default:
                    let n = 1 + Int(r.next() % 2)
                    conds.append(Condition(op: r.pick(operators), key: r.pick(["gitlab.example.com:sub", "GITLAB.EXAMPLE.COM:SUB"]), values: (0..<n).map { _ in r.pick(values) }))
                }
            }
            // One operator per block: a second condition with the same operator and key would be a duplicate key.
            var seen: Set<String> = []
            conds = conds.filter { seen.insert($0.op.lowercased() + " " + $0.key.lowercased()).inserted && seen.insert($0.op + "|" + $0.key).inserted }
            let principal: Any = r.chance(80) ? ["Federated": r.pick([provider, provider, provider, "arn:aws:iam::111122223333:oidc-provider/gitlab.other.com",
                                                                      "arn:aws:iam::*:oidc-provider/gitlab.example.com", "arn:aws:iam:us-east-1:111122223333:oidc-provider/gitlab.example.com"])]
                                              : r.pick(["*" as Any, ["AWS": "*"] as Any])
            statements.append(Statement(effect: r.chance(80) ? "Allow" : "Deny", principal: principal,
                                        actions: [r.pick(["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithWebIdentity", "sts:*", "sts:AssumeRole", "STS:assumerolewithwebidentity"])],
                                        conditions: conds))
        }
        let sub = r.pick(subs)
        let aud = r.pick(["https://gitlab.example.com", "sts.amazonaws.com"])
        let json: [String: Any] = ["Version": "2012-10-17", "Statement": statements.map { s -> [String: Any] in
            var o: [String: Any] = ["Effect": s.effect, "Principal": s.principal, "Action": s.actions.count == 1 ? s.actions[0] : s.actions]
            if !s.conditions.isEmpty {
                var blocks: [String: [String: Any]] = [:]
                for c in s.conditions { blocks[c.op, default: [:]][c.key] = c.values.count == 1 ? c.values[0] : c.values }
                o["Condition"] = blocks
            }
            return o
        }]
        let text = String(decoding: try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        let path = sub.split(separator: ":")[1]
        let claims = Fixtures.claims(.object([.init(key: "sub", value: .string(sub)), .init(key: "aud", value: .string(aud)),
                                              .init(key: "project_path", value: .string(String(path)))]))
        return RandomCase(statements: statements, sub: sub, aud: aud, policyText: text, claims: claims)
    }
}

/// IAM's decision for web identity, from the reference alone (§2 conditions, §3 operators and
/// variables, §5 principal/action/effect). Deliberately naive: direct recursion, no shared code.
enum NaiveIAM {
    struct Switches {
        /// Reference points marked UNCONFIRMED, by the engine's names for them.
        static let points = ["wildcardPrincipalMatches", "unconfirmedKeysPresent", "emptyValueListEvaluated", "operatorCaseAccepted"]
        var flipped: Set<String> = []
        func on(_ p: String) -> Bool { !flipped.contains(p) }
    }

    static func decide(_ c: RandomCase, _ sw: Switches) -> String {
        let context: [String: String] = {
            var m = ["gitlab.example.com:sub": c.sub, "gitlab.example.com:aud": c.aud]
            if sw.on("unconfirmedKeysPresent") { m["aws:currenttime"] = "2026-11-27T11:10:00Z" }
            return m
        }()
        var allow = false
        for s in c.statements where principalMatches(s.principal, sw) && s.actions.contains(where: { glob("sts:assumerolewithwebidentity", $0.lowercased()) }) {
            guard s.conditions.allSatisfy({ holds($0, context, sw) }) else { continue }
            if s.effect == "Deny" { return "deny" }
            allow = true
        }
        return allow ? "allow" : "deny"
    }

    static func principalMatches(_ p: Any, _ sw: Switches) -> Bool {
        if let s = p as? String { return s == "*" && sw.on("wildcardPrincipalMatches") }
        guard let m = p as? [String: String] else { return false }
        if m["AWS"] == "*" { return sw.on("wildcardPrincipalMatches") }
        return m["Federated"] == RandomCase.provider  // exact, every field
    }

    static func holds(_ c: RandomCase.Condition, _ context: [String: String], _ sw: Switches) -> Bool {
        var op = c.op
        let canonical = ["StringEquals", "StringLike", "StringNotEquals", "StringNotLike", "StringEqualsIgnoreCase", "DateLessThan", "DateGreaterThan", "Null"]
        var set = ""
        for q in ["ForAnyValue:", "ForAllValues:"] where op.hasPrefix(q) { set = q; op.removeFirst(q.count) }
        var ifExists = false
        if op.hasSuffix("IfExists") { ifExists = true; op.removeLast(8) }
        if !canonical.contains(op) {
            guard let real = canonical.first(where: { $0.lowercased() == op.lowercased() }) else { return false }
            if !sw.on("operatorCaseAccepted") { return false }
            op = real
        }
        let value = context[c.key.lowercased()]
        if op == "Null" { return c.values.contains { ($0 == "true") == (value == nil) } }
        guard let v = value else {
            if ifExists || set == "ForAllValues:" { return true }
            if set == "ForAnyValue:" { return false }
            return op.contains("Not")
        }
        if c.values.isEmpty { return sw.on("emptyValueListEvaluated") ? op.contains("Not") : true }
        let any = c.values.contains { want in
            switch op {
            case "StringEquals", "StringNotEquals": return v == literal(want)
            case "StringEqualsIgnoreCase": return v.lowercased() == literal(want).lowercased()
            case "StringLike", "StringNotLike": return glob(v, want)
            case "DateLessThan": return v < want
            default: return v > want  // DateGreaterThan: ISO 8601 in one format sorts as time
            }
        }
        return op.contains("Not") ? !any : any
    }

    /// `${*}`, `${?}`, `${$}` are the characters themselves (Version 2012-10-17).
    static func literal(_ s: String) -> String {
        s.replacingOccurrences(of: "${*}", with: "*").replacingOccurrences(of: "${?}", with: "?").replacingOccurrences(of: "${$}", with: "$")
    }

    /// `*` any run, `?` one character; `${*}` / `${?}` literal.
    static func glob(_ v: String, _ p: String) -> Bool {
        enum T: Equatable { case any, one, char(Character) }
        var tokens: [T] = []
        var rest = Substring(p)
        while let ch = rest.first {
            if rest.hasPrefix("${*}") { tokens.append(.char("*")); rest = rest.dropFirst(4); continue }
            if rest.hasPrefix("${?}") { tokens.append(.char("?")); rest = rest.dropFirst(4); continue }
            if rest.hasPrefix("${$}") { tokens.append(.char("$")); rest = rest.dropFirst(4); continue }
            tokens.append(ch == "*" ? .any : ch == "?" ? .one : .char(ch))
            rest = rest.dropFirst()
        }
        let s = Array(v)
        func m(_ i: Int, _ j: Int) -> Bool {
            if j == tokens.count { return i == s.count }
            switch tokens[j] {
            case .any: return (i...s.count).contains { m($0, j + 1) }
            case .one: return i < s.count && m(i + 1, j + 1)
            case .char(let c): return i < s.count && s[i] == c && m(i + 1, j + 1)
            }
        }
        return m(0, 0)
    }
}
