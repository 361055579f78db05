/// Everything the terminal can tell the screens: keys, a bracketed paste as one event, a resize.
public enum KeyEvent: Sendable, Equatable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace, delete
    case function(Int)
    /// A whole bracketed paste: data, never commands.
    case paste(String)
    case resize(width: Int, height: Int)
}
