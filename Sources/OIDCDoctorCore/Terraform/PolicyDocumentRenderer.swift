/// `data "aws_iam_policy_document"` rendered exactly as the hashicorp/aws provider (SDKv2) renders
/// it: statements in order; `actions`, `identifiers` (sets) reverse-sorted; `principals` and
/// `condition` blocks (sets) in the order of their set hash (CRC-32 of the SDK's serialisation, as
/// strings); several blocks with the same test and variable merge their values; one value is a
/// string; `Principal` and `Condition` keys sorted; `json.MarshalIndent` with two spaces.
enum PolicyDocumentRenderer {
    /// A JSON value to write, each part with the place it came from.
    indirect enum Node {
        case string(String, TFOrigin?)
        case list([Node], TFOrigin?)
        case object([(key: String, keyOrigin: TFOrigin?, value: Node, itemOrigin: TFOrigin?)], TFOrigin?)
    }

    static func render(_ block: HCLBlock, _ scope: TFScope) throws(TFEvalError) -> TFValue {
        let body = block.body
        let version = try optionalString(body, "version", scope)
        let doVersion = version?.0 ?? "2012-10-17"
        var statements: [(sid: String?, node: Node)] = []
        var policyID: (String, TFOrigin?)?

        // source_policy_documents first, each merged by Sid.
        for doc in try documentList(body, "source_policy_documents", scope) {
            for s in try decodeStatements(doc, scope) {
                if let sid = s.sid, statements.contains(where: { $0.sid == sid }) {
                    throw TFEvalError(message: "duplicate Sid (\(sid)) in source_policy_documents; the provider refuses it", origin: doc.origin)
                }
                statements.append(s)
            }
        }
        var own: [(sid: String?, node: Node)] = []
        var sids: Set<String> = []
        for (stmt, s) in try TFBlocks.expand(body, "statement", scope) {
            let r = try statement(stmt, s, version: doVersion)
            if let sid = r.sid, !sid.isEmpty {
                if sids.contains(sid) { throw TFEvalError(message: "duplicate Sid (\(sid)); the provider refuses it", origin: s.origin(stmt.range)) }
                sids.insert(sid)
            }
            own.append(r)
        }
        if let id = try optionalString(body, "policy_id", scope) { policyID = id }
        merge(&statements, own)
        for doc in try documentList(body, "override_policy_documents", scope) {
            merge(&statements, try decodeStatements(doc, scope))
        }
        var top: [(key: String, keyOrigin: TFOrigin?, value: Node, itemOrigin: TFOrigin?)] = []
        top.append(("Version", nil, .string(doVersion, version?.1), nil))
        if let (id, o) = policyID, !id.isEmpty { top.append(("Id", nil, .string(id, o), nil)) }
        top.append(("Statement", nil, .list(statements.map(\.node), nil), nil))
        var b = TFEval.TemplateBuilder()
        write(.object(top, scope.origin(block.range)), indent: "", into: &b)
        return TFValue(.string(b.text), origin: scope.origin(block.range), pieces: b.pieces)
    }

    /// Merge by Sid as the provider's `IAMPolicyDoc.Merge`: a statement with a known Sid replaces it.
    static func merge(_ into: inout [(sid: String?, node: Node)], _ new: [(sid: String?, node: Node)]) {
        for s in new {
            if let sid = s.sid, !sid.isEmpty, let i = into.firstIndex(where: { $0.sid == sid }) { into[i] = s } else { into.append(s) }
        }
    }

    static func optionalString(_ body: HCLBody, _ name: String, _ scope: TFScope) throws(TFEvalError) -> (String, TFOrigin?)? {
        guard let a = body.attribute(name) else { return nil }
        let v = try TFEval.eval(a.value, scope)
        if v.isNull { return nil }
        return (try TFEval.string(v, scope.origin(a.value.range)), v.origin)
    }

    static func documentList(_ body: HCLBody, _ name: String, _ scope: TFScope) throws(TFEvalError) -> [TFValue] {
        guard let a = body.attribute(name) else { return [] }
        let v = try TFEval.eval(a.value, scope)
        if v.isNull { return [] }
        if v.unknownNames != nil { throw TFEvalError(message: "\(name) is not known: \(v.unknowns.joined(separator: ", "))", origin: scope.origin(a.value.range), unknowns: v.unknowns) }
        return try TFEval.elements(v, scope.origin(a.value.range)).filter { !$0.isNull }
    }

