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
    /// most 23:59.
    public static func isRFC3339(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count > 6 else { return false }
        let sign = u[u.count - 6]
        if (sign == 43 || sign == 45) && u[u.count - 3] == 58 {                 // +hh:mm or -hh:mm
            let digits = [u[u.count - 5], u[u.count - 4], u[u.count - 2], u[u.count - 1]]
            guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            let h = Int(digits[0] - 48) * 10 + Int(digits[1] - 48), m = Int(digits[2] - 48) * 10 + Int(digits[3] - 48)
            guard h < 24, m < 60 else { return false }
            return parse(String(decoding: u.dropLast(6), as: UTF8.self) + "Z") != nil
        }
        return parse(text) != nil
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
              h < 24, m < 60, s < 61 else { return nil }
        var ms = 0
        if clock.count == 2 {
            let frac = clock[1]
            guard !frac.isEmpty, frac.allSatisfy(\.isASCII), let f = Int(frac.prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0)),
                  frac.allSatisfy(\.isNumber) else { return nil }
            ms = f
        }
        return date(milliseconds: Int64(day.ordinal) * 86_400_000 + Int64((h * 3600 + m * 60 + s) * 1000 + ms))
    }
}
