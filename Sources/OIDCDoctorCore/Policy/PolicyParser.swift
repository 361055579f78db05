/// Why a text is not a trust policy IAM would store: `policy.invalid`, with the place.
public struct PolicyInvalid: Error, Sendable {
    public var message: String
    public var range: LineRange?
    /// Set when the policy could not be made because these values are not known (`input.unresolved`).
    public var unresolved: [String] = []
    /// `--role` names no role of the input: a usage error, not a fault of the policy.
    public var wrongRole = false
    /// An option that does not fit the input (`--parameter` the template lacks): a usage error, with this fix.
    public var usageFix: String?

    public var located: String {
        guard let r = range else { return message }
        if let f = r.file { return "\(f):\(r.line):\(r.column): \(message)" }
        return "line \(r.line), column \(r.column): \(message)"
    }

    public init(message: String, range: LineRange?) {
        self.message = message
        self.range = range
    }

    /// A policy text that is not JSON at all, at the reader's place.
    init(notJSON error: JSONSyntaxError) {
        self.init(message: "not valid JSON: \(error.message)", range: LineRange(line: error.line, column: error.column, endLine: error.line, endColumn: error.column + 1))
    }
}

/// The IAM policy grammar on top of the JSON reader, restricted to what a role trust policy may hold.
/// The two policy grammars this tool reads: a role's trust policy, and an AWS Organizations resource
/// control policy (which names a `Resource`, and whose `Principal` is always `"*"`).
public enum PolicyKind: Sendable {
    case trust, resourceControl
}

public enum PolicyParser {
    static let knownVersions: Set<String> = ["2012-10-17", "2008-10-17"]

    public static func parse(_ text: String, kind: PolicyKind = .trust) throws(PolicyInvalid) -> TrustPolicy {
        let doc: JSONReader.Document
        do { doc = try JSONReader.read(text) } catch {
            throw PolicyInvalid(notJSON: error)
        }
        return try parse(doc, kind: kind)
    }

    public static func parse(_ doc: JSONReader.Document, kind: PolicyKind = .trust) throws(PolicyInvalid) -> TrustPolicy {
        var p = Grammar(source: doc.text, kind: kind)
        var policy = try p.policy(doc.root, duplicates: doc.duplicates)
        // The reader counted the white space between tokens: the quota is every other character.
        if let space = doc.spaceBytes {
            policy.quotaCharacters = Grammar.quotaCount(doc.text.bytes, spaceBytes: space, byteOrderMark: doc.hadByteOrderMark)
        } else {
            // A document made around a node of a larger text (get-role output): its own bytes count.
            let r = doc.root.range
            policy.quotaCharacters = Grammar.quotaCount(Array(doc.text.bytes[max(0, r.start)..<min(doc.text.bytes.count, r.end)]))
        }
        return policy
    }
}

private struct Grammar {
    let source: SourceText
    let kind: PolicyKind
    /// Policies repeat the same principal ARN and operators in every statement: parse each text once.
    var arnCache: [(text: String, arn: ARN?)] = []

    init(source: SourceText, kind: PolicyKind) {
        self.source = source
        self.kind = kind
    }

    var documentName: String { kind == .trust ? "a trust policy" : "a resource control policy" }
    var operatorCache: [(text: String, op: ConditionOperator)] = []
    /// The document repeats a key somewhere: every object is then read last-wins, as the AWS CLI
    /// (and any JSON client that keeps the last value) sends it.
    var hasDuplicates = false

    /// An object's members as a last-wins client keeps them: a key's last occurrence, in its place.
    func kept(_ members: [JSONMember]) -> [JSONMember] {
        guard hasDuplicates, members.count > 1 else { return members }
        var later = Set<String>()
        var out: [JSONMember] = []
        for m in members.reversed() where later.insert(m.key).inserted { out.append(m) }
        return out.reversed()
    }

    func invalid(_ message: String, _ range: SourceRange) -> PolicyInvalid {
        PolicyInvalid(message: message, range: source.lineRange(range))
    }

