import OIDCDoctorCore

/// What the executable must do for the model (I/O lives there); results come back as `Message`s.
public enum ScreenEffect: Sendable, Equatable {
    case quit
    case loadFile(path: String, slot: Int)
    case readEnvironment(name: String, slot: Int)
    case completePath(prefix: String)
    /// Writes the corrected policy; never replaces an existing file unless `overwrite`.
    case writeFile(path: String, contents: String, overwrite: Bool)
    /// Ctrl-L: paint the whole screen again (something else drew over it).
    case redraw
}

public enum Message: Sendable, Equatable {
    case key(KeyEvent)
    case loaded(slot: Int, text: String, source: String)
    /// A `.tf` file or module directory for the policy slot, read by the executable.
    case loadedTerraform(slot: Int, files: TerraformFiles, source: String)
    case loadFailed(slot: Int, message: String)
    case completions([String])
    case saved(path: String)
    case saveFailed(path: String, message: String, exists: Bool)
}

/// One of the three inputs of the Inputs screen.
public struct InputSlot: Sendable {
    public enum Kind: String, Sendable { case token = "Token", policy = "Trust policy", provider = "Provider (optional)", stsError = "STS error (optional)", rcp = "RCP (optional)" }
    public var kind: Kind
    public var text: String = ""
    public var source: String = ""
    /// A Terraform configuration this slot was loaded from; it stands while the text and source are
    /// the ones it was loaded with (typing or pasting replaces it).
    public var terraform: (files: TerraformFiles, text: String, source: String)?

    /// The slot shows the configuration's main file (the one given, main.tf, or the first .tf).
    mutating func load(terraform files: TerraformFiles, source: String) {
        let home = files.focus.flatMap { files.files[$0] } ?? files.files["main.tf"]
            ?? files.files.keys.sorted().first { $0.hasSuffix(".tf") }.flatMap { files.files[$0] } ?? ""
        text = home.isEmpty ? "# \(source)\n" : home
        self.source = source
        terraform = (files, text, source)
    }

    public var terraformFiles: TerraformFiles? {
        guard let t = terraform, t.text == text, t.source == source else { return nil }
        return t.files
    }

    /// `recognition` as of the last `recognize()`, with the text and source it was made for: a frame
    /// reads this instead of parsing a slot (up to 4 MiB) again.
    private var recognized: (text: String, source: String, value: (ok: Bool, summary: String)?)?

    public init(kind: Kind) { self.kind = kind }

    /// What was recognised, or the read error with its place.
    public var recognition: (ok: Bool, summary: String)? {
        if let r = recognized, r.text == text, r.source == source { return r.value }
        if let files = terraformFiles { return Self.recognize(terraform: files) }
        return Self.recognize(kind, text, source: source, role: role)
    }

    /// Brings `recognition` up to date with the text; cheap when nothing changed.
    public mutating func recognize() {
        if let r = recognized, r.text == text, r.source == source { return }
        recognized = (text, source, terraformFiles.map(Self.recognize(terraform:)) ?? Self.recognize(kind, text, source: source, role: role))
    }

    /// "Terraform module, 3 files, role aws_iam_role.ci["deploy"], 2 statements" or why not.
    static func recognize(terraform files: TerraformFiles) -> (ok: Bool, summary: String) {
        do {
            let reading = try TerraformReader.read(files)
            let names = reading.roles.map(\.address)
            guard reading.roles.count == 1, let role = reading.roles.first else {
                return (!names.isEmpty, "\(reading.summary), \(names.count) roles: \(names.prefix(4).joined(separator: ", "))\(names.count > 4 ? ", …" : "")")
            }
            let input = try reading.roleInput(role, roleArn: nil)
            let n = input.policy.statements.count
            return (true, "\(input.description), \(n) statement\(n == 1 ? "" : "s")")
        } catch { return (false, error.located) }
    }

    /// The role `--role` names, for a policy input that holds several.
    public var role: String?

