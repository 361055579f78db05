import OIDCDoctorCore

/// State + size → cells. Pure: the same model and size always give the same canvas.
public enum Render {
    public static let minWidth = 80
    public static let minHeight = 24

    public static func canvas(_ m: AppModel, width: Int, height: Int) -> Canvas {
        var c = Canvas(width: width, height: height)
        c.cutMark = m.glyphs.ellipsis.first ?? "~"
        guard width >= minWidth && height >= minHeight else {
            tooSmall(&c, m)
            return c
        }
        switch m.screen {
        case .diagnosis: DiagnosisScreen.draw(&c, m)
        case .whatIf: DiagnosisScreen.draw(&c, m)
        case .inputs: InputsScreen.draw(&c, m)
        case .fix: FixScreen.draw(&c, m)
        case .roles: RolesScreen.draw(&c, m)
        case .matrix: MatrixScreen.draw(&c, m)
        case .demoPicker: DemoPickerScreen.draw(&c, m)
        case .help: HelpScreen.draw(&c, m)
        }
        return c
    }

    static func tooSmall(_ c: inout Canvas, _ m: AppModel) {
        let lines = ["oidc-doctor needs a terminal of at least \(minWidth)\(m.glyphs.pass == "+" ? "x" : "×")\(minHeight);",
                     "this one is \(c.width)\(m.glyphs.pass == "+" ? "x" : "×")\(c.height). Enlarge it, or press q to quit."]
        for (i, l) in lines.enumerated() {
            let y = c.height / 2 - 1 + i
            var x = 0
            for word in l.split(separator: " ") {
                if x + word.count > c.width { break }
                x = c.put(String(word) + " ", x: x, y: max(0, y), role: i == 0 ? .warn : .plain)
            }
        }
    }

    /// The top line of the screens that have no verdict to show.
    static func titleBar(_ c: inout Canvas, _ m: AppModel, _ text: String) {
        c.fill(y: 0, role: .title)
        c.put(" oidc-doctor \(m.glyphs.horizontal) " + text, x: 0, y: 0, role: .title)
    }

    /// The bottom line: the keys that work on this screen, from the key map.
    static func statusLine(_ c: inout Canvas, _ m: AppModel, screen: ScreenKind, y: Int) {
        c.fill(y: y, role: .status)
        // Screens without a message line say it here, until the next key.
        if let msg = m.message, [.diagnosis, .whatIf, .matrix, .roles, .demoPicker].contains(screen), m.prompt == .none {
            c.put(" " + m.glyphs.text(msg), x: 0, y: y, role: .warn, limit: c.width)
            return
        }
        var x = 1
        // While a text is typed, only the keys of that mode.
        let bindings = m.prompt == .none ? KeyMap.statusLine(for: screen) : KeyMap.typing(m.prompt)
        for b in bindings {
            let keys = m.glyphs.keys(b.keys)
            if x + keys.count + b.label.count + 3 > c.width { break }
            x = c.put(keys, x: x, y: y, role: .key)
            x = c.put(" " + b.label + "  ", x: x, y: y, role: .status)
        }
    }

