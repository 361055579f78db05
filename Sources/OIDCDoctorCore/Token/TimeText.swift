/// UTC times as numbers and human text, without locale or time zone state.
public enum TimeText {
    /// `2026-11-27T11:10:00Z`
    public static func iso(_ t: Int64) -> String {
        let (y, m, d, hh, mm, ss) = civil(t)
        return "\(pad(y, 4))-\(pad(m))-\(pad(d))T\(pad(hh)):\(pad(mm)):\(pad(ss))Z"
    }

    /// "in 38m", "3h 5m ago": how far `t` is from `now`.
    public static func relative(_ t: Int64, now: Int64) -> String {
        let d = t - now
        let a = abs(d)
        let text: String
        if a < 60 { text = "\(a)s" } else if a < 3600 { text = "\(a / 60)m\(a % 60 == 0 ? "" : " \(a % 60)s")" } else if a < 86400 * 2 {
            text = "\(a / 3600)h\(a % 3600 / 60 == 0 ? "" : " \(a % 3600 / 60)m")"
        } else { text = "\(a / 86400)d" }
        return d >= 0 ? "in \(text)" : "\(text) ago"
    }

    /// Parses `--at`: epoch seconds, or RFC 3339 (`2026-11-27T11:10:00Z`, fractional seconds and offsets allowed).
    public static func parse(_ s: String) -> Int64? {
        let t = s.trimmingWhitespace
        if let n = Int64(t) { return n }
        let c = Array(t.utf8)
        func num(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= c.count else { return nil }
            var v = 0
            for i in r {
                guard c[i] >= 0x30 && c[i] <= 0x39 else { return nil }
                v = v * 10 + Int(c[i] - 0x30)
            }
            return v
        }
        guard c.count >= 10, let y = num(0..<4), c[4] == 0x2D, let mo = num(5..<7), c[7] == 0x2D, let d = num(8..<10) else { return nil }
        guard (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var hh = 0, mi = 0, ss = 0
        var i = 10
        if c.count > 10 {
            guard c[10] == UInt8(ascii: "T") || c[10] == UInt8(ascii: "t") || c[10] == 0x20, let h = num(11..<13), c.count > 13, c[13] == 0x3A, let m = num(14..<16) else { return nil }
            hh = h
            mi = m
            i = 16
            if i < c.count, c[i] == 0x3A {
                guard let sec = num(17..<19) else { return nil }
                ss = sec
                i = 19
            }
            if i < c.count, c[i] == 0x2E {
                i += 1
                while i < c.count, c[i] >= 0x30 && c[i] <= 0x39 { i += 1 }
            }
        }
        guard hh < 24, mi < 60, ss < 61 else { return nil }
        var offset = 0
        if i < c.count {
            if c[i] == UInt8(ascii: "Z") || c[i] == UInt8(ascii: "z") {
                i += 1
            } else if c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
                let sign = c[i] == UInt8(ascii: "+") ? 1 : -1
                guard let oh = num(i + 1..<i + 3), i + 3 < c.count, c[i + 3] == 0x3A, let om = num(i + 4..<i + 6) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
                i += 6
            } else {
                return nil
            }
        }
        guard i == c.count else { return nil }
        return daysFromCivil(y, mo, d) * 86400 + Int64(hh * 3600 + mi * 60 + ss) - Int64(offset)
    }

    private static func pad(_ v: Int, _ w: Int = 2) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, w - s.count)) + s
    }

    // Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int64(era * 146097 + doe - 719468)
    }

    static func civil(_ t: Int64) -> (Int, Int, Int, Int, Int, Int) {
        var days = t / 86400
        var secs = t % 86400
        if secs < 0 { secs += 86400; days -= 1 }
        let z = Int(days) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d, Int(secs / 3600), Int(secs % 3600 / 60), Int(secs % 60))
    }
}