    // MARK: statements

    static func strings(_ body: HCLBody, _ name: String, _ scope: TFScope) throws(TFEvalError) -> [TFValue]? {
        guard let a = body.attribute(name) else { return nil }
        let v = try TFEval.eval(a.value, scope)
        if v.isNull { return nil }
        if let n = v.unknownNames { return [.string(Unknowns.marker(n), v.origin)] }
        return try TFEval.elements(v, scope.origin(a.value.range)).map { x throws(TFEvalError) in
            if let n = x.unknownNames { return .string(Unknowns.marker(n), x.origin) }
            var y = x
            y.kind = .string(try TFEval.string(x, scope.origin(a.value.range)))
            return y
        }
    }

    /// `policyDecodeConfigStringList`: one element is a string, several are reverse-sorted.
    static func decodeList(_ items: [TFValue], origin: TFOrigin?, version: String?, replaceVars: Bool) -> Node {
        var strs = items.map { (v: TFValue) -> (String, TFOrigin?) in
            let s = v.string ?? ""
            return (replaceVars && version == "2012-10-17" ? s.replacing("&{", with: "${") : s, v.origin)
        }
        strs = setOrder(strs)
        if strs.count == 1 { return .string(strs[0].0, strs[0].1) }
        strs.sort { $1.0.utf8.lexicographicallyPrecedes($0.0.utf8) }
        return .list(strs.map { .string($0.0, $0.1) }, origin)
    }

    /// A set of strings without repeats (the SDK stores sets by hash).
    static func setOrder(_ s: [(String, TFOrigin?)]) -> [(String, TFOrigin?)] {
        var seen: Set<String> = []
        return s.filter { seen.insert($0.0).inserted }.sorted { String(CRC32.hash($0.0)) < String(CRC32.hash($1.0)) }
    }