    static func recognize(_ kind: Kind, _ text: String, source: String, role: String? = nil) -> (ok: Bool, summary: String)? {
        guard !text.isEmpty else { return nil }
        switch kind {
        case .token:
            if let e = CloudTrailEvent.read(text) {
                return (true, "CloudTrail event: iss \(e.token.issuer ?? "?"), sub \(e.token.subject ?? "?") (only iss, aud and sub are known)")
            }
            do {
                let t = try TokenReader.read(text)
                return (true, "JWT \(t.alg ?? "?"), iss \(t.issuer ?? "(none)"), sub \(t.subject ?? "(none)")")
            } catch { return (false, error.message) }
        case .policy:
            do {
                let r = try RoleInput.read(text, role: role, roleArn: nil)
                return (true, "\(r.description), \(r.policy.statements.count) statement\(r.policy.statements.count == 1 ? "" : "s")")
            } catch { return (false, error.located) }
        case .stsError:
            let o = ObservedError(text)
            let said = o.code == nil ? nil : o.text
            if let known = o.knownCause { return (true, "known cause: \(known)" + (said.map { " (\($0))" } ?? "")) }
            return (o.code != nil, said ?? "no STS error code found in \(text.prefix(60).debugDescription)")
        case .provider:
            do {
                let ps = try OIDCProvider.read(text, source: source, partition: nil, account: nil)
                return (true, ps.map { "provider \($0.effectiveURL ?? "?")\($0.clientIDs.map { ", client IDs \($0.joined(separator: ", "))" } ?? "")" }.joined(separator: "; "))
            } catch { return (false, error.message) }
        case .rcp:
            do {
                let r = try ResourceControlPolicy.read(text, source: source)
                let denies = r.policy.statements.filter { $0.effect == .deny }.count
                return (true, "resource control policy \(r.name), \(r.policy.statements.count) statement\(r.policy.statements.count == 1 ? "" : "s"), \(denies) Deny")
            } catch { return (false, error.located) }
        }
    }
}

/// The editable claims of the What-if screen.
public struct WhatIf: Sendable {
    public static let fields = ["project path", "ref", "ref type", "audience", "issuer"]
    public var values: [String]
    public var selected = 0
    /// The cursor in the selected field (nil: at its end).
    public var cursor: Int?
    /// The claims the edits apply to: a witness job's (from the matrix), else the real token's.
    public var base: PlainJSON? = nil
    /// Where Esc returns: the matrix the job came from, or the real diagnosis.
    public var fromMatrix = false

    init(values: [String], base: PlainJSON? = nil, fromMatrix: Bool = false) {
        self.values = values
        self.base = base
        self.fromMatrix = fromMatrix
    }

    /// The fields of a token's claims (its `sub` components first).
    init(claims: PlainJSON, base: PlainJSON? = nil, fromMatrix: Bool = false) {
        let sub = claims["sub"]?.string.flatMap(SubClaim.init)
        let aud: String? = claims["aud"]?.string ?? { if case .array(let a)? = claims["aud"] { return a.first?.string }; return nil }()
        self.init(values: [sub?.value("project_path") ?? claims["project_path"]?.string ?? "", sub?.value("ref") ?? claims["ref"]?.string ?? "",
                           sub?.value("ref_type") ?? claims["ref_type"]?.string ?? "", aud ?? "", claims["iss"]?.string ?? ""],
                  base: base, fromMatrix: fromMatrix)
    }
}

/// The whole TUI state. `update` is the only way it changes; `render` only reads it.
public struct AppModel: Sendable {
    public var screen: ScreenKind
    public var previous: ScreenKind = .diagnosis
    public var glyphs: Glyphs

    // Inputs
    public var slots = [InputSlot(kind: .token), InputSlot(kind: .policy), InputSlot(kind: .provider), InputSlot(kind: .stsError), InputSlot(kind: .rcp)]
    /// Inputs from the command line beyond what the slots hold (a second provider or RCP), kept for re-diagnosis.
    var extraProviders: [DiagnosisRequest.Input] = []
    var extraRCPs: [DiagnosisRequest.Input] = []
    public var selectedSlot = 0
    public enum Prompt: Sendable, Equatable { case none, typing, path(String), env(String), savePath(String), confirmOverwrite(String), time(String), confirmQuit }
    /// The corrected policy shown on the fix screen was written out.
    public var fixSaved = false
    /// The evaluation time was moved to the job's own (iat + 1 minute) with `t`.
    public var atJobTime = false
    public var prompt = Prompt.none
    public var completions: [String] = []
    public var message: String?

    // Diagnosis
    public var request: DiagnosisRequest?
    public var diagnosis: Diagnosis?
    public var selected = 0
    public enum Pane: Int, Sendable { case walk, token, policy }
    public var pane = Pane.walk
    public var tokenScroll = 0
    public var policyScroll = 0
    public var title = ""

    // What-if and demos
    public var whatIf: WhatIf?
    public var realDiagnosis: Diagnosis?
    public var demoIndex = 0
    public var helpScroll = 0

    public init(screen: ScreenKind = .inputs, glyphs: Glyphs = .unicode) {
        self.screen = screen
        self.glyphs = glyphs
    }

    /// Opens straight on the diagnosis of a request (`oidc-doctor --token … --policy …`, or a demo).
    public init(request: DiagnosisRequest, title: String, glyphs: Glyphs = .unicode) {
        self.init(screen: .diagnosis, glyphs: glyphs)
        self.title = title
        slots[0].text = request.token.text
        slots[0].source = request.token.source
        slots[1].text = request.policy.text
        slots[1].source = request.policy.source
        slots[1].role = request.role
        if let tf = request.terraform { slots[1].load(terraform: tf, source: request.policy.source) }
        if let p = request.providers.first {
            slots[2].text = p.text
            slots[2].source = p.source
        }
        extraProviders = Array(request.providers.dropFirst())
        if let o = request.observed {
            slots[3].text = o
            slots[3].source = "--sts-error"
        }
        if let r = request.rcps.first {
            slots[4].text = r.text
            slots[4].source = r.source
        }
        extraRCPs = Array(request.rcps.dropFirst())
        open(request)
    }