    /// Title bar: the verdict and the STS error stay visible on every diagnosis screen.
    static func verdict(_ c: inout Canvas, _ m: AppModel, _ d: Diagnosis, what: String) {
        c.fill(y: 0, role: .title)
        var x = c.put(" ", x: 0, y: 0, role: .title)
        let (word, role): (String, Role) = {
            switch d.decision {
            case .allow: return ("\(m.glyphs.pass) ALLOW", .pass)
            case .deny: return ("\(m.glyphs.fail) DENY", .fail)
            case .unknown: return ("\(m.glyphs.warn) UNKNOWN", .warn)
            }
        }()
        x = c.put(word, x: x, y: 0, role: role)
        let sts = d.stsError.map { "  \($0.code): \($0.message)" } ?? (d.decision == .allow ? "  STS would issue credentials" : "  no decision: an input cannot be read")
        x = c.put(m.glyphs.text(sts), x: x, y: 0, role: .title)
        if x + what.count + 3 <= c.width { c.put(m.glyphs.text(what), x: c.width - what.count - 1, y: 0, role: .title) }
        let cause: String
        if let p = d.primary {
            cause = "cause \(p.id.rawValue): \(p.title)"
        } else {
            cause = "no error found" + (d.findings.isEmpty ? "" : "; \(d.findings.count) note\(d.findings.count == 1 ? "" : "s") below")
        }
        // The answer rests on a reading of undocumented AWS behaviour: said on the line that gives it.
        let label = d.undocumented.isEmpty ? "" : " · AWS behaviour undocumented (\(d.undocumented.count))"
        if case .time(let typed) = m.prompt {
            c.put("evaluate at: " + m.glyphs.text(m.typedWithCursor(typed)) + "   RFC 3339 or epoch seconds; Enter, Esc", x: 1, y: 1, role: .input, limit: c.width - 2)
            c.cursor = m.textCursor(label: "evaluate at: ", typed, x: 1, y: 1, width: c.width)
            return
        }
        // Expired since the job ran: the way to the cause the job met is on the same line.
        let expiredSince = m.screen == .diagnosis && !m.atJobTime && d.primaryCause == .tokenExpired && d.token?.issuedAt != nil
        let line = expiredSince ? "cause token.expired \(m.glyphs.arrow) press t for the job's own time" : cause + label
        // The evaluation time is always on screen.
        let at = (m.atJobTime ? "job's time " : "at ") + TimeText.iso(d.parameters.at)
        let room = c.width - at.count - 3
        c.put(m.glyphs.text(line).fit(room, ellipsis: m.glyphs.ellipsis), x: 1, y: 1, role: d.primary == nil ? .pass : .fail, limit: room)
        c.put(at, x: c.width - at.count - 1, y: 1, role: .dim)
    }
}

extension String {
    /// Pads or cuts to exactly `n` characters (ASCII-width data; wide data is clipped by the canvas).
    func fit(_ n: Int, ellipsis: String = "…") -> String {
        if count <= n { return self + String(repeating: " ", count: n - count) }
        return String(prefix(max(0, n - ellipsis.count))) + ellipsis
    }
}

/// The left pane's lines: header, claims with key claims marked, `sub` split into components.
struct TokenPane {
    struct Line {
        var text: String
        var role: Role
        var claim: String?
    }

    static func lines(model m: AppModel) -> [Line] {
        guard let d = m.diagnosis, let t = d.token else {
            return [Line(text: "token not readable", role: .fail, claim: nil)] + (d(m).map { [Line(text: $0, role: .plain, claim: nil)] } ?? [])
        }
        var out: [Line] = [Line(text: "alg \(t.alg ?? "?")  kid \(t.kid ?? "-")", role: .dim, claim: nil)]
        let keyClaims = Set((d.context?.entries ?? []).compactMap(\.claim))
        let now = d.parameters.at
        for name in t.claimNames {
            guard let v = t.claims[name] else { continue }
            let mark = keyClaims.contains(name) ? m.glyphs.keyMark : " "
            let text: String
            switch v {
            case .string(let s): text = s
            case .number(let n):
                if ["exp", "iat", "nbf"].contains(name), let i = Int64(n) {
                    let iso = TimeText.iso(i)
                    text = "\(iso.dropFirst(11).prefix(5))Z, \(TimeText.relative(i, now: now))"
                } else { text = n }
            default: text = v.jsonText
            }
            out.append(Line(text: "\(mark)\(name) \(text)", role: keyClaims.contains(name) ? .heading : .plain, claim: name))
            if name == "sub", let sub = SubClaim(text) {
                for comp in sub.components { out.append(Line(text: "   \(comp.name) \(comp.value)", role: .plain, claim: "sub")) }
            }
        }
        return out
    }

    private static func d(_ m: AppModel) -> String? {
        m.diagnosis?.findings.first { $0.id == .tokenMalformed }?.detail
    }
}

