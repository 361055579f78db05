/// Terraform's built-in functions that trust-policy configurations use. An argument the files
/// cannot give makes the result unknown (waiting for the same inputs), never a guess.
enum TFFunctions {
    static func call(_ name: String, _ argExprs: [HCLExpression], expandsLast: Bool, _ scope: TFScope, _ here: TFOrigin) throws(TFEvalError) -> TFValue {
        switch name {
        case "try":
            for (n, a) in argExprs.enumerated() {
                do {
                    let v = try TFEval.eval(a, scope)
                    if v.unknownNames != nil && n < argExprs.count - 1 { return v }
                    return v
                } catch where n < argExprs.count - 1 && !scope.module.config.isLimit(error) {
                    continue
                }
            }
            throw TFEvalError(message: "try() needs at least one argument", origin: here)
        case "can":
            guard argExprs.count == 1 else { throw TFEvalError(message: "can() takes one argument", origin: here) }
            do {
                let v = try TFEval.eval(argExprs[0], scope)
                if let n = v.unknownNames { return .unknown(n, here) }
                return TFValue(.bool(true), origin: here)
            } catch where !scope.module.config.isLimit(error) {
                return TFValue(.bool(false), origin: here)
            }
        default: break
        }
        var args: [TFValue] = []
        for a in argExprs { args.append(try TFEval.eval(a, scope)) }
        if expandsLast, let last = args.popLast() {
            if let n = last.unknownNames { return .unknown(n, here) }
            args += try TFEval.elements(last, here)
        }
        return try apply(name, args, scope, here)
    }

    /// Functions whose result is exact even with unknowns inside strings: they move text, never read it.
    static let structural: Set<String> = ["format", "formatlist", "join", "concat", "flatten", "tolist", "tomap", "lookup", "merge", "keys", "values", "length",
                                          "element", "jsonencode", "coalesce", "coalescelist", "compact", "tostring", "templatefile", "one", "slice", "reverse", "zipmap", "list", "map"]

