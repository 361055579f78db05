import OIDCDoctorCore

/// Who else the policy admits: one row per witness job, ✓/✗ with what decides; the selected job's
/// claims and the full reason below. Enter opens the job as a what-if.
enum MatrixScreen {
    static func draw(_ c: inout Canvas, _ m: AppModel) {
        let g = m.glyphs
        guard let matrix = m.matrix else { Render.statusLine(&c, m, screen: .matrix, y: c.height - 1); return }
        let rows = matrix.rows
        let admitted = matrix.admitted.count
        Render.titleBar(&c, m, "who else this policy admits: " + (matrix.admitsNobody ? "nobody — no witness job gets in" : "\(admitted) of \(rows.count) witness jobs get in"))
        c.put("witness job", x: 3, y: 1, role: .dim)
        let labelWidth = min(46, c.width / 2 + 6)
        c.put("what decides", x: 3 + labelWidth + 1, y: 1, role: .dim)
        let listRows = c.height - 11
        let start = max(0, min(m.matrixIndex - listRows / 2, rows.count - listRows))
        for (i, r) in rows.enumerated().dropFirst(start).prefix(listRows) {
            let y = 2 + i - start
            let sel = i == m.matrixIndex
            let (mark, role): (String, Role) = r.decision == .allow ? (g.pass, .pass) : r.decision == .deny ? (g.fail, .fail) : ("?", .warn)
            if sel { c.cursor = CursorSpot(x: 0, y: y, visible: false) }
            var x = c.put((sel ? g.arrow : " ") + mark + " ", x: 0, y: y, role: sel ? .selected : role)
            x = c.put(g.text(r.witness.label).fit(labelWidth, ellipsis: g.ellipsis), x: x, y: y, role: sel ? .selected : .plain)
            let deciding = r.decision == .allow ? r.place : (r.cause?.rawValue ?? "refused")
            c.put(" " + g.text(deciding), x: x, y: y, role: r.decision == .allow ? .pass : .dim, limit: c.width - x - 1)
        }
        if rows.count > listRows {
            c.put("\(m.matrixIndex + 1)/\(rows.count)", x: c.width - 8, y: 1, role: .dim)
        }
        let y0 = c.height - 9
        c.put(String(repeating: g.horizontal, count: c.width), x: 0, y: y0, role: .border)
        guard m.matrixIndex < rows.count else { Render.statusLine(&c, m, screen: .matrix, y: c.height - 1); return }
        let r = rows[m.matrixIndex]
        let claims = r.witness.claims
        let s = { (k: String) in claims[k]?.string ?? "–" }
        c.put(g.text(r.witness.label), x: 1, y: y0 + 1, role: .heading, limit: c.width - 2)
        c.put(g.text("sub \(s("sub"))"), x: 1, y: y0 + 2, role: .plain, limit: c.width - 2)
        let aud: String = claims["aud"]?.string ?? { if case .array(let a)? = claims["aud"] { return a.compactMap(\.string).joined(separator: ",") }; return "–" }()
        c.put(g.text("iss \(s("iss"))  aud \(aud)"), x: 1, y: y0 + 3, role: .dim, limit: c.width - 2)
        c.put(g.text("pipeline_source \(s("pipeline_source"))  ref_protected \(s("ref_protected"))  project_id \(s("project_id"))"), x: 1, y: y0 + 4, role: .dim, limit: c.width - 2)
        var why = (r.decision == .allow ? "\(g.pass) " : r.decision == .deny ? "\(g.fail) " : "? ") + r.why
        if !r.undocumented.isEmpty { why += " [AWS behaviour undocumented]" }
        DiagnosisScreen.wrap(&c, g.text(why), x: 1, y: y0 + 5, width: c.width - 2, maxRows: 3, role: r.decision == .allow ? .pass : .fail)
        Render.statusLine(&c, m, screen: .matrix, y: c.height - 1)
    }
}
