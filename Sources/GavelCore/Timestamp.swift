import Foundation

/// An instant as results documents write it: UTC, whole milliseconds,
/// `2026-11-23T02:00:00.123Z`. Formatting and parsing are exact inverses, so a document
/// read back and written again is the same bytes.
public enum Timestamp {
    /// Milliseconds since 1970-01-01T00:00:00Z, to the nearest.
    public static func milliseconds(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }

    public static func date(milliseconds ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    public static func string(_ d: Date) -> String {
        let ms = milliseconds(d)
        let day = Int((Double(ms) / 86_400_000).rounded(.down))
        let inDay = Int(ms - Int64(day) * 86_400_000)
        let s = inDay / 1000
        return Day(ordinal: day).description + String(format: "T%02d:%02d:%02d.%03dZ", s / 3600, s / 60 % 60, s % 60, inDay % 1000)
    }

    /// Whether `text` is an RFC 3339 date-time (`2026-11-21T02:00:04Z`, `...04.5+02:00`), as a
    /// snapshot's `collected_at` must be: a valid day and time, and `Z` or an offset of at
    /// most 23:59. Read byte by byte: it runs once per snapshot file loaded.
    public static func isRFC3339(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { u -> Bool in
            func number(_ at: Int, _ digits: Int) -> Int? {
                guard at + digits <= u.count else { return nil }
                var v = 0
                for k in at..<(at + digits) {
                    guard u[k] >= 48 && u[k] <= 57 else { return nil }
                    v = v * 10 + Int(u[k] - 48)
                }
                return v
            }
            guard u.count >= 20, let y = number(0, 4), u[4] == 45, let mo = number(5, 2), u[7] == 45, let d = number(8, 2),
                u[10] == 84 || u[10] == 116, let h = number(11, 2), u[13] == 58, let mi = number(14, 2), u[16] == 58,
                let sec = number(17, 2)
            else { return false }
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard mo >= 1 && mo <= 12, d >= 1 && d <= days[mo - 1], h < 24, mi < 60, sec < 61 else { return false }
            var i = 19
            if u[i] == 46 {  // fraction: one digit or more
                i += 1
                let first = i
                while i < u.count && u[i] >= 48 && u[i] <= 57 { i += 1 }
                guard i > first else { return false }
            }
            guard i < u.count else { return false }
            if u[i] == 90 || u[i] == 122 { return i + 1 == u.count }  // Z
            guard u[i] == 43 || u[i] == 45, i + 6 == u.count, let oh = number(i + 1, 2), u[i + 3] == 58,
                let om = number(i + 4, 2)
            else { return false }
            return oh < 24 && om < 60
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff...]Z` (also with `+00:00`); nil for anything else.
    public static func parse(_ text: String) -> Date? {
        var t = Substring(text)
        if t.hasSuffix("Z") { t = t.dropLast() } else if t.hasSuffix("+00:00") { t = t.dropLast(6) } else { return nil }
        let halves = t.split(separator: "T", omittingEmptySubsequences: false)
        guard halves.count == 2, let day = Day(String(halves[0])) else { return nil }
        let clock = halves[1].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let hms = clock[0].split(separator: ":", omittingEmptySubsequences: false)
        guard hms.count == 3, hms.allSatisfy({ $0.count == 2 }), let h = Int(hms[0]), let m = Int(hms[1]), let s = Int(hms[2]),
            h < 24, m < 60, s < 61
        else { return nil }
        var ms = 0
        if clock.count == 2 {
            let frac = clock[1]
            guard !frac.isEmpty, frac.allSatisfy(\.isASCII), let f = Int(frac.prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0)),
                frac.allSatisfy(\.isNumber)
            else { return nil }
            ms = f
        }
        return date(milliseconds: Int64(day.ordinal) * 86_400_000 + Int64((h * 3600 + m * 60 + s) * 1000 + ms))
    }
}