    static func apply(_ name: String, _ args: [TFValue], _ scope: TFScope, _ here: TFOrigin) throws(TFEvalError) -> TFValue {
        // A wholly unknown argument makes the result unknown (except where the value is not looked into).
        let waiting = args.flatMap { $0.unknownNames ?? [] }
        if !waiting.isEmpty, !["coalesce", "try", "jsonencode", "tolist", "concat", "format", "join", "formatlist", "merge", "templatefile"].contains(name) {
            return .unknown(waiting, here)
        }
        if !structural.contains(name) {
            let inside = args.flatMap(\.unknowns)
            if !inside.isEmpty { return .unknown(inside, here) }
        }
        func want(_ n: ClosedRange<Int>) throws(TFEvalError) {
            guard n.contains(args.count) else {
                throw TFEvalError(message: "\(name)() takes \(n.lowerBound == n.upperBound ? "\(n.lowerBound)" : "\(n.lowerBound)–\(n.upperBound)") argument(s), got \(args.count)", origin: here)
            }
        }
        func str(_ i: Int) throws(TFEvalError) -> String { try TFEval.string(args[i], here) }
        func list(_ i: Int) throws(TFEvalError) -> [TFValue] { try TFEval.elements(args[i], here) }
        func strings(_ v: [TFValue]) throws(TFEvalError) -> [String] { try v.map { (x) throws(TFEvalError) in try TFEval.string(x, here) } }
        func s(_ t: String) -> TFValue { .string(t, here) }
        func b(_ t: Bool) -> TFValue { TFValue(.bool(t), origin: here) }
        func l(_ t: [TFValue]) throws(TFEvalError) -> TFValue {
            guard t.count <= TFEval.maxCollection else { throw TFEvalError(message: "\(name)() would make a list of more than \(TFEval.maxCollection) elements", origin: here) }
            return TFValue(.list(t), origin: here)
        }

        switch name {
        case "format":
            try want(1...Int.max)
            return s(try Printf.format(try str(0), Array(args.dropFirst()), here))
        case "formatlist":
            try want(1...Int.max)
            let fmt = try str(0)
            let lists = args.dropFirst().map { $0.list }
            let n = lists.compactMap { $0?.count }.max() ?? 1
            if lists.contains(where: { $0 != nil && $0!.count != n }) { throw TFEvalError(message: "formatlist() needs lists of the same length", origin: here) }
            var out: [TFValue] = []
            for k in 0..<n {
                out.append(s(try Printf.format(fmt, args.dropFirst().enumerated().map { lists[$0.offset]?[k] ?? $0.element }, here)))
            }
            return try l(out)
        case "join":
            try want(2...Int.max)
            let sep = try str(0)
            var parts: [String] = []
            for i in 1..<args.count {
                if let n = args[i].unknownNames { return .unknown(n, here) }
                parts += try strings(try list(i))
            }
            return s(parts.joined(separator: sep))
        case "split":
            try want(2...2)
            let sep = try str(0), text = try str(1)
            guard !sep.isEmpty else { return try l(text.map { s(String($0)) }) }
            return try l(text.split(separator: sep, omittingEmptySubsequences: false).map { s(String($0)) })
        case "concat":
            var out: [TFValue] = []
            for i in args.indices {
                if let n = args[i].unknownNames { return .unknown(n, here) }
                guard let x = args[i].list else { throw TFEvalError(message: "concat() takes lists, argument \(i + 1) is \(args[i].typeName)", origin: args[i].origin ?? here) }
                out += x
            }
            return try l(out)
        case "flatten":
            try want(1...1)
            func flat(_ v: TFValue) -> [TFValue] { v.list.map { $0.flatMap(flat) } ?? [v] }
            return try l(try list(0).flatMap(flat))
        case "distinct":
            try want(1...1)
            var out: [TFValue] = []
            for v in try list(0) where !out.contains(where: { TFEval.equal($0, v) }) { out.append(v) }
            return try l(out)
        case "toset":
            try want(1...1)
            return try l(try set(try list(0), here))
        case "tolist", "list":
            if name == "list" { return try l(args) }
            try want(1...1)
            if let n = args[0].unknownNames { return .unknown(n, here) }
            return try l(try list(0))
        case "tomap", "map":
            try want(1...1)
            guard args[0].entries != nil else { throw TFEvalError(message: "tomap() takes an object or map", origin: here) }
            return args[0]
        case "tostring":
            try want(1...1)
            if args[0].isNull { return args[0] }
            return s(try str(0))
        case "tonumber":
            try want(1...1)
            return TFValue(.number(try TFEval.number(args[0], here)), origin: here)
        case "tobool":
            try want(1...1)
            return try TFEval.convertBool(args[0], here)
        case "lookup":
            try want(2...3)
            guard let e = args[0].entries else { throw TFEvalError(message: "lookup() takes a map first, this is \(args[0].typeName)", origin: here) }
            let k = try str(1)
            if let v = e.first(where: { $0.key == k })?.value { return v }
            if args.count == 3 { return args[2] }
            throw TFEvalError(message: "lookup(): no key \(k.debugDescription) and no default", origin: here)
        case "coalesce":
            for a in args {
                if a.unknownNames != nil { return a }
                if a.isNull { continue }
                if case .string("") = a.kind { continue }
                return a
            }
            throw TFEvalError(message: "coalesce(): every argument is null or empty", origin: here)
        case "coalescelist":
            for a in args where !(a.list?.isEmpty ?? true) { return a }
            return try l([])
        case "compact":
            try want(1...1)
            return try l(try list(0).filter { !($0.isNull || $0.string == "") })
        case "merge":
            var out: [TFEntry] = []
            for a in args {
                if let n = a.unknownNames { return .unknown(n, here) }
                if a.isNull { continue }
                guard let e = a.entries else { throw TFEvalError(message: "merge() takes maps or objects, this is \(a.typeName)", origin: a.origin ?? here) }
                for x in e {
                    if let i = out.firstIndex(where: { $0.key == x.key }) { out[i] = x } else { out.append(x) }
                }
            }
            return .object(out, origin: here)
        case "keys":
            try want(1...1)
            guard let e = args[0].entries else { throw TFEvalError(message: "keys() takes a map", origin: here) }
            return try l(e.map { TFValue.string($0.key, $0.keyOrigin) })
        case "values":
            try want(1...1)
            guard let e = args[0].entries else { throw TFEvalError(message: "values() takes a map", origin: here) }
            return try l(e.map(\.value))
        case "zipmap":
            try want(2...2)
            let k = try strings(try list(0)), v = try list(1)
            guard k.count == v.count else { throw TFEvalError(message: "zipmap() needs lists of the same length", origin: here) }
            return .object(zip(k, v).map { TFEntry(key: $0, value: $1) }, origin: here)
        case "length":
            try want(1...1)
            switch args[0].kind {
            case .string(let t):
                if Unknowns.contains(t) { return .unknown(Unknowns.names(in: t), here) }
                return TFValue(.number(Double(t.count)), origin: here)
            case .list(let x): return TFValue(.number(Double(x.count)), origin: here)
            case .object(let e): return TFValue(.number(Double(e.count)), origin: here)
            default: throw TFEvalError(message: "length() takes a string, list or map", origin: here)
            }
        case "alltrue", "anytrue":
            // Used in variable validations: bools, or the strings "true" / "false".
            try want(1...1)
            var any = false, all = true
            for x in try list(0) {
                if let n = x.unknownNames { return .unknown(n, here) }
                guard case .bool(let t) = try TFEval.convertBool(x, here).kind else { throw TFEvalError(message: "\(name)() takes a list of bools", origin: here) }
                any = any || t
                all = all && t
            }
            return b(name == "alltrue" ? all : any)
        case "contains":
            try want(2...2)
            return b(try list(0).contains { TFEval.equal($0, args[1]) })
        case "element":
            try want(2...2)
            let x = try list(0)
            guard !x.isEmpty else { throw TFEvalError(message: "element() of an empty list", origin: here) }
            let i = Int(try TFEval.number(args[1], here))
            return x[((i % x.count) + x.count) % x.count]
        case "index":
            try want(2...2)
            guard let i = try list(0).firstIndex(where: { TFEval.equal($0, args[1]) }) else { throw TFEvalError(message: "index(): the value is not in the list", origin: here) }
            return TFValue(.number(Double(i)), origin: here)
        case "one":
            try want(1...1)
            let x = try list(0)
            guard x.count <= 1 else { throw TFEvalError(message: "one() of a list of \(x.count)", origin: here) }
            return x.first ?? .null
        case "slice":
            try want(3...3)
            let x = try list(0)
            let a = Int(try TFEval.number(args[1], here)), e = Int(try TFEval.number(args[2], here))
            guard a >= 0, e <= x.count, a <= e else { throw TFEvalError(message: "slice(): indices \(a)…\(e) out of range for \(x.count)", origin: here) }
            return try l(Array(x[a..<e]))
        case "reverse":
            try want(1...1)
            return try l(try list(0).reversed())
        case "sort":
            try want(1...1)
            return try l(try strings(try list(0)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map(s))
        case "range":
            try want(1...3)
            let n = try args.map { (x) throws(TFEvalError) in try TFEval.number(x, here) }
            let (start, end, step) = n.count == 1 ? (0, n[0], 1.0) : (n[0], n[1], n.count == 3 ? n[2] : (n[1] >= n[0] ? 1 : -1))
            guard step != 0 else { throw TFEvalError(message: "range() step cannot be zero", origin: here) }
            let count = max(0, ((end - start) / step).rounded(.up))
            guard count <= Double(TFEval.maxCollection) else { throw TFEvalError(message: "range() would make \(TFEval.format(count)) elements, more than the \(TFEval.maxCollection) limit", origin: here) }
            return try l((0..<Int(count)).map { TFValue(.number(start + Double($0) * step), origin: here) })
        case "replace":
            try want(3...3)
            let text = try str(0), find = try str(1), repl = try str(2)
            if find.count >= 2, find.hasPrefix("/"), find.hasSuffix("/") {
                return s(try Regexes.replace(text, pattern: String(find.dropFirst().dropLast()), with: repl, here))
            }
            guard !find.isEmpty else { return s(text) }
            return s(text.replacing(find, with: repl))
        case "regex":
            try want(2...2)
            return try Regexes.regex(try str(0), try str(1), here)
        case "regexall":
            try want(2...2)
            return try Regexes.regexAll(try str(0), try str(1), here)
        case "trimprefix":
            try want(2...2)
            let t = try str(0), p = try str(1)
            return s(t.hasPrefix(p) ? String(t.dropFirst(p.count)) : t)
        case "trimsuffix":
            try want(2...2)
            let t = try str(0), p = try str(1)
            return s(t.hasSuffix(p) && !p.isEmpty ? String(t.dropLast(p.count)) : t)
        case "trimspace":
            try want(1...1)
            return s(try str(0).trimmingWhitespace)
        case "trim":
            try want(2...2)
            let cut = Set(try str(1))
            var t = Substring(try str(0))
            while let c = t.first, cut.contains(c) { t = t.dropFirst() }
            while let c = t.last, cut.contains(c) { t = t.dropLast() }
            return s(String(t))
        case "chomp":
            try want(1...1)
            var t = try str(0)
            while t.hasSuffix("\n") || t.hasSuffix("\r") || t.hasSuffix("\r\n") { t.removeLast() }
            return s(t)
        case "lower":
            try want(1...1)
            return s(try str(0).lowercased())
        case "upper":
            try want(1...1)
            return s(try str(0).uppercased())
        case "title":
            try want(1...1)
            return s(try str(0).split(separator: " ", omittingEmptySubsequences: false).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " "))
        case "substr":
            try want(3...3)
            let t = Array(try str(0))
            var off = Int(try TFEval.number(args[1], here)), len = Int(try TFEval.number(args[2], here))
            if off < 0 { off += t.count }
            off = max(0, min(off, t.count))
            if len < 0 || off + len > t.count { len = t.count - off }
            return s(String(t[off..<off + len]))
        case "startswith":
            try want(2...2)
            return b(try str(0).hasPrefix(try str(1)))
        case "endswith":
            try want(2...2)
            return b(try str(0).hasSuffix(try str(1)))
        case "strcontains":
            try want(2...2)
            let t = try str(0), p = try str(1)
            return b(p.isEmpty || t.utf8.firstRange(of: p.utf8) != nil)
        case "min", "max":
            let n = try args.map { (x) throws(TFEvalError) in try TFEval.number(x, here) }
            guard let r = name == "min" ? n.min() : n.max() else { throw TFEvalError(message: "\(name)() needs arguments", origin: here) }
            return TFValue(.number(r), origin: here)
        case "abs":
            try want(1...1)
            return TFValue(.number(abs(try TFEval.number(args[0], here))), origin: here)
        case "jsonencode":
            try want(1...1)
            return TFJSON.encode(args[0], here)
        case "jsondecode":
            try want(1...1)
            return try TFJSON.decode(try str(0), args[0], here)
        case "file":
            try want(1...1)
            return try scope.module.config.file(try str(0), scope.module, here)
        case "templatefile":
            try want(2...2)
            if let n = args[1].unknownNames { return .unknown(n, here) }
            guard let vars = args[1].entries else { throw TFEvalError(message: "templatefile() takes a map of variables second", origin: here) }
            return try scope.module.config.templateFile(try str(0), vars, scope.module, here)
        case "base64encode", "base64decode", "sha256", "md5", "uuid", "timestamp", "bcrypt", "filebase64":
            return .unknown(["\(name)()"], here)
        default:
            throw TFEvalError(message: "\(name)() is not a function oidc-doctor evaluates (it reads the functions trust policies use)", origin: here)
        }
    }