    public static func demoPicker(glyphs: Glyphs = .unicode) -> AppModel {
        var m = AppModel(screen: .demoPicker, glyphs: glyphs)
        // Diagnosed once here, not on every frame.
        m.demoVerdicts = DemoScenario.all.map { Diagnoser.diagnose($0.request) }
        return m
    }

    public var demoVerdicts: [Diagnosis] = []

    // The matrix: witness jobs of the diagnosed policy, or of the selected role
    public var matrix: AdmissionMatrix?
    public var matrixIndex = 0
    /// The screen the matrix was opened from (diagnosis or roles).
    public var matrixFrom = ScreenKind.diagnosis

    // Roles (audit)
    public var audit: AuditReport?
    public var roleIndex = 0
    public var rolesByName = false

    /// The roles list of `oidc-doctor audit` on a terminal; `token`: the job `--token` named, which
    /// Enter diagnoses against the selected role.
    public static func roles(_ report: AuditReport, token: DiagnosisRequest.Input? = nil, glyphs: Glyphs = .unicode) -> AppModel {
        var m = AppModel(screen: .roles, glyphs: glyphs)
        m.audit = report
        m.auditToken = token
        return m
    }

    /// `audit --token`: the job to diagnose when a role is opened.
    public var auditToken: DiagnosisRequest.Input?
    /// The diagnosis was opened from the roles list: Esc goes back to it.
    public var fromRoles = false

    /// The audited roles in the order shown: riskiest first, or by name.
    public var shownRoles: [AuditedRole] {
        guard let a = audit else { return [] }
        return rolesByName ? a.roles.sorted { $0.name < $1.name } : a.roles
    }

    mutating func open(_ r: DiagnosisRequest) {
        request = r
        atJobTime = false
        diagnosis = Diagnoser.diagnose(r)
        realDiagnosis = diagnosis
        whatIf = nil
        selected = primaryItemIndex
        // A role of a larger file (list-roles) sits lower in it: its policy is shown, not the lines above.
        policyScroll = 0
        if let p = diagnosis?.role?.policy, let first = p.statements.first.map({ p.lineRange($0.range).line }), first > 8 { policyScroll = first - 3 }
        scrollToSelection()
    }

    // MARK: the walk list: walk steps, then findings

    public enum Item: Sendable {
        case step(WalkStep)
        case finding(Finding)
    }

    public var items: [Item] {
        guard let d = diagnosis else { return [] }
        return d.walk.map(Item.step) + d.findings.map(Item.finding)
    }

    var primaryItemIndex: Int {
        guard let d = diagnosis else { return 0 }
        if !d.findings.isEmpty, d.primaryCause != nil { return d.walk.count }
        return max(0, d.walk.count - 1)
    }

    /// The finding the selection stands for: a finding itself, or the first finding of a failing step.
    public var selectedFinding: Finding? {
        let list = items
        guard selected >= 0 && selected < list.count else { return nil }
        switch list[selected] {
        case .finding(let f): return f
        case .step(let s):
            guard s.status == .fail || s.status == .warn else { return nil }
            return diagnosis?.findings.first { f in Self.step(of: f.id) == s.step }
        }
    }

    static func step(of id: FindingID) -> String {
        let raw = id.rawValue
        if raw.hasPrefix("condition.") || raw == "trust.always-true-condition" { return "conditions" }
        if raw.hasPrefix("principal.") { return "principal" }
        if raw.hasPrefix("action.") { return "action" }
        if raw == "provider.audience" || raw == "token.aud-multiple" { return "audience" }
        if raw.hasPrefix("provider.") { return "provider" }
        if raw == "token.expired" || raw == "token.expiring" || raw == "token.not-yet-valid" { return "time" }
        if raw.hasPrefix("token.signature") || raw == "token.unknown-key" || raw == "token.unsupported-alg" || raw == "token.unverified" { return "signature" }
        if raw.hasPrefix("request.") { return "request" }
        if raw.hasPrefix("session.") { return "session" }
        return "token"
    }

    /// Scrolls both panes so the selected finding's condition and claim are in view.
    mutating func scrollToSelection() {
        guard let f = selectedFinding else { return }
        if let r = f.range { policyScroll = max(0, r.line - 3) }
        if let claim = f.claim ?? (f.key.flatMap { $0.split(separator: ":").last.map(String.init) }) {
            if let i = TokenPane.lines(model: self).firstIndex(where: { $0.claim == claim }) { tokenScroll = max(0, i - 1) }
        }
    }

