/// The smallest text change of the policy that lets this token through: a byte range of the policy
/// text as given and what to put there. The TUI shows it as a diff and can write the result.
public struct PolicyEdit: Sendable, Hashable {
    public var range: SourceRange
    public var replacement: String

    public init(range: SourceRange, replacement: String) {
        self.range = range
        self.replacement = replacement
    }

    /// The policy text with the edit applied.
    public func apply(to source: SourceText) -> String {
        var bytes = source.bytes
        bytes.replaceSubrange(max(0, range.start)..<min(bytes.count, range.end), with: Array(replacement.utf8))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Adds `action` to a statement's Action list (a lone action becomes a list); nil for NotAction.
    static func addAction(_ action: String, to spec: ActionSpec) -> PolicyEdit? {
        guard !spec.negated else { return nil }
        return PolicyEdit(range: spec.range, replacement: "[" + (spec.patterns.map { JSONText.quote($0.text) } + [JSONText.quote(action)]).joined(separator: ", ") + "]")
    }

    /// Adds `value` to a condition's values: a single value becomes a list, a list grows by one.
    static func addValue(_ value: String, to clause: ConditionClause, in source: SourceText) -> PolicyEdit? {
        guard let first = clause.values.first, let last = clause.values.last else { return nil }
        let quoted = JSONText.quote(value)
        // A lone string value: its range is the whole value node, so wrap it into a list.
        if clause.values.count == 1, first.range.end == clause.range.end {
            return PolicyEdit(range: first.range, replacement: "[" + source.slice(first.range) + ", " + quoted + "]")
        }
        return PolicyEdit(range: SourceRange(start: last.range.end, end: last.range.end), replacement: ", " + quoted)
    }
}
