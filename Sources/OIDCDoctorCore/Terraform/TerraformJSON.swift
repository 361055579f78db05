/// `jsonencode` and `jsondecode` as Terraform does them: compact JSON, object keys in lexical order,
/// Go's escaping (`<`, `>`, `&` as \u003c…). The encoded text remembers where every string, key,
/// item and container came from, so a finding in the policy points into the `.tf`.
enum TFJSON {
    static func encode(_ v: TFValue, _ here: TFOrigin) -> TFValue {
        var b = TFEval.TemplateBuilder()
        write(v, into: &b)
        return TFValue(.string(b.text), origin: here, pieces: b.pieces)
    }

    /// `keepingPieces`: a string that needs no escape keeps the places of its parts inside the
    /// quotes (its bytes are the source's one to one) — how a template's document is written out.
    static func write(_ v: TFValue, into b: inout TFEval.TemplateBuilder, keepingPieces: Bool = false) {
        let start = b.count
        switch v.kind {
        case .string(let s):
            let quoted = quote(s)
            if keepingPieces, quoted.utf8.count == s.utf8.count + 2 {
                b.append("\"", origin: nil, exact: false)
                b.append(s, origin: nil, exact: false, inner: v.pieces)
                b.append("\"", origin: nil, exact: false)
            } else {
                b.append(quoted, origin: nil, exact: false)
            }
        case .number(let d): b.append(TFEval.format(d), origin: nil, exact: false)
        case .bool(let t): b.append(t ? "true" : "false", origin: nil, exact: false)
        case .null: b.append("null", origin: nil, exact: false)
        case .unknown(let n): b.append(quote(Unknowns.marker(n)), origin: nil, exact: false)
        case .list(let items):
            b.append("[", origin: nil, exact: false)
            for (k, x) in items.enumerated() {
                if k > 0 { b.append(",", origin: nil, exact: false) }
                write(x, into: &b, keepingPieces: keepingPieces)
            }
            b.append("]", origin: nil, exact: false)
        case .object(let entries):
            b.append("{", origin: nil, exact: false)
            for (k, e) in entries.enumerated() {
                if k > 0 { b.append(",", origin: nil, exact: false) }
                let itemStart = b.count
                b.append(quote(e.key), origin: e.keyOrigin, exact: false)
                b.append(":", origin: nil, exact: false)
                write(e.value, into: &b, keepingPieces: keepingPieces)
                if let o = e.itemOrigin { b.pieces.append(TFPiece(start: itemStart, end: b.count, origin: o, exact: false)) }
            }
            b.append("}", origin: nil, exact: false)
        }
        if let o = v.origin {
            // A string that holds a rendered document keeps its own pieces inside the quotes.
            b.pieces.append(TFPiece(start: start, end: b.count, origin: o, exact: false))
        }
    }

    /// Go's encoding/json string escaping (what Terraform's jsonencode and the AWS provider write).
    static func quote(_ s: String) -> String {
        // Most strings (ARNs, keys, patterns) need no escape: copy them whole.
        let plain = s.utf8.allSatisfy { b in
            b >= 0x20 && b != 0x22 && b != 0x5C && b != 0x3C && b != 0x3E && b != 0x26 && b != 0xE2
        }
        if plain { return "\"" + s + "\"" }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static func decode(_ text: String, _ arg: TFValue, _ here: TFOrigin) throws(TFEvalError) -> TFValue {
        let doc: JSONReader.Document
        do { doc = try JSONReader.read(text) } catch {
            throw TFEvalError(message: "jsondecode(): not valid JSON: \(error.message) (line \(error.line), column \(error.column) of the string)", origin: arg.origin ?? here)
        }
        let o = arg.origin ?? here
        func value(_ n: JSONNode) -> TFValue {
            switch n.value {
            case .string(let s): return .string(s, o)
            case .number(let t): return TFValue(.number(Double(t) ?? 0), origin: o)
            case .bool(let t): return TFValue(.bool(t), origin: o)
            case .null: return TFValue(.null, origin: o)
            case .array(let items): return TFValue(.list(items.map(value)), origin: o)
            case .object(let members): return .object(members.map { TFEntry(key: $0.key, value: value($0.value), keyOrigin: o) }, origin: o)
            }
        }
        return value(doc.root)
    }
}