    // MARK: update

    /// Work a frame needs that key handling can skip: recognising the input slots, once per change
    /// (the loop calls this after draining the keys already typed, not per key).
    public mutating func prepareFrame() {
        guard screen == .inputs else { return }
        for i in slots.indices { slots[i].recognize() }
    }

    public mutating func update(_ message: Message) -> [ScreenEffect] {
        switch message {
        case .loaded(let slot, let text, let source):
            slots[slot].text = text
            slots[slot].source = source
            self.message = "\(slots[slot].kind.rawValue) loaded from \(source)"
            return diagnoseIfReady()
        case .loadedTerraform(let slot, var files, let source):
            // The command line's --var/--var-file stand for a configuration loaded later too.
            if files.arguments.isEmpty, let given = request?.terraform?.arguments { files.arguments = given }
            // The account and partition of --role-arn, as on the command line.
            if files.account == nil, let arn = request?.parameters.roleArn.flatMap(ARN.init) {
                files.account = arn.account
                files.partition = arn.partition
            }
            slots[slot].load(terraform: files, source: source)
            let count = files.files.keys.filter(TerraformFiles.isConfigFile).count
            self.message = "\(slots[slot].kind.rawValue) loaded from \(source) (Terraform, \(count) .tf file\(count == 1 ? "" : "s"))"
            return diagnoseIfReady()
        case .loadFailed(_, let m):
            self.message = m
            return []
        case .saved(let path):
            fixSaved = true
            self.message = "corrected policy written to \(path)"
            return []
        case .saveFailed(let path, let m, let exists):
            if exists {
                prompt = .confirmOverwrite(path)
                self.message = "\(path) exists: overwrite it? y/n"
            } else {
                self.message = m
            }
            return []
        case .completions(let list):
            completions = list
            promptCursor = nil
            if case .path = prompt, list.count == 1 { prompt = .path(list[0]) } else if case .path(let p) = prompt, let common = Self.commonPrefix(list), common.count > p.count {
                prompt = .path(common)
            }
            return []
        case .key(let key):
            if case .resize(let w, let h) = key {
                screenWidth = w
                screenHeight = h
                return []
            }
            return handle(key)
        }
    }

    static func commonPrefix(_ list: [String]) -> String? {
        guard var p = list.first else { return nil }
        for s in list.dropFirst() { while !s.hasPrefix(p) { p.removeLast() } }
        return p
    }

    mutating func handle(_ key: KeyEvent) -> [ScreenEffect] {
        // A message answers the last key: the next one clears it (a handler may set a new one).
        message = nil
        if key == .ctrl("l") { return [.redraw] }
        if prompt != .none { return handlePrompt(key) }
        // A prompt opened by this key starts with its cursor at the end of its text.
        promptCursor = nil
        // In the what-if every printable key is text, `?` included.
        if key == .char("?") && screen != .help && screen != .whatIf {
            previous = screen
            screen = .help
            helpScroll = 0
            return []
        }
        switch screen {
        case .help:
            switch key {
            case .escape, .char("?"): screen = previous
            case .char("q"): return [.quit]
            case .down, .char("j"): helpScroll += 1
            case .up, .char("k"): helpScroll = max(0, helpScroll - 1)
            default: break
            }
            return []
        case .demoPicker:
            switch key {
            case .down, .char("j"): demoIndex = min(DemoScenario.all.count - 1, demoIndex + 1)
            case .up, .char("k"): demoIndex = max(0, demoIndex - 1)
            case .enter:
                let d = DemoScenario.all[demoIndex]
                let g = glyphs
                self = AppModel(request: d.request, title: "demo \(d.name): \(d.title)", glyphs: g)
                previous = .demoPicker
            case .char("q"), .ctrl("c"): return [.quit]
            default: break  // Esc backs out, and there is nothing to back out of: it never quits
            }
            return []
        case .fix:
            switch key {
            case .escape: screen = .diagnosis
            case .char("s"):
                if fixedPolicy == nil { message = "no single edit of the policy fixes this finding" } else { prompt = .savePath(suggestedSavePath) }
            case .char("q"):
                // A corrected policy on screen and not written: quitting asks first (DESIGN §5).
                if fixedPolicy != nil && !fixSaved { prompt = .confirmQuit; return [] }
                return [.quit]
            case .ctrl("c"): return [.quit]
            default: break
            }
            return []
        case .roles:
            switch key {
            case .down, .char("j"): roleIndex = min(max(0, shownRoles.count - 1), roleIndex + 1)
            case .up, .char("k"): roleIndex = max(0, roleIndex - 1)
            case .pageDown: roleIndex = min(max(0, shownRoles.count - 1), roleIndex + 10)
            case .pageUp: roleIndex = max(0, roleIndex - 10)
            case .char("r"): rolesByName.toggle(); roleIndex = 0
            case .char("m"):
                guard roleIndex < shownRoles.count, let m = shownRoles[roleIndex].matrix else { message = "this role's policy could not be read"; return [] }
                openMatrix(m, from: .roles)
            case .enter:
                // The selected role's diagnosis for the job at hand; Esc comes back to the list.
                guard roleIndex < shownRoles.count, let base = shownRoles[roleIndex].matrix?.base else { message = "this role's policy could not be read"; return [] }
                guard let token = auditToken else { message = "give audit --token to diagnose a job against a role; m shows who gets in"; return [] }
                var r = base
                r.token = token
                r.lint = true
                open(r)
                title = shownRoles[roleIndex].name
                fromRoles = true
                screen = .diagnosis
            case .escape where rolesFromInputs:
                rolesFromInputs = false
                screen = .inputs
            case .char("q"), .ctrl("c"): return [.quit]
            default: break
            }
            return []
        case .matrix: return handleMatrix(key)
        case .inputs: return handleInputs(key)
        case .diagnosis: return handleDiagnosis(key)
        case .whatIf: return handleWhatIf(key)
        }
    }

