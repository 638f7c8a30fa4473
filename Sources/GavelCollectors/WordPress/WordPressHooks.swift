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
            if t[i + 3].kind == .punct(","), i + 4 < t.count, case .string(let cb, interpolated: false) = t[i + 4].kind {
                callback = .string(cb)
            }
            out.append(
                .object([
                    ("type", .string(fn.lowercased() == "add_filter" ? "filter" : "action")), ("hook", .string(hook)), ("callback", callback),
                    ("file", .string(file)), ("line", .integer(t[i].line)),
                ]))
        }
        return out
    }
}