    mutating func policy(_ root: JSONNode, duplicates: [JSONDuplicateKey]) throws(PolicyInvalid) -> TrustPolicy {
        hasDuplicates = !duplicates.isEmpty
        guard let members = root.members.map(kept) else {
            throw invalid("\(documentName) is a JSON object, this is \(root.value.kindName)", root.range)
        }
        var version: String?
        var statementNode: JSONNode?
        if root.member("Statement") == nil {
            let keys = members.prefix(6).map { "\"\($0.key)\"" }.joined(separator: ", ")
            throw invalid("no \"Statement\": this JSON is not \(documentName) (top-level keys: \(keys.isEmpty ? "none" : keys)); expected \(kind == .trust ? "a policy or aws iam get-role output" : "a policy or aws organizations describe-policy output")", root.range)
        }
        for m in members {
            switch m.key {
            case "Version":
                guard let v = m.value.stringValue else { throw invalid("\"Version\" must be a string", m.value.range) }
                guard PolicyParser.knownVersions.contains(v) else {
                    throw invalid("\"Version\" is \"\(v)\"; IAM accepts \"2012-10-17\" or \"2008-10-17\"", m.value.range)
                }
                version = v
            case "Statement": statementNode = m.value
            case "Id": break
            default:
                let known = ["Version", "Statement", "Id"]
                let hint = known.first { editDistance($0.lowercased(), m.key.lowercased()) <= 2 }.map { " (did you mean \"\($0)\"?)" } ?? ""
                throw invalid("\"\(m.key)\" is not a policy element\(hint); \(documentName) has Version, Id and Statement", m.keyRange)
            }
        }
        guard let stmts = statementNode else { throw invalid("no \"Statement\"", root.range) }
        var list: [JSONNode]
        switch stmts.value {
        case .array(let items): list = items
        case .object: list = [stmts]
        default: throw invalid("\"Statement\" must be an object or an array of objects, not \(stmts.value.kindName)", stmts.range)
        }
        if list.isEmpty { throw invalid("\"Statement\" is empty: the role would trust no one (IAM requires at least one statement)", stmts.range) }
        var statements: [PolicyStatement] = []
        var sids: [String: SourceRange] = [:]
        sids.reserveCapacity(list.count)
        statements.reserveCapacity(list.count)
        for (i, node) in list.enumerated() {
            let s = try statement(node, index: i)
            if let sid = s.sid {
                if sids[sid] != nil { throw invalid("Sid \"\(sid)\" is used twice; statement ids must be unique", node.range) }
                sids[sid] = node.range
            }
            statements.append(s)
        }
        return TrustPolicy(version: version, statements: statements, source: source, duplicateKeys: duplicates, quotaCharacters: 0)
    }

