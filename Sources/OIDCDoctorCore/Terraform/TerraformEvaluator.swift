/// Why a configuration cannot be evaluated: `policy.invalid` (or, for a missing value, the caller
/// turns it into an unknown), with the place.
public struct TFEvalError: Error, Sendable {
    public var message: String
    public var origin: TFOrigin?
    /// Set when the value could not be made because these inputs are not known (not bad HCL).
    public var unknowns: [String] = []
    /// Stops Terraform whatever try() or can() around it say (a failed variable validation).
    public var fatal = false
}

/// What names resolve to while an expression is evaluated: the module instance, the file the
/// expression is in, and the names bound by `for`, `count`, `each` and templates.
struct TFScope {
    let module: TFModuleInstance
    var file: Int
    var names: [String: TFValue] = [:]

    func origin(_ r: SourceRange) -> TFOrigin { TFOrigin(file: file, range: r) }

    func binding(_ more: [String: TFValue]) -> TFScope {
        var s = self
        for (k, v) in more { s.names[k] = v }
        return s
    }
}

/// Evaluates HCL expressions as Terraform does, as far as trust policies need it.
enum TFEval {
    static let maxCollection = 100_000

    static func eval(_ e: HCLExpression, _ scope: TFScope) throws(TFEvalError) -> TFValue {
        let here = scope.origin(e.range)
        try scope.module.config.tick(here)
        switch e.kind {
        case .number(let t):
            guard let d = Double(t) else { throw TFEvalError(message: "\(t) is not a number", origin: here) }
            return TFValue(.number(d), origin: here)
        case .bool(let v): return TFValue(.bool(v), origin: here)
        case .null: return TFValue(.null, origin: here)
        case .template(let parts):
            return try scope.module.config.charge(try template(parts, scope, origin: here))
        case .parenthesized(let inner):
            return try eval(inner, scope)
        case .variable(let name):
            return try traverse(name, e.range, [], scope, whole: e)
        case .traversal(let base, let ts):
            if case .variable(let name) = base.kind { return try traverse(name, base.range, ts[...], scope, whole: e) }
            return try apply(ts[...], to: try eval(base, scope), scope, whole: e)
        case .splat(let base, let ts):
            let v = try eval(base, scope)
            if v.unknownNames != nil { return v }
            let items: [TFValue]
            switch v.kind {
            case .list(let l): items = l
            case .null: items = []
            default: items = [v]
            }
            return TFValue(.list(try items.map { (x) throws(TFEvalError) in try apply(ts[...], to: x, scope, whole: e) }), origin: here)
        case .tuple(let items):
            return TFValue(.list(try items.map { (x) throws(TFEvalError) in try eval(x, scope) }), origin: here)
        case .object(let items):
            var entries: [TFEntry] = []
            for item in items {
                let k: TFValue = item.keyIsIdentifier ? .string(identifierText(item.key), scope.origin(item.key.range)) : try eval(item.key, scope)
                if let n = k.unknownNames { return .unknown(n, here) }
                guard let key = stringValue(k) else { throw TFEvalError(message: "an object key must be a string, this is \(k.typeName)", origin: scope.origin(item.key.range)) }
                entries.append(TFEntry(key: key, value: try eval(item.value, scope), keyOrigin: scope.origin(item.key.range), itemOrigin: scope.origin(item.range)))
            }
            return .object(entries, origin: here)
        case .conditional(let c, let a, let b):
            let cv = try eval(c, scope)
            if let n = cv.unknownNames { return .unknown(n, here) }
            guard case .bool(let t) = try convertBool(cv, here).kind else { throw TFEvalError(message: "the condition must be a bool", origin: here) }
            return try eval(t ? a : b, scope)
        case .unary(let op, let x):
            let v = try eval(x, scope)
            if let n = v.unknownNames { return .unknown(n, here) }
            if op == "!" {
                guard case .bool(let t) = try convertBool(v, here).kind else { throw TFEvalError(message: "! needs a bool", origin: here) }
                return TFValue(.bool(!t), origin: here)
            }
            return TFValue(.number(-(try number(v, here))), origin: here)
        case .binary(let op, let l, let r):
            return try binary(op, l, r, scope, here)
        case .call(let name, let args, let expands):
            return try scope.module.config.charge(try TFFunctions.call(name, args, expandsLast: expands, scope, here))
        case .forExpression(let f):
            return try scope.module.config.charge(try forExpression(f, scope, here))
        }
    }

