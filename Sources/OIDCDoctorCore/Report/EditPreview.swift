/// A finding's `PolicyEdit` as diff lines: the policy lines it changes, then the same lines after it,
/// with the changed part marked (reports cut long lines around the mark), and unchanged lines around
/// them as context when asked for (the TUI's fix screen).
public struct EditPreview: Sendable {
    public struct Line: Equatable, Sendable {
        public enum Kind: Sendable { case same, removed, added }
        public var kind: Kind
        public var number: Int
        public var text: String
        /// Unicode-scalar columns (0-based) of the changed part.
        public var mark: Range<Int>
    }

    public let lines: [Line]

    /// nil when the edit spans more than `maxLines` lines (the fix text then says it in words).
    public init?(_ edit: PolicyEdit, in source: SourceText, context: Int = 0, maxLines: Int = 6) {
        let start = source.position(of: edit.range.start), end = source.position(of: edit.range.end)
        guard end.line - start.line < maxLines else { return nil }
        let first = Array(source.line(start.line).unicodeScalars)
        let last = Array(source.line(end.line).unicodeScalars)
        let head = String(String.UnicodeScalarView(first.prefix(start.column - 1)))
        let tail = String(String.UnicodeScalarView(last.dropFirst(end.column - 1)))
        let after = (head + edit.replacement + tail).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard after.count <= maxLines else { return nil }
        var out: [Line] = []
        for n in max(1, start.line - context)..<start.line {
            out.append(Line(kind: .same, number: n, text: source.line(n), mark: 0..<0))
        }
        for n in start.line...end.line {
            let text = source.line(n)
            let from = n == start.line ? start.column - 1 : 0
            let to = n == end.line ? end.column - 1 : text.unicodeScalars.count
            out.append(Line(kind: .removed, number: n, text: text, mark: from..<max(from + 1, to)))
        }
        let replacementLines = edit.replacement.split(separator: "\n", omittingEmptySubsequences: false)
        for (k, text) in after.enumerated() {
            let from = k == 0 ? start.column - 1 : 0
            let width = replacementLines.indices.contains(k) ? replacementLines[k].unicodeScalars.count : 0
            out.append(Line(kind: .added, number: start.line + k, text: text, mark: from..<from + max(1, width)))
        }
        // After the edit, old line numbers move by the lines it added or removed.
        let shift = after.count - (end.line - start.line + 1)
        for n in stride(from: end.line + 1, through: min(source.lineCount, end.line + context), by: 1) {
            out.append(Line(kind: .same, number: n + shift, text: source.line(n), mark: 0..<0))
        }
        lines = out
    }
}
