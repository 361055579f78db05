import Foundation
import Testing
@testable import OIDCDoctorCore
@testable import OIDCDoctorScreens

/// The real binary in tmux at 80x24: keys, bracketed paste, resize and signals, compared with the goldens.
/// Each test has its own tmux server socket (re-using one races, terminal-ui.md pitfall 14).
final class TmuxSession {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/oidc-doctor").path
    let socket: String
    let dir: URL

    init(_ name: String, command: String, width: Int = 80, height: Int = 24, env: [String: String] = [:]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-tmux-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        socket = dir.appendingPathComponent("sock").path
        var e = ["LANG": "C.UTF-8", "TERM": "tmux-256color"]
        for (k, v) in env { e[k] = v }
        let exports = e.map { "export \($0.key)='\($0.value)';" }.joined(separator: " ")
        // After the program ends, print its status and the tty modes, then idle so the pane can be read.
        let script = "\(exports) \(command); echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo|isig)$' | tr '\\n' ' '; echo; sleep 60"
        // The server this starts inherits our descriptors: give it none to hold open.
        try tmux(["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "sh", "-c", script], capture: false)
        try tmux(["set-option", "-g", "remain-on-exit", "on"], capture: false)
    }

    deinit {
        _ = try? tmux(["kill-server"], capture: false)
        try? FileManager.default.removeItem(at: dir)
    }

    /// Runs tmux with posix_spawn and waitpid: Foundation's Process can wait forever on a client whose
    /// server daemonizes. Output is captured through a pipe only when asked for.
    @discardableResult
    func tmux(_ args: [String], capture: Bool = true) throws -> String {
        let argv = ["tmux", "-S", socket] + args
        var fds: [Int32] = [-1, -1]
        if capture { guard pipe(&fds) == 0 else { return "" } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        if capture {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        // Default signal mask and dispositions, as a login shell would give tmux (test threads block some).
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGPIPE] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        guard posix_spawnp(&pid, "tmux", &actions, &attr, cargs, environ) == 0 else { return "" }
        var out = Data()
        if capture {
            close(fds[1])
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fds[0], &buf, buf.count)
                if n <= 0 { break }
                out.append(contentsOf: buf[0..<n])
            }
            close(fds[0])
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return String(decoding: out, as: UTF8.self)
    }

    func capture() throws -> [String] {
        try tmux(["capture-pane", "-p"]).split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
    }

    /// Polls the screen until `predicate` holds (the binary starts asynchronously); returns the last capture.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 15, _ predicate: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var rows = try capture()
        while !predicate(rows) && Date() < deadline {
            usleep(50_000)
            rows = try capture()
        }
        if !predicate(rows) {
            let screen = rows.joined(separator: "\n")
            Issue.record("timed out waiting for \(what); screen:\n\(screen)")
        }
        return rows
    }

    func keys(_ k: String...) throws { try tmux(["send-keys"] + k) }

    func paste(_ text: String) throws {
        try tmux(["set-buffer", "--", text])
        try tmux(["paste-buffer", "-p"])
    }

    var pid: Int32? { Int32((try? tmux(["display-message", "-p", "#{pane_pid}"]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") }
}

func trimmed(_ rows: [String]) -> [String] {
    var r = rows.map { String($0.reversed().drop { $0 == " " }.reversed()) }
    while r.last == "" { r.removeLast() }
    return r
}

@Suite(.serialized) struct TmuxTests {
    static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") && FileManager.default.isExecutableFile(atPath: TmuxSession.binary)

    @Test func tmuxAndBinaryArePresent() {
        #expect(Self.available, "tmux or the built binary is missing (.ci/run installs tmux)")
    }

    @Test(.enabled(if: available)) func diagnosisScreenEqualsItsGolden() throws {
        let s = try TmuxSession("golden", command: "\(TmuxSession.binary) demo other-branch")
        let rows = try s.waitFor("the diagnosis") { $0.contains { $0.contains("DENY") } }
        let golden = Render.canvas(AppModel(request: DemoScenario.all[2].request, title: "demo other-branch"), width: 80, height: 24).rows()
        #expect(trimmed(rows) == trimmed(golden))
        try s.keys("q")
        try s.waitFor("exit") { $0.contains { $0.hasPrefix("EXIT=0") } }
    }

    /// Input files for a session, in a folder of their own (a session's folder is emptied when it starts).
    static func inputs(_ name: String, _ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-\(name)-inputs-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (file, text) in files { try text.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8) }
        return dir
    }

    /// `--at` after the token expired: the first lines say so; `t` shows the cause the job really met.
    @Test(.enabled(if: available)) func expiredTokenAtTheJobsTime() throws {
        let demo = DemoScenario.all[2]  // the job ran on feature/login; the role is for main
        let dir = try Self.inputs("expired", ["t.jwt": demo.token, "p.json": demo.policy])
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try TmuxSession("time", command: "\(TmuxSession.binary) --token \(dir.path)/t.jwt --policy \(dir.path)/p.json --at 2026-11-28T11:00:00Z")
        _ = try s.waitFor("the expired verdict") { $0.contains { $0.contains("press t for the job's own time") } && $0.contains { $0.contains("at 2026-11-28T11:00:00Z") } }
        try s.keys("t")
        // Both on the same row: waited for together, as a capture may catch a frame half written.
        let rows = try s.waitFor("the job's own cause at the job's time") {
            $0.contains { $0.contains("cause condition.ref-mismatch") && $0.contains("job's time 2026-11-27T11:01:00Z") }
        }
        #expect(rows.contains { $0.contains("job's time 2026-11-27T11:01:00Z") })
        try s.keys("q")
        try s.waitFor("exit") { $0.contains { $0.hasPrefix("EXIT=") } }
    }

    /// The terminal's cursor sits on the selection (screen readers follow it), and moves with it.
    @Test(.enabled(if: available)) func theCursorFollowsTheSelection() throws {
        let s = try TmuxSession("cursor", command: "\(TmuxSession.binary) demo other-branch")
        let rows = try s.waitFor("the diagnosis") { $0.contains { $0.contains("DENY") } }
        func cursor() throws -> (Int, Int) {
            let out = try s.tmux(["display-message", "-p", "#{cursor_x} #{cursor_y}"]).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            return (out.first ?? -1, out.last ?? -1)
        }
        let selectedRow = try #require(rows.firstIndex { $0.hasPrefix("→") })
        let at = try cursor()
        #expect(at == (0, selectedRow), "cursor at \(at), selection on row \(selectedRow)")
        try s.keys("k")
        _ = try s.waitFor("the selection one up") { $0.firstIndex { $0.hasPrefix("→") } == selectedRow - 1 }
        #expect(try cursor() == (0, selectedRow - 1))
        try s.keys("q")
        try s.waitFor("exit") { $0.contains { $0.hasPrefix("EXIT=") } }
    }

    /// Ctrl-C while input is still arriving (the rest of a paste): none of it reaches what runs next.
    /// The line after the program reads its terminal as a shell would, and must get nothing.
    @Test(.enabled(if: available)) func inputAfterQuitNeverReachesTheShell() throws {
        // An interactive shell ignores the Ctrl-C its job gets; `trap` makes this one do the same.
        let s = try TmuxSession("leak", command: "trap : INT; \(TmuxSession.binary) demo other-branch; IFS= read -r line; echo \"LEAKED=[$line]\"")
        _ = try s.waitFor("the diagnosis") { $0.contains { $0.contains("DENY") } }
        try s.keys("C-c")
        try s.keys("-l", "touch /tmp/oidc-doctor-owned-\(getpid())")
        try s.keys("Enter")
        // Well after the program has gone: an empty line for the read, whatever came before it.
        usleep(1_500_000)
        try s.keys("Enter")
        let rows = try s.waitFor("the next command's read") { $0.contains { $0.hasPrefix("LEAKED=") } }
        #expect(rows.contains { $0 == "LEAKED=[]" }, "\(rows.filter { $0.hasPrefix("LEAKED") })")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/oidc-doctor-owned-\(getpid())"))
    }

    /// A ref with a trailing space, and one with a zero-width space, on the real terminal: shown.
    @Test(.enabled(if: available)) func invisibleCharactersOnTheRealTerminal() throws {
        let demo = DemoScenario.all[2]
        for (ref, shown) in [("main ", "ref:main␠"), ("ma\u{200B}in", "ref:ma\\u{200b}in")] {
            let dir = try Self.inputs("invisible", ["t.json": demo.claims.replacingOccurrences(of: "feature/login", with: ref), "p.json": demo.policy])
            defer { try? FileManager.default.removeItem(at: dir) }
            let s = try TmuxSession("invisible", command: "\(TmuxSession.binary) --token \(dir.path)/t.json --policy \(dir.path)/p.json --at 2026-11-27T11:10:00Z")
            let rows = try s.waitFor("the compare strip") { $0.contains { $0.contains("token has") } }
            #expect(rows.contains { $0.contains("token has") && $0.contains(shown) }, "\(rows.filter { $0.contains("token has") })")
            try s.keys("q")
            try s.waitFor("exit") { $0.contains { $0.hasPrefix("EXIT=") } }
        }
    }

    /// `m` on the real binary draws the matrix the model draws; Enter opens a row as a what-if.
    @Test(.enabled(if: available)) func matrixScreenEqualsItsGolden() throws {
        let s = try TmuxSession("matrix", command: "\(TmuxSession.binary) demo other-branch")
        _ = try s.waitFor("the diagnosis") { $0.contains { $0.contains("DENY") } }
        try s.keys("m")
        try s.keys("j")
        var model = AppModel(request: DemoScenario.all[2].request, title: "demo other-branch")
        _ = model.update(.key(.char("m")))
        _ = model.update(.key(.down))
        let golden = Render.canvas(model, width: 80, height: 24).rows()
        let rows = try s.waitFor("the matrix") { trimmed($0) == trimmed(golden) }
        #expect(trimmed(rows) == trimmed(golden))
        try s.keys("Enter")
        _ = try s.waitFor("the what-if of the intended job") { $0.contains { $0.contains("WHAT-IF") } }
        // In the what-if, letters are typed into the claim: Esc back to the matrix, Esc to the diagnosis.
        try s.keys("Escape")
        _ = try s.waitFor("the matrix again") { $0.contains { $0.contains("who else this policy admits") } }
        try s.keys("Escape")
        _ = try s.waitFor("the diagnosis again") { $0.contains { $0.contains("DENY") } && !$0.contains { $0.contains("who else") } }
        try s.keys("q")
        try s.waitFor("exit") { $0.contains { $0.hasPrefix("EXIT=") } }
    }

    /// Monochrome, NO_COLOR and a non-UTF-8 locale lose nothing: the same characters (ASCII glyphs without UTF-8).
    @Test(.enabled(if: available), arguments: [["TERM": "vt100"], ["NO_COLOR": "1"], ["TERM": "screen"], ["LANG": "C", "LC_ALL": "C"]])
    func plainTerminalsShowTheSameScreen(_ env: [String: String]) throws {
        let s = try TmuxSession("plain-\(env.values.joined())", command: "\(TmuxSession.binary) demo other-branch", env: env)
        let rows = try s.waitFor("the diagnosis") { $0.contains { $0.contains("DENY") } }
        let ascii = env["LANG"] == "C"
        let golden = Render.canvas(AppModel(request: DemoScenario.all[2].request, title: "demo other-branch", glyphs: ascii ? .ascii : .unicode), width: 80, height: 24).rows()
        #expect(trimmed(rows) == trimmed(golden), "\(env)")
        try s.keys("q")
    }

    /// A paste of 2 MB (an account's list-roles output) arrives whole, as one event, with every byte
    /// (read from the terminal in blocks; `Benchmarks` is where its speed is measured, not here).
    @Test(.enabled(if: available)) func aLargePasteArrivesWhole() throws {
        let dir = try Self.inputs("bigpaste", ["big.json": #"{"Roles": ["# + Array(repeating: #"{"RoleName": "r", "Description": "\#(String(repeating: "x", count: 2000))"}"#, count: 1000).joined(separator: ", ") + "]}"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = try Data(contentsOf: dir.appendingPathComponent("big.json")).count
        let s = try TmuxSession("bigpaste", command: TmuxSession.binary)
        try s.waitFor("the inputs screen") { $0.contains { $0.contains("Trust policy") } }
        try s.keys("j")
        try s.tmux(["load-buffer", dir.appendingPathComponent("big.json").path])
        try s.tmux(["paste-buffer", "-p"])
        try s.waitFor("the whole paste", timeout: 30) { $0.contains { $0.contains("pasted (\(bytes) bytes)") } }
        try s.keys("q")
        try s.waitFor("exit") { $0.contains { $0.hasPrefix("EXIT=0") } }
    }

    @Test(.enabled(if: available)) func pasteArrivesAsOneEventAndOpensTheDiagnosis() throws {
        let s = try TmuxSession("paste", command: TmuxSession.binary)
        try s.waitFor("the inputs screen") { $0.contains { $0.contains("Trust policy") } }
        // A token wrapped over lines, with a q in it: must arrive as data, not as the quit key.
        let token = DemoScenario.all[2].token
        try s.paste(String(token.prefix(60)) + "\n" + String(token.dropFirst(60)))
        try s.waitFor("the token recognised") { $0.contains { $0.contains("✓ pasted") } }
        try s.keys("j")
        try s.paste(DemoScenario.all[2].policy)  // "StringEquals" carries a q: it must not quit
        try s.waitFor("the verdict on the inputs screen") { $0.contains { $0.contains("verdict: DENY") } }
        try s.keys("Enter")
        let rows = try s.waitFor("the diagnosis") { $0.contains { $0.contains("condition.ref-mismatch") } }
        #expect(rows[0].contains("DENY"))
        try s.keys("q")
        try s.waitFor("exit") { $0.contains { $0.hasPrefix("EXIT=0") } }
    }

    @Test(.enabled(if: available)) func resizeRelaysOutAtOnce() throws {
        let s = try TmuxSession("resize", command: "\(TmuxSession.binary) demo other-branch")
        try s.waitFor("the diagnosis") { $0.contains { $0.contains("DENY") } }
        try s.tmux(["resize-window", "-x", "132", "-y", "40"])
        let golden = Render.canvas(AppModel(request: DemoScenario.all[2].request, title: "demo other-branch"), width: 132, height: 40).rows()
        let rows = try s.waitFor("the 132x40 layout") { trimmed($0) == trimmed(golden) }
        #expect(trimmed(rows) == trimmed(golden))
        try s.tmux(["resize-window", "-x", "60", "-y", "20"])
        try s.waitFor("the too-small screen") { $0.contains { $0.contains("needs a terminal of at least 80×24") } }
    }

    @Test(.enabled(if: available), arguments: [("TERM", 143), ("INT", 130), ("HUP", 129)])
    func signalsRestoreTheTerminal(_ signal: String, _ status: Int) throws {
        let s = try TmuxSession("sig-\(signal)", command: "\(TmuxSession.binary) demo other-branch")
        try s.waitFor("the diagnosis") { $0.contains { $0.contains("DENY") } }
        // The binary is the child of the pane's shell.
        let shell = try #require(s.pid)
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let pid = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
        _ = kill(pid, signal == "TERM" ? SIGTERM : signal == "INT" ? SIGINT : SIGHUP)
        let rows = try s.waitFor("exit and the tty modes") { $0.contains { $0.hasPrefix("EXIT=") } && $0.contains { $0.contains("icanon") } }
        #expect(rows.contains { $0.hasPrefix("EXIT=\(status)") }, "\(rows)")
        let modes = rows.first { $0.contains("icanon") } ?? ""
        #expect(modes.contains("icanon") && !modes.contains("-icanon") && !modes.contains("-echo") && !modes.contains("-isig"), "tty modes after exit: \(modes)")
    }

    /// Ctrl-Z hands the shell a terminal without bracketed paste (a paste there is plain text, not
    /// wrapped in ESC[200~ markers), and `fg` brings the screen back whole.
    @Test(.enabled(if: available && FileManager.default.isExecutableFile(atPath: "/usr/bin/dash")))
    func ctrlZSuspendsCleanlyAndFgRedraws() throws {
        // An interactive shell with job control, as over SSH; dash does not touch bracketed paste itself.
        let s = try TmuxSession("suspend", command: "PS1='$ ' ENV= dash -i")
        try s.waitFor("the shell prompt") { $0.contains { $0.hasPrefix("$") } }
        try s.keys("-l", TmuxSession.binary)
        try s.keys("Enter")
        try s.waitFor("the inputs screen") { $0.contains { $0.contains("oidc-doctor ─ inputs") } }
        try s.keys("C-z")
        try s.waitFor("the job stopped") { $0.contains { $0.contains("Stopped") } }
        try s.keys("-l", "cat -v")
        try s.keys("Enter")
        usleep(300_000)
        try s.paste("pasted-in-shell")
        try s.keys("Enter")
        let shell = try s.waitFor("cat echoing the paste") { $0.filter { $0.contains("pasted-in-shell") }.count >= 2 }
        #expect(!shell.contains { $0.contains("^[[200~") }, "bracketed paste left on:\n\(shell.joined(separator: "\n"))")
        try s.keys("C-d")
        try s.keys("-l", "fg")
        try s.keys("Enter")
        let back = try s.waitFor("the screen redrawn") { $0.contains { $0.contains("oidc-doctor ─ inputs") } && !$0.contains { $0.contains("pasted-in-shell") } }
        #expect(back.contains { $0.contains("Trust policy") })
        try s.keys("q")
        try s.waitFor("the prompt after quitting") { $0.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.hasPrefix("$") == true }
    }

    @Test(.enabled(if: available)) func hangUpEndsTheProcess() throws {
        let s = try TmuxSession("hangup", command: "\(TmuxSession.binary) demo other-branch")
        try s.waitFor("the diagnosis") { $0.contains { $0.contains("DENY") } }
        let shell = try #require(s.pid)
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let pid = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
        try s.tmux(["kill-server"], capture: false)
        // A dropped SSH session: the process must end, not spin on a dead terminal.
        let deadline = Date().addingTimeInterval(5)
        while kill(pid, 0) == 0 && Date() < deadline { usleep(50_000) }
        #expect(kill(pid, 0) != 0, "oidc-doctor still running after its terminal went away")
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    @Test(.enabled(if: available)) func selectionMoveWritesLittle() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-doctor-bytes-\(getpid())")
        try? FileManager.default.removeItem(at: log)
        let s = try TmuxSession("bytes", command: "sleep 0.5; \(TmuxSession.binary) demo other-branch")
        try s.tmux(["pipe-pane", "-o", "cat >> \(log.path)"])
        try s.waitFor("the diagnosis") { $0.contains { $0.contains("DENY") } }
        usleep(300_000)
        let first = (try? Data(contentsOf: log).count) ?? 0
        try s.keys("k")
        usleep(400_000)
        let afterMove = (try? Data(contentsOf: log).count) ?? 0
        let step = afterMove - first
        #expect(first > 500, "first frame \(first) bytes")
        #expect(step > 0 && step < 1024, "moving the selection wrote \(step) bytes")
        try s.tmux(["resize-window", "-x", "132", "-y", "40"], capture: false)
        usleep(500_000)
        let resize = ((try? Data(contentsOf: log).count) ?? 0) - afterMove
        print("bytes: first frame \(first), selection move \(step), resize to 132x40 \(resize)")
        try s.keys("q")
        try? FileManager.default.removeItem(at: log)
    }
}