    /// What one input slot takes, pasted or loaded alike (an account's list-roles output fits).
    public static let slotLimit = 64 << 20

    /// The message for a text over `slotLimit`, worded as a file over it is (InputSource).
    static func tooLarge(_ what: String, _ bytes: Int) -> String {
        "\(what): \(bytes) bytes is more than the \(slotLimit)-byte limit"
    }

    mutating func handleInputs(_ key: KeyEvent) -> [ScreenEffect] {
        if case .paste(let text) = key, text.utf8.count > Self.slotLimit {
            message = Self.tooLarge("pasted text", text.utf8.count)
            return []
        }
        switch key {
        case .paste(let text):
            slots[selectedSlot].text = text
            slots[selectedSlot].source = "pasted"
            message = "\(slots[selectedSlot].kind.rawValue) pasted (\(text.utf8.count) bytes)"
            return diagnoseIfReady()
        case .down, .char("j"), .tab: selectedSlot = (selectedSlot + 1) % slots.count
        case .up, .char("k"), .backTab: selectedSlot = (selectedSlot + slots.count - 1) % slots.count
        case .char("l"): prompt = .path(""); completions = []
        case .char("e"): prompt = .env("")
        case .char("i"): prompt = .typing
        case .char("x"): slots[selectedSlot].text = ""; slots[selectedSlot].source = ""
        case .enter:
            if pickRole() { return [] }
            if diagnosis != nil && slots[0].text.isEmpty == false && slots[1].text.isEmpty == false { screen = .diagnosis } else { return diagnoseIfReady(force: true) }
        case .char("q"), .ctrl("c"): return [.quit]
        case .escape where diagnosis != nil: screen = .diagnosis
        default: break
        }
        return []
    }

    mutating func handlePrompt(_ key: KeyEvent) -> [ScreenEffect] {
        switch prompt {
        case .typing:
            switch key {
            case .escape: prompt = .none; return diagnoseIfReady()
            case .enter where slots[selectedSlot].kind == .token: prompt = .none; return diagnoseIfReady()
            case .enter: slots[selectedSlot].text += "\n"
            case .backspace: if !slots[selectedSlot].text.isEmpty { slots[selectedSlot].text.removeLast() }
            case .char(let c): slots[selectedSlot].text.append(c); slots[selectedSlot].source = "typed"
            case .paste(let t):
                guard slots[selectedSlot].text.utf8.count + t.utf8.count <= Self.slotLimit else {
                    message = Self.tooLarge("pasted text", slots[selectedSlot].text.utf8.count + t.utf8.count)
                    return []
                }
                slots[selectedSlot].text += t
                slots[selectedSlot].source = "pasted"
            default: break
            }
        case .savePath(var p):
            switch key {
            case .escape: prompt = .none
            case .enter:
                prompt = .none
                guard let fixed = fixedPolicy, !p.isEmpty else { return [] }
                return [.writeFile(path: p, contents: fixed, overwrite: false)]
            default: if edit(&p, key) { prompt = .savePath(p) }
            }
            return []
        case .time(var p):
            switch key {
            case .escape: prompt = .none
            case .enter:
                prompt = .none
                guard let at = TimeText.parse(String(p.filter { $0 != " " })), var r = request else { message = "not a time: \(p.debugDescription) (RFC 3339 or epoch seconds)"; return [] }
                r.parameters.at = at
                open(r)
                atJobTime = false
                message = "evaluated at \(TimeText.iso(at))"
            default: if edit(&p, key) { prompt = .time(p) }
            }
            return []
        case .confirmQuit:
            prompt = .none
            if key == .char("y") { return [.quit] }
            message = "not quit: s writes the corrected policy"
            return []
        case .confirmOverwrite(let path):
            prompt = .none
            if key == .char("y"), let fixed = fixedPolicy { return [.writeFile(path: path, contents: fixed, overwrite: true)] }
            message = "not written"
            return []
        case .path(var p), .env(var p):
            let isPath: Bool = { if case .path = prompt { return true }; return false }()
            switch key {
            case .escape: prompt = .none; completions = []; return []
            case .enter:
                prompt = .none
                completions = []
                return isPath ? [.loadFile(path: p, slot: selectedSlot)] : [.readEnvironment(name: p, slot: selectedSlot)]
            case .tab where isPath: return [.completePath(prefix: p)]
            default: _ = edit(&p, key)
            }
            prompt = isPath ? .path(p) : .env(p)
        case .none: break
        }
        return []
    }

