/// One policy line as printed under a finding: control characters escaped, the marked columns found in
/// the escaped text, and a long line (a minified policy is one line) cut to a window around the mark.
struct SnippetLine: Equatable {
    var text: String
    /// Where the `^^^` marker starts in `text`, and how many columns it covers (at least 1).
    var markStart: Int
    var markWidth: Int

    /// `mark` is in 0-based Unicode-scalar columns of `line` (what `SourceText.position` counts);
    /// `width` is the most columns the text may take.
    /// `showEnd`: when the mark is longer than the window, show its end rather than its start (an
    /// added value sits at the end of a changed line).
    init(_ line: String, mark: Range<Int>, width: Int, unicode: Bool, showEnd: Bool = false) {
        // One display cell per element: an escaped scalar becomes several cells.
        var cells: [String] = []
        var cellAt: [Int] = []  // scalar index → first cell
        for u in line.unicodeScalars {
            cellAt.append(cells.count)
            if u == "\t" {  // indentation: shown as the spaces it stands for, not as an escape
                cells += Array(repeating: " ", count: 4)
                continue
            }
            // Without UTF-8 the report is ASCII: count the character as it will be printed.
            let shown = unicode ? terminalSafe(String(u)) : TextReport.asciiOnly(terminalSafe(String(u)))
            if shown.unicodeScalars.count == 1 { cells.append(shown) } else { cells += shown.map(String.init) }
        }
        cellAt.append(cells.count)
        let total = cells.count
        let start = cellAt[min(max(0, mark.lowerBound), cellAt.count - 1)]
        let end = max(start + 1, cellAt[min(max(0, mark.upperBound), cellAt.count - 1)])
        let width = max(width, 20)
        guard total > width else {
            self.init(text: cells.joined(), markStart: start, markWidth: end - start)
            return
        }
        let dots = unicode ? "…" : "..."
        let dotsWidth = unicode ? 1 : 3
        // Some context before the mark, then as much of the mark and what follows as fits.
        let room = width - 2 * dotsWidth
        var from = max(0, min(start - room / 4, total - room))
        if showEnd && end - from > room { from = max(0, min(end - room * 3 / 4, total - room)) }
        let to = min(total, from + room)
        let head = from > 0 ? dots : ""
        let tail = to < total ? dots : ""
        let shift = from > 0 ? dotsWidth : 0
        let visibleStart = max(start, from), visibleEnd = max(visibleStart + 1, min(end, to))
        self.init(text: head + cells[from..<to].joined() + tail, markStart: visibleStart - from + shift, markWidth: visibleEnd - visibleStart)
    }

    private init(text: String, markStart: Int, markWidth: Int) {
        self.text = text
        self.markStart = markStart
        self.markWidth = markWidth
    }
}
