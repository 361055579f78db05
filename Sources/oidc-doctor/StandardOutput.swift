#if canImport(Glibc)
import Glibc
#endif

/// Reports to standard output, written from the string's own bytes: an audit of an account is tens of
/// megabytes, and a `Data` copy of it would double the peak.
enum StandardOutput {
    static func write(_ text: String) {
        var t = text
        t.withUTF8 { b in
            guard let base = b.baseAddress else { return }
            var done = 0
            while done < b.count {
                let n = Glibc.write(1, base + done, b.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }  // a closed pipe: nothing more can be said there
                done += n
            }
        }
    }
}