    static func statement(_ body: HCLBody, _ scope: TFScope, version: String) throws(TFEvalError) -> (sid: String?, node: Node) {
        var items: [(key: String, keyOrigin: TFOrigin?, value: Node, itemOrigin: TFOrigin?)] = []
        func attr(_ n: String) -> TFOrigin? { body.attribute(n).map { scope.origin($0.range) } }
        let sid = try optionalString(body, "sid", scope)
        if let (s, o) = sid, !s.isEmpty { items.append(("Sid", nil, .string(s, o), attr("sid"))) }
        let effect = try optionalString(body, "effect", scope) ?? ("Allow", nil)
        items.append(("Effect", nil, .string(effect.0, effect.1), attr("effect")))
        for (name, key) in [("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource")] {
            guard let v = try strings(body, name, scope), !v.isEmpty else { continue }
            items.append((key, nil, decodeList(v, origin: attr(name), version: version, replaceVars: name.hasSuffix("resources")), attr(name)))
        }
        for (name, key) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            let blocks = try TFBlocks.expand(body, name, scope)
            guard !blocks.isEmpty else { continue }
            items.append((key, nil, try principals(blocks, version: version), blocks.first.map { $0.1.origin($0.0.range) }))
        }
        let conditions = try TFBlocks.expand(body, "condition", scope)
        if !conditions.isEmpty {
            items.append(("Condition", nil, try self.conditions(conditions, version: version), conditions.first.map { $0.1.origin($0.0.range) }))
        }
        return (sid?.0, .object(items, scope.origin(body.range)))
    }

    /// `IAMPolicyStatementPrincipalSet.MarshalJSON`.
    static func principals(_ blocks: [(HCLBody, TFScope)], version: String) throws(TFEvalError) -> Node {
        var sets: [(type: (String, TFOrigin?), ids: [(String, TFOrigin?)], hash: String, origin: TFOrigin)] = []
        for (b, s) in blocks {
            guard let t = try optionalString(b, "type", s) else { throw TFEvalError(message: "a principals block needs type", origin: s.origin(b.range)) }
            let ids = try strings(b, "identifiers", s) ?? []
            let idsSet = setOrder(ids.map { ($0.string ?? "", $0.origin) })
            let serial = "identifiers:{" + idsSet.map { $0.0 + ";" }.joined() + "};type:\(t.0);"
            sets.append((t, idsSet, String(CRC32.hash(serial)), s.origin(b.range)))
        }
        sets = dedupe(sets.sorted { $0.hash < $1.hash }) { $0.hash }
        if sets.count == 1, sets[0].type.0 == "*", sets[0].ids.count == 1, sets[0].ids[0].0 == "*" {
            return .string("*", sets[0].origin)
        }
        var raw: [String: (Node, TFOrigin?)] = [:]
        for p in sets {
            let ids = p.ids.map { (version == "2012-10-17" ? $0.0.replacing("&{", with: "${") : $0.0, $0.1) }
            let one: [Node]
            if ids.count == 1 {
                one = [.string(ids[0].0, ids[0].1)]
            } else {
                one = ids.sorted { $1.0.utf8.lexicographicallyPrecedes($0.0.utf8) }.map { .string($0.0, $0.1) }
            }
            switch raw[p.type.0] {
            case nil:
                raw[p.type.0] = ids.count == 1 ? (one[0], p.type.1) : (.list(one, p.origin), p.type.1)
            case (.string(let s, let o), let ko)?:
                raw[p.type.0] = (.list([.string(s, o)] + one, p.origin), ko)
            case (.list(let l, let o), let ko)?:
                raw[p.type.0] = (.list(l + one, o), ko)
            default: break
            }
        }
        return .object(raw.keys.sorted(by: goLess).map { k in (k, raw[k]!.1, raw[k]!.0, nil) }, nil)
    }

    /// `IAMPolicyStatementConditionSet.MarshalJSON`: test → variable → values, merged in set order.
    /// Condition values get `&{…}` → `${…}` like principals and resources (the set hash is over the
    /// values as configured).
    static func conditions(_ blocks: [(HCLBody, TFScope)], version: String?) throws(TFEvalError) -> Node {
        var sets: [(test: (String, TFOrigin?), variable: (String, TFOrigin?), values: [TFValue], hash: String, origin: TFOrigin)] = []
        for (b, s) in blocks {
            guard let t = try optionalString(b, "test", s), let v = try optionalString(b, "variable", s) else {
                throw TFEvalError(message: "a condition block needs test, variable and values", origin: s.origin(b.range))
            }
            let values = try strings(b, "values", s) ?? []
            let serial = "test:\(t.0);values:(" + values.map { ($0.string ?? "") + ";" }.joined() + ");variable:\(v.0);"
            sets.append((t, v, values, String(CRC32.hash(serial)), s.origin(b.range)))
        }
        sets = dedupe(sets.sorted { $0.hash < $1.hash }) { $0.hash }
        var tests: [String: (origin: TFOrigin?, vars: [String: (keyOrigin: TFOrigin?, values: [Node], list: Bool, item: TFOrigin)])] = [:]
        for c in sets {
            var t = tests[c.test.0] ?? (c.test.1, [:])
            let vals = c.values.map { v in
                let s = v.string ?? ""
                return Node.string(version == "2012-10-17" ? s.replacing("&{", with: "${") : s, v.origin)
            }
            if var existing = t.vars[c.variable.0] {
                existing.values += vals
                existing.list = true
                t.vars[c.variable.0] = existing
            } else {
                t.vars[c.variable.0] = (c.variable.1, vals, vals.count != 1, c.origin)
            }
            tests[c.test.0] = t
        }
        return .object(tests.keys.sorted(by: goLess).map { test in
            let t = tests[test]!
            let inner: [(key: String, keyOrigin: TFOrigin?, value: Node, itemOrigin: TFOrigin?)] = t.vars.keys.sorted(by: goLess).map { v in
                let x = t.vars[v]!
                return (v, x.keyOrigin, x.list ? .list(x.values, x.item) : x.values[0], x.item)
            }
            return (test, t.origin, .object(inner, nil), nil)
        }, nil)
    }

    static func dedupe<T>(_ xs: [T], _ key: (T) -> String) -> [T] {
        var seen: Set<String> = []
        return xs.filter { seen.insert(key($0)).inserted }
    }

    /// Go sorts map keys by bytes.
    static func goLess(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    // MARK: source and override documents

    /// Statements of a JSON policy given to source/override_policy_documents, written back as the
    /// provider re-marshals them (its statement field order, sorted Principal and Condition keys).
    static func decodeStatements(_ doc: TFValue, _ scope: TFScope) throws(TFEvalError) -> [(sid: String?, node: Node)] {
        guard let text = doc.string else { throw TFEvalError(message: "a policy document must be a JSON string", origin: doc.origin) }
        if Unknowns.contains(text) { throw TFEvalError(message: "a merged policy document is not known: \(Unknowns.names(in: text).joined(separator: ", "))", origin: doc.origin, unknowns: Unknowns.names(in: text)) }
        let parsed: JSONReader.Document
        do { parsed = try JSONReader.read(text) } catch {
            throw TFEvalError(message: "a merged policy document is not valid JSON: \(error.message)", origin: doc.origin)
        }
        let o = doc.origin
        func node(_ n: JSONNode, sortKeys: Bool) -> Node {
            switch n.value {
            case .string(let s): return .string(s, o)
            case .number(let t): return .string(t, o)
            case .bool(let b): return .string(b ? "true" : "false", o)
            case .null: return .string("", o)
            case .array(let a): return .list(a.map { node($0, sortKeys: sortKeys) }, o)
            case .object(let m):
                let ms = sortKeys ? m.sorted { goLess($0.key, $1.key) } : m
                return .object(ms.map { ($0.key, o, node($0.value, sortKeys: true), o) }, o)
            }
        }
        var stmts: [JSONNode] = []
        switch parsed.root["Statement"]?.value {
        case .array(let a)?: stmts = a
        case .object?: stmts = [parsed.root["Statement"]!]
        default: break
        }
        let order = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]
        return stmts.map { s in
            let members = order.compactMap { k -> (String, TFOrigin?, Node, TFOrigin?)? in
                guard let m = s.member(k) else { return nil }
                switch k {
                case "Principal", "NotPrincipal": return (m.key, o, principalSet(m.value, node), o)
                case "Condition": return conditionSet(m.value, o).map { (m.key, o, $0, o) }
                default: return (m.key, o, node(m.value, sortKeys: true), o)
                }
            }
            return (s["Sid"]?.stringValue, .object(members, o))
        }
    }

    /// `IAMPolicyStatementPrincipalSet` read back and written again: each type's list of
    /// identifiers reverse-sorted (a one-element list stays a list), a plain string as it was.
    static func principalSet(_ n: JSONNode, _ node: (JSONNode, Bool) -> Node) -> Node {
        guard case .object(let m) = n.value else { return node(n, true) }
        return .object(m.sorted { goLess($0.key, $1.key) }.map { member in
            let v: Node
            if case .array(let items) = member.value.value {
                let ids = items.map { node($0, true) }.sorted { a, b in
                    if case .string(let x, _) = a, case .string(let y, _) = b { return goLess(y, x) }
                    return false
                }
                v = .list(ids, nil)
            } else {
                v = node(member.value, true)
            }
            return (member.key, nil, v, nil)
        }, nil)
    }

    /// `IAMPolicyStatementConditionSet` read back and written again: a string stays a string, a
    /// bool becomes "true"/"false", a one-element list becomes its string, a longer list keeps its
    /// order, and a number is dropped — the provider's reader has no case for it, so the condition
    /// is gone from the rendered policy (terraform plan shows the same). Nil when nothing is left.
    static func conditionSet(_ n: JSONNode, _ o: TFOrigin?) -> Node? {
        guard case .object(let tests) = n.value else { return nil }
        var out: [(key: String, keyOrigin: TFOrigin?, value: Node, itemOrigin: TFOrigin?)] = []
        for t in tests.sorted(by: { goLess($0.key, $1.key) }) {
            guard case .object(let vars) = t.value.value else { continue }
            var inner: [(key: String, keyOrigin: TFOrigin?, value: Node, itemOrigin: TFOrigin?)] = []
            for v in vars.sorted(by: { goLess($0.key, $1.key) }) {
                let value: Node
                switch v.value.value {
                case .string(let x): value = .string(x, o)
                case .bool(let b): value = .string(b ? "true" : "false", o)
                case .array(let items):
                    let xs = items.compactMap { $0.stringValue }.map { Node.string($0, o) }
                    value = xs.count == 1 ? xs[0] : .list(xs, o)
                default: continue
                }
                inner.append((v.key, o, value, o))
            }
            if !inner.isEmpty { out.append((t.key, o, .object(inner, o), o)) }
        }
        return out.isEmpty ? nil : .object(out, o)
    }

    // MARK: writing

    /// `json.MarshalIndent(doc, "", "  ")`, recording where each string, item and container came from.
    static func write(_ n: Node, indent: String, into b: inout TFEval.TemplateBuilder) {
        let start = b.count
        let inner = indent + "  "
        switch n {
        case .string(let s, let o):
            b.append(TFJSON.quote(s), origin: o, exact: false)
        case .list(let items, let o):
            if items.isEmpty { b.append("[]", origin: nil, exact: false); break }
            b.append("[\n", origin: nil, exact: false)
            for (k, x) in items.enumerated() {
                b.append(inner, origin: nil, exact: false)
                write(x, indent: inner, into: &b)
                b.append(k < items.count - 1 ? ",\n" : "\n", origin: nil, exact: false)
            }
            b.append(indent + "]", origin: nil, exact: false)
            if let o { b.pieces.append(TFPiece(start: start, end: b.count, origin: o, exact: false)) }
        case .object(let items, let o):
            if items.isEmpty { b.append("{}", origin: nil, exact: false); break }
            b.append("{\n", origin: nil, exact: false)
            for (k, x) in items.enumerated() {
                b.append(inner, origin: nil, exact: false)
                let itemStart = b.count
                b.append(TFJSON.quote(x.key), origin: x.keyOrigin, exact: false)
                b.append(": ", origin: nil, exact: false)
                write(x.value, indent: inner, into: &b)
                if let io = x.itemOrigin { b.pieces.append(TFPiece(start: itemStart, end: b.count, origin: io, exact: false)) }
                b.append(k < items.count - 1 ? ",\n" : "\n", origin: nil, exact: false)
            }
            b.append(indent + "}", origin: nil, exact: false)
            if let o { b.pieces.append(TFPiece(start: start, end: b.count, origin: o, exact: false)) }
        }
    }
}