enum DiagnosisScreen {
    static func draw(_ c: inout Canvas, _ m: AppModel) {
        guard let d = m.diagnosis else { return }
        let g = m.glyphs
        Render.verdict(&c, m, d, what: m.screen == .whatIf ? "WHAT-IF" : m.title)
        var top = 2
        if m.screen == .whatIf, let w = m.whatIf {
            // The edited fields take the top rows; the verdict above updates on every key.
            for (i, name) in WhatIf.fields.enumerated() {
                let sel = i == w.selected
                var x = c.put(sel ? " \(g.arrow) " : "   ", x: 0, y: top, role: sel ? .selected : .plain)
                x = c.put(name.fit(13), x: x, y: top, role: sel ? .selected : .dim)
                c.put(g.text(sel ? LineEdit(w.values[i], cursor: w.cursor).shown(cursorMark: "_") : w.values[i]), x: x, y: top, role: sel ? .input : .plain)
                top += 1
            }
        }
        let bottomRows = 12
        let paneHeight = c.height - top - bottomRows
        let leftWidth = min(40, (c.width - 1) * 2 / 5)
        tokenPane(&c, m, x: 0, y: top, width: leftWidth, height: paneHeight)
        for y in top..<(top + paneHeight) { c.put(g.vertical, x: leftWidth, y: y, role: .border) }
        policyPane(&c, m, x: leftWidth + 1, y: top, width: c.width - leftWidth - 1, height: paneHeight)
        walk(&c, m, y: top + paneHeight, height: 6)
        detail(&c, m, y: top + paneHeight + 6, height: 5)
        Render.statusLine(&c, m, screen: m.screen, y: c.height - 1)
    }

    /// `position`: the lines shown, as `12–20/48`, right-aligned (when the pane has more than it shows).
    static func paneHeading(_ c: inout Canvas, _ m: AppModel, _ text: String, pane: AppModel.Pane, x: Int, y: Int, width: Int, position: String? = nil) {
        let focused = m.pane == pane && m.screen == .diagnosis
        let room = width - (position.map { $0.count + 1 } ?? 0)
        c.put((focused ? "\(m.glyphs.arrow) " : "  ") + text, x: x, y: y, role: focused ? .selected : .heading, limit: room)
        if focused { c.paint(x: x, y: y, count: min(room, text.count + 2), role: .selected) }
        if let position { c.put(position, x: x + width - position.count, y: y, role: .dim) }
    }

    /// "12–20/48" when a pane holds more lines than it shows; nil otherwise.
    static func position(start: Int, shown: Int, total: Int, _ g: Glyphs) -> String? {
        guard total > shown else { return nil }
        return "\(start + 1)\(g.pass == "+" ? "-" : "–")\(min(total, start + shown))/\(total)"
    }

    static func tokenPane(_ c: inout Canvas, _ m: AppModel, x: Int, y: Int, width: Int, height: Int) {
        let lines = TokenPane.lines(model: m)
        let start = min(m.tokenScroll, max(0, lines.count - (height - 1)))
        paneHeading(&c, m, "Token (\(m.glyphs.keyMark) = key)", pane: .token, x: x, y: y, width: width,
                    position: position(start: start, shown: height - 1, total: lines.count, m.glyphs))
        let claim = m.selectedFinding.flatMap { $0.claim }
        for (i, line) in lines.dropFirst(start).prefix(height - 1).enumerated() {
            let hit = claim != nil && line.claim == claim
            c.put(m.glyphs.text(line.text).fit(width, ellipsis: m.glyphs.ellipsis), x: x, y: y + 1 + i, role: hit ? .underline : line.role, limit: width)
        }
    }

