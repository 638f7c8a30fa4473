import Foundation
import GavelCore

/// `as:` conversions applied to an observed value before the operator sees it.
public enum Coercion: String, Sendable, CaseIterable {
    case bool, int, bytes, duration, lower, version

    /// The JSON type the operator will see after conversion.
    public var resultType: String {
        switch self {
        case .bool: return "bool"
        case .int, .bytes, .duration: return "number"
        case .lower, .version: return "string"
        }
    }

    /// The converted value, or a message saying why the raw value cannot be converted.
    public func apply(_ v: Value) -> Result<Value, CoercionFailure> {
        switch self {
        case .bool: return toBool(v)
        case .int: return toInt(v)
        case .bytes: return toBytes(v)
        case .duration: return toDuration(v)
        case .lower:
            if case .string(let s) = v { return .success(.string(s.lowercased())) }
            return fail(v, "a string")
        case .version:
            switch v {
            case .string: return .success(v)
            case .int(let i): return .success(.string(String(i)))
            case .double(let d): return .success(.string(JSONWriter.formatDouble(d).replacingOccurrences(of: ".0", with: "", options: .anchored)))
            default: return fail(v, "a version string")
            }
        }
    }

    public struct CoercionFailure: Error, Sendable { public var message: String }

    private func fail(_ v: Value, _ what: String) -> Result<Value, CoercionFailure> {
        .failure(CoercionFailure(message: "cannot convert \(JSONWriter.string(v)) to \(what) (as: \(rawValue))"))
    }

    /// ASCII spellings compared byte by byte (this runs for every `as: bool` leaf).
    private func toBool(_ v: Value) -> Result<Value, CoercionFailure> {
        switch v {
        case .bool: return .success(v)
        case .null: return .success(.bool(false))
        case .int(let i) where i == 0 || i == 1: return .success(.bool(i == 1))
        // Numbers are one type in the language: 1.0 is 1, as `equals: 1` and `as: int` say.
        case .double(let d) where d == 0 || d == 1: return .success(.bool(d == 1))
        case .string(var s):
            if let b = s.withUTF8(Coercion.boolWord) { return .success(.bool(b)) }
            return fail(v, "a boolean")
        default: return fail(v, "a boolean")
        }
    }

    /// PHP's ini spellings of a boolean (`On`, `yes`, `1`, `off`, `none`, empty...), case-blind,
    /// surrounding blanks ignored; nil for anything else.
    static func boolWord(_ p: UnsafeBufferPointer<UInt8>) -> Bool? {
        var lo = 0, hi = p.count
        while lo < hi, p[lo] == 32 || p[lo] == 9 { lo += 1 }
        while hi > lo, p[hi - 1] == 32 || p[hi - 1] == 9 { hi -= 1 }
        guard hi - lo <= 5 else { return nil }
        if hi == lo { return false }
        // Pack the lower-cased word into an integer, one byte per letter.
        var word: UInt64 = 0
        for i in lo..<hi {
            let b = p[i]
            if b == 0 { return nil }
            word = word << 8 | UInt64(b >= 65 && b <= 90 ? b + 32 : b)
        }
        switch word {
        case packedOn, packedYes, packedTrue, packedOne: return true
        case packedOff, packedNo, packedFalse, packedZero, packedNone: return false
        default: return nil
        }
    }

    private static let packedOn = pack("on"), packedYes = pack("yes"), packedTrue = pack("true"), packedOne = pack("1")
    private static let packedOff = pack("off"), packedNo = pack("no"), packedFalse = pack("false"), packedZero = pack("0")
    private static let packedNone = pack("none")

    private static func pack(_ s: StaticString) -> UInt64 {
        var w: UInt64 = 0
        s.withUTF8Buffer { for b in $0 { w = w << 8 | UInt64(b) } }
        return w
    }

    private func toInt(_ v: Value) -> Result<Value, CoercionFailure> {
        switch v {
        case .int: return .success(v)
        case .double(let d) where d == d.rounded() && abs(d) < 9e18: return .success(.int(Int64(d)))
        case .string(let s):
            let t = Coercion.trimmed(s)
            if let i = Int64(t.hasPrefix("+") ? t.dropFirst() : t) { return .success(.int(i)) }
            return fail(v, "an integer")
        default: return fail(v, "an integer")
        }
    }

