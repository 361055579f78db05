#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads a `SRC`: a file path, `-` for standard input, or `env:NAME`. All I/O lives in the executable.
enum InputSource {
    static let maxBytes = 4 << 20

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ src: String, what: String, limit: Int = maxBytes) throws -> String {
        let bytes: [UInt8]
        if src == "-" {
            bytes = readAll(fd: 0, limit: limit)
        } else if src.hasPrefix("env:") {
            let name = String(src.dropFirst(4))
            guard !name.isEmpty else { throw Failure(description: "\(what) \(src): name the variable after env:, e.g. env:ID_TOKEN") }
            guard let v = ProcessInfo.processInfo.environment[name] else {
                throw Failure(description: "\(what) \(src): environment variable \(name) is not set")
            }
            bytes = Array(v.utf8)
        } else {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: src, isDirectory: &isDir) else {
                throw Failure(description: "\(what) \(src): no such file")
            }
            if isDir.boolValue { throw Failure(description: "\(what) \(src): is a directory, not a file") }
            let fd = open(src, O_RDONLY)
            guard fd >= 0 else { throw Failure(description: "\(what) \(src): cannot open (\(String(cString: strerror(errno))))") }
            defer { close(fd) }
            bytes = readAll(fd: fd, limit: limit)
        }
        if bytes.count > limit {
            throw Failure(description: "\(what) \(src): \(bytes.count) bytes is more than the \(limit)-byte limit" + (what == "token" ? " (STS accepts tokens of at most 20,000 characters)" : ""))
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw Failure(description: "\(what) \(src): is empty")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8(bytes)
            throw Failure(description: "\(what) \(src): not UTF-8 text (invalid byte 0x\(String(bytes[offset], radix: 16)) at byte offset \(offset))")
        }
        return text
    }

    /// Reads at most one byte past the limit, so a 20 MB paste fails fast without being held whole.
    static func readAll(fd: Int32, limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count <= limit {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 65536) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    static func firstInvalidUTF8(_ b: [UInt8]) -> Int {
        var i = 0
        while i < b.count {
            let len = b[i] < 0x80 ? 1 : b[i] >= 0xF0 ? 4 : b[i] >= 0xE0 ? 3 : b[i] >= 0xC0 ? 2 : 0
            if len == 0 || i + len > b.count || String(validating: b[i..<i + len], as: UTF8.self) == nil { return i }
            i += len
        }
        return 0
    }
}

/// What the terminal can show: colour only on a terminal without NO_COLOR, ✓✗ only in a UTF-8 locale.
enum TerminalTraits {
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    static var color: Bool {
        let env = ProcessInfo.processInfo.environment
        if let nc = env["NO_COLOR"], !nc.isEmpty { return false }
        if env["TERM"] == "dumb" { return false }
        return stdoutIsTerminal
    }

    /// The width policy lines in a text report may take: the terminal's, or 100 columns in a pipe or log.
    static var reportWidth: Int {
        var size = winsize()
        guard stdoutIsTerminal, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 else { return 100 }
        return Int(size.ws_col)
    }

    static var unicode: Bool {
        let env = ProcessInfo.processInfo.environment
        let locale = env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LANG"] ?? ""
        let l = locale.lowercased()
        return l.contains("utf-8") || l.contains("utf8")
    }
}
