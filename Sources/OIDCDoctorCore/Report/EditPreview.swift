/// A finding's `PolicyEdit` as report lines: the policy lines it changes, then the same lines after it,
/// with the changed part marked (reports cut long lines around the mark).
struct EditPreview {
    struct Line: Equatable {
        var added: Bool
        var number: Int
        var text: String
        /// Unicode-scalar columns (0-based) of the changed part.
        var mark: Range<Int>
    }

    let lines: [Line]

    /// nil when the edit spans more than `maxLines` lines (the fix text then says it in words).
    init?(_ edit: PolicyEdit, in source: SourceText, maxLines: Int = 6) {
        let start = source.position(of: edit.range.start), end = source.position(of: edit.range.end)
        guard end.line - start.line < maxLines else { return nil }
        let first = Array(source.line(start.line).unicodeScalars)
        let last = Array(source.line(end.line).unicodeScalars)
        let head = String(String.UnicodeScalarView(first.prefix(start.column - 1)))
        let tail = String(String.UnicodeScalarView(last.dropFirst(end.column - 1)))
        let after = (head + edit.replacement + tail).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard after.count <= maxLines else { return nil }
        var out: [Line] = []
        for n in start.line...end.line {
            let text = source.line(n)
            let from = n == start.line ? start.column - 1 : 0
            let to = n == end.line ? end.column - 1 : text.unicodeScalars.count
            out.append(Line(added: false, number: n, text: text, mark: from..<max(from + 1, to)))
        }
        let replacementLines = edit.replacement.split(separator: "\n", omittingEmptySubsequences: false)
        for (k, text) in after.enumerated() {
            let from = k == 0 ? start.column - 1 : 0
            let width = replacementLines.indices.contains(k) ? replacementLines[k].unicodeScalars.count : 0
            out.append(Line(added: true, number: start.line + k, text: text, mark: from..<from + max(1, width)))
        }
        lines = out
    }
}
