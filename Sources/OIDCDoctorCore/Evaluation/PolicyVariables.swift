/// `${key}` substitution in condition values (reference §3.4): only under Version 2012-10-17, only for
/// string and ARN operators; `${key, 'default'}`, and `${*}`, `${?}`, `${$}` for the literal characters.
enum PolicyVariables {
    enum Expansion: Equatable {
        case value(String)
        /// A variable whose key is absent (or multi-valued) and has no default: the value never matches.
        case missing(variable: String)
    }

    static func expand(_ text: String, context: RequestContext) -> Expansion {
        // Byte check first: Foundation's substring search is far slower than the evaluation itself.
        guard ASCII.contains(text, 0x24) else { return .value(text) }
        var out = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            out += rest[rest.startIndex..<start.lowerBound]
            let after = rest[start.upperBound...]
            guard let close = after.firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return .value(out)
            }
            let body = after[after.startIndex..<close]
            rest = after[after.index(after: close)...]
            switch body {
            // Literal characters: marked so that StringLike does not read them as wildcards.
            case "*": out.unicodeScalars.append(Wildcard.literalStar)
            case "?": out.unicodeScalars.append(Wildcard.literalOne)
            case "$": out += "$"
            default:
                var name = Substring(body)
                var fallback: String?
                if let comma = body.firstIndex(of: ",") {
                    name = body[body.startIndex..<comma]
                    let d = body[body.index(after: comma)...].trimmingWhitespace
                    if d.count >= 2, d.hasPrefix("'"), d.hasSuffix("'") { fallback = String(d.dropFirst().dropLast()) }
                }
                let key = name.trimmingWhitespace
                if let e = context.entry(key), !e.multiValued, let v = e.values.first {
                    out += v
                } else if let f = fallback {
                    out += f
                } else {
                    return .missing(variable: key)
                }
            }
        }
        out += rest
        return .value(out)
    }
}
