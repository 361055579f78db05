/// The outcome of one condition clause, with what it compared: the evaluator emits facts,
/// the diagnosis decides how to explain them.
public struct ConditionResult: Sendable {
    public enum Reason: Sendable, Equatable {
        case matched
        case noValueMatched
        /// A negated operator whose value list contains a match for the context value.
        case excluded(valueIndex: Int)
        case keyAbsent
        /// A plain operator on a multi-valued key never matches (reference §2, iam-simulate).
        case multiValuedKey
        case emptyValueList
        case nullCheck
    }

    public var statementIndex: Int
    public var clause: ConditionClause
    public var result: Bool
    /// nil when the key is absent from the request context.
    public var context: ContextEntry?
    /// Policy values after variable substitution; nil where a variable had no value.
    public var effectiveValues: [String?]
    public var reason: Reason
    /// Things AWS does not document that this result depends on.
    public var undocumented: [String]
    /// Non-empty when the result depends on values the inputs do not give (then `result` is false
    /// and means "not known to hold"): the names of those values.
    public var unresolved: [String] = []
}

public enum ConditionEvaluator {
    public static func evaluate(_ clause: ConditionClause, statement: Int, context: RequestContext, expandVariables: Bool) -> ConditionResult {
        evaluate(clause, statement: statement, context: context, expandVariables: expandVariables, entry: context.entry(lowercased: clause.keyLower))
    }

    /// A clause whose key or values hold an unknown (a Terraform variable without a value): true or
    /// false only when every value the unknown could take gives the same answer.
    static func evaluateUnresolved(_ clause: ConditionClause, statement: Int, context: RequestContext, expandVariables: Bool) -> ConditionResult? {
        let names = Array(Set(Unknowns.names(in: clause.key) + clause.values.flatMap { Unknowns.names(in: $0.text) })).sorted()
        guard !names.isEmpty else { return nil }
        func unknown(_ entry: ContextEntry?) -> ConditionResult {
            var r = evaluate(clause, statement: statement, context: context, expandVariables: expandVariables, entry: entry)
            r.result = false
            r.unresolved = names
            return r
        }
        if Unknowns.contains(clause.key) {
            // The key could be any context key its known parts fit, or one that is absent.
            let pattern = Unknowns.asWildcard(clause.key).lowercased()
            let candidates = context.entries.filter { Wildcard.matches($0.key.lowercased(), pattern: pattern) }
            if !candidates.isEmpty { return unknown(nil) }
            var absent = evaluate(clause, statement: statement, context: context, expandVariables: expandVariables, entry: nil)
            if clause.values.contains(where: { Unknowns.contains($0.text) }) && clause.op.base == .null { return unknown(nil) }
            absent.undocumented.append("the key is not known (\(names.joined(separator: ", "))), but no key it could be is in the request context")
            return absent
        }
        let entry = context.entry(lowercased: clause.keyLower)
        let op = clause.op
        guard let entry, op.base != .null else {
            // Absent key: the values do not matter (Null tests presence only).
            if op.base == .null, clause.values.contains(where: { Unknowns.contains($0.text) }) { return unknown(entry) }
            return evaluate(clause, statement: statement, context: context, expandVariables: expandVariables, entry: entry)
        }
        // Per context value: true, false or nil (not known) that some value matches.
        func anyMatch(_ c: String) -> Bool? {
            var maybe = false
            for v in clause.values {
                if !Unknowns.contains(v.text) {
                    if matches(c, v.text, op.base.positive) { return true }
                    continue
                }
                switch op.base.positive {
                case .stringEquals: if Unknowns.canEqual(v.text, c) { maybe = true }
                case .stringEqualsIgnoreCase: if Unknowns.canEqual(v.text.lowercased(), c.lowercased()) { maybe = true }
                case .stringLike: if Wildcard.matches(c, pattern: Unknowns.asWildcard(v.text)) { maybe = true }
                default: maybe = true
                }
            }
            return maybe ? nil : false
        }
        func holds(_ c: String) -> Bool? { anyMatch(c).map { op.base.isNegated ? !$0 : $0 } }
        let outcome: Bool?
        switch op.qualifier {
        case nil:
            if entry.multiValued { return evaluate(clause, statement: statement, context: context, expandVariables: expandVariables, entry: entry) }
            outcome = holds(entry.values.first ?? "")
        case .forAnyValue?:
            let each = entry.values.map(holds)
            outcome = each.contains(true) ? true : (each.contains(where: { $0 == nil }) ? nil : false)
        case .forAllValues?:
            let each = entry.values.map(holds)
            outcome = each.contains(false) ? false : (each.contains(where: { $0 == nil }) ? nil : true)
        }
        guard let outcome else { return unknown(entry) }
        var r = evaluate(clause, statement: statement, context: context, expandVariables: expandVariables, entry: entry)
        r.result = outcome
        r.reason = outcome ? .matched : .noValueMatched
        return r
    }