    /// A set of strings or numbers: without repeats, in Terraform's order (strings lexically).
    static func set(_ items: [TFValue], _ here: TFOrigin) throws(TFEvalError) -> [TFValue] {
        var out: [TFValue] = []
        for v in items where !out.contains(where: { TFEval.equal($0, v) }) { out.append(v) }
        if out.allSatisfy({ TFEval.stringValue($0) != nil && $0.unknowns.isEmpty }) {
            if out.allSatisfy({ if case .number = $0.kind { return true }; return false }) {
                out.sort { (try? TFEval.number($0, here)) ?? 0 < (try? TFEval.number($1, here)) ?? 0 }
            } else {
                out = out.map { v in var x = v; x.kind = .string(TFEval.stringValue(v)!); return x }
                out.sort { $0.string!.utf8.lexicographicallyPrecedes($1.string!.utf8) }
            }
        }
        return out
    }
}

/// Terraform's `format` verbs: %s %d %f %q %v %t %%, with width and precision.
enum Printf {
    static func format(_ f: String, _ args: [TFValue], _ here: TFOrigin) throws(TFEvalError) -> String {
        var out = ""
        var next = 0
        var it = Array(f)
        var i = 0
        func arg() throws(TFEvalError) -> TFValue {
            guard next < args.count else { throw TFEvalError(message: "format(): not enough arguments for \(f.debugDescription)", origin: here) }
            next += 1
            return args[next - 1]
        }
        while i < it.count {
            let c = it[i]
            guard c == "%" else { out.append(c); i += 1; continue }
            i += 1
            guard i < it.count else { throw TFEvalError(message: "format(): the format ends with %", origin: here) }
            if it[i] == "%" { out.append("%"); i += 1; continue }
            var flags = ""
            while i < it.count, "-+ #0".contains(it[i]) { flags.append(it[i]); i += 1 }
            var width = ""
            while i < it.count, it[i].isASCII, it[i].isNumber { width.append(it[i]); i += 1 }
            var precision: Int?
            if i < it.count, it[i] == "." {
                i += 1
                var p = ""
                while i < it.count, it[i].isASCII, it[i].isNumber { p.append(it[i]); i += 1 }
                precision = Int(p) ?? 0
            }
            guard i < it.count else { throw TFEvalError(message: "format(): incomplete verb in \(f.debugDescription)", origin: here) }
            let verb = it[i]
            i += 1
            let v = try arg()
            var piece: String
            switch verb {
            case "s", "v":
                if v.list != nil || v.entries != nil {
                    piece = TFJSON.encode(v, here).string ?? ""
                } else {
                    piece = try TFEval.string(v, here)
                }
                if let p = precision { piece = String(piece.prefix(p)) }
            case "q":
                piece = TFJSON.quote(try TFEval.string(v, here))
            case "d":
                let d = try TFEval.number(v, here)
                piece = String(Int64(d))
            case "f", "g", "e":
                let d = try TFEval.number(v, here)
                piece = verb == "f" ? fixed(d, precision ?? 6) : TFEval.format(d)
            case "t":
                guard case .bool(let t) = try TFEval.convertBool(v, here).kind else { piece = ""; break }
                piece = t ? "true" : "false"
            default:
                throw TFEvalError(message: "format(): %\(verb) is not a verb Terraform knows", origin: here)
            }
            if let w = Int(width), piece.count < w {
                let pad = String(repeating: flags.contains("0") && !flags.contains("-") ? "0" : " ", count: w - piece.count)
                piece = flags.contains("-") ? piece + pad : pad + piece
            }
            out += piece
        }
        _ = it
        it = []
        return out
    }

