/// Key bindings are data: one table drives dispatch, the status line and the help screen.
public struct Binding: Sendable {
    public var keys: String
    public var label: String
    public var help: String
    public var screens: Set<ScreenKind>
}

public enum ScreenKind: String, Sendable, CaseIterable {
    case inputs, diagnosis, whatIf = "what-if", fix, demoPicker = "demos", roles, matrix, help
}

public enum KeyMap {
    public static let all: [Binding] = [
        Binding(keys: "?", label: "help", help: "this help", screens: [.inputs, .diagnosis, .whatIf, .fix, .demoPicker, .roles, .matrix]),
        Binding(keys: "q", label: "quit", help: "quit", screens: [.inputs, .diagnosis, .fix, .demoPicker, .roles, .matrix, .help]),
        Binding(keys: "↑↓ j/k", label: "move", help: "move the selection", screens: [.inputs, .diagnosis, .demoPicker, .roles, .matrix, .help]),
        Binding(keys: "r", label: "sort", help: "roles: sort by risk or by name", screens: [.roles]),
        Binding(keys: "↑↓", label: "field", help: "what-if: choose the claim to edit; type to change it, Backspace deletes", screens: [.whatIf]),
        Binding(keys: "PgUp/PgDn g/G", label: "scroll", help: "scroll a page, go to the top or bottom", screens: [.diagnosis, .help]),
        Binding(keys: "Tab", label: "pane", help: "next pane (walk, token, policy); Shift-Tab goes back", screens: [.diagnosis]),
        Binding(keys: "Enter", label: "open", help: "open the selected demo or role, diagnose the inputs, or try the selected witness job as a what-if", screens: [.inputs, .demoPicker, .matrix, .roles]),
        Binding(keys: "l", label: "load file", help: "load the selected slot from a file (Tab completes the path)", screens: [.inputs]),
        Binding(keys: "e", label: "env var", help: "fill the selected slot from an environment variable", screens: [.inputs]),
        Binding(keys: "i", label: "type", help: "type or paste into the selected slot; Esc ends", screens: [.inputs]),
        Binding(keys: "x", label: "clear", help: "clear the selected slot", screens: [.inputs]),
        Binding(keys: "w", label: "what-if", help: "edit project path, ref, ref type, audience or issuer and see the verdict change", screens: [.diagnosis]),
        Binding(keys: "f", label: "fix", help: "show the fix for the selected finding as a diff of the policy", screens: [.diagnosis]),
        Binding(keys: "s", label: "save", help: "write the corrected policy to a file you name (asks before overwriting)", screens: [.fix]),
        Binding(keys: "o", label: "inputs", help: "back to the inputs", screens: [.diagnosis]),
        Binding(keys: "t", label: "time", help: "evaluate at another time: the job's own time when the token has expired since, else a time you type", screens: [.diagnosis]),
        Binding(keys: "m", label: "matrix", help: "who else the policy admits: witness jobs (other branch, tag, MR, fork, other projects), each evaluated", screens: [.diagnosis, .roles]),
        Binding(keys: "Esc", label: "back", help: "back out (what-if returns to the real token); it never quits", screens: [.whatIf, .fix, .help, .diagnosis, .matrix]),
    ]

    public static func statusLine(for screen: ScreenKind) -> [Binding] { all.filter { $0.screens.contains(screen) } }

    /// The keys while a text is typed into a prompt: every printable key is text.
    static func typing(_ prompt: AppModel.Prompt) -> [Binding] {
        let done: Binding
        switch prompt {
        case .typing: done = Binding(keys: "Esc", label: "done (Enter ends a token)", help: "", screens: [])
        case .confirmOverwrite: return [Binding(keys: "y", label: "overwrite", help: "", screens: []), Binding(keys: "any other key", label: "keep the file", help: "", screens: [])]
        case .confirmQuit: return [Binding(keys: "y", label: "quit", help: "", screens: []), Binding(keys: "any other key", label: "stay", help: "", screens: [])]
        default: done = Binding(keys: "Enter", label: "done", help: "", screens: [])
        }
        var keys = [done, Binding(keys: "Backspace", label: "delete", help: "", screens: [])]
        if case .path = prompt { keys.append(Binding(keys: "Tab", label: "complete", help: "", screens: [])) }
        if case .typing = prompt {} else { keys.append(Binding(keys: "Esc", label: "cancel", help: "", screens: [])) }
        return keys
    }
}
