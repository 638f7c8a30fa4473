import Foundation
import GavelCore

/// The hooks must-use plugins attach to (`add_filter('xmlrpc_enabled', '__return_false')`,
/// `add_filter('rest_endpoints', ...)`), read from their PHP source with the lexer, never run.
/// Must-use plugins are where hosting teams put site-wide hardening; a hook whose name or
/// callback is not a literal is recorded with what could be read (a closure's callback is null).
enum WordPressHooks {
    /// Files larger than this are skipped: a must-use plugin is a few kilobytes.
    static let maxFileBytes = 1 << 20

    static func read(files: [(path: String, shown: String)]) -> [Value] {
        var out: [Value] = []
        for f in files {
            guard let attrs = try? FileManager.default.attributesOfItem(atPath: f.path), let size = attrs[.size] as? Int, size <= maxFileBytes,
                let data = FileManager.default.contents(atPath: f.path)
            else { continue }
            var lexer = PHPLexer([UInt8](data))
            guard let tokens = try? lexer.tokens() else { continue }
            out += hooks(tokens, file: f.shown)
        }
        return out
    }

    /// WordPress's time constants (wp-includes/default-constants.php).
    static let timeConstants: [String: Int64] = [
        "MINUTE_IN_SECONDS": 60, "HOUR_IN_SECONDS": 3600, "DAY_IN_SECONDS": 86_400, "WEEK_IN_SECONDS": 604_800, "MONTH_IN_SECONDS": 2_592_000,
        "YEAR_IN_SECONDS": 31_536_000,
    ]

    /// The number a callback always returns, when it is a closure or arrow function whose
    /// body is only `return N;` (N a product of integers and WordPress's time constants):
    /// `function () { return 8 * HOUR_IN_SECONDS; }`, `fn() => 1800`. Anything else: nil.
    static func constantReturn(_ t: [PHPLexer.Token], from start: Int) -> Int64? {
        var i = start
        if t[i].kind == .name("static") { i += 1 }
        guard i < t.count, case .name(let kw) = t[i].kind, kw.lowercased() == "function" || kw.lowercased() == "fn" else { return nil }
        // Skip the parameter list (and a `use (...)` clause or return type).
        guard i + 1 < t.count, t[i + 1].kind == .punct("(") else { return nil }
        var depth = 0
        i += 1
        while i < t.count {
            if t[i].kind == .punct("(") { depth += 1 }
            if t[i].kind == .punct(")") { depth -= 1; if depth == 0 { break } }
            i += 1
        }
        i += 1
        while i < t.count, t[i].kind != .punct("{"), t[i].kind != .punct("=>") { i += 1 }
        guard i < t.count else { return nil }
        let arrow = t[i].kind == .punct("=>")
        i += 1
        if !arrow {
            guard i < t.count, case .name(let r) = t[i].kind, r.lowercased() == "return" else { return nil }
            i += 1
        }
        var product: Int64 = 1
        var expectOperand = true
        while i < t.count {
            switch t[i].kind {
            case .int(let n) where expectOperand: product = product.multipliedReportingOverflow(by: n).partialValue
            case .name(let c) where expectOperand:
                guard let v = timeConstants[c] else { return nil }
                product = product.multipliedReportingOverflow(by: v).partialValue
            case .punct("*") where !expectOperand: break
            case .punct(";") where !expectOperand: return arrow ? nil : (i + 1 < t.count && t[i + 1].kind == .punct("}") ? product : nil)
            case .punct(")") where arrow && !expectOperand: return product
            case .punct(",") where arrow && !expectOperand: return product
            default: return nil
            }
            expectOperand.toggle()
            i += 1
        }
        return nil
    }

    /// `add_filter(` / `add_action(` followed by a literal hook name; the callback when it is a
    /// literal function name.
    static func hooks(_ t: [PHPLexer.Token], file: String) -> [Value] {
        var out: [Value] = []
        var i = 0
        while i + 3 < t.count {
            defer { i += 1 }
            guard case .name(let fn) = t[i].kind, ["add_filter", "add_action"].contains(fn.lowercased()), t[i + 1].kind == .punct("("),
                case .string(let hook, interpolated: false) = t[i + 2].kind
            else { continue }
            if i > 0, case .punct(let p) = t[i - 1].kind, p == "->" || p == "::" { continue }  // a method of some object, not WordPress's
            var callback: Value = .null
            var returns: Value = .null
            if t[i + 3].kind == .punct(","), i + 4 < t.count {
                if case .string(let cb, interpolated: false) = t[i + 4].kind { callback = .string(cb) }
                returns = constantReturn(t, from: i + 4).map { .integer(Int($0)) } ?? .null
            }
            out.append(
                .object([
                    ("type", .string(fn.lowercased() == "add_filter" ? "filter" : "action")), ("hook", .string(hook)), ("callback", callback),
                    ("returns", returns), ("file", .string(file)), ("line", .integer(t[i].line)),
                ]))
        }
        return out
    }

    /// How long a login lasts: the `auth_cookie_expiration` filter of a must-use plugin when
    /// one returns a constant (null when its value cannot be read), else WordPress's default
    /// of 14 days (with "Remember Me"; 2 days without).
    static func session(_ hooks: [Value]) -> Value {
        if let h = hooks.last(where: { $0["hook"]?.stringValue == "auth_cookie_expiration" }) {
            let at = "\(h["file"]?.stringValue ?? ""):\(h["line"].map { JSONWriter.string($0) } ?? "")"
            return .object([("login_lifetime_seconds", h["returns"] ?? .null), ("from", .string("auth_cookie_expiration filter at \(at)"))])
        }
        return .object([
            ("login_lifetime_seconds", .integer(14 * 86_400)), ("from", "WordPress default: 14 days with Remember Me, 2 days without"),
        ])
    }
}
