/// `aws iam list-roles` output of a whole account, read role by role: the byte range of each element
/// of the top-level `Roles` array is found by one scan that only tracks strings and brackets, and each
/// role is parsed on its own. The whole file never becomes one tree (an account can hold 100,000 roles:
/// a 195 MB file), so memory follows the file, not the file times the tree.
enum ListRolesSplitter {
    /// The roles, or nil when the text is not `{… "Roles": [ … ] …}` as the scan sees it (the
    /// caller then reads it whole, with the reader's own errors).
    static func candidates(_ text: String) -> [RoleCandidate]? {
        var copy = text
        return copy.withUTF8 { b -> [RoleCandidate]? in
            guard let ranges = elementRanges(b) else { return nil }
            var out: [RoleCandidate] = []
            out.reserveCapacity(ranges.count)
            for r in ranges {
                let element = Array(b[r])
                guard let doc = try? JSONReader.read(bytes: element, limits: .init(maxDepth: 256, maxBytes: 64 << 20)) else { return nil }
                guard case .object = doc.root.value else { return nil }
                out.append(listRole(doc))
            }
            return out
        }
    }

    /// One role as the whole-file reader reads it, its document as text of its own (positions are the
    /// document's, as audit reports them).
    static func listRole(_ doc: JSONReader.Document) -> RoleCandidate {
        var c = RoleCatalog.listRole(doc.root, doc: doc)
        if case .region(let source, let range) = c.document { c.document = .text(source.slice(range)) }
        return c
    }

    /// The byte ranges of the elements of the last top-level `"Roles"` array; nil when the text is not
    /// one object holding one, or its brackets and strings do not balance.
    static func elementRanges(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var i = 0
        let n = b.count
        func space() { while i < n, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        /// Past a string starting at `i` (a quote); false when it does not end.
        func string() -> Bool {
            i += 1
            while i < n {
                if b[i] == 0x5C { i += 2; continue }
                if b[i] == 0x22 { i += 1; return true }
                i += 1
            }
            return false
        }
        /// Past one value starting at `i`; false when its brackets or strings do not balance.
        func value() -> Bool {
            guard i < n else { return false }
            switch b[i] {
            case 0x22: return string()
            case 0x7B, 0x5B:
                var depth = 0
                while i < n {
                    switch b[i] {
                    case 0x22:
                        guard string() else { return false }
                        continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 { i += 1; return true }
                    default: break
                    }
                    i += 1
                }
                return false
            default:
                // A number or a literal: up to the next delimiter (the element's own parse checks it).
                let start = i
                while i < n, b[i] != 0x2C, b[i] != 0x7D, b[i] != 0x5D, b[i] != 0x20, b[i] != 0x0A, b[i] != 0x0D, b[i] != 0x09 { i += 1 }
                return i > start
            }
        }
        if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        space()
        guard i < n, b[i] == 0x7B else { return nil }
        i += 1
        var roles: [Range<Int>]?
        while true {
            space()
            guard i < n else { return nil }
            if b[i] == 0x7D { break }
            guard b[i] == 0x22 else { return nil }
            let keyStart = i
            guard string() else { return nil }
            let isRoles = i - keyStart == 7 && b[keyStart + 1] == 0x52 && b[keyStart + 2] == 0x6F && b[keyStart + 3] == 0x6C && b[keyStart + 4] == 0x65 && b[keyStart + 5] == 0x73
            space()
            guard i < n, b[i] == 0x3A else { return nil }
            i += 1
            space()
            guard i < n else { return nil }
            if isRoles {
                guard b[i] == 0x5B else { return nil }
                i += 1
                var elements: [Range<Int>] = []
                space()
                if i < n, b[i] == 0x5D {
                    i += 1
                } else {
                    while true {
                        space()
                        let start = i
                        guard value() else { return nil }
                        var end = i
                        while end > start, b[end - 1] == 0x20 || b[end - 1] == 0x0A || b[end - 1] == 0x0D || b[end - 1] == 0x09 { end -= 1 }
                        elements.append(start..<end)
                        space()
                        guard i < n else { return nil }
                        if b[i] == 0x2C { i += 1; continue }
                        guard b[i] == 0x5D else { return nil }
                        i += 1
                        break
                    }
                }
                roles = elements
            } else {
                guard value() else { return nil }
            }
            space()
            guard i < n else { return nil }
            if b[i] == 0x2C { i += 1; continue }
            guard b[i] == 0x7D else { return nil }
            break
        }
        i += 1
        space()
        return i == n ? roles : nil
    }
}