    /// Where the cursor is in the prompt being typed (nil: at its end).
    public var promptCursor: Int?

    /// The terminal cursor on a prompt's text cursor (shown), `label` before the text at (x, y).
    func textCursor(label: String, _ text: String, x: Int, y: Int, width: Int) -> CursorSpot {
        let at = x + label.count + glyphs.text(String(text.prefix(min(promptCursor ?? text.count, text.count)))).count
        return CursorSpot(x: min(at, width - 1), y: y, visible: true)
    }

    /// A prompt's text with `_` where the cursor is.
    public func typedWithCursor(_ text: String) -> String {
        LineEdit(text, cursor: promptCursor).shown(cursorMark: "_")
    }

    /// One editing key applied to a prompt's text at its cursor; false when the key is no editing key.
    mutating func edit(_ text: inout String, _ key: KeyEvent) -> Bool {
        var line = LineEdit(text, cursor: promptCursor)
        guard line.apply(key) else { return false }
        text = line.text
        promptCursor = line.cursor
        return true
    }

    /// The policy slot holds several roles and no `--role` names one: the roles list opens as a
    /// picker (Enter diagnoses the token against the selected role, Esc goes back to the inputs).
    mutating func pickRole() -> Bool {
        guard request?.role == nil, !slots[0].text.isEmpty, slots[1].terraformFiles == nil,
              case .roles(let candidates)? = try? RoleInput.contents(slots[1].text, roleArn: request?.parameters.roleArn, roleByRole: true), candidates.count > 1 else { return false }
        let token = DiagnosisRequest.Input(text: slots[0].text, source: slots[0].source)
        let report = Auditor.audit([.init(text: slots[1].text, source: slots[1].source)], token: token, providers: slotProviders,
                                   parameters: request?.parameters ?? RequestParameters(at: currentTime), matrix: true)
        audit = report
        auditToken = token
        roleIndex = 0
        rolesFromInputs = true
        screen = .roles
        return true
    }

    /// The roles list is the picker of the inputs screen's policy slot: Esc goes back there.
    public var rolesFromInputs = false

    /// The provider slot's text and the command line's other providers.
    var slotProviders: [DiagnosisRequest.Input] {
        (slots[2].text.isEmpty ? [] : [DiagnosisRequest.Input(text: slots[2].text, source: slots[2].source)]) + extraProviders
    }

    /// The STS-error slot's text, when it was recognised as one (a rejected text is not compared).
    var observedText: String? {
        guard !slots[3].text.isEmpty else { return nil }
        return InputSlot.recognize(.stsError, slots[3].text, source: slots[3].source)?.ok == true ? slots[3].text : nil
    }

    mutating func diagnoseIfReady(force: Bool = false) -> [ScreenEffect] {
        guard !slots[0].text.isEmpty, !slots[1].text.isEmpty else {
            if force { message = "the token and the trust policy are needed to diagnose" }
            return []
        }
        let at = request?.parameters ?? RequestParameters(at: currentTime)
        // The command line's other choices (--role, --jwks, --role-arn, --at, …) stay.
        var r = DiagnosisRequest(token: .init(text: slots[0].text, source: slots[0].source), policy: .init(text: slots[1].text, source: slots[1].source),
                                 providers: slotProviders, jwks: request?.jwks, parameters: at, observed: observedText, role: request?.role)
        r.rcps = (slots[4].text.isEmpty ? [] : [DiagnosisRequest.Input(text: slots[4].text, source: slots[4].source)]) + extraRCPs
        r.terraform = slots[1].terraformFiles
        if let settings = request?.template { r.template = settings }  // --parameter, --condition, … stay too
        open(r)
        // The verdict shows on the inputs screen; the diagnosis opens on Enter, so that the optional
        // slots (provider, STS error, RCP) can still be filled first.
        if force { screen = .diagnosis }
        title = "diagnosis"
        return []
    }