    static func policyPane(_ c: inout Canvas, _ m: AppModel, x: Int, y: Int, width: Int, height: Int) {
        guard let d = m.diagnosis else { return }
        // A generated policy (Terraform) is shown as the file the user wrote.
        let home = d.role?.policy.origin?.file(named: nil)
        let total = (home?.text ?? d.role?.policy.source)?.lineCount ?? 0
        let first = min(m.policyScroll, max(0, total - (height - 1)))
        paneHeading(&c, m, "Trust policy" + (d.role.map { $0.shape == .policy && $0.roleName == nil ? "" : " (\($0.description))" } ?? ""), pane: .policy, x: x, y: y, width: width,
                    position: position(start: first, shown: height - 1, total: total, m.glyphs))
        guard let source = home?.text ?? d.role?.policy.source else {
            if let f = d.findings.first(where: { $0.id == .policyInvalid }) {
                c.put(m.glyphs.text(f.detail), x: x + 1, y: y + 1, role: .fail, limit: width - 1)
            }
            return
        }
        // Line roles: failing conditions fail, passing ones pass, the selected finding's range underlined.
        var lineRole: [Int: Role] = [:]
        for s in d.statements {
            for cond in s.conditions {
                guard let policy = d.role?.policy else { continue }
                let r = policy.lineRange(cond.clause.range)
                if r.file != home?.name { continue }
                for l in r.line...r.endLine where lineRole[l] != .fail { lineRole[l] = cond.result ? .pass : .fail }
            }
        }
        let selectedRange = m.selectedFinding?.range
        let numberWidth = String(source.lineCount).count
        let maxStart = max(0, source.lineCount - (height - 1))
        let start = min(m.policyScroll, maxStart)
        for i in 0..<(height - 1) {
            let n = start + i + 1
            guard n <= source.lineCount else { break }
            let inSelected = selectedRange.map { n >= $0.line && n <= $0.endLine } ?? false
            let role = inSelected ? Role.underline : (lineRole[n] ?? .plain)
            let mark: String = {
                switch lineRole[n] {
                case .fail?: return m.glyphs.fail
                case .pass?: return m.glyphs.pass
                default: return " "
                }
            }()
            var cx = c.put(String(n).leftPadded(numberWidth) + mark, x: x, y: y + 1 + i, role: .dim)
            cx = c.put(" ", x: cx, y: y + 1 + i, role: .plain)
            c.put(m.glyphs.text(source.line(n).replacingTabs()), x: cx, y: y + 1 + i, role: role, limit: width - (cx - x))
        }
    }

    static func walk(_ c: inout Canvas, _ m: AppModel, y: Int, height: Int) {
        let g = m.glyphs
        c.put(String(repeating: g.horizontal, count: c.width), x: 0, y: y, role: .border)
        c.put(" Walk \(g.horizontal) \(m.diagnosis.map { "\($0.walk.count) steps, \($0.findings.count) findings" } ?? "") ", x: 2, y: y, role: m.pane == .walk ? .selected : .heading)
        let items = m.items
        let rows = height - 1
        let start = max(0, min(m.selected - rows / 2, items.count - rows))
        for (i, item) in items.enumerated().dropFirst(start).prefix(rows) {
            let row = y + 1 + (i - start)
            let sel = i == m.selected
            let text: String
            let role: Role
            switch item {
            case .step(let s):
                text = "\(g.status(s.status)) \(s.step.fit(12)) \(s.summary)"
                role = s.status == .fail ? .fail : s.status == .warn ? .warn : s.status == .pass ? .pass : .dim
            case .finding(let f):
                text = "\(g.severity(f.severity)) \(f.severity.rawValue.fit(7)) \(f.id.rawValue): \(f.title)"
                role = f.severity == .error ? .fail : f.severity == .warning ? .warn : .dim
            }
            let prefix = sel ? g.arrow : " "
            c.put(prefix + g.text(text).fit(c.width - 2, ellipsis: g.ellipsis), x: 0, y: row, role: sel ? .selected : role)
            if sel && m.pane == .walk { c.cursor = CursorSpot(x: 0, y: row, visible: false) }
        }
    }

