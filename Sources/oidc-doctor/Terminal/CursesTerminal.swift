@preconcurrency import CNCursesw
@preconcurrency import Glibc
import OIDCDoctorScreens
import Synchronization

/// What one wait for input produced.
enum TerminalInput: Equatable {
    case event(KeyEvent)
    /// Nothing arrived within the time-out.
    case timeout
    /// The terminal has gone away (its pty closed): stop, there is nobody to draw for.
    case hangup
    /// SIGINT, SIGTERM, SIGHUP or SIGQUIT arrived; the caller shuts down and exits 128 + n.
    case signal(Int32)
}

struct CursesTerminalError: Error, CustomStringConvertible {
    let description: String
}

/// Written by the signal handlers (the only thing they do), read and cleared by `nextInput`.
private let pendingTerminalSignal = Atomic<Int32>(0)

/// The thin curses backend (terminal-ui.md PART B): locale, modes, colours per role, bracketed paste,
/// signals and hang-up. Everything it draws comes from a `Canvas`; everything it reads becomes a `KeyEvent`.
/// One instance at a time, used from one thread.
final class CursesTerminal {
    /// Custom key codes for the paste markers; they must fit in 16 bits (ncurses' key trie).
    static let pasteStartCode: Int32 = 0x6001
    static let pasteEndCode: Int32 = 0x6002
    /// SIGTSTP is ours too: ncurses' own suspend leaves bracketed paste on in the shell.
    static let handledSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP]
    /// A paste whose end marker never comes is delivered after this much silence.
    static let pasteFlushMs = 500
    /// This many `ERR`s in a row, each far quicker than the time-out asked for, means the terminal is gone.
    static let hangupFastErrors = 50

    /// True when the locale's codeset is UTF-8: screens may use ✓ ✗ and non-ASCII data renders.
    let unicode: Bool
    /// 0 = attributes only, 8 or 256 = that palette.
    let colourLevel: Int

    private var screen: OpaquePointer?
    private var active = false
    private var styles: [Role: (attr: attr_t, pair: Int16)] = [:]
    private var savedActions: [(Int32, sigaction)] = []
    private var pending: [TerminalInput] = []
    private var fastErrors = 0
    private var pasteOff = "\u{1B}[?2004l"
    private var pasteOn = "\u{1B}[?2004h"
    /// Set after a suspend: the next input is a full redraw.
    private var redrawPending = false
    private var lastWidth = 0
    private var lastHeight = 0

    // MARK: - Pre-flight

    /// nil when a full-screen UI can run here; otherwise one line saying why. Never calls initscr
    /// (which prints and exits when it fails); uses setupterm and restores `cur_term`.
    static func unusableReason() -> String? {
        if isatty(STDIN_FILENO) == 0 { return "standard input is not a terminal" }
        if isatty(STDOUT_FILENO) == 0 { return "standard output is not a terminal" }
        guard let raw = getenv("TERM"), case let term = String(cString: raw), !term.isEmpty else {
            return "TERM is not set"
        }
        if term == "dumb" { return "TERM=dumb: the terminal cannot move the cursor" }
        var err: Int32 = 0
        var hasCup: Int32 = 0
        if od_probe_terminal(&err, &hasCup) != OK {
            switch err {
            case -1: return "no terminfo database found for TERM=\(term)"
            case 0: return "TERM=\(term) is unknown to terminfo (or a hardcopy/generic terminal)"
            default: return "TERM=\(term) could not be set up"
            }
        }
        if hasCup == 0 { return "TERM=\(term) has no cursor addressing (cup)" }
        return nil
    }

    // MARK: - Set-up and teardown

    /// `colour` false (e.g. --no-color) forces attributes only; so do NO_COLOR=<non-empty> and a terminal without colours.
    init(colour: Bool) throws {
        if let reason = Self.unusableReason() { throw CursesTerminalError(description: reason) }

        // Must precede newterm, or ncursesw draws every non-ASCII character as a blank.
        setlocale(LC_ALL, "")
        unicode = Self.localeIsUTF8()

        // Ours before newterm: ncurses then leaves SIGINT/SIGTERM alone (it only catches them when
        // they are SIG_DFL) and its own cleanup, which leaves bracketed paste on, never runs.
        // SIGWINCH stays with ncurses so KEY_RESIZE keeps working.
        for sig in Self.handledSignals {
            var sa = sigaction()
            sa.__sigaction_handler.sa_handler = { pendingTerminalSignal.store($0, ordering: .relaxed) }
            sigemptyset(&sa.sa_mask)
            sa.sa_flags = 0 // no SA_RESTART: a blocked read returns, the loop sees the signal
            var old = sigaction()
            if sigaction(sig, &sa, &old) == 0 { savedActions.append((sig, old)) }
        }
        // A parent may hand us these signals blocked (spawned from a thread that blocks them):
        // unblock them, or a hang-up or kill would never reach the handlers.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in Self.handledSignals { sigaddset(&unblock, sig) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)

        guard let scr = newterm(nil, stdout, stdin) else {
            for (sig, old) in savedActions { var o = old; sigaction(sig, &o, nil) }
            savedActions = []
            throw CursesTerminalError(description: "the terminal could not be initialised")
        }
        screen = scr
        _ = set_term(scr)
        active = true
        let win = od_stdscr()

        cbreak() // Ctrl-C stays a signal (SIGINT → .signal(2)); Ctrl-Z is SIGTSTP → `suspend()`.
        noecho()
        nonl() // Enter arrives as 13
        // cbreak keeps XON/XOFF: Ctrl-S would freeze the screen until Ctrl-Q. Turn it off and make
        // that the mode ncurses restores after a suspend (endwin still restores the shell's own mode).
        var tio = termios()
        if tcgetattr(STDIN_FILENO, &tio) == 0 {
            tio.c_iflag &= ~tcflag_t(IXON)
            if tcsetattr(STDIN_FILENO, TCSANOW, &tio) == 0 { def_prog_mode() }
        }
        intrflush(win, false)
        keypad(win, true)
        set_escdelay(50)
        typeahead(-1) // never abandon a refresh half-way because a key is pending
        curs_set(0)
        // The cursor is placed on each frame's selection (present), so curses must put it there.
        leaveok(win, false)

        var level = 0
        let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        if colour && !noColor && has_colors() && start_color() == OK && od_colors() >= 8 && od_color_pairs() > Role.allCases.count {
            level = od_colors() >= 256 ? 256 : 8
        }
        colourLevel = level
        let defaults = level > 0 && use_default_colors() == OK
        for (i, role) in Role.allCases.enumerated() {
            let s = Self.style(role, level: level)
            var pair: Int16 = 0
            if level > 0 && (s.fg != -1 || s.bg != -1) {
                pair = Int16(i + 1)
                let fg = s.fg == -1 && !defaults ? Int16(COLOR_WHITE) : s.fg
                let bg = s.bg == -1 && !defaults ? Int16(COLOR_BLACK) : s.bg
                init_pair(pair, fg, bg)
            }
            styles[role] = (s.attr, pair)
        }

        // Bracketed paste: ncurses 6.4 does not parse it, so teach it the markers (terminfo PS/PE
        // where present, and the literal xterm ones, which tmux's default TERM=screen lacks).
        var starts = ["\u{1B}[200~"], ends = ["\u{1B}[201~"]
        if let ps = od_tigetstr("PS") { starts.append(String(cString: ps)) }
        if let pe = od_tigetstr("PE") { ends.append(String(cString: pe)) }
        for s in Set(starts) { _ = define_key(s, Self.pasteStartCode) }
        for e in Set(ends) { _ = define_key(e, Self.pasteEndCode) }
        if let be = od_tigetstr("BE") { pasteOn = String(cString: be) }
        if let bd = od_tigetstr("BD") { pasteOff = String(cString: bd) }
        putp(pasteOn)
        fflush(stdout) // putp writes to stdio's stdout, not ncurses' buffer (pitfall 7)

        lastWidth = Int(getmaxx(win))
        lastHeight = Int(getmaxy(win))
    }

    deinit { shutdown() }

    /// Restores the terminal: bracketed paste off, endwin, the previous signal handlers. Idempotent;
    /// fine after a signal (the handlers only set a flag, so curses state is intact).
    func shutdown() {
        guard active else { return }
        active = false
        // A paste may still be arriving (Ctrl-C in the middle of one): whatever is typed or pasted
        // until the line is quiet is read and dropped here, so none of it reaches the shell — a token
        // must never land in its history.
        Self.discardPendingInput()
        if od_tigetstr("smcup") == nil, let win = od_stdscr() {
            // No alternate screen (vt100, linux console): do not leave the last frame under the shell prompt.
            werase(win)
            wrefresh(win)
        }
        putp(pasteOff)
        fflush(stdout)
        endwin()
        fflush(stdout)
        if let scr = screen { delscreen(scr) }
        screen = nil
        for (sig, old) in savedActions { var o = old; sigaction(sig, &o, nil) }
        savedActions = []
    }

    /// Reads and drops input until none has come for 150 ms (at most 3 s), then flushes the queue.
    static func discardPendingInput() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(3))
        while clock.now < deadline {
            var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 150) > 0, p.revents & Int16(POLLIN) != 0 else { break }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n <= 0 { break }
        }
        tcflush(STDIN_FILENO, TCIFLUSH)
    }

    var width: Int {
        guard active, let win = od_stdscr() else { return lastWidth }
        return Int(getmaxx(win))
    }

    var height: Int {
        guard active, let win = od_stdscr() else { return lastHeight }
        return Int(getmaxy(win))
    }

    // MARK: - Output

    /// Ctrl-L: the next frame repaints every cell.
    func repaintAll() {
        if active, let win = od_stdscr() { clearok(win, true) }
    }

    /// Writes every cell into stdscr and refreshes once; ncurses sends only what changed. The cursor
    /// ends on the canvas's spot (the selection, or where text is typed, shown only there).
    func present(_ canvas: Canvas) {
        guard active, let win = od_stdscr() else { return }
        let h = Int(getmaxy(win)), w = Int(getmaxx(win))
        var cc = cchar_t()
        var wch = [wchar_t](repeating: 0, count: Int(CCHARW_MAX) + 1)
        let plain = styles[.plain] ?? (od_A_NORMAL(), 0)

        func put(_ y: Int, _ x: Int, _ scalars: some Sequence<Unicode.Scalar>, _ style: (attr: attr_t, pair: Int16)) {
            var n = 0
            for u in scalars where n < Int(CCHARW_MAX) {
                wch[n] = wchar_t(bitPattern: u.value)
                n += 1
            }
            wch[max(n, 1)] = 0
            if n == 0 { wch[0] = 0x20 }
            if setcchar(&cc, wch, style.attr, style.pair, nil) != OK && n > 1 {
                wch[1] = 0 // e.g. a ZWJ sequence: keep the base character
                _ = setcchar(&cc, wch, style.attr, style.pair, nil)
            }
            _ = mvwadd_wch(win, Int32(y), Int32(x), &cc) // ERR at the bottom-right cell: drawn anyway
        }
        let blank: [Unicode.Scalar] = [" "]
        let question: [Unicode.Scalar] = ["?"]

        for y in 0..<h {
            var x = 0
            while x < w {
                guard y < canvas.height && x < canvas.width else {
                    put(y, x, blank, plain)
                    x += 1
                    continue
                }
                let cell = canvas[x: x, y: y]
                let style = styles[cell.role] ?? plain
                if cell.continuation { // a right half whose left half was not a wide character
                    put(y, x, blank, style)
                    x += 1
                    continue
                }
                let scalars = cell.ch.unicodeScalars
                let first = scalars.first?.value ?? 0x20
                let canvasWide = x + 1 < canvas.width && canvas[x: x + 1, y: y].continuation
                if first >= 0x20 && first < 0x7F && scalars.count == 1 {
                    put(y, x, scalars, style)
                } else {
                    let cw = unicode ? Int(od_wcwidth(wchar_t(bitPattern: first))) : -1
                    if cw == 2 && canvasWide && x + 1 < w {
                        put(y, x, scalars, style)
                        x += 2
                        continue
                    }
                    // The locale cannot show it, or curses and the Canvas disagree on its width:
                    // keep the layout and show a stand-in rather than a blank or a shifted row.
                    put(y, x, cw == 1 ? Array(scalars) : question, style)
                }
                if canvasWide {
                    if x + 1 < w { put(y, x + 1, blank, style) }
                    x += 2
                } else {
                    x += 1
                }
            }
        }
        if let spot = canvas.cursor, spot.y < h, spot.x < w {
            wmove(win, Int32(spot.y), Int32(spot.x))
            curs_set(spot.visible ? 1 : 0)
        } else {
            curs_set(0)
        }
        wnoutrefresh(win)
        doupdate()
    }

    // MARK: - Input

    /// Waits up to `timeoutMs` (negative: no limit) for one input.
    func nextInput(timeoutMs: Int) -> TerminalInput {
        if let s = takeSignal() { return .signal(s) }
        if !pending.isEmpty { return pending.removeFirst() }
        if redrawPending, active, let win = od_stdscr() {
            redrawPending = false
            return .event(resizeEvent(win))
        }
        guard active, let win = od_stdscr() else {
            if timeoutMs > 0 { usleep(useconds_t(timeoutMs) * 1000) }
            return .timeout
        }
        let deadline = timeoutMs >= 0 ? Self.nowMs() + timeoutMs : Int.max
        while true {
            let remaining = timeoutMs >= 0 ? max(0, deadline - Self.nowMs()) : -1
            switch read(win, waitMs: remaining) {
            case .signal(let s): return .signal(s)
            case .hangup: return .hangup
            case .nothing:
                if redrawPending {
                    redrawPending = false
                    return .event(resizeEvent(win))
                }
            case .char(let c): if let e = Self.mapChar(c) { return .event(e) }
            case .key(let code):
                if code == Self.pasteStartCode { return readPaste(win) }
                if code == KEY_RESIZE { return .event(resizeEvent(win)) }
                if let e = Self.mapKey(code) { return .event(e) }
            }
            if timeoutMs >= 0 && Self.nowMs() >= deadline { return .timeout }
        }
    }

    private enum Raw { case char(UInt32), key(Int32), nothing, signal(Int32), hangup }

    /// One wget_wch, with signal and hang-up detection.
    private func read(_ win: UnsafeMutablePointer<WINDOW>, waitMs: Int) -> Raw {
        wtimeout(win, Int32(clamping: waitMs))
        var wint: wint_t = 0
        let t0 = Self.nowMs()
        errno = 0
        let rc = wget_wch(win, &wint)
        let elapsed = Self.nowMs() - t0
        if let s = takeSignal() { return .signal(s) }
        switch rc {
        case OK:
            fastErrors = 0
            return .char(wint)
        case KEY_CODE_YES:
            fastErrors = 0
            return .key(Int32(bitPattern: wint))
        default:
            // After the pty closes, wget_wch returns ERR at once with errno 0, forever (pitfall 11).
            let fast = waitMs < 0 || (waitMs >= 10 && elapsed * 2 < waitMs)
            guard fast else {
                fastErrors = 0
                return .nothing
            }
            fastErrors += 1
            if fastErrors > Self.hangupFastErrors || Self.stdinHungUp() { return .hangup }
            return .nothing
        }
    }

    /// Collects a bracketed paste up to its end marker (or ~500 ms of silence) as one event. The bytes
    /// are read from the terminal in blocks, not one curses call per character: a 5 MB paste arrives at
    /// the speed of the link (curses has nothing of it buffered once the start marker is matched).
    private func readPaste(_ win: UnsafeMutablePointer<WINDOW>) -> TerminalInput {
        let end: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]  // ESC [ 2 0 1 ~
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        var lastActivity = Self.nowMs()
        func finish() -> TerminalInput {
            // CR and CR LF are line breaks, as typed Enter is.
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var i = 0
            while i < bytes.count {
                if bytes[i] == 0x0D {
                    out.append(0x0A)
                    if i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                } else {
                    out.append(bytes[i])
                }
                i += 1
            }
            return .event(.paste(String(decoding: out, as: UTF8.self)))
        }
        while true {
            if let s = takeSignal() { return .signal(s) }
            let idle = Self.nowMs() - lastActivity
            if idle >= Self.pasteFlushMs { return finish() }
            var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(min(100, Self.pasteFlushMs - idle)))
            if ready < 0 { continue }  // a signal: looked at above
            if ready == 0 { continue }
            if p.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 && p.revents & Int16(POLLIN) == 0 { return .hangup }
            let n = block.withUnsafeMutableBytes { Glibc.read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n == 0 { return .hangup }
            if n < 0 { continue }
            lastActivity = Self.nowMs()
            let from = max(0, bytes.count - end.count + 1)
            bytes.append(contentsOf: block[0..<n])
            // The end marker, searched only where it could have begun.
            var i = from
            while i + end.count <= bytes.count {
                if bytes[i] == 0x1B && bytes[i..<(i + end.count)].elementsEqual(end) {
                    let rest = Array(bytes[(i + end.count)...])
                    bytes.removeSubrange(i...)
                    // Keys typed right after the paste go back to curses, in order.
                    for b in rest.reversed() { ungetch(Int32(b)) }
                    return finish()
                }
                i += 1
            }
        }
    }

    private func resizeEvent(_ win: UnsafeMutablePointer<WINDOW>) -> KeyEvent {
        lastWidth = Int(getmaxx(win))
        lastHeight = Int(getmaxy(win))
        return .resize(width: lastWidth, height: lastHeight)
    }

    /// The signal that ends the loop, if one came; Ctrl-Z (SIGTSTP) is handled here and ends nothing.
    private func takeSignal() -> Int32? {
        let s = pendingTerminalSignal.exchange(0, ordering: .relaxed)
        if s == SIGTSTP {
            suspend()
            return nil
        }
        return s == 0 ? nil : s
    }

    /// Ctrl-Z: give the shell its terminal back as it was (bracketed paste off, shell modes), stop,
    /// and on `fg` take it again and redraw everything.
    private func suspend() {
        guard active else { return }
        putp(pasteOff)
        fflush(stdout)
        endwin()
        fflush(stdout)
        var dfl = sigaction()
        dfl.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&dfl.sa_mask)
        var ours = sigaction()
        sigaction(SIGTSTP, &dfl, &ours)
        raise(SIGTSTP)  // stops here; returns on SIGCONT (at once when there is no job control)
        sigaction(SIGTSTP, &ours, nil)
        putp(pasteOn)
        fflush(stdout)
        if let win = od_stdscr() {
            clearok(win, true)  // the shell drew over the screen: repaint all of it
            wrefresh(win)
        }
        redrawPending = true
    }

    // MARK: - Mapping (static and pure, so tests can call them)

    static func mapChar(_ c: UInt32) -> KeyEvent? {
        switch c {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(c) + 96)))
        case 0..<0x20, 0x80..<0xA0: return nil
        default: return Unicode.Scalar(c).map { .char(Character($0)) }
        }
    }

    static func mapKey(_ code: Int32) -> KeyEvent? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME, KEY_A1: return .home
        case KEY_END, KEY_C1: return .end
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case od_KEY_F(1)...od_KEY_F(63): return .function(Int(code - od_KEY_F(0)))
        default: return nil
        }
    }

    // MARK: - Styles

    /// Role → colours and attributes. fg/bg -1 = the terminal's default; level 0 = attributes only.
    static func style(_ role: Role, level: Int) -> (fg: Int16, bg: Int16, attr: attr_t) {
        let normal = od_A_NORMAL(), bold = od_A_BOLD(), reverse = od_A_REVERSE()
        let underline = od_A_UNDERLINE(), dim = od_A_DIM()
        if level == 0 {
            switch role {
            case .title: return (-1, -1, bold | reverse)
            case .status, .selected: return (-1, -1, reverse)
            case .fail, .warn, .key, .heading: return (-1, -1, bold)
            case .underline, .input: return (-1, -1, underline)
            case .dim: return (-1, -1, dim)
            case .plain, .pass, .border: return (-1, -1, normal)
            }
        }
        if level >= 256 {
            switch role {
            case .plain: return (-1, -1, normal)
            case .title: return (255, 24, bold)
            case .status: return (252, 236, normal)
            case .key: return (220, 236, bold)
            case .selected: return (16, 152, normal)
            case .pass: return (34, -1, normal)
            case .fail: return (160, -1, bold)
            case .warn: return (172, -1, bold)
            case .dim: return (244, -1, normal)
            case .border: return (240, -1, normal)
            case .heading: return (75, -1, bold)
            case .underline: return (214, -1, underline)
            case .input: return (255, 238, normal)
            }
        }
        let black = Int16(COLOR_BLACK), red = Int16(COLOR_RED), green = Int16(COLOR_GREEN), yellow = Int16(COLOR_YELLOW)
        let blue = Int16(COLOR_BLUE), cyan = Int16(COLOR_CYAN), white = Int16(COLOR_WHITE)
        switch role {
        case .plain: return (-1, -1, normal)
        case .title: return (white, blue, bold)
        case .status: return (black, white, normal)
        case .key: return (blue, white, bold)
        case .selected: return (black, cyan, normal)
        case .pass: return (green, -1, normal)
        case .fail: return (red, -1, bold)
        case .warn: return (yellow, -1, bold)
        case .dim: return (-1, -1, dim)
        case .border: return (blue, -1, normal)
        case .heading: return (cyan, -1, bold)
        case .underline: return (yellow, -1, underline)
        case .input: return (-1, -1, underline)
        }
    }

    // MARK: - Helpers

    private static func localeIsUTF8() -> Bool {
        guard let cs = nl_langinfo(nl_item(CODESET)) else { return false }
        return String(cString: cs).uppercased().filter { $0 != "-" } == "UTF8"
    }

    private static func stdinHungUp() -> Bool {
        var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) > 0 else { return false }
        return p.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    private static func nowMs() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000
    }
}