    /// `evaluate` with the clause key's context entry already looked up.
    static func evaluate(_ clause: ConditionClause, statement: Int, context: RequestContext, expandVariables: Bool, entry: ContextEntry?) -> ConditionResult {
        let op = clause.op
        var undocumented: [String] = []
        if op.caseDiffers { undocumented.append("operator written \"\(op.written)\"; whether AWS accepts it in another letter case is undocumented") }
        if RequestContext.isUnconfirmed(clause.keyLower) {
            undocumented.append("whether \(clause.key) is in the context of AssumeRoleWithWebIdentity is undocumented")
        }
        func done(_ r: Bool, _ reason: ConditionResult.Reason, _ values: [String?]) -> ConditionResult {
            ConditionResult(statementIndex: statement, clause: clause, result: r, context: entry, effectiveValues: values, reason: reason, undocumented: undocumented)
        }
        // One array of the values as written, reused as the effective values unless a variable is substituted.
        let raw: [String?] = clause.values.map { $0.text }

        if op.base == .null {
            let absent = entry == nil
            return done(clause.values.contains { ASCII.equalIgnoringCase($0.text, "true") == absent }, .nullCheck, raw)
        }
        guard let entry else {
            if op.ifExists || op.qualifier == .forAllValues { return done(true, .keyAbsent, raw) }
            if op.qualifier == .forAnyValue { return done(false, .keyAbsent, raw) }
            return done(op.base.isNegated, .keyAbsent, raw)
        }
        var values = raw
        // Only a value with a `$` can hold a variable (`expand` returns any other value unchanged).
        if expandVariables && op.base.takesVariables && clause.values.contains(where: { ASCII.contains($0.text, 0x24) }) {
            values = clause.values.map { v in
                if case .value(let s) = PolicyVariables.expand(v.text, context: context) { return s }
                return nil
            }
        }
        if values.isEmpty {
            undocumented.append("an empty value list is undocumented; modelled as: positive never matches, negated always matches")
            return done(op.base.isNegated, .emptyValueList, values)
        }
        let positive = op.base.positive
        func hit(_ c: String) -> Int? { values.firstIndex { v in v.map { matches(c, $0, positive) } ?? false } }
        func holds(_ c: String) -> Bool { op.base.isNegated ? hit(c) == nil : hit(c) != nil }

        switch op.qualifier {
        case nil:
            if entry.multiValued {
                if op.base.isNegated { undocumented.append("a negated plain operator on a multi-valued key is modelled as true") }
                return done(op.base.isNegated, .multiValuedKey, values)
            }
            let c = entry.values.first ?? ""
            if let i = hit(c) {
                return op.base.isNegated ? done(false, .excluded(valueIndex: i), values) : done(true, .matched, values)
            }
            return op.base.isNegated ? done(true, .matched, values) : done(false, .noValueMatched, values)
        case .forAnyValue?:
            let r = entry.values.contains(where: holds)
            if !r, op.base.isNegated, let i = entry.values.lazy.compactMap(hit).first { return done(false, .excluded(valueIndex: i), values) }
            return done(r, r ? .matched : .noValueMatched, values)
        case .forAllValues?:
            let r = entry.values.allSatisfy(holds)
            if !r, op.base.isNegated, let i = entry.values.lazy.compactMap(hit).first { return done(false, .excluded(valueIndex: i), values) }
            return done(r, r ? .matched : .noValueMatched, values)
        }
    }

    /// The positive comparison of one context value with one policy value.
    public static func matches(_ c: String, _ v: String, _ base: ConditionOperator.Base) -> Bool {
        switch base {
        case .stringEquals, .binaryEquals: return c == Wildcard.plain(v)
        case .stringEqualsIgnoreCase: return ASCII.equalIgnoringCase(c, Wildcard.plain(v))
        case .stringLike: return Wildcard.matches(c, pattern: v)
        case .bool: return ASCII.equalIgnoringCase(c, v)
        case .arnEquals, .arnLike:
            let cp = c.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            let vp = v.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard cp.count == 6, vp.count == 6 else { return false }
            return zip(cp, vp).allSatisfy { Wildcard.matches(String($0), pattern: String($1)) }
        case .numericEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            guard let a = Double(c), let b = Double(v) else { return false }
            return compare(a, b, base)
        case .dateEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let a = TimeText.parse(c), let b = TimeText.parse(v) else { return false }
            return compare(Double(a), Double(b), base)
        case .ipAddress: return IPRange(v)?.contains(c) ?? false
        default: return matches(c, v, base.positive)
        }
    }

    private static func compare(_ a: Double, _ b: Double, _ base: ConditionOperator.Base) -> Bool {
        switch base {
        case .numericEquals, .dateEquals: a == b
        case .numericLessThan, .dateLessThan: a < b
        case .numericLessThanEquals, .dateLessThanEquals: a <= b
        case .numericGreaterThan, .dateGreaterThan: a > b
        default: a >= b
        }
    }
}