    static func detail(_ c: inout Canvas, _ m: AppModel, y: Int, height: Int) {
        let g = m.glyphs
        c.put(String(repeating: g.horizontal, count: c.width), x: 0, y: y, role: .border)
        guard let f = m.selectedFinding else {
            if case .step(let s)? = m.items.indices.contains(m.selected) ? m.items[m.selected] : nil {
                c.put(g.text(s.summary), x: 1, y: y + 1, role: .plain, limit: c.width - 2)
            }
            return
        }
        var row = y + 1
        if let cmp = f.compare {
            // The compare strip: a window around the first difference so the caret is always on screen.
            let label = 16
            let avail = c.width - label - 2
            // Values shown so that a trailing space or a zero-width character cannot hide.
            let actual = VisibleText.shown(cmp.actual)
            let expected = VisibleText.value(cmp.expected)
            let at = cmp.differsAt.map { actual.offsets[min(String(cmp.actual.prefix($0)).unicodeScalars.count, actual.offsets.count - 1)] } ?? 0
            let startCol = max(0, min(at - avail / 2, max(expected.count, actual.text.count) - avail))
            func window(_ s: String) -> String {
                let body = String(s.dropFirst(startCol).prefix(avail))
                return (startCol > 0 ? g.ellipsis : "") + body
            }
            c.put("policy expects".fit(label), x: 1, y: row, role: .heading)
            c.put(g.text(window(expected)), x: 1 + label, y: row, role: .plain)
            row += 1
            c.put("token has".fit(label), x: 1, y: row, role: .heading)
            c.put(g.text(window(actual.text)), x: 1 + label, y: row, role: .fail)
            row += 1
            if cmp.differsAt != nil {
                let col = 1 + label + (startCol > 0 ? g.ellipsis.count : 0) + (at - startCol)
                c.put(g.caret, x: col, y: row, role: .fail)
                var note = " first difference"
                if !cmp.components.isEmpty {
                    note += ": " + cmp.components.filter { !$0.matches }.map { "\($0.name) \($0.expected.map(VisibleText.value) ?? "(absent)") \(g.arrow) \($0.actual.map(VisibleText.value) ?? "(absent)")" }.joined(separator: ", ")
                }
                c.put(g.text(note), x: col + 1, y: row, role: .dim)
                row += 1
            }
        } else {
            row = wrap(&c, g.text(f.detail), x: 1, y: row, width: c.width - 2, maxRows: height - 2, role: .plain)
        }
        if let fix = f.fix, row < y + height {
            c.put("fix ", x: 1, y: row, role: .key)
            _ = wrap(&c, g.text(fix), x: 5, y: row, width: c.width - 6, maxRows: y + height - row, role: .pass)
        }
    }

    @discardableResult
    /// Word-wraps `text` into at most `maxRows` rows. A word longer than a row (an ARN, a `sub`, a URL)
    /// is broken with the cut mark at each break, never losing a character; text past the last row is
    /// handed to the canvas whole, so that the cut is marked.
    static func wrap(_ c: inout Canvas, _ text: String, x: Int, y: Int, width: Int, maxRows: Int, role: Role) -> Int {
        guard width > 1 else { return y }
        var pieces: [String] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            var rest = Substring(word)
            while rest.count > width {
                pieces.append(String(rest.prefix(width - 1)) + String(c.cutMark))
                rest = rest.dropFirst(width - 1)
            }
            pieces.append(String(rest))
        }
        var row = y
        var line = ""
        for (i, piece) in pieces.enumerated() {
            if line.count + piece.count + 1 > width && !line.isEmpty {
                if row - y >= maxRows - 1 {
                    c.put(line + " " + pieces[i...].joined(separator: " "), x: x, y: row, role: role, limit: width)
                    return row + 1
                }
                c.put(line, x: x, y: row, role: role, limit: width)
                row += 1
                line = piece
            } else {
                line += line.isEmpty ? piece : " " + piece
            }
        }
        if !line.isEmpty { c.put(line, x: x, y: row, role: role, limit: width); row += 1 }
        return row
    }
}