    static func fixed(_ d: Double, _ p: Int) -> String {
        var scale = 1.0
        for _ in 0..<p { scale *= 10 }
        let r = (abs(d) * scale).rounded()
        let whole = Int64(r / scale), frac = Int64(r.truncatingRemainder(dividingBy: scale))
        var f = String(frac)
        while f.count < p { f = "0" + f }
        return (d < 0 ? "-" : "") + String(whole) + (p > 0 ? "." + f : "")
    }
}

/// `regex`, `regexall` and `replace(…, "/re/", …)` with the standard library's regular expressions
/// (RE2 and Swift's syntax agree on what these files use: classes, groups, anchors, quantifiers),
/// matched by Unicode scalar as RE2 matches by rune.
enum Regexes {
    /// The name of the unknown a pattern that could backtrack for ever stands for.
    static let unknownName = "regex"
    static let maxText = 4096, maxPattern = 1000

    static func compile(_ p: String, _ here: TFOrigin) throws(TFEvalError) -> Regex<AnyRegexOutput> {
        do { return try Regex(p).matchingSemantics(.unicodeScalar) } catch {
            throw TFEvalError(message: "invalid regular expression \(p.debugDescription)", origin: here)
        }
    }

    /// RE2 runs in linear time; the standard library backtracks, and `(a+)+$` takes minutes on 20
    /// characters. A pattern that repeats a group holding a repetition, or a text or pattern past
    /// the limits, is not run: its result is unknown rather than a hang.
    static func isSafe(_ pattern: String, _ text: String) -> Bool {
        guard text.utf8.count <= maxText, pattern.utf8.count <= maxPattern else { return false }
        var stack: [Bool] = []  // per open group: does it hold a quantifier?
        var lastGroupHadQuantifier = false
        var unbounded = 0
        var chars = Array(pattern.unicodeScalars)[...]
        func quantifierFollows() -> Bool {
            guard let c = chars.first else { return false }
            return c == "*" || c == "+" || c == "?" || c == "{"
        }
        while let c = chars.popFirst() {
            var wasGroup = false
            switch c {
            case "\\": _ = chars.popFirst()
            case "[":
                if chars.first == "^" { chars = chars.dropFirst() }
                if chars.first == "]" { chars = chars.dropFirst() }
                while let d = chars.popFirst(), d != "]" { if d == "\\" { _ = chars.popFirst() } }
            case "(":
                stack.append(false)
                if chars.first == "?" {  // (?:…), (?P<name>…), (?i): no quantifier
                    chars = chars.dropFirst()
                    while let d = chars.first, d != ":", d != ">", d != ")" { chars = chars.dropFirst() }
                    if chars.first == ":" || chars.first == ">" { chars = chars.dropFirst() }
                }
            case ")":
                lastGroupHadQuantifier = stack.popLast() ?? false
                wasGroup = true
            case "*", "+", "{":
                if c == "{" { while let d = chars.popFirst(), d != "}" {} }
                unbounded += c == "{" ? 0 : 1
                if !stack.isEmpty { stack[stack.count - 1] = true }
            case "?":
                if !stack.isEmpty { stack[stack.count - 1] = true }
            default: break
            }
            if wasGroup {
                if lastGroupHadQuantifier, quantifierFollows() { return false }
                if lastGroupHadQuantifier, !stack.isEmpty { stack[stack.count - 1] = true }
            }
        }
        return unbounded <= 6
    }