    static func identifierText(_ e: HCLExpression) -> String {
        if case .variable(let n) = e.kind { return n }
        return ""
    }

    // MARK: names

    static func traverse(_ root: String, _ rootRange: SourceRange, _ ts: ArraySlice<HCLTraverser>, _ scope: TFScope, whole: HCLExpression) throws(TFEvalError) -> TFValue {
        if let bound = scope.names[root] { return try apply(ts, to: bound, scope, whole: whole) }
        var rest = ts
        func attr() throws(TFEvalError) -> String {
            guard case .attribute(let a, _)? = rest.first else {
                throw TFEvalError(message: "\(root) must be followed by an attribute name (\(root).NAME)", origin: scope.origin(whole.range))
            }
            rest = rest.dropFirst()
            return a
        }
        let m = scope.module
        let v: TFValue
        switch root {
        case "var": v = try m.variable(try attr(), scope.origin(whole.range))
        case "local": v = try m.local(try attr(), scope.origin(whole.range))
        case "path":
            let a = try attr()
            switch a {
            case "module": v = .string(m.path, scope.origin(whole.range))
            case "root", "cwd": v = .string(".", scope.origin(whole.range))
            default: throw TFEvalError(message: "path.\(a) is not a path Terraform knows (path.module, path.root, path.cwd)", origin: scope.origin(whole.range))
            }
        case "terraform":
            let a = try attr()
            guard a == "workspace" else { throw TFEvalError(message: "terraform.\(a) is not known offline", origin: scope.origin(whole.range)) }
            v = .string("default", scope.origin(whole.range))
        case "count", "each":
            throw TFEvalError(message: "\(root).\(rest.first.map { if case .attribute(let a, _) = $0 { return a }; return "…" } ?? "…") is only available in a block that sets \(root == "count" ? "count" : "for_each")", origin: scope.origin(whole.range))
        case "self":
            throw TFEvalError(message: "self is only available in provisioners", origin: scope.origin(whole.range))
        case "data":
            let type = try attr(), name = try attr()
            v = try m.resource(mode: .data, type: type, name: name, scope.origin(whole.range))
        case "module":
            v = try m.moduleOutputs(try attr(), scope.origin(whole.range))
        default:
            // A managed resource: TYPE.NAME.
            guard case .attribute(let name, _)? = rest.first else {
                throw TFEvalError(message: "unknown name \(root): Terraform has var., local., data., module., path., count., each. and resource references TYPE.NAME", origin: scope.origin(rootRange))
            }
            rest = rest.dropFirst()
            v = try m.resource(mode: .managed, type: root, name: name, scope.origin(whole.range))
        }
        return try apply(rest, to: v, scope, whole: whole)
    }

    static func apply(_ ts: ArraySlice<HCLTraverser>, to start: TFValue, _ scope: TFScope, whole: HCLExpression) throws(TFEvalError) -> TFValue {
        var v = start
        for t in ts {
            if v.unknownNames != nil { return v }
            switch t {
            case .attribute(let a, let r):
                v = try attribute(v, a, scope.origin(r), whole: scope.origin(whole.range))
            case .index(let ie):
                let k = try eval(ie, scope)
                if let n = k.unknownNames { return .unknown(n, scope.origin(whole.range)) }
                v = try index(v, k, scope.origin(ie.range))
            }
        }
        return v
    }