enum InputsScreen {
    static func draw(_ c: inout Canvas, _ m: AppModel) {
        let g = m.glyphs
        Render.titleBar(&c, m, "inputs")
        c.put(g.text("Paste, type or load the job's ID token and the role's trust policy."), x: 1, y: 2, role: .plain, limit: c.width - 2)
        // A blank line between slots where the height allows; at 80×24 the prompt line must still fit.
        let spacing = c.height >= 4 + m.slots.count * 4 + 4 ? 4 : 3
        var y = 4
        for (i, slot) in m.slots.enumerated() {
            let sel = i == m.selectedSlot
            c.put((sel ? g.arrow + " " : "  ") + slot.kind.rawValue, x: 0, y: y, role: sel ? .selected : .heading)
            if sel { c.cursor = CursorSpot(x: 0, y: y, visible: false) }
            if let r = slot.recognition {
                c.put("\(r.ok ? g.pass : g.fail) \(slot.source)", x: 24, y: y, role: r.ok ? .pass : .fail, limit: c.width - 25)
                DiagnosisScreen.wrap(&c, g.text(r.summary), x: 4, y: y + 1, width: c.width - 6, maxRows: 2, role: r.ok ? .plain : .fail)
            } else {
                c.put("\(g.skip) empty", x: 24, y: y, role: .dim)
            }
            y += spacing
        }
        switch m.prompt {
        case .path(let p):
            c.put("file: " + g.text(m.typedWithCursor(p)), x: 1, y: y, role: .input, limit: c.width - 2)
            c.cursor = m.textCursor(label: "file: ", p, x: 1, y: y, width: c.width)
            if !m.completions.isEmpty { c.put(g.text(m.completions.prefix(6).joined(separator: "  ")), x: 1, y: y + 1, role: .dim, limit: c.width - 2) }
        case .env(let p):
            c.put("environment variable: " + g.text(m.typedWithCursor(p)), x: 1, y: y, role: .input, limit: c.width - 2)
            c.cursor = m.textCursor(label: "environment variable: ", p, x: 1, y: y, width: c.width)
        case .typing:
            c.put("typing into \(m.slots[m.selectedSlot].kind.rawValue): Esc ends" + (m.slots[m.selectedSlot].kind == .token ? ", Enter ends" : ""), x: 1, y: y, role: .input)
            // What is typed is echoed: the end of the slot's last line, with the cursor after it.
            let last = m.slots[m.selectedSlot].text.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            let room = c.width - 4
            let tail = last.count > room - 1 ? g.ellipsis + String(last.suffix(room - 2)) : last
            c.put(g.text(tail) + "_", x: 1, y: y + 1, role: .input, limit: c.width - 2)
        case .savePath, .confirmOverwrite, .time, .confirmQuit: break
        case .none:
            if let d = m.diagnosis {
                c.put("verdict: \(d.decision.rawValue.uppercased())\(d.primaryCause.map { ", \($0.rawValue)" } ?? "") \(g.arrow) Enter shows the diagnosis", x: 1, y: y, role: d.decision == .allow ? .pass : .fail, limit: c.width - 2)
            }
        }
        if let msg = m.message { c.put(g.text(msg), x: 1, y: c.height - 2, role: .dim, limit: c.width - 2) }
        Render.statusLine(&c, m, screen: .inputs, y: c.height - 1)
    }
}

