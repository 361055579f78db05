import Yams

/// A CloudFormation template in YAML read into the same node tree as a JSON template, every node
/// with its place in the YAML text as written: findings point at the template's own lines.
/// The short-form tags (`!Sub x`) become their long forms (`{"Fn::Sub": x}`), the tag's place
/// standing for the function name.
enum TemplateYAML {
    static func read(_ text: String) throws(PolicyInvalid) -> JSONNode {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw PolicyInvalid(message: "neither JSON nor YAML: \(Self.describe(error))", range: Self.range(of: error))
        }
        guard let root = node, case .mapping = root else {
            throw PolicyInvalid(message: "not JSON, and as YAML not a mapping: expected a trust policy, aws iam output, a CloudFormation template or terraform show -json output", range: nil)
        }
        var reader = Reader(source: SourceText(text))
        return reader.node(root)
    }

    static func describe(_ error: Error) -> String {
        if case YamlError.scanner(_, let problem, _, _) = error { return problem }
        if case YamlError.parser(_, let problem, _, _) = error { return problem }
        if case YamlError.composer(_, let problem, _, _) = error { return problem }
        return String(describing: error).split(separator: "\n").first.map(String.init) ?? "unreadable"
    }

    static func range(of error: Error) -> LineRange? {
        let mark: Mark?
        switch error {
        case YamlError.scanner(_, _, let m, _), YamlError.parser(_, _, let m, _), YamlError.composer(_, _, let m, _): mark = m
        default: mark = nil
        }
        return mark.map { LineRange(line: $0.line, column: $0.column, endLine: $0.line, endColumn: $0.column + 1) }
    }

    static let shortForms: [String: String] = [
        "!Sub": "Fn::Sub", "!Ref": "Ref", "!GetAtt": "Fn::GetAtt", "!Join": "Fn::Join", "!If": "Fn::If", "!Select": "Fn::Select",
        "!ImportValue": "Fn::ImportValue", "!Base64": "Fn::Base64", "!FindInMap": "Fn::FindInMap", "!Split": "Fn::Split", "!Equals": "Fn::Equals",
        "!And": "Fn::And", "!Or": "Fn::Or", "!Not": "Fn::Not", "!Condition": "Condition", "!GetAZs": "Fn::GetAZs", "!Cidr": "Fn::Cidr",
        "!Transform": "Fn::Transform", "!ToJsonString": "Fn::ToJsonString", "!Length": "Fn::Length",
    ]

    struct Reader {
        let source: SourceText

        /// The byte offset of a libYAML mark (1-based line, column in Unicode scalars).
        func offset(_ mark: Mark?) -> Int {
            guard let mark, mark.line >= 1, mark.line <= source.lineStarts.count else { return 0 }
            var k = source.lineStarts[mark.line - 1]
            var column = 1
            let b = source.bytes
            while column < mark.column, k < b.count, b[k] != 0x0A {
                k += 1
                while k < b.count, b[k] & 0xC0 == 0x80 { k += 1 }
                column += 1
            }
            return k
        }

        /// Past a tag (`!Sub`) and the blanks after it: where the value itself starts.
        func skipTag(_ start: Int) -> Int {
            let b = source.bytes
            var k = start
            guard k < b.count, b[k] == UInt8(ascii: "!") else { return k }
            while k < b.count, b[k] != 0x20, b[k] != 0x0A, b[k] != 0x0D, b[k] != 0x09 { k += 1 }
            while k < b.count, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
            return k
        }

        /// A scalar's place: the text as written when it can be found there (quotes included), else
        /// the rest of its line.
        func scalarRange(_ s: Node.Scalar) -> SourceRange {
            let b = source.bytes
            let start = skipTag(offset(s.mark))
            let text = Array(s.string.utf8)
            func matches(at k: Int) -> Bool { k + text.count <= b.count && b[k..<(k + text.count)].elementsEqual(text) }
            if start < b.count, b[start] == 0x22 || b[start] == 0x27, matches(at: start + 1), start + 1 + text.count < b.count, b[start + 1 + text.count] == b[start] {
                return SourceRange(start: start, end: start + text.count + 2)
            }
            if matches(at: start) { return SourceRange(start: start, end: start + text.count) }
            var end = start
            while end < b.count, b[end] != 0x0A, b[end] != 0x0D { end += 1 }
            while end > start, b[end - 1] == 0x20 { end -= 1 }
            return SourceRange(start: start, end: max(end, start))
        }

        mutating func node(_ n: Node) -> JSONNode {
            let tag = n.tag.description
            var out: JSONNode
            switch n {
            case .scalar(let s):
                let range = scalarRange(s)
                if let fn = shortForms[tag] {
                    let arg: JSONNode
                    // `!GetAtt Role.Arn` is the short form of `Fn::GetAtt: [Role, Arn]`.
                    if fn == "Fn::GetAtt" {
                        arg = JSONNode(.array(s.string.split(separator: ".", maxSplits: 1).map { JSONNode(.string(String($0)), range: range) }), range: range)
                    } else {
                        arg = JSONNode(.string(s.string), range: range)
                    }
                    return function(fn, arg, tagAt: offset(s.mark))
                }
                let value: JSONValue
                switch tag {
                case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float": value = .number(s.string)
                case "tag:yaml.org,2002:bool": value = .bool(["true", "yes", "on"].contains(s.string.lowercased()))
                case "tag:yaml.org,2002:null": value = .null
                default: value = .string(s.string)  // timestamps such as 2012-10-17 stay text
                }
                out = JSONNode(value, range: range)
            case .mapping(let m):
                var members: [JSONMember] = []
                let start = skipTag(offset(m.mark))
                var end = start
                for (k, v) in m {
                    guard case .scalar(let ks) = k else { continue }
                    let value = node(v)
                    let keyRange = scalarRange(ks)
                    members.append(JSONMember(key: ks.string, keyRange: keyRange, value: value))
                    end = max(end, value.range.end, keyRange.end)
                }
                out = JSONNode(.object(members), range: SourceRange(start: start, end: end))
            case .sequence(let seq):
                let start = skipTag(offset(seq.mark))
                var end = start + 1
                var items: [JSONNode] = []
                for x in seq {
                    let item = node(x)
                    items.append(item)
                    end = max(end, item.range.end)
                }
                out = JSONNode(.array(items), range: SourceRange(start: start, end: end))
            }
            if let fn = shortForms[tag] { return function(fn, out, tagAt: offset(n.mark)) }
            return out
        }

        func function(_ name: String, _ arg: JSONNode, tagAt start: Int) -> JSONNode {
            let tagEnd = min(start + name.count, arg.range.start)
            return JSONNode(.object([JSONMember(key: name, keyRange: SourceRange(start: start, end: max(start, tagEnd)), value: arg)]),
                            range: SourceRange(start: start, end: max(arg.range.end, start)))
        }
    }
}