    static func attribute(_ v: TFValue, _ a: String, _ at: TFOrigin, whole: TFOrigin) throws(TFEvalError) -> TFValue {
        switch v.kind {
        case .object(let entries):
            if let e = entries.first(where: { $0.key == a }) {
                // An attribute the resource computes (an ARN rebuilt from its URL) is written
                // nowhere in its block: its place is the reference that reads it.
                if v.openAddress != nil, e.value.origin == v.origin, e.value.pieces.isEmpty, v.origin != nil {
                    var x = e.value
                    x.origin = whole
                    return x
                }
                return e.value
            }
            if let open = v.openAddress { return .unknown(["\(open).\(a)"], whole) }
            throw TFEvalError(message: "this object has no attribute \(a.debugDescription)\(entries.isEmpty ? "" : " (it has \(entries.prefix(12).map(\.key).joined(separator: ", ")))")", origin: at)
        case .list:
            throw TFEvalError(message: "a list has no attribute \(a.debugDescription): index it first ([0], [\"key\"]) or use a splat ([*].\(a))", origin: at)
        default:
            throw TFEvalError(message: "\(v.typeName) has no attribute \(a.debugDescription)", origin: at)
        }
    }

    static func index(_ v: TFValue, _ k: TFValue, _ at: TFOrigin) throws(TFEvalError) -> TFValue {
        switch v.kind {
        case .list(let l):
            let d = try number(k, at)
            guard d == d.rounded(), d >= 0, Int(d) < l.count else { throw TFEvalError(message: "index \(format(d)) is out of range for a list of \(l.count)", origin: at) }
            return l[Int(d)]
        case .object(let entries):
            guard let key = stringValue(k) else { throw TFEvalError(message: "a map key must be a string", origin: at) }
            if let e = entries.first(where: { $0.key == key }) { return e.value }
            if let open = v.openAddress { return .unknown(["\(open)[\(key.debugDescription)]"], at) }
            throw TFEvalError(message: "no element \(key.debugDescription) in this map\(entries.isEmpty ? "" : " (keys: \(entries.prefix(12).map { $0.key.debugDescription }.joined(separator: ", ")))")", origin: at)
        default:
            throw TFEvalError(message: "\(v.typeName) cannot be indexed", origin: at)
        }
    }

    // MARK: operators

    static func binary(_ op: String, _ l: HCLExpression, _ r: HCLExpression, _ scope: TFScope, _ here: TFOrigin) throws(TFEvalError) -> TFValue {
        let a = try eval(l, scope)
        if op == "&&" || op == "||" {
            if let n = a.unknownNames { let b = try eval(r, scope); return .unknown(n + (b.unknownNames ?? []), here) }
            guard case .bool(let x) = try convertBool(a, here).kind else { throw TFEvalError(message: "\(op) needs bools", origin: here) }
            if op == "&&" && !x { return TFValue(.bool(false), origin: here) }
            if op == "||" && x { return TFValue(.bool(true), origin: here) }
            let b = try eval(r, scope)
            if let n = b.unknownNames { return .unknown(n, here) }
            guard case .bool(let y) = try convertBool(b, here).kind else { throw TFEvalError(message: "\(op) needs bools", origin: here) }
            return TFValue(.bool(y), origin: here)
        }
        let b = try eval(r, scope)
        if op == "==" || op == "!=" {
            let u = a.unknowns + b.unknowns
            if !u.isEmpty { return .unknown(u, here) }
            return TFValue(.bool(equal(a, b) == (op == "==")), origin: here)
        }
        if let n = a.unknownNames ?? b.unknownNames { return .unknown(n, here) }
        let x = try number(a, here), y = try number(b, here)
        switch op {
        case "+": return TFValue(.number(x + y), origin: here)
        case "-": return TFValue(.number(x - y), origin: here)
        case "*": return TFValue(.number(x * y), origin: here)
        case "/":
            guard y != 0 else { throw TFEvalError(message: "division by zero", origin: here) }
            return TFValue(.number(x / y), origin: here)
        case "%":
            guard y != 0 else { throw TFEvalError(message: "modulo by zero", origin: here) }
            return TFValue(.number(x.truncatingRemainder(dividingBy: y)), origin: here)
        case ">": return TFValue(.bool(x > y), origin: here)
        case ">=": return TFValue(.bool(x >= y), origin: here)
        case "<": return TFValue(.bool(x < y), origin: here)
        default: return TFValue(.bool(x <= y), origin: here)
        }
    }