enum FixScreen {
    static func draw(_ c: inout Canvas, _ m: AppModel) {
        guard let d = m.diagnosis else { return }
        let g = m.glyphs
        Render.verdict(&c, m, d, what: "FIX")
        guard let f = m.selectedFinding ?? d.primary else {
            c.put("Nothing to fix: select a finding first.", x: 1, y: 3, role: .dim)
            Render.statusLine(&c, m, screen: .fix, y: c.height - 1)
            return
        }
        c.put(g.text("\(f.id.rawValue): \(f.title)"), x: 1, y: 3, role: f.severity == .error ? .fail : .warn, limit: c.width - 2)
        var y = DiagnosisScreen.wrap(&c, g.text("fix: " + (f.fix ?? "none")), x: 1, y: 4, width: c.width - 2, maxRows: 3, role: .pass) + 1
        if let (edit, source) = d.editInGivenText(f), let preview = EditPreview(edit, in: source, context: 2, maxLines: .max) {
            c.put("Corrected policy (diff):", x: 1, y: y, role: .heading)
            y += 1
            for line in preview.lines where y < c.height - 3 {
                let (sign, role): (String, Role) = switch line.kind {
                case .same: ("   ", .plain)
                case .removed: (" - ", .fail)
                case .added: (" + ", .pass)
                }
                c.put(String(line.number).leftPadded(4) + sign + g.text(line.text.replacingTabs()), x: 0, y: y, role: role, limit: c.width)
                y += 1
            }
        } else {
            c.put("No single edit of the policy fixes this; the fix above names the change (provider, job or policy).", x: 1, y: y, role: .dim, limit: c.width - 2)
        }
        switch m.prompt {
        case .savePath(let p):
            c.put("write corrected policy to: " + g.text(m.typedWithCursor(p)), x: 1, y: c.height - 2, role: .input, limit: c.width - 2)
            c.cursor = m.textCursor(label: "write corrected policy to: ", p, x: 1, y: c.height - 2, width: c.width)
        case .confirmOverwrite(let p): c.put(g.text("\(p) exists: overwrite it? y/n"), x: 1, y: c.height - 2, role: .warn, limit: c.width - 2)
        case .confirmQuit: c.put("the corrected policy is not written: quit anyway? y/n", x: 1, y: c.height - 2, role: .warn, limit: c.width - 2)
        default: if let msg = m.message { c.put(g.text(msg), x: 1, y: c.height - 2, role: .dim, limit: c.width - 2) }
        }
        Render.statusLine(&c, m, screen: .fix, y: c.height - 1)
    }
}

enum RolesScreen {
    static func draw(_ c: inout Canvas, _ m: AppModel) {
        let g = m.glyphs
        let roles = m.shownRoles
        Render.titleBar(&c, m, "audit: \(roles.count) role\(roles.count == 1 ? "" : "s") trusting an OIDC provider, \(m.rolesByName ? "by name" : "riskiest first")")
        // Column headings: the risk mark is the role's, "this job" the --token's answer.
        c.put("risk role" + String(repeating: " ", count: 29) + "this job    admits (broadest first)", x: 0, y: 1, role: .dim, limit: c.width)
        let listRows = c.height - 10
        let start = max(0, min(m.roleIndex - listRows / 2, roles.count - listRows))
        for (i, role) in roles.enumerated().dropFirst(start).prefix(listRows) {
            let y = 2 + i - start
            let sel = i == m.roleIndex
            let (mark, role_): (String, Role) = {
                switch role.risk {
                case 3: return (g.fail, .fail)
                case 2: return (g.warn, .warn)
                case 1: return ("?", .dim)
                default: return (g.pass, .pass)
                }
            }()
            let can = role.canAssume.map { $0 ? "can assume" : "cannot" } ?? (role.assessed ? "unknown" : "–")
            if sel { c.cursor = CursorSpot(x: 0, y: y, visible: false) }
            var x = c.put((sel ? g.arrow : " ") + mark + "   ", x: 0, y: y, role: sel ? .selected : role_)
            x = c.put(g.text(role.name).fit(32, ellipsis: g.ellipsis), x: x, y: y, role: sel ? .selected : .plain)
            x = c.put(" " + can.fit(11), x: x, y: y, role: role.canAssume == true ? .pass : .dim)
            c.put(g.text(role.admits.first ?? role.error ?? ""), x: x + 1, y: y, role: .dim, limit: c.width - x - 2)
        }
        let y0 = c.height - 8
        c.put(String(repeating: g.horizontal, count: c.width), x: 0, y: y0, role: .border)
        guard m.roleIndex < roles.count else { Render.statusLine(&c, m, screen: .roles, y: c.height - 1); return }
        let r = roles[m.roleIndex]
        var lines: [(String, Role)] = [("\(r.name)  \(r.source)\(r.arn.map { "  \($0)" } ?? "")", .heading)]
        lines += r.admits.map { ("admits \($0)", .plain) }
        if let cause = r.primaryCause { lines.append(("this job cannot assume it: \(cause.rawValue)", .fail)) }
        lines += r.warnings.map { ("\(AuditedRole.errorSeverity.contains($0.id) ? g.fail : g.warn) \($0.id.rawValue): \($0.detail)", AuditedRole.errorSeverity.contains($0.id) ? .fail : .warn) }
        if let e = r.error { lines.append(("unreadable: \(e)", .fail)) }
        for (i, l) in lines.prefix(6).enumerated() { c.put(g.text(l.0), x: 1, y: y0 + 1 + i, role: l.1, limit: c.width - 2) }
        Render.statusLine(&c, m, screen: .roles, y: c.height - 1)
    }
}

