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
        case .string(let s):
            var bytes = s.utf8[...]
            while let f = bytes.first, f == 32 || f == 9 { bytes = bytes.dropFirst() }
            while let l = bytes.last, l == 32 || l == 9 { bytes = bytes.dropLast() }
            if bytes.count > 5 { return fail(v, "a boolean") }
            let word = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
            switch word {
            case Coercion.on, Coercion.yes, Coercion.true, Coercion.one: return .success(.bool(true))
            case Coercion.off, Coercion.no, Coercion.false, Coercion.zero, [], Coercion.none: return .success(.bool(false))
            default: return fail(v, "a boolean")
            }
        default: return fail(v, "a boolean")
        }
    }

    private static let on = Array("on".utf8), yes = Array("yes".utf8), `true` = Array("true".utf8), one = Array("1".utf8)
    private static let off = Array("off".utf8), no = Array("no".utf8), `false` = Array("false".utf8), zero = Array("0".utf8)
    private static let none = Array("none".utf8)

    private func toInt(_ v: Value) -> Result<Value, CoercionFailure> {
        switch v {
        case .int: return .success(v)
        case .double(let d) where d == d.rounded() && abs(d) < 9e18: return .success(.int(Int64(d)))
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            if let i = Int64(t.hasPrefix("+") ? String(t.dropFirst()) : t) { return .success(.int(i)) }
            return fail(v, "an integer")
        default: return fail(v, "an integer")
        }
    }

    /// PHP shorthand: `128M`, `1G`, `512k`, plain numbers are bytes.
    private func toBytes(_ v: Value) -> Result<Value, CoercionFailure> {
        switch v {
        case .int, .double: return .success(v)
        case .string(let s):
            var t = s.trimmingCharacters(in: .whitespaces)
            var factor: Int64 = 1
            if let last = t.last, "kKmMgG".contains(last) {
                factor = "kK".contains(last) ? 1024 : "mM".contains(last) ? 1024 * 1024 : 1024 * 1024 * 1024
                t.removeLast()
            }
            guard let n = Int64(t.trimmingCharacters(in: .whitespaces)) else { return fail(v, "a byte size like 128M") }
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
            let t = Array(s.trimmingCharacters(in: .whitespaces).utf8)
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
            return .success(total == total.rounded() ? .int(Int64(total)) : .double(total))
        default: return fail(v, "a duration")
        }
    }
}