    static func replace(_ text: String, pattern: String, with repl: String, _ here: TFOrigin) throws(TFEvalError) -> String {
        guard isSafe(pattern, text) else { return Unknowns.marker([unknownName]) }
        let re = try compile(pattern, here)
        var out = ""
        var last = text.startIndex
        for m in text.matches(of: re) {
            out += text[last..<m.range.lowerBound]
            // $1 and ${1} name groups in the replacement.
            var r = ""
            var chars = Array(repl)[...]
            while let c = chars.first {
                chars = chars.dropFirst()
                if c == "$", let d = chars.first {
                    var digits = ""
                    var braced = false
                    if d == "{" { braced = true; chars = chars.dropFirst() }
                    while let x = chars.first, x.isASCII, x.isNumber { digits.append(x); chars = chars.dropFirst() }
                    if braced, chars.first == "}" { chars = chars.dropFirst() }
                    if let n = Int(digits), n < m.output.count, let sub = m.output[n].substring { r += sub; continue }
                    if digits.isEmpty { r.append("$"); if braced { r.append("{") } }
                    continue
                }
                r.append(c)
            }
            out += r
            last = m.range.upperBound
            if m.range.isEmpty {
                if last == text.endIndex { break }
                out.append(text[last])
                last = text.index(after: last)
            }
        }
        return out + text[last...]
    }

