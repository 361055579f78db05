/// A template role whose `Fn::If` rests on conditions nothing decides: every way they can go is
/// diagnosed. Where all give the same answer it stands; where they differ the answer is `unknown`
/// and the finding says which way gives which answer.
enum TemplateBranches {
    static func combine(_ role: RoleInput, request: DiagnosisRequest, first: Diagnosis, diagnose: (DiagnosisRequest) -> Diagnosis) -> Diagnosis {
        var outcomes: [(branch: RoleInput.Branch, diagnosis: Diagnosis)] = []
        for b in role.branches {
            var r = request
            var input = role
            input.policy = b.policy
            input.branches = []
            r.parsedRole = input
            outcomes.append((b, diagnose(r)))
        }
        func words(_ c: [String: Bool]) -> String {
            role.openConditions.map { "\($0) \(c[$0] == true ? "true" : "false")" }.joined(separator: ", ")
        }
        func answer(_ d: Diagnosis) -> String {
            switch d.decision {
            case .deny: return "deny" + (d.primaryCause.map { " (\($0.rawValue))" } ?? "")
            case .unknown:
                let names = d.role.map { Unknowns.names(in: $0.policy.source.slice(SourceRange(start: 0, end: $0.policy.source.bytes.count))) } ?? []
                return "unknown" + (names.isEmpty ? "" : " (it depends on \(names.map { "<\($0)>" }.joined(separator: ", ")))")
            case .allow: return "allow"
            }
        }
        let each = outcomes.map { "with \(words($0.branch.conditions)): \(answer($0.diagnosis))" }.joined(separator: "; ")
        let conds = role.openConditions.joined(separator: ", ")
        var d = outcomes.first?.diagnosis ?? first
        d.role?.branches = role.branches
        if Set(outcomes.map(\.diagnosis.decision)).count == 1 {
            d.walk.append(WalkStep(step: "template-conditions", status: .pass, summary: "the same answer whichever way \(conds) go\(role.openConditions.count == 1 ? "es" : ""): \(each)"))
            return d
        }
        var f = Finding(.inputUnresolved, .error,
                        detail: "STS's answer depends on the template condition\(role.openConditions.count == 1 ? "" : "s") \(conds), which the inputs do not decide (Fn::If keeps both branches): \(each).",
                        fix: (role.openConditions.map { "give --condition \($0)=true|false, or the parameters it is built from (--parameter NAME=VALUE)" }
                            + outcomes.compactMap { $0.diagnosis.primaryCause == .inputUnresolved ? $0.diagnosis.primary?.fix : nil }).uniqued().joined(separator: "; "))
        f.range = role.openConditionRange
        d.findings.insert(f, at: 0)
        d.decision = .unknown
        d.stsError = nil
        d.primaryCause = .inputUnresolved
        d.walk.append(WalkStep(step: "template-conditions", status: .warn, summary: "cannot be decided: \(each)"))
        return d
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