    /// PHP shorthand: `128M`, `1G`, `512k`, plain numbers are bytes.
    private func toBytes(_ v: Value) -> Result<Value, CoercionFailure> {
        switch v {
        case .int, .double: return .success(v)
        case .string(let s):
            var t = Coercion.trimmed(s)
            var factor: Int64 = 1
            switch t.utf8.last {
            case UInt8(ascii: "k"), UInt8(ascii: "K"): factor = 1024
            case UInt8(ascii: "m"), UInt8(ascii: "M"): factor = 1024 * 1024
            case UInt8(ascii: "g"), UInt8(ascii: "G"): factor = 1024 * 1024 * 1024
            default: break
            }
            if factor != 1 { t = Coercion.trimmed(String(t.dropLast())) }
            guard let n = Int64(t) else { return fail(v, "a byte size like 128M") }
            let (r, overflow) = n.multipliedReportingOverflow(by: factor)
            return overflow ? fail(v, "a byte size (too large)") : .success(.int(r))
        default: return fail(v, "a byte size")
        }
    }

    /// `30s`, `15m`, `2h`, `1d`, `1w`, `500ms`, combinations like `1h30m`; a bare number is seconds.
    private func toDuration(_ v: Value) -> Result<Value, CoercionFailure> {
        switch v {
        case .int, .double: return .success(v)
        case .string(let s):
            if let n = Coercion.plainInteger(s) { return .success(.int(n)) }
            let t = Array(Coercion.trimmed(s).utf8)
            if let n = Int64(String(decoding: t, as: UTF8.self)) { return .success(.int(n)) }
            var total = 0.0
            var i = 0
            var parts = 0
            while i < t.count {
                var n = 0.0
                var digits = 0
                while i < t.count, t[i] >= 48, t[i] <= 57 { n = n * 10 + Double(t[i] - 48); i += 1; digits += 1 }
                var unit = ""
                while i < t.count, (t[i] >= 97 && t[i] <= 122) || (t[i] >= 65 && t[i] <= 90) { unit.append(Character(Unicode.Scalar(t[i]))); i += 1 }
                let scale: Double
                switch unit {
                case "ms": scale = 0.001
                case "s", "": scale = 1
                case "m": scale = 60
                case "h": scale = 3600
                case "d": scale = 86400
                case "w": scale = 604800
                default: return fail(v, "a duration like 30s, 15m, 2h, 1d")
                }
                guard digits > 0 else { return fail(v, "a duration like 30s, 15m, 2h, 1d") }
                total += n * scale
                parts += 1
            }
            guard parts > 0 else { return fail(v, "a duration") }
            // A whole number of seconds that fits is an int; a huge one stays a double rather
            // than trapping in the conversion.
            return .success(total == total.rounded() && abs(total) < 9e15 ? .int(Int64(total)) : .double(total))
        default: return fail(v, "a duration")
        }
    }

    /// `s` without leading and trailing whitespace (Unicode `Zs` and tab, as Foundation's
    /// `CharacterSet.whitespaces`). Ends that are ASCII are trimmed here byte by byte; only a
    /// string with a non-ASCII end goes through Foundation.
    static func trimmed(_ s: String) -> Substring {
        let u = s.utf8
        var lo = u.startIndex, hi = u.endIndex
        while lo < hi, u[lo] == 32 || u[lo] == 9 { lo = u.index(after: lo) }
        while hi > lo, u[u.index(before: hi)] == 32 || u[u.index(before: hi)] == 9 { hi = u.index(before: hi) }
        if lo < hi, u[lo] >= 0x80 || u[u.index(before: hi)] >= 0x80 {
            return Substring(s.trimmingCharacters(in: .whitespaces))
        }
        return s[lo..<hi]
    }

    /// A string of ASCII digits only (the common case), without Foundation.
    private static func plainInteger(_ s: String) -> Int64? {
        var n: Int64 = 0
        var digits = 0
        for b in s.utf8 {
            guard b >= 48 && b <= 57, digits < 18 else { return nil }
            n = n * 10 + Int64(b - 48)
            digits += 1
        }
        return digits > 0 ? n : nil
    }
}