/// The checksum the provider's SDK hashes set elements with (IEEE CRC-32, as `hashcode.String`).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { i in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func hash(_ s: String) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for u in s.utf8 { c = table[Int((c ^ UInt32(u)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// Blocks of one type in a body, static and `dynamic "TYPE"` ones, in the order written.
enum TFBlocks {
    /// Each block's body comes with its range: the whole block, from its type to its closing brace.
    static func expand(_ body: HCLBody, _ type: String, _ scope: TFScope) throws(TFEvalError) -> [(HCLBody, TFScope)] {
        var out: [(Int, HCLBody, TFScope)] = []
        for b in body.blocks where b.type == type {
            var whole = b.body
            whole.range = b.range
            out.append((b.range.start * 100_000, whole, scope))
        }
        for d in body.blocks where d.type == "dynamic" && d.labels.first == type {
            guard let fe = d.body.attribute("for_each"), let content = d.body.blocks("content").first else {
                throw TFEvalError(message: "a dynamic \"\(type)\" block needs for_each and a content block", origin: scope.origin(d.range))
            }
            let iterator = try d.body.attribute("iterator").map { (a) throws(TFEvalError) -> String in
                guard case .variable(let n) = a.value.kind else { throw TFEvalError(message: "iterator must be a name", origin: scope.origin(a.range)) }
                return n
            } ?? type
            let coll = try TFEval.eval(fe.value, scope)
            if let n = coll.unknownNames {
                throw TFEvalError(message: "the dynamic \"\(type)\" block's for_each is not known: \(n.joined(separator: ", "))", origin: scope.origin(fe.value.range), unknowns: n)
            }
            for (n, (k, v)) in try TFEval.pairs(coll, scope.origin(fe.value.range)).enumerated() {
                let it = TFValue.object([TFEntry(key: "key", value: k), TFEntry(key: "value", value: v)])
                var whole = content.body
                whole.range = content.range
                out.append((d.range.start * 100_000 + n, whole, scope.binding([iterator: it])))
            }
        }
        return out.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
    }
}