    /// `quotaCount(bytes)` of a text the JSON reader read whole, from the white space it skipped: outside
    /// strings valid JSON has only ASCII (and a leading byte order mark), so the characters that count
    /// are all UTF-8 lead bytes but that white space and the mark's lead byte.
    static func quotaCount(_ bytes: [UInt8], spaceBytes: Int, byteOrderMark: Bool) -> Int {
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var continuation = 0
            var i = 0
            while i + 8 <= n {
                let w = ByteWord.load(b, i)
                i += 8
                if w & ByteWord.highs == 0 { continue }  // plain ASCII
                // Bytes 10xxxxxx flagged in their top bit; the multiply sums the flags into the top byte.
                let flags = (w & ~(w << 1) & ByteWord.highs) >> 7
                continuation &+= Int((flags &* ByteWord.ones) >> 56)
            }
            while i < n {
                if b[i] & 0xC0 == 0x80 { continuation += 1 }
                i += 1
            }
            return n - continuation - spaceBytes - (byteOrderMark ? 1 : 0)
        }
    }

    /// Non-white-space characters outside strings; inside strings every character counts (reference §8).
    /// Characters are counted as UTF-8 lead bytes; a byte after a backslash is escaped (never ends a string).
    static func quotaCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var count = 0
            var i = 0
            while i < n {
                // Outside strings; indentation comes in runs of spaces: skip 8 at a time.
                if i + 8 <= n, ByteWord.load(b, i) == 0x2020_2020_2020_2020 {
                    i += 8
                    continue
                }
                let c = b[i]
                i += 1
                if c != 0x22 {
                    if c & 0xC0 != 0x80 && c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09 && c != 0xEF { count += 1 }
                    continue
                }
                count += 1  // the opening quote
                inString: while i < n {
                    if i + 8 <= n {
                        // A run of plain ASCII bytes (no quote, no backslash) is as many characters.
                        let w = ByteWord.load(b, i)
                        let special = (w & ByteWord.highs) | ByteWord.has(w, 0x22) | ByteWord.has(w, 0x5C)
                        if special == 0 {
                            count += 8
                            i += 8
                            continue
                        }
                        let plain = ByteWord.firstIndex(special)
                        count += plain
                        i += plain
                    }
                    let d = b[i]
                    i += 1
                    if d & 0xC0 == 0x80 { continue }
                    count += 1
                    if d == 0x22 { break inString }
                    if d == 0x5C {
                        // The next character is escaped: counted, and never the closing quote.
                        while i < n, b[i] & 0xC0 == 0x80 { i += 1 }
                        if i < n {
                            count += 1
                            i += 1
                        }
                    }
                }
            }
            return count
        }
    }

    mutating func statement(_ node: JSONNode, index: Int) throws(PolicyInvalid) -> PolicyStatement {
        guard let members = node.members.map(kept) else { throw invalid("statement \(index) must be an object, not \(node.value.kindName)", node.range) }
        var sid: String?
        var effect: Effect?
        var principal: PrincipalSpec?
        var action: ActionSpec?
        var conditions: [ConditionClause] = []
        var resource: ResourceSpec?
        for m in members {
            switch m.key {
            case "Sid":
                guard let s = m.value.stringValue else { throw invalid("\"Sid\" must be a string", m.value.range) }
                sid = s
            case "Effect":
                guard let s = m.value.stringValue, let e = Effect(rawValue: s) else {
                    throw invalid("\"Effect\" must be \"Allow\" or \"Deny\" (case-sensitive)", m.value.range)
                }
                effect = e
            case "Principal":
                principal = try principalSpec(m.value)
                if kind == .resourceControl, case .entries = principal {
                    throw invalid("in a resource control policy \"Principal\" must be \"*\" (conditions say whom a statement is about)", m.value.range)
                }
            case "Action", "NotAction":
                if action != nil { throw invalid("a statement has either \"Action\" or \"NotAction\", not both", m.keyRange) }
                action = ActionSpec(negated: m.key == "NotAction", patterns: try stringList(m.value, what: m.key, allowEmpty: false), range: m.value.range)
            case "Condition": conditions = try conditionBlock(m.value)
            case "NotPrincipal":
                throw invalid("role trust policies do not support \"NotPrincipal\"; use \"Principal\" (Access Analyzer: ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL)", m.keyRange)
            case "Resource" where kind == .resourceControl, "NotResource" where kind == .resourceControl:
                if resource != nil { throw invalid("a statement has either \"Resource\" or \"NotResource\", not both", m.keyRange) }
                resource = ResourceSpec(negated: m.key == "NotResource", patterns: try stringList(m.value, what: m.key, allowEmpty: false), range: m.value.range)
            case "Resource", "NotResource":
                throw invalid("a trust policy cannot name a resource: IAM answers \"Has prohibited field \(m.key)\"; remove it", m.keyRange)
            default:
                let known = ["Sid", "Effect", "Principal", "Action", "NotAction", "Condition"]
                let hint = known.first { editDistance($0.lowercased(), m.key.lowercased()) <= 2 }.map { " (did you mean \"\($0)\"?)" } ?? ""
                throw invalid("\"\(m.key)\" is not a statement element\(hint)", m.keyRange)
            }
        }
        guard let e = effect else { throw invalid("statement \(index) has no \"Effect\"", node.range) }
        guard let p = principal else {
            throw invalid(kind == .trust ? "statement \(index) has no \"Principal\"; a trust policy must name who may assume the role"
                                         : "statement \(index) has no \"Principal\"; in a resource control policy it is \"*\"", node.range)
        }
        guard let a = action else { throw invalid("statement \(index) has no \"Action\"", node.range) }
        return PolicyStatement(index: index, sid: sid, effect: e, principal: p, action: a, conditions: conditions, range: node.range, resource: resource)
    }

    mutating func principalSpec(_ node: JSONNode) throws(PolicyInvalid) -> PrincipalSpec {
        if let s = node.stringValue {
            guard s == "*" else { throw invalid("\"Principal\" as a string must be \"*\"; name a provider as {\"Federated\": \"arn:…:oidc-provider/…\"}", node.range) }
            return .wildcard(node.range)
        }
        guard let members = node.members.map(kept) else { throw invalid("\"Principal\" must be an object or \"*\"", node.range) }
        var entries: [PrincipalEntry] = []
        for m in members {
            switch m.key {
            case "Federated", "AWS", "Service", "CanonicalUser": break
            default:
                throw invalid("\"\(m.key)\" is not a principal type (Federated, AWS, Service or CanonicalUser)", m.keyRange)
            }
            for v in try stringList(m.value, what: "Principal \(m.key)", allowEmpty: false) {
                entries.append(PrincipalEntry(type: m.key, value: v, arn: arn(v.text)))
            }
        }
        if entries.isEmpty { throw invalid("\"Principal\" names no principal", node.range) }
        return .entries(entries, node.range)
    }

    /// `ARN(text)`, parsed once per distinct text.
    mutating func arn(_ text: String) -> ARN? {
        if let hit = arnCache.first(where: { $0.text == text }) { return hit.arn }
        let parsed = ARN(text)
        if arnCache.count < 8 { arnCache.append((text, parsed)) }
        return parsed
    }

    /// `ConditionOperator.parse(text)` for a correctly spelled operator seen before; parse errors are not cached.
    mutating func conditionOperator(_ text: String) throws(ConditionOperator.ParseError) -> ConditionOperator {
        if let hit = operatorCache.first(where: { $0.text == text }) { return hit.op }
        let op = try ConditionOperator.parse(text)
        if operatorCache.count < 8 { operatorCache.append((text, op)) }
        return op
    }

    /// `what` names the element in error messages (built only for one).
    func stringList(_ node: JSONNode, what: @autoclosure () -> String, allowEmpty: Bool) throws(PolicyInvalid) -> [PolicyString] {
        switch node.value {
        case .string(let s): return [PolicyString(text: s, range: node.range)]
        case .array(let items):
            if items.isEmpty && !allowEmpty { throw invalid("\"\(what())\" is an empty list", node.range) }
            var out: [PolicyString] = []
            out.reserveCapacity(items.count)
            for item in items {
                guard let s = item.stringValue else { throw invalid("\"\(what())\" values must be strings, this is \(item.value.kindName)", item.range) }
                out.append(PolicyString(text: s, range: item.range))
            }
            return out
        default:
            throw invalid("\"\(what())\" must be a string or a list of strings, not \(node.value.kindName)", node.range)
        }
    }

    mutating func conditionBlock(_ node: JSONNode) throws(PolicyInvalid) -> [ConditionClause] {
        guard let ops = node.members.map(kept) else { throw invalid("\"Condition\" must be an object of operators", node.range) }
        var clauses: [ConditionClause] = []
        clauses.reserveCapacity(ops.reduce(0) { $0 + ($1.value.members?.count ?? 0) })
        for opMember in ops {
            let op: ConditionOperator
            do { op = try conditionOperator(opMember.key) } catch {
                switch error {
                case .unknown(let suggestion):
                    throw invalid("unknown condition operator \"\(opMember.key)\"\(suggestion.map { " (did you mean \"\($0)\"?)" } ?? "")", opMember.keyRange)
                case .nullWithIfExists:
                    throw invalid("the Null operator cannot take the IfExists suffix (Access Analyzer: NULL_WITH_IF_EXISTS)", opMember.keyRange)
                case .nullWithQualifier:
                    throw invalid("the Null operator cannot take ForAnyValue:/ForAllValues: (Access Analyzer: NULL_WITH_QUALIFIER)", opMember.keyRange)
                }
            }
            guard let keys = opMember.value.members.map(kept) else {
                throw invalid("\"\(opMember.key)\" must map condition keys to values, not \(opMember.value.value.kindName)", opMember.value.range)
            }
            if keys.isEmpty { throw invalid("\"\(opMember.key)\" holds no condition key", opMember.value.range) }
            // A lone key (the usual case) has nothing to clash with: no dictionary then.
            var seenLower: [String: String] = [:]
            var twin: String?
            for k in keys {
                let lower = ASCII.lowercased(k.key)
                if keys.count > 1 {
                    // The same key in two letter cases: both kept, and evaluated both ways (Readings).
                    if let other = seenLower[lower], other != k.key {
                        twin = other
                        if let i = clauses.lastIndex(where: { $0.key == other && $0.operatorRange == opMember.keyRange }) { clauses[i].hasLaterCaseTwin = true }
                    }
                    seenLower[lower] = k.key
                }
                let values = try conditionValues(k.value, key: k.key)
                var clause = ConditionClause(op: op, operatorRange: opMember.keyRange, key: k.key, keyLower: lower, keyRange: k.keyRange, values: values, range: SourceRange(start: k.keyRange.start, end: k.value.range.end))
                clause.caseTwinOf = twin
                twin = nil
                clauses.append(clause)
            }
        }
        return clauses
    }

    /// Strings, numbers and booleans are all compared as text (reference §3.1).
    func conditionValues(_ node: JSONNode, key: String) throws(PolicyInvalid) -> [PolicyString] {
        func one(_ n: JSONNode) throws(PolicyInvalid) -> PolicyString {
            switch n.value {
            case .string(let s): return PolicyString(text: s, range: n.range)
            case .number(let s): return PolicyString(text: s, range: n.range)
            case .bool(let b): return PolicyString(text: b ? "true" : "false", range: n.range)
            default: throw invalid("a value of condition key \"\(key)\" must be a string, number or boolean, not \(n.value.kindName)", n.range)
            }
        }
        if case .array(let items) = node.value {
            var out: [PolicyString] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try one(item)) }
            return out
        }
        return [try one(node)]
    }
}