    static func equal(_ a: TFValue, _ b: TFValue) -> Bool {
        switch (a.kind, b.kind) {
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && equal($0.value, $1.value) }
        default: return false
        }
    }

    // MARK: conversions

    static func format(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    /// A primitive as a string, as Terraform converts in templates and string arguments.
    static func stringValue(_ v: TFValue) -> String? {
        switch v.kind {
        case .string(let s): return s
        case .number(let d): return format(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    static func string(_ v: TFValue, _ at: TFOrigin, _ what: String = "a string") throws(TFEvalError) -> String {
        if let n = v.unknownNames { return Unknowns.marker(n) }
        guard let s = stringValue(v) else { throw TFEvalError(message: "expected \(what), found \(v.typeName)", origin: v.origin ?? at) }
        return s
    }

    static func number(_ v: TFValue, _ at: TFOrigin) throws(TFEvalError) -> Double {
        switch v.kind {
        case .number(let d): return d
        case .string(let s): if let d = Double(s.trimmingWhitespace) { return d }
        default: break
        }
        throw TFEvalError(message: "expected a number, found \(v.typeName)", origin: v.origin ?? at)
    }

    static func convertBool(_ v: TFValue, _ at: TFOrigin) throws(TFEvalError) -> TFValue {
        switch v.kind {
        case .bool: return v
        case .string("true"): return TFValue(.bool(true), origin: v.origin)
        case .string("false"): return TFValue(.bool(false), origin: v.origin)
        default: throw TFEvalError(message: "expected a bool, found \(v.typeName)", origin: v.origin ?? at)
        }
    }

    /// Elements of a list, a set or the values of a map (what `for` and many functions iterate).
    static func elements(_ v: TFValue, _ at: TFOrigin) throws(TFEvalError) -> [TFValue] {
        switch v.kind {
        case .list(let l): return l
        case .object(let e): return e.map(\.value)
        default: throw TFEvalError(message: "expected a list, set or map, found \(v.typeName)", origin: v.origin ?? at)
        }
    }

    // MARK: templates

    /// A template's text, with where each part came from; an unknown inside stays as its marker.
    static func template(_ parts: [HCLTemplatePart], _ scope: TFScope, origin: TFOrigin) throws(TFEvalError) -> TFValue {
        // `"${x}"` alone is x itself, not converted to a string (Terraform's rule).
        if parts.count == 1, case .interpolation(let e) = parts[0] { return try eval(e, scope) }
        var out = TemplateBuilder()
        try render(parts, scope, into: &out)
        return TFValue(.string(out.text), origin: origin, pieces: out.pieces)
    }

    struct TemplateBuilder {
        var text = ""
        var pieces: [TFPiece] = []
        var count = 0

        mutating func append(_ s: String, origin: TFOrigin?, exact: Bool, inner: [TFPiece] = []) {
            let n = s.utf8.count
            if let origin, n > 0 || inner.isEmpty { pieces.append(TFPiece(start: count, end: count + n, origin: origin, exact: exact && n == origin.range.end - origin.range.start)) }
            for p in inner { pieces.append(TFPiece(start: p.start + count, end: p.end + count, origin: p.origin, exact: p.exact)) }
            text += s
            count += n
        }
    }

    static func render(_ parts: [HCLTemplatePart], _ scope: TFScope, into out: inout TemplateBuilder) throws(TFEvalError) {
        for p in parts {
            switch p {
            case .literal(let s, let r, let exact):
                out.append(s, origin: scope.origin(r), exact: exact)
            case .interpolation(let e):
                let v = try eval(e, scope)
                let s = try string(v, scope.origin(e.range), "a string in the template (a list or map must be joined or jsonencoded)")
                // A value with pieces of its own (a rendered document) keeps them; else it came from the expression.
                out.append(s, origin: v.pieces.isEmpty ? (v.origin ?? scope.origin(e.range)) : nil, exact: false, inner: v.pieces)
            case .ifDirective(let c, let a, let b):
                let cv = try eval(c, scope)
                if let n = cv.unknownNames {
                    out.append(Unknowns.marker(n), origin: scope.origin(c.range), exact: false)
                    continue
                }
                guard case .bool(let t) = try convertBool(cv, scope.origin(c.range)).kind else { continue }
                try render(t ? a : b, scope, into: &out)
            case .forDirective(let k, let v, let coll, let body):
                let cv = try eval(coll, scope)
                if let n = cv.unknownNames {
                    out.append(Unknowns.marker(n), origin: scope.origin(coll.range), exact: false)
                    continue
                }
                for (key, value) in try pairs(cv, scope.origin(coll.range)) {
                    var names = [v: value]
                    if let k { names[k] = key }
                    try render(body, scope.binding(names), into: &out)
                    if out.count > 16 << 20 { throw TFEvalError(message: "the template's text grows past 16 MB", origin: scope.origin(coll.range)) }
                }
            }
        }
    }

    /// Key and value of each element: index for lists, key for maps.
    static func pairs(_ v: TFValue, _ at: TFOrigin) throws(TFEvalError) -> [(TFValue, TFValue)] {
        switch v.kind {
        case .list(let l): return l.enumerated().map { (TFValue(.number(Double($0.offset))), $0.element) }
        case .object(let e): return e.map { (TFValue.string($0.key, $0.keyOrigin), $0.value) }
        default: throw TFEvalError(message: "for needs a list, set or map, found \(v.typeName)", origin: v.origin ?? at)
        }
    }

    // MARK: for expressions

    static func forExpression(_ f: HCLForExpression, _ scope: TFScope, _ here: TFOrigin) throws(TFEvalError) -> TFValue {
        let cv = try eval(f.collection, scope)
        if let n = cv.unknownNames { return .unknown(n, here) }
        var items: [TFValue] = []
        var entries: [TFEntry] = []
        var groups: [(String, [TFValue], TFOrigin?)] = []
        for (k, v) in try pairs(cv, scope.origin(f.collection.range)) {
            var names = [f.valueName: v]
            if let kn = f.keyName { names[kn] = k }
            let inner = scope.binding(names)
            if let c = f.condition {
                let cond = try eval(c, inner)
                if let n = cond.unknownNames { return .unknown(n, here) }
                guard case .bool(let keep) = try convertBool(cond, inner.origin(c.range)).kind else { continue }
                if !keep { continue }
            }
            let value = try eval(f.valueExpression, inner)
            if let ke = f.keyExpression {
                let kv = try eval(ke, inner)
                if let n = kv.unknownNames { return .unknown(n, here) }
                let key = try string(kv, inner.origin(ke.range), "a string key")
                if f.grouping {
                    if let g = groups.firstIndex(where: { $0.0 == key }) { groups[g].1.append(value) } else { groups.append((key, [value], kv.origin)) }
                } else {
                    if entries.contains(where: { $0.key == key }) {
                        throw TFEvalError(message: "two elements have the key \(key.debugDescription); add \"...\" after the value to group them", origin: inner.origin(ke.range))
                    }
                    entries.append(TFEntry(key: key, value: value, keyOrigin: kv.origin))
                }
            } else {
                items.append(value)
            }
        }
        if f.keyExpression != nil {
            if f.grouping { entries = groups.map { TFEntry(key: $0.0, value: TFValue(.list($0.1)), keyOrigin: $0.2) } }
            return .object(entries, origin: here)
        }
        return TFValue(.list(items), origin: here)
    }
}
