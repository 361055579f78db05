/// A reader for the HCL2 native syntax (hashicorp/hcl hclsyntax spec): bodies of attributes and
/// blocks, expressions with operators, templates with `${…}`/`%{…}` and heredocs. Depth- and
/// size-limited; every error names the byte offset where reading stopped.
public struct HCLParser {
    public static let maxDepth = 200
    public static let maxBytes = 16 << 20

    let b: [UInt8]
    var i = 0
    var depth = 0
    /// Whether a line break ends the current expression (attribute values and object items) or is
    /// white space (inside parentheses, brackets and interpolations).
    var newlines = true
    /// A `~}` was read: the next literal loses its leading white space (`stripLeading`).
    var trimNextLiteral = false

    public static func parse(_ text: SourceText) throws(HCLSyntaxError) -> HCLBody {
        guard text.bytes.count <= maxBytes else {
            throw HCLSyntaxError(message: "the file is \(text.bytes.count) bytes, more than the \(maxBytes)-byte limit for a .tf file", offset: 0)
        }
        var p = HCLParser(b: text.bytes)
        if p.b.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3 }
        return try p.body(closing: false)
    }

    /// One expression on its own (`--var NAME=[…]`, tfvars values).
    /// A whole file as a template (`templatefile`).
    public static func parseTemplate(_ text: SourceText) throws(HCLSyntaxError) -> [HCLTemplatePart] {
        var p = HCLParser(b: text.bytes)
        return try p.templateParts(until: .endOfFile, heredocMarker: nil, quoted: false)
    }

    public static func parseExpression(_ text: SourceText) throws(HCLSyntaxError) -> HCLExpression {
        var p = HCLParser(b: text.bytes)
        p.newlines = false
        let e = try p.expression()
        p.skip()
        if p.i < p.b.count { throw p.error("unexpected \(p.describe()) after the expression") }
        return e
    }

    // MARK: scanning

    func error(_ message: String, at offset: Int? = nil) -> HCLSyntaxError {
        HCLSyntaxError(message: message, offset: offset ?? i)
    }

    var peek: UInt8? { i < b.count ? b[i] : nil }
    func peek(_ k: Int) -> UInt8? { i + k < b.count ? b[i + k] : nil }

    func describe() -> String {
        guard let c = peek else { return "end of file" }
        if c == 0x0A || c == 0x0D { return "line break" }
        if c < 0x20 || c == 0x7F { return "control character 0x\(String(c, radix: 16))" }
        if c >= 0x80 { return "non-ASCII character" }
        return "\"\(Character(Unicode.Scalar(c)))\""
    }

    /// Skips spaces, tabs and comments, and line breaks too unless they end the expression.
    mutating func skip() { skip(newlines: !newlines) }

    mutating func skip(newlines skipNewlines: Bool) {
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x09 { i += 1; continue }
            if c == 0x0D, peek(1) == 0x0A, skipNewlines { i += 2; continue }
            if c == 0x0A, skipNewlines { i += 1; continue }
            if c == UInt8(ascii: "#") || (c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "/")) {
                while i < b.count, b[i] != 0x0A, b[i] != 0x0D { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                let start = i
                i += 2
                while i < b.count, !(b[i] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) { i += 1 }
                if i >= b.count { i = start; return }  // reported by the caller as unexpected "/"
                i += 2
                continue
            }
            return
        }
    }

    mutating func skipAll() { skip(newlines: true) }

    mutating func expect(_ c: Character, _ what: String) throws(HCLSyntaxError) {
        skip()
        guard peek == c.asciiValue else { throw error("expected \(what), found \(describe())") }
        i += 1
    }

    static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c >= 0x80
    }

    static func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 0x30 && c <= 0x39) || c == 0x2D }

    mutating func identifier() -> (String, SourceRange)? {
        guard let c = peek, Self.isIdentStart(c) else { return nil }
        let start = i
        while let c = peek, Self.isIdentChar(c) { i += 1 }
        return (String(decoding: b[start..<i], as: UTF8.self), SourceRange(start: start, end: i))
    }

    mutating func enter() throws(HCLSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth) levels") }
    }

    // MARK: bodies

    /// `opener`: the block whose body this is, where an unclosed block is reported.
    mutating func body(closing: Bool, opener: (name: String, at: Int)? = nil) throws(HCLSyntaxError) -> HCLBody {
        try enter()
        defer { depth -= 1 }
        let saved = newlines
        newlines = true
        defer { newlines = saved }
        var body = HCLBody(range: SourceRange(start: i, end: i))
        while true {
            skipAll()
            guard let c = peek else {
                if closing {
                    let what = opener.map { "the \($0.name) block" } ?? "this block"
                    throw error("\(what) is not closed: expected \"}\" before the end of the file", at: opener?.at)
                }
                break
            }
            if c == UInt8(ascii: "}") {
                guard closing else { throw error("unexpected \"}\": no block is open here") }
                break
            }
            let start = i
            guard let (name, nameRange) = identifier() else {
                throw error("expected an attribute name or a block type, found \(describe())")
            }
            skip()
            if peek == UInt8(ascii: "=") && peek(1) != UInt8(ascii: "=") {
                i += 1
                let value = try expression()
                body.attributes.append(HCLAttribute(name: name, nameRange: nameRange, value: value, range: SourceRange(start: start, end: value.range.end)))
                try endOfLine("after the value of \(name)")
                continue
            }
            var labels: [String] = [], labelRanges: [SourceRange] = []
            while true {
                skip()
                if peek == UInt8(ascii: "\"") {
                    let ls = i
                    let t = try template(quoted: true)
                    guard case .template(let parts) = t.kind, parts.allSatisfy({ if case .literal = $0 { return true }; return false }) else {
                        throw error("a block label must be a literal string", at: ls)
                    }
                    labels.append(parts.map { if case .literal(let s, _, _) = $0 { return s }; return "" }.joined())
                    labelRanges.append(t.range)
                } else if let (l, r) = identifier() {
                    labels.append(l)
                    labelRanges.append(r)
                } else {
                    break
                }
            }
            guard peek == UInt8(ascii: "{") else {
                throw error(labels.isEmpty ? "expected \"=\" or \"{\" after \(name), found \(describe())" : "expected \"{\" to open the \(name) block, found \(describe())")
            }
            i += 1
            let title = ([name] + labels.map { "\"\($0)\"" }).joined(separator: " ")
            let inner = try self.body(closing: true, opener: (title, start))
            i += 1  // the closing brace
            body.blocks.append(HCLBlock(type: name, labels: labels, labelRanges: labelRanges, body: inner, range: SourceRange(start: start, end: i)))
            try endOfLine("after the block \(name)")
        }
        body.range.end = i
        return body
    }

    /// An attribute or block ends its line (a closing brace may follow a one-line block).
    mutating func endOfLine(_ context: String) throws(HCLSyntaxError) {
        skip(newlines: false)
        guard let c = peek else { return }
        if c == 0x0A || c == 0x0D || c == UInt8(ascii: "}") { return }
        throw error("expected a line break \(context), found \(describe())")
    }

    // MARK: expressions

    mutating func expression() throws(HCLSyntaxError) -> HCLExpression {
        try enter()
        defer { depth -= 1 }
        let c = try binary(level: 0)
        skip()
        guard peek == UInt8(ascii: "?") else { return c }
        i += 1
        let a = try expression()
        try expect(":", "\":\" of the conditional expression")
        let e = try expression()
        return HCLExpression(.conditional(c, a, e), SourceRange(start: c.range.start, end: e.range.end))
    }

    static let levels: [[String]] = [["||"], ["&&"], ["==", "!="], [">=", "<=", ">", "<"], ["+", "-"], ["*", "/", "%"]]

    mutating func binary(level: Int) throws(HCLSyntaxError) -> HCLExpression {
        if level == Self.levels.count { return try unary() }
        var left = try binary(level: level + 1)
        while true {
            skip()
            guard let op = Self.levels[level].first(where: { matches($0) }) else { return left }
            // `=>` and `==` are not `>`/`=`; a `-` or `*` here is always an operator.
            if op == ">" && peek(1) == UInt8(ascii: "=") { return left }
            i += op.utf8.count
            try enter()
            let right = try binary(level: level + 1)
            depth -= 1
            left = HCLExpression(.binary(op, left, right), SourceRange(start: left.range.start, end: right.range.end))
        }
    }

    func matches(_ s: String) -> Bool {
        var k = 0
        for u in s.utf8 {
            guard peek(k) == u else { return false }
            k += 1
        }
        if s == "<" && peek(1) == UInt8(ascii: "<") { return false }
        return true
    }

    mutating func unary() throws(HCLSyntaxError) -> HCLExpression {
        skip()
        let start = i
        if peek == UInt8(ascii: "!") || (peek == UInt8(ascii: "-") && !(peek(1).map { $0 >= 0x30 && $0 <= 0x39 } ?? false)) {
            let op = peek == UInt8(ascii: "!") ? "!" : "-"
            i += 1
            try enter()
            let e = try unary()
            depth -= 1
            return HCLExpression(.unary(op, e), SourceRange(start: start, end: e.range.end))
        }
        return try postfix(try primary())
    }

    mutating func postfix(_ base: HCLExpression) throws(HCLSyntaxError) -> HCLExpression {
        var e = base
        var traversers: [HCLTraverser] = []
        var splatBase: HCLExpression?
        var splatTraversers: [HCLTraverser] = []
        func close(_ end: Int) {
            if !traversers.isEmpty, splatBase == nil {
                e = HCLExpression(.traversal(base, traversers), SourceRange(start: base.range.start, end: end))
            }
        }
        var end = base.range.end
        while true {
            let save = i
            skip()
            if peek == UInt8(ascii: "."), let n = peek(1), n != UInt8(ascii: ".") {
                i += 1
                if peek == UInt8(ascii: "*") {
                    i += 1
                    close(end)
                    splatBase = splatBase ?? e
                    end = i
                    continue
                }
                let t: HCLTraverser
                if let (name, r) = identifier() {
                    t = .attribute(name, r)
                } else if let d = peek, d >= 0x30 && d <= 0x39 {
                    let s = i
                    while let d = peek, d >= 0x30 && d <= 0x39 { i += 1 }
                    t = .index(HCLExpression(.number(String(decoding: b[s..<i], as: UTF8.self)), SourceRange(start: s, end: i)))
                } else {
                    throw error("expected an attribute name after \".\", found \(describe())")
                }
                end = i
                if splatBase != nil { splatTraversers.append(t) } else { traversers.append(t) }
                continue
            }
            if peek == UInt8(ascii: "[") {
                i += 1
                let saved = newlines
                newlines = false
                skip()
                if peek == UInt8(ascii: "*") {
                    i += 1
                    try expect("]", "\"]\" after \"[*\"")
                    newlines = saved
                    close(end)
                    splatBase = splatBase ?? e
                    end = i
                    continue
                }
                let index = try expression()
                try expect("]", "\"]\" to close the index")
                newlines = saved
                end = i
                if splatBase != nil { splatTraversers.append(.index(index)) } else { traversers.append(.index(index)) }
                continue
            }
            i = save
            break
        }
        if let sb = splatBase {
            return HCLExpression(.splat(sb, splatTraversers), SourceRange(start: base.range.start, end: end))
        }
        close(end)
        return e
    }

    mutating func primary() throws(HCLSyntaxError) -> HCLExpression {
        skip()
        let start = i
        guard let c = peek else { throw error("expected an expression, found the end of the file") }
        switch c {
        case UInt8(ascii: "\""):
            return try template(quoted: true)
        case UInt8(ascii: "<") where peek(1) == UInt8(ascii: "<"):
            return try heredoc()
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            return number()
        case UInt8(ascii: "("):
            i += 1
            let saved = newlines
            newlines = false
            let e = try expression()
            try expect(")", "\")\" to close the parentheses")
            newlines = saved
            return HCLExpression(.parenthesized(e), SourceRange(start: start, end: i))
        case UInt8(ascii: "["):
            return try tuple()
        case UInt8(ascii: "{"):
            return try object()
        default:
            guard let (name, r) = identifier() else { throw error("expected an expression, found \(describe())") }
            switch name {
            case "true": return HCLExpression(.bool(true), r)
            case "false": return HCLExpression(.bool(false), r)
            case "null": return HCLExpression(.null, r)
            default: break
            }
            // `provider::aws::arn_parse(…)`: a provider-defined function.
            var fname = name
            while peek == UInt8(ascii: ":"), peek(1) == UInt8(ascii: ":") {
                i += 2
                guard let (part, _) = identifier() else { throw error("expected a function name after \"::\"") }
                fname += "::" + part
            }
            let save = i
            skip(newlines: false)
            if peek == UInt8(ascii: "(") {
                i += 1
                return try call(fname, start: start)
            }
            i = save
            if fname != name { throw error("expected \"(\" after the function name \(fname)") }
            return HCLExpression(.variable(name), r)
        }
    }

    mutating func number() -> HCLExpression {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        func digits() { while let d = peek, d >= 0x30 && d <= 0x39 { i += 1 } }
        digits()
        if peek == UInt8(ascii: "."), let d = peek(1), d >= 0x30 && d <= 0x39 { i += 1; digits() }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            let save = i
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            if let d = peek, d >= 0x30 && d <= 0x39 { digits() } else { i = save }
        }
        return HCLExpression(.number(String(decoding: b[start..<i], as: UTF8.self)), SourceRange(start: start, end: i))
    }

    mutating func call(_ name: String, start: Int) throws(HCLSyntaxError) -> HCLExpression {
        let saved = newlines
        newlines = false
        defer { newlines = saved }
        var args: [HCLExpression] = []
        var expands = false
        while true {
            skip()
            if peek == UInt8(ascii: ")") { i += 1; break }
            if expands { throw error("expected \")\" after the \"...\" argument, found \(describe())") }
            args.append(try expression())
            skip()
            if matches("...") { i += 3; expands = true; skip() }
            if peek == UInt8(ascii: ",") { i += 1; continue }
            if peek == UInt8(ascii: ")") { i += 1; break }
            throw error("expected \",\" or \")\" in the arguments of \(name)(), found \(describe())")
        }
        return HCLExpression(.call(name, args, expandsLast: expands), SourceRange(start: start, end: i))
    }

    /// `for` after `[` or `{` starts a for expression (a `for` key in an object is followed by `=`).
    func atFor() -> Bool {
        guard matches("for"), let n = peek(3), n == 0x20 || n == 0x09 || n == 0x0A || n == 0x0D else { return false }
        return true
    }

    mutating func tuple() throws(HCLSyntaxError) -> HCLExpression {
        let start = i
        i += 1
        let saved = newlines
        newlines = false
        defer { newlines = saved }
        skip()
        if atFor() { return try forExpression(start: start, object: false) }
        var items: [HCLExpression] = []
        while true {
            skip()
            if peek == UInt8(ascii: "]") { i += 1; break }
            items.append(try expression())
            skip()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            if peek == UInt8(ascii: "]") { i += 1; break }
            throw error("expected \",\" or \"]\" in the list, found \(describe())")
        }
        return HCLExpression(.tuple(items), SourceRange(start: start, end: i))
    }

    mutating func object() throws(HCLSyntaxError) -> HCLExpression {
        let start = i
        i += 1
        let saved = newlines
        defer { newlines = saved }
        newlines = false
        skip()
        if atFor() { return try forExpression(start: start, object: true) }
        newlines = true
        var items: [HCLObjectItem] = []
        while true {
            skipAll()
            if peek == UInt8(ascii: "}") { i += 1; break }
            let itemStart = i
            let key: HCLExpression
            var bare = false
            if let c = peek, Self.isIdentStart(c) {
                let (name, r) = identifier()!
                let save = i
                skip(newlines: false)
                if peek == UInt8(ascii: "=") || peek == UInt8(ascii: ":") {
                    key = HCLExpression(.variable(name), r)
                    bare = true
                } else {
                    // A key written as an expression (`var.x = …` is not allowed by HCL without parentheses, but a traversal key with parentheses is).
                    i = itemStart
                    _ = save
                    key = try binary(level: 0)
                }
            } else {
                key = try binary(level: 0)
            }
            skip(newlines: false)
            guard peek == UInt8(ascii: "=") || peek == UInt8(ascii: ":") else {
                throw error("expected \"=\" or \":\" after the object key, found \(describe())")
            }
            if peek == UInt8(ascii: "=") && peek(1) == UInt8(ascii: ">") { throw error("\"=>\" belongs in a for expression; an object item uses \"=\"") }
            i += 1
            let value = try expression()
            items.append(HCLObjectItem(key: key, keyIsIdentifier: bare, value: value, range: SourceRange(start: itemStart, end: value.range.end)))
            skip(newlines: false)
            if peek == UInt8(ascii: ",") { i += 1; continue }
            if peek == UInt8(ascii: "}") { i += 1; break }
            if let c = peek, c == 0x0A || c == 0x0D { continue }
            throw error("expected \",\", a line break or \"}\" after the object item, found \(describe())")
        }
        return HCLExpression(.object(items), SourceRange(start: start, end: i))
    }

    /// `KEY, VALUE in COLLECTION` (or `VALUE in COLLECTION`): the head of a for expression and of
    /// a `%{ for }` directive, which share it.
    mutating func forHeader(_ what: String) throws(HCLSyntaxError) -> (key: String?, value: String, collection: HCLExpression) {
        skip()
        guard let (first, _) = identifier() else { throw error("expected a variable name after \"for\"") }
        var keyName: String?
        var valueName = first
        skip()
        if peek == UInt8(ascii: ",") {
            i += 1
            skip()
            guard let (second, _) = identifier() else { throw error("expected a second variable name after \",\"") }
            keyName = first
            valueName = second
            skip()
        }
        guard matches("in") else { throw error("expected \"in\" in \(what), found \(describe())") }
        i += 2
        return (keyName, valueName, try expression())
    }

    mutating func forExpression(start: Int, object: Bool) throws(HCLSyntaxError) -> HCLExpression {
        i += 3
        let (keyName, valueName, collection) = try forHeader("the for expression")
        try expect(":", "\":\" after the collection of the for expression")
        var keyExpression: HCLExpression?
        var valueExpression = try expression()
        var grouping = false
        if object {
            skip()
            guard matches("=>") else { throw error("expected \"=>\" in the object for expression, found \(describe())") }
            i += 2
            keyExpression = valueExpression
            valueExpression = try expression()
            skip()
            if matches("...") { i += 3; grouping = true }
        }
        skip()
        var condition: HCLExpression?
        if matches("if"), let n = peek(2), !Self.isIdentChar(n) {
            i += 2
            condition = try expression()
        }
        try expect(object ? "}" : "]", object ? "\"}\" to close the for expression" : "\"]\" to close the for expression")
        let f = HCLForExpression(keyName: keyName, valueName: valueName, collection: collection, keyExpression: keyExpression,
                                 valueExpression: valueExpression, condition: condition, grouping: grouping)
        return HCLExpression(.forExpression(f), SourceRange(start: start, end: i))
    }

    // MARK: templates

    /// A quoted template: the opening quote is at `i`.
    mutating func template(quoted: Bool) throws(HCLSyntaxError) -> HCLExpression {
        let start = i
        i += 1
        let parts = try templateParts(until: .quote, heredocMarker: nil)
        return HCLExpression(.template(parts), SourceRange(start: start, end: i))
    }

    enum TemplateEnd { case quote, heredoc, directive, endOfFile }

    /// The parts of a template up to its end: the closing quote, the heredoc's end marker, or (for
    /// directive bodies) the next `%{ else | endif | endfor }`, left for the caller to read.
    mutating func templateParts(until end: TemplateEnd, heredocMarker: [UInt8]?, quoted: Bool = true) throws(HCLSyntaxError) -> [HCLTemplatePart] {
        try enter()
        defer { depth -= 1 }
        var parts: [HCLTemplatePart] = []
        var lit: [UInt8] = []
        var litStart = i
        var exact = true
        let inQuotes = end == .quote || (end == .directive && quoted)
        func flush(_ at: Int) {
            var from = litStart
            if trimNextLiteral {
                let cut = Self.leadingStrip(lit, lineTokens: !inQuotes)
                lit.removeFirst(cut)
                if exact { from += cut } else { from = at }
                trimNextLiteral = false
            }
            if !lit.isEmpty { parts.append(.literal(String(decoding: lit, as: UTF8.self), SourceRange(start: from, end: at), exact: exact)) }
            lit = []
            exact = true
        }
        while true {
            guard let c = peek else {
                if end == .endOfFile { flush(i); return parts }
                throw error(end == .directive && !inQuotes && heredocMarker == nil ? "a %{ } directive is not closed before the end of the file" : inQuotes ? "this string is not closed: expected \" before the end of the file" : "this heredoc is not closed: expected its end marker \(String(decoding: heredocMarker ?? [], as: UTF8.self)) on a line of its own")
            }
            if lit.isEmpty { litStart = i }
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if end == .directive { throw error("this string ends inside a %{ } directive that is not closed") }
                    flush(i)
                    i += 1
                    return parts
                }
                if c == 0x0A || c == 0x0D { throw error("a quoted string cannot span lines: close it with \" or use a heredoc (<<EOF)") }
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard let e = peek else { continue }
                    exact = false
                    switch e {
                    case UInt8(ascii: "n"): lit.append(0x0A); i += 1
                    case UInt8(ascii: "r"): lit.append(0x0D); i += 1
                    case UInt8(ascii: "t"): lit.append(0x09); i += 1
                    case UInt8(ascii: "\""): lit.append(0x22); i += 1
                    case UInt8(ascii: "\\"): lit.append(0x5C); i += 1
                    case UInt8(ascii: "u"), UInt8(ascii: "U"):
                        let n = e == UInt8(ascii: "u") ? 4 : 8
                        i += 1
                        guard i + n <= b.count, let v = UInt32(String(decoding: b[i..<i + n], as: UTF8.self), radix: 16), let s = Unicode.Scalar(v) else {
                            throw error("\\\(Character(Unicode.Scalar(e))) must be followed by \(n) hexadecimal digits of a Unicode character")
                        }
                        lit.append(contentsOf: Array(String(s).utf8))
                        i += n
                    default:
                        throw error("unknown escape \\\(Character(Unicode.Scalar(e))) in a string (HCL knows \\n \\r \\t \\\" \\\\ \\uNNNN)")
                    }
                    continue
                }
            } else if let marker = heredocMarker, atLineStart(), endsHeredoc(marker) {
                flush(i)
                return parts
            }
            if (c == UInt8(ascii: "$") || c == UInt8(ascii: "%")) && peek(1) == c && peek(2) == UInt8(ascii: "{") {
                // `$${` and `%%{` are the literal `${` and `%{`.
                lit.append(c)
                lit.append(UInt8(ascii: "{"))
                i += 3
                exact = false
                continue
            }
            if c == UInt8(ascii: "$") && peek(1) == UInt8(ascii: "{") {
                flush(i)
                i += 2
                var stripLeft = false
                if peek == UInt8(ascii: "~") { i += 1; stripLeft = true }
                let saved = newlines
                newlines = false
                let e = try expression()
                skip()
                var stripRight = false
                if peek == UInt8(ascii: "~") { i += 1; stripRight = true }
                guard peek == UInt8(ascii: "}") else { throw error("expected \"}\" to close the ${ interpolation, found \(describe())") }
                i += 1
                newlines = saved
                if stripLeft { parts = Self.stripTrailing(parts, lineTokens: !inQuotes) }
                parts.append(.interpolation(e))
                if stripRight { trimNextLiteral = true }
                continue
            }
            if c == UInt8(ascii: "%") && peek(1) == UInt8(ascii: "{") {
                let save = i
                let keyword = directiveKeyword()
                if end == .directive && (keyword == "else" || keyword == "endif" || keyword == "endfor") {
                    i = save
                    flush(i)
                    return parts
                }
                i = save
                flush(i)
                parts = try directive(parts, heredocMarker: heredocMarker, quoted: inQuotes)
                continue
            }
            lit.append(c)
            i += 1
        }
    }

    func atLineStart() -> Bool { i == 0 || b[i - 1] == 0x0A }

    /// At a line start: optional indentation, the marker, then a line break or the end of the file.
    func endsHeredoc(_ marker: [UInt8]) -> Bool {
        var k = i
        while k < b.count, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
        guard k + marker.count <= b.count, Array(b[k..<k + marker.count]) == marker else { return false }
        let after = k + marker.count
        return after == b.count || b[after] == 0x0A || b[after] == 0x0D
    }

    /// The keyword of the `%{ … }` directive at `i`, moving past it.
    mutating func directiveKeyword() -> String? {
        i += 2
        if peek == UInt8(ascii: "~") { i += 1 }
        skipAll()
        return identifier()?.0
    }

    /// Strip markers trim white space as HCL does: in a quoted string the whole neighbouring
    /// literal; in a heredoc or template file only the neighbouring line (HCL scans those literals
    /// line by line, each with its newline), so `~}` at a line's end removes just that newline.
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// How many bytes `~}` removes from the start of the literal that follows.
    static func leadingStrip(_ lit: [UInt8], lineTokens: Bool) -> Int {
        var k = 0
        while k < lit.count, isSpace(lit[k]) {
            k += 1
            if lineTokens && lit[k - 1] == 0x0A { break }
        }
        return k
    }

    /// `%{~` / `${~`: the literal before loses its trailing white space.
    static func stripTrailing(_ parts: [HCLTemplatePart], lineTokens: Bool) -> [HCLTemplatePart] {
        guard case .literal(let s, let r, let exact)? = parts.last else { return parts }
        var t = Array(s.utf8)
        var floor = 0  // where the last line of the literal starts, when lines are tokens
        if lineTokens, let last = t.dropLast().lastIndex(of: 0x0A) { floor = last + 1 }
        while t.count > floor, let l = t.last, isSpace(l) { t.removeLast() }
        var out = Array(parts.dropLast())
        if !t.isEmpty { out.append(.literal(String(decoding: t, as: UTF8.self), SourceRange(start: r.start, end: exact ? r.start + t.count : r.end), exact: exact)) }
        return out
    }

    /// `%{ if … }…%{ else }…%{ endif }` or `%{ for … in … }…%{ endfor }`, at `i`.
    mutating func directive(_ before: [HCLTemplatePart], heredocMarker: [UInt8]?, quoted: Bool) throws(HCLSyntaxError) -> [HCLTemplatePart] {
        var parts = before
        let start = i
        i += 2
        if peek == UInt8(ascii: "~") { i += 1; parts = Self.stripTrailing(parts, lineTokens: !quoted) }
        let saved = newlines
        newlines = false
        defer { newlines = saved }
        skip()
        guard let (keyword, _) = identifier() else { throw error("expected if or for after %{", at: start) }
        func closeTag() throws(HCLSyntaxError) {
            skip()
            var strip = false
            if peek == UInt8(ascii: "~") { i += 1; strip = true }
            guard peek == UInt8(ascii: "}") else { throw error("expected \"}\" to close the %{ directive, found \(describe())") }
            i += 1
            if strip { trimNextLiteral = true }
        }
        /// The closing tag of a directive's body; `%{~ …}` trims the end of that body.
        func endTag(_ names: Set<String>, _ body: inout [HCLTemplatePart]) throws(HCLSyntaxError) -> String {
            let at = i
            guard peek == UInt8(ascii: "%"), peek(1) == UInt8(ascii: "{") else { throw error("expected %{ \(names.sorted().joined(separator: " or ")) }") }
            i += 2
            if peek == UInt8(ascii: "~") { i += 1; body = Self.stripTrailing(body, lineTokens: !quoted) }
            skip()
            guard let (k, _) = identifier(), names.contains(k) else { throw error("expected %{ \(names.sorted().joined(separator: " or ")) }", at: at) }
            try closeTag()
            return k
        }
        switch keyword {
        case "if":
            let cond = try expression()
            try closeTag()
            var thenParts = try templateParts(until: .directive, heredocMarker: heredocMarker, quoted: quoted)
            var elseParts: [HCLTemplatePart] = []
            if try endTag(["else", "endif"], &thenParts) == "else" {
                elseParts = try templateParts(until: .directive, heredocMarker: heredocMarker, quoted: quoted)
                _ = try endTag(["endif"], &elseParts)
            }
            parts.append(.ifDirective(cond, then: thenParts, else: elseParts))
        case "for":
            let (keyName, valueName, coll) = try forHeader("the %{ for } directive")
            try closeTag()
            var body = try templateParts(until: .directive, heredocMarker: heredocMarker, quoted: quoted)
            _ = try endTag(["endfor"], &body)
            parts.append(.forDirective(key: keyName, value: valueName, collection: coll, body: body))
        default:
            throw error("unknown template directive %{ \(keyword) } (HCL has if and for)", at: start)
        }
        return parts
    }

    /// `<<EOF` or `<<-EOF` at `i`: the body runs to a line holding only the marker.
    mutating func heredoc() throws(HCLSyntaxError) -> HCLExpression {
        let start = i
        i += 2
        let indented = peek == UInt8(ascii: "-")
        if indented { i += 1 }
        guard let (marker, _) = identifier() else { throw error("expected the heredoc's marker (e.g. EOF) after <<") }
        if peek == 0x0D { i += 1 }
        guard peek == 0x0A else { throw error("a heredoc's marker must end its line: expected a line break after <<\(indented ? "-" : "")\(marker)") }
        i += 1
        var parts = try templateParts(until: .heredoc, heredocMarker: Array(marker.utf8), quoted: false)
        while let c = peek, c == 0x20 || c == 0x09 { i += 1 }
        i += marker.utf8.count
        if indented { parts = Self.unindent(parts) }
        return HCLExpression(.template(parts), SourceRange(start: start, end: i))
    }

    /// `<<-`: the smallest indentation of the lines (blank lines aside; a line that starts with an
    /// interpolation counts with the white space before it) is removed from every line. An exact
    /// literal stays exact: it becomes one part per line, each naming its own bytes of the file.
    static func unindent(_ parts: [HCLTemplatePart]) -> [HCLTemplatePart] {
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        func lines(_ s: String) -> [ArraySlice<UInt8>] {
            Array(s.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        }
        var minIndent = Int.max
        var atStart = true
        for (k, p) in parts.enumerated() {
            guard case .literal(let s, _, _) = p else { atStart = false; continue }
            let ls = lines(s)
            for (n, line) in ls.enumerated() {
                if n > 0 { atStart = true }
                defer { atStart = false }
                guard atStart else { continue }
                let spaces = line.prefix(while: isSpace).count
                let followedByInterpolation = n == ls.count - 1 && k + 1 < parts.count
                if spaces == line.count && !followedByInterpolation { continue }  // blank
                minIndent = min(minIndent, spaces)
            }
        }
        guard minIndent != Int.max, minIndent > 0 else { return parts }
        var out: [HCLTemplatePart] = []
        atStart = true
        for p in parts {
            guard case .literal(let s, let r, let exact) = p else { out.append(p); atStart = false; continue }
            let ls = lines(s)
            var joined: [UInt8] = []
            var offset = 0  // of the line in `s`, which is the file's bytes from r.start when exact
            for (n, line) in ls.enumerated() {
                if n > 0 { atStart = true }
                let drop = atStart ? min(minIndent, line.prefix(while: isSpace).count) : 0
                atStart = false
                var kept = Array(line.dropFirst(drop))
                if n < ls.count - 1 { kept.append(0x0A) }
                if exact {
                    let from = r.start + offset + drop
                    if !kept.isEmpty {
                        out.append(.literal(String(decoding: kept, as: UTF8.self), SourceRange(start: from, end: from + kept.count), exact: true))
                    }
                } else {
                    joined += kept
                }
                offset += line.count + 1
            }
            if !exact { out.append(.literal(String(decoding: joined, as: UTF8.self), r, exact: false)) }
        }
        return out
    }
}