    static func value(_ m: Regex<AnyRegexOutput>.Match, _ here: TFOrigin) -> TFValue {
        let groups = m.output.count - 1
        if groups == 0 { return .string(String(text: m.output[0].substring), here) }
        let named = (1...groups).compactMap { m.output[$0].name }
        if !named.isEmpty {
            return .object((1...groups).compactMap { i in m.output[i].name.map { TFEntry(key: $0, value: .string(String(text: m.output[i].substring), here)) } }, origin: here)
        }
        return TFValue(.list((1...groups).map { .string(String(text: m.output[$0].substring), here) }), origin: here)
    }

    static func regex(_ pattern: String, _ text: String, _ here: TFOrigin) throws(TFEvalError) -> TFValue {
        guard isSafe(pattern, text) else { return .unknown([unknownName], here) }
        let re = try compile(pattern, here)
        guard let m = text.firstMatch(of: re) else { throw TFEvalError(message: "regex(): \(pattern.debugDescription) does not match \(text.debugDescription)", origin: here) }
        return value(m, here)
    }

    static func regexAll(_ pattern: String, _ text: String, _ here: TFOrigin) throws(TFEvalError) -> TFValue {
        guard isSafe(pattern, text) else { return .unknown([unknownName], here) }
        let re = try compile(pattern, here)
        return TFValue(.list(text.matches(of: re).map { value($0, here) }), origin: here)
    }
}

extension String {
    init(text: Substring?) { self = text.map(String.init) ?? "" }
}