enum DemoPickerScreen {
    static func draw(_ c: inout Canvas, _ m: AppModel) {
        let g = m.glyphs
        Render.titleBar(&c, m, "demos: built-in scenarios, each evaluated at its own time")
        for (i, s) in DemoScenario.all.enumerated() {
            let sel = i == m.demoIndex
            let d = i < m.demoVerdicts.count ? m.demoVerdicts[i] : Diagnoser.diagnose(s.request)
            let verdict = d.decision == .allow ? "\(g.pass) allow" : "\(g.fail) \(d.primaryCause?.rawValue ?? "deny")"
            let y = 2 + i * 2
            c.put((sel ? g.arrow : " ") + " " + s.name.fit(22), x: 0, y: y, role: sel ? .selected : .heading)
            c.put(verdict, x: 25, y: y, role: d.decision == .allow ? .pass : .fail)
            c.put(g.text(s.title), x: 3, y: y + 1, role: .plain, limit: c.width - 4)
        }
        Render.statusLine(&c, m, screen: .demoPicker, y: c.height - 1)
    }
}

enum HelpScreen {
    static func draw(_ c: inout Canvas, _ m: AppModel) {
        let g = m.glyphs
        Render.titleBar(&c, m, "help")
        var lines: [(String, Role)] = []
        // Each entry wrapped at word boundaries under its description, never cut.
        let indent = 17
        func wrapped(_ text: String, first: String, role: Role) {
            var line = first
            for word in text.split(separator: " ") {
                if line.count + word.count + 1 > c.width - 1 && line.count > indent {
                    lines.append((line, role))
                    line = String(repeating: " ", count: indent)
                }
                line += (line.last == " " ? "" : " ") + word
            }
            lines.append((line, role))
        }
        for b in KeyMap.all {
            let keys = g.keys(b.keys)
            wrapped(b.help + "  [" + b.screens.map(\.rawValue).sorted().joined(separator: ", ") + "]", first: "  " + keys.fit(indent - 3) + " ", role: .plain)
        }
        lines.append(("", .plain))
        wrapped("Symbols: \(g.pass) pass  \(g.fail) fail  \(g.warn) warning  \(g.skip) not checked  \(g.keyMark) claim that becomes a condition key", first: "  ", role: .dim)
        wrapped("The verdict is the engine's, the same as `oidc-doctor check`; what-if edits never touch the real token.", first: "  ", role: .dim)
        let start = min(m.helpScroll, max(0, lines.count - (c.height - 3)))
        for (i, l) in lines.dropFirst(start).prefix(c.height - 3).enumerated() { c.put(l.0, x: 0, y: 2 + i, role: l.1, limit: c.width) }
        Render.statusLine(&c, m, screen: .help, y: c.height - 1)
    }
}

extension String {
    func leftPadded(_ w: Int) -> String { String(repeating: " ", count: max(0, w - count)) + self }
    func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}