    /// The policy text with the selected finding's edit applied (nil when no single edit fixes it).
    public var fixedPolicy: String? {
        guard let f = selectedFinding ?? diagnosis?.primary, let (edit, source) = diagnosis?.editInGivenText(f) else { return nil }
        return edit.apply(to: source)
    }

    /// Where the corrected policy goes by default: for Terraform, the `.tf` file the edit is in
    /// (the prompt then asks before overwriting it); otherwise nothing, the user names a file.
    public var suggestedSavePath: String {
        guard let f = selectedFinding ?? diagnosis?.primary, let file = diagnosis?.editFile(f), slots[1].terraformFiles != nil else { return "" }
        let source = slots[1].source
        let dir = source.hasSuffix(".tf") ? (source.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")) : source
        if dir.isEmpty || dir == "." { return file }
        return (dir.hasSuffix("/") ? dir : dir + "/") + file
    }

    /// Set by the executable (the model reads no clock).
    public var currentTime: Int64 = 0
    /// The terminal's size, as the executable last told it (the panes' scroll limits follow it).
    public var screenWidth = 80
    public var screenHeight = 24

    /// Rows the token and policy panes show (their heading excluded), as the diagnosis screen lays them out.
    public var paneRows: Int { max(1, screenHeight - (screen == .whatIf ? 7 : 2) - 12 - 1) }

    /// Lines of the token and policy panes.
    var tokenLines: Int { TokenPane.lines(model: self).count }
    var policyLines: Int {
        guard let role = diagnosis?.role else { return 0 }
        return (role.policy.origin?.file(named: nil)?.text ?? role.policy.source).lineCount
    }

    /// A pane's offset kept where its last line can still be on screen: paging past the end stops there.
    mutating func clampScroll() {
        tokenScroll = min(max(0, tokenScroll), max(0, tokenLines - paneRows))
        policyScroll = min(max(0, policyScroll), max(0, policyLines - paneRows))
    }

    mutating func handleDiagnosis(_ key: KeyEvent) -> [ScreenEffect] {
        defer { clampScroll() }
        let count = items.count
        switch key {
        case .paste:
            message = "a paste goes into a slot: o opens the inputs, choose the slot, then paste"
        case .char("q"), .ctrl("c"): return [.quit]
        case .tab: pane = Pane(rawValue: (pane.rawValue + 1) % 3)!
        case .backTab: pane = Pane(rawValue: (pane.rawValue + 2) % 3)!
        case .down, .char("j"):
            switch pane {
            case .walk: selected = min(count - 1, selected + 1); scrollToSelection()
            case .token: tokenScroll += 1
            case .policy: policyScroll += 1
            }
        case .up, .char("k"):
            switch pane {
            case .walk: selected = max(0, selected - 1); scrollToSelection()
            case .token: tokenScroll = max(0, tokenScroll - 1)
            case .policy: policyScroll = max(0, policyScroll - 1)
            }
        case .pageDown: if pane == .token { tokenScroll += 5 } else if pane == .policy { policyScroll += 5 } else { selected = min(count - 1, selected + 5); scrollToSelection() }
        case .pageUp: if pane == .token { tokenScroll = max(0, tokenScroll - 5) } else if pane == .policy { policyScroll = max(0, policyScroll - 5) } else { selected = max(0, selected - 5); scrollToSelection() }
        case .char("g"), .home:
            // In the walk the panes follow the selected finding.
            if pane == .walk { selected = 0; scrollToSelection() } else if pane == .token { tokenScroll = 0 } else { policyScroll = 0 }
        case .char("G"), .end:
            if pane == .walk { selected = max(0, count - 1); scrollToSelection() } else if pane == .token { tokenScroll = tokenLines } else { policyScroll = policyLines }
        case .char("w"):
            guard let t = diagnosis?.token else { message = "what-if needs a readable token"; return [] }
            whatIf = WhatIf(claims: t.claims)
            screen = .whatIf
        case .char("m"):
            guard let r = request, let d = realDiagnosis, let role = d.role else { message = "the matrix needs a readable trust policy"; return [] }
            openMatrix(AdmissionMatrix.evaluate(r, role: role, token: d.token, clientIDs: d.providers.flatMap { $0.clientIDs ?? [] }), from: .diagnosis)
        case .char("t"):
            guard let r = request else { return [] }
            // A token that expired since its job ran: the cause the job really met is at its own time.
            if let t = realDiagnosis?.token, let iat = t.issuedAt, realDiagnosis?.findings.contains(where: { $0.id == .tokenExpired }) == true, !atJobTime {
                var changed = r
                changed.parameters.at = iat + 60
                open(changed)
                atJobTime = true
                message = "evaluated at the job's time (iat + 1 min); t: another time"
            } else {
                prompt = .time(TimeText.iso(r.parameters.at))
            }
        case .char("o"): screen = .inputs
        case .char("f"):
            message = nil
            screen = .fix
        case .escape:
            if fromRoles {
                fromRoles = false
                screen = .roles
            } else if previous == .demoPicker {
                self = AppModel.demoPicker(glyphs: glyphs)
            }
        default: break
        }
        return []
    }

    mutating func openMatrix(_ m: AdmissionMatrix, from: ScreenKind) {
        matrix = m
        matrixIndex = 0
        matrixFrom = from
        screen = .matrix
    }

    mutating func handleMatrix(_ key: KeyEvent) -> [ScreenEffect] {
        let count = matrix?.rows.count ?? 0
        switch key {
        case .down, .char("j"): matrixIndex = min(max(0, count - 1), matrixIndex + 1)
        case .up, .char("k"): matrixIndex = max(0, matrixIndex - 1)
        case .pageDown: matrixIndex = min(max(0, count - 1), matrixIndex + 10)
        case .pageUp: matrixIndex = max(0, matrixIndex - 10)
        case .char("g"), .home: matrixIndex = 0
        case .char("G"), .end: matrixIndex = max(0, count - 1)
        case .escape: screen = matrixFrom
        case .enter:
            // The selected witness job becomes a what-if: its claims, diagnosed; Esc comes back here.
            guard let m = matrix, matrixIndex < m.rows.count, let base = m.base ?? request else { return [] }
            let job = m.rows[matrixIndex].witness
            if request == nil { request = base }
            whatIf = WhatIf(claims: job.claims, base: job.claims, fromMatrix: true)
            var r = base
            r.token = .init(text: job.claims.jsonText, source: "witness: \(job.label)")
            r.jwks = nil
            r.observed = nil
            diagnosis = Diagnoser.diagnose(r)
            selected = primaryItemIndex
            scrollToSelection()
            screen = .whatIf
        case .char("q"), .ctrl("c"): return [.quit]
        default: break
        }
        return []
    }

    mutating func handleWhatIf(_ key: KeyEvent) -> [ScreenEffect] {
        guard var w = whatIf else { screen = .diagnosis; return [] }
        switch key {
        case .escape where w.fromMatrix:
            diagnosis = realDiagnosis
            whatIf = nil
            screen = .matrix
            return []
        case .escape:
            diagnosis = realDiagnosis
            whatIf = nil
            screen = .diagnosis
            selected = primaryItemIndex
            scrollToSelection()
            return []
        case .down, .tab:
            w.selected = (w.selected + 1) % WhatIf.fields.count
            w.cursor = nil
        case .up, .backTab:
            w.selected = (w.selected + WhatIf.fields.count - 1) % WhatIf.fields.count
            w.cursor = nil
        default:
            // Every printable key is text; ←/→, Home/End, Ctrl-U and Ctrl-W edit the field.
            var line = LineEdit(w.values[w.selected], cursor: w.cursor)
            guard line.apply(key) else { return [] }
            let moved = line.text == w.values[w.selected]
            w.values[w.selected] = line.text
            w.cursor = line.cursor
            if moved {
                whatIf = w
                return []
            }
        }
        whatIf = w
        rediagnoseWhatIf()
        return []
    }

    /// Re-runs the engine on the real token with the edited claims; the signature is no longer the issuer's.
    mutating func rediagnoseWhatIf() {
        guard let w = whatIf, let r = request, let claims = w.base ?? realDiagnosis?.token?.claims else { return }
        let header = realDiagnosis?.token?.header ?? .object([.init(key: "alg", value: .string("RS256")), .init(key: "typ", value: .string("JWT"))])
        var pairs: [PlainJSON.Pair] = []
        if case .object(let ps) = claims { pairs = ps }
        func set(_ k: String, _ v: String) {
            if let i = pairs.firstIndex(where: { $0.key == k }) { pairs[i].value = .string(v) } else { pairs.append(.init(key: k, value: .string(v))) }
        }
        let (path, ref, refType, aud, iss) = (w.values[0], w.values[1], w.values[2], w.values[3], w.values[4])
        set("project_path", path)
        set("ref", ref)
        set("ref_type", refType)
        set("aud", aud)
        set("iss", iss)
        // Keep the token's own sub format, replacing just the components being edited.
        if let sub = claims["sub"]?.string, var parsed = SubClaim(sub) {
            for i in parsed.components.indices {
                switch parsed.components[i].name {
                case "project_path": parsed.components[i].value = path
                case "ref": parsed.components[i].value = ref
                case "ref_type": parsed.components[i].value = refType
                default: break
                }
            }
            set("sub", parsed.components.map { "\($0.name):\($0.value)" }.joined(separator: ":"))
        }
        let token = IDToken.placeholderCompact(header: header, claims: .object(pairs), note: "what-if: not signed")
        var changed = r
        changed.token = .init(text: token, source: "what-if")
        changed.jwks = nil
        diagnosis = Diagnoser.diagnose(changed)
        selected = primaryItemIndex
    }
}

