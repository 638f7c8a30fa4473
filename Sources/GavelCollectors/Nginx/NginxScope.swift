/// The directives of the enclosing levels (http -> server -> location -> nested location) and
/// nginx's inheritance rule for them: a level that sets a directive at all replaces what it
/// would inherit. For list directives (`add_header`, `allow`/`deny`, `fastcgi_param`,
/// `access_log`, `ssl_certificate`) this is the rule that surprises people: one `add_header`
/// in a location drops every header set at server or http level.
struct NginxScope {
    typealias Level = [String: [NginxDirective]]
    private(set) var levels: [(name: String, directives: Level)] = []

    /// Groups a block's own directives by name; `allow` and `deny` share one ordered list
    /// ("access") as they do in ngx_http_access_module.
    static func level(_ block: [NginxDirective]) -> Level {
        var l: Level = [:]
        for d in block {
            let key = (d.name == "allow" || d.name == "deny") ? "access" : d.name
            l[key, default: []].append(d)
        }
        return l
    }

    func pushing(_ name: String, _ block: [NginxDirective]) -> NginxScope {
        var s = self
        s.levels.append((name, NginxScope.level(block)))
        return s
    }

    /// The directives in effect for `name` and the level they come from, or nil when no level
    /// sets it (nginx's default applies).
    func effective(_ name: String) -> (directives: [NginxDirective], level: String)? {
        for l in levels.reversed() {
            if let ds = l.directives[name], !ds.isEmpty { return (ds, l.name) }
        }
        return nil
    }

    /// The single directive in effect for a one-value directive.
    func single(_ name: String) -> NginxDirective? { effective(name)?.directives.last }

    /// The current level's own directives (for those nginx does not inherit, like `return`).
    func own(_ name: String) -> [NginxDirective] { levels.last?.directives[name] ?? [] }
}
