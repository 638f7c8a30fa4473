import GavelCore
import GavelYAML

/// The fields of each fix action and what each program would read as written: a fix whose
/// patch would say something else than the policy (a quote php.ini reads as the end of the
/// value, a `;` nginx reads as the end of the directive) is a `bad-fix`, not a surprise in
/// review.
struct FixFields {
    var action: String

    /// The field that names what is set: `key`, `directive`, `name`.
    var name: String {
        switch action {
        case "nginx", "nginx_remove": return "directive"
        case "nginx_header", "wp_define": return "name"
        case "magento_config": return "path"
        default: return "key"
        }
    }
    var hasValue: Bool { action != "nginx_remove" }
    var allowed: [String] { [name] + (hasValue ? ["value"] : []) + (action == "nginx_header" ? ["always"] : []) }

    /// A value as the configuration file writes it: numbers in decimal, booleans as the
    /// program spells them.
    static func text(_ v: Value, action: String) -> String {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b):
            switch action {
            case "sshd": return b ? "yes" : "no"
            case "ini": return b ? "On" : "Off"
            default: return b ? "on" : "off"
            }
        default: return ""
        }
    }

    func validate(key: String, value: Value, text: String, always: Bool, at: SourceLocation, _ diags: DiagnosticBag) -> MachineFix? {
        func bad(_ why: String) -> MachineFix? {
            diags.error(.badFix, why, at: at)
            return nil
        }
        let word = { (s: String, extra: String) in !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || extra.contains($0)) } }
        if hasValue, case .array = value { return bad("the \(action) fix for '\(key)' has a list as its value; give one value") }
        if hasValue, case .object = value { return bad("the \(action) fix for '\(key)' has a mapping as its value; give one value") }
        switch action {
        case "sshd":
            guard word(key, ""), !text.isEmpty, !text.contains(where: { "#\n\r\"".contains($0) }) else {
                return bad("the sshd fix sets '\(key)' to '\(text)': a keyword is letters and digits, the value one line without '#' or quotes")
            }
            return .sshd(key: key, value: text)
        case "ini":
            guard word(key, "._") else { return bad("the ini fix sets '\(key)': a directive name is letters, digits, '.' and '_'") }
            // Characters php.ini gives a meaning to inside a value (quotes, escapes, ${...},
            // comments, line breaks) would make the patch say something else than the policy.
            if let c = text.first(where: { "\"\\$;\n\r".contains($0) }) {
                return bad("the ini fix for '\(key)' has \(c == "\n" ? "a line break" : "'\(c)'") in its value, which php.ini would not read as written")
            }
            return .ini(key: key, value: text)
        case "nginx", "nginx_remove":
            guard word(key, "_") else { return bad("the \(action) fix names '\(key)': an nginx directive is letters, digits and '_'") }
            if ["server", "location", "http", "if", "include", "events", "upstream", "map"].contains(key) {
                return bad("the \(action) fix names '\(key)', a block or include: only simple directives are set or removed")
            }
            if action == "nginx_remove" { return .nginxRemove(directive: key) }
            // A value is the directive's arguments as nginx reads them, unquoted: `;`, braces,
            // quotes, `#` and line breaks would end or change the directive.
            if text.isEmpty || text.contains(where: { ";{}\"'#\\\n\r".contains($0) }) {
                return bad("the nginx fix sets '\(key)' to '\(text)': the value is the directive's arguments without ';', braces, quotes, '#' or line breaks")
            }
            return .nginx(directive: key, value: text)
        case "nginx_header":
            guard word(key, "-") else { return bad("the nginx_header fix names '\(key)': a header name is letters, digits and '-'") }
            if text.isEmpty || text.contains(where: { "\"\\\n\r".contains($0) }) {
                return bad(
                    "the nginx_header fix for '\(key)' has a value with a quote, backslash or line break, which the quoted add_header value cannot hold as written"
                )
            }
            return .nginxHeader(name: key, value: text, always: always)
        case "wp_define":
            guard let first = key.first, first.isLetter || first == "_", word(key, "_") else {
                return bad("the wp_define fix names '\(key)': a PHP constant is letters, digits and '_', not starting with a digit")
            }
            switch value {
            case .bool, .int: break
            case .string(let s) where !s.contains(where: { $0 == "\n" || $0 == "\r" }): break
            default: return bad("the wp_define fix for '\(key)' needs true, false, an integer or a one-line string")
            }
            return .wpDefine(name: key, value: value)
        case "magento_config":
            let segments = key.split(separator: "/", omittingEmptySubsequences: false)
            guard segments.count >= 2, segments.allSatisfy({ word(String($0), "_") }) else {
                return bad(
                    "the magento_config fix names '\(key)': a configuration path is segments of letters, digits and '_' joined by '/' (admin/security/session_lifetime)"
                )
            }
            switch value {
            case .bool, .int: break
            case .string(let s) where !s.contains(where: { $0 == "\n" || $0 == "\r" }): break
            default: return bad("the magento_config fix for '\(key)' needs true, false, an integer or a one-line string")
            }
            return .magentoConfig(path: key, value: value)
        default:
            return nil
        }
    }
}
