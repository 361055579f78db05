import Foundation
import OIDCDoctorCore
import OIDCDoctorScreens

/// The interactive loop: the model decides, the curses backend draws and reads keys, and this file
/// performs the model's effects (files, environment). No verdict is computed here.
enum TUI {
    /// Runs the screens, or prints the text report (with one line saying why) where curses cannot run.
    static func run(_ model: AppModel, fallback: () -> Int32) -> Int32 {
        if let why = CursesTerminal.unusableReason() {
            FileHandle.standardError.write(Data("oidc-doctor: \(why); printing the report instead of the full-screen view.\n".utf8))
            return fallback()
        }
        let colour = (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let term: CursesTerminal
        do { term = try CursesTerminal(colour: colour) } catch {
            FileHandle.standardError.write(Data("oidc-doctor: cannot start the terminal UI (\(error)); printing the report instead.\n".utf8))
            return fallback()
        }
        defer { term.shutdown() }
        var m = model
        m.glyphs = term.unicode ? .unicode : .ascii
        m.currentTime = Int64(Date().timeIntervalSince1970)
        m.screenWidth = term.width
        m.screenHeight = term.height
        var last: Canvas?
        func draw() {
            m.prepareFrame()
            let canvas = Render.canvas(m, width: term.width, height: term.height)
            if canvas != last {
                term.present(canvas)
                last = canvas
            }
        }
        draw()
        var owed = false
        while true {
            // Keys already typed are handled before the next frame (a paste without bracketed-paste
            // support arrives as single keys): one frame per batch, not per key.
            switch term.nextInput(timeoutMs: owed ? 0 : 100) {
            case .timeout:
                draw()
                owed = false
            case .hangup: return 129
            case .signal(let s): return 128 + s
            case .event(let e):
                var pending = m.update(.key(e))
                while !pending.isEmpty {
                    let effect = pending.removeFirst()
                    if effect == .quit { return 0 }
                    if effect == .redraw {
                        term.repaintAll()
                        last = nil
                        continue
                    }
                    if let reply = perform(effect) { pending += m.update(reply) }
                }
                if case .resize = e {
                    // At once: reading on would let curses repaint the old frame at the new size first.
                    last = nil
                    draw()
                    owed = false
                } else {
                    owed = true
                }
            }
        }
    }

    static func perform(_ effect: ScreenEffect) -> Message? {
        switch effect {
        case .quit, .redraw: return nil
        case .loadFile(let path, let slot):
            let expanded = (path as NSString).expandingTildeInPath
            if slot == 1, TerraformLoader.isTerraform(expanded) {
                do { return .loadedTerraform(slot: slot, files: try TerraformLoader.load(expanded, arguments: [], roleArn: nil), source: path) } catch {
                    return .loadFailed(slot: slot, message: "\(error)")
                }
            }
            // The same limit as a paste into the slot, said the same way.
            do { return .loaded(slot: slot, text: try InputSource.read(expanded, what: "file", limit: AppModel.slotLimit), source: path) } catch {
                return .loadFailed(slot: slot, message: "\(error)")
            }
        case .readEnvironment(let name, let slot):
            do { return .loaded(slot: slot, text: try InputSource.read("env:" + name, what: "variable"), source: "env:" + name) } catch {
                return .loadFailed(slot: slot, message: "\(error)")
            }
        case .completePath(let prefix):
            return .completions(completions(prefix))
        case .writeFile(let path, let contents, let overwrite):
            let expanded = (path as NSString).expandingTildeInPath
            if !overwrite && FileManager.default.fileExists(atPath: expanded) {
                return .saveFailed(path: path, message: "\(path) exists", exists: true)
            }
            do { try contents.write(toFile: expanded, atomically: true, encoding: .utf8) } catch {
                return .saveFailed(path: path, message: "cannot write \(path): \(error.localizedDescription)", exists: false)
            }
            return .saved(path: path)
        }
    }

    /// Tab completion for the file prompt: entries of the prefix's directory that start with its last part.
    static func completions(_ prefix: String) -> [String] {
        let expanded = (prefix as NSString).expandingTildeInPath
        let dir = expanded.hasSuffix("/") ? expanded : (expanded as NSString).deletingLastPathComponent
        let stem = expanded.hasSuffix("/") ? "" : (expanded as NSString).lastPathComponent
        let base = dir.isEmpty ? "." : dir
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        let shownDir = prefix.hasSuffix("/") ? prefix : String(prefix.dropLast(stem.count))
        return names.filter { $0.hasPrefix(stem) && !$0.hasPrefix(".") || (stem.hasPrefix(".") && $0.hasPrefix(stem)) }.sorted().prefix(50).map { name in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (base as NSString).appendingPathComponent(name), isDirectory: &isDir)
            return shownDir + name + (isDir.boolValue ? "/" : "")
        }
    }
}
