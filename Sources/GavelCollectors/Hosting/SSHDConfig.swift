import GavelCore

/// sshd's effective settings: `sshd -T` when it can run (root, host keys present), else
/// `sshd_config` read the way sshd reads it: keywords case-insensitive, `keyword value` or
/// `keyword=value`, **the first value obtained wins**, `Include` globs (relative to
/// /etc/ssh) read in place, `Match` blocks recorded with their settings but not merged, and
/// OpenSSH's defaults for the keys policies ask about when the files leave them unset.
package struct SSHDConfig {
    /// Keywords that collect every value instead of keeping the first.
    static let multi: Set<String> = [
        "port", "listenaddress", "hostkey", "acceptenv", "allowusers", "denyusers",
        "allowgroups", "denygroups", "subsystem", "setenv", "hostcertificate", "include",
    ]
    /// OpenSSH 9.x defaults (sshd_config(5)) for the settings the shipped policies read.
    static let defaults: [String: String] = [
        "permitrootlogin": "without-password", "passwordauthentication": "yes", "pubkeyauthentication": "yes",
        "permitemptypasswords": "no", "kbdinteractiveauthentication": "yes", "x11forwarding": "no",
        "maxauthtries": "6", "logingracetime": "120", "clientaliveinterval": "0", "clientalivecountmax": "3",
        "allowtcpforwarding": "yes", "allowagentforwarding": "yes", "loglevel": "INFO", "usepam": "no",
        "permituserenvironment": "no", "maxsessions": "10", "hostbasedauthentication": "no", "ignorerhosts": "yes",
        "strictmodes": "yes", "banner": "none", "port": "22",
    ]
    private static let words: Set<String> = [
        "yes", "no", "prohibit-password", "without-password", "forced-commands-only",
        "local", "remote", "all", "none", "any",
    ]

    struct Setting { var values: [String]; var file: String; var line: Int }

    var settings: [String: Setting] = [:]
    var order: [String] = []
    var matches: [Value] = []
    var files: [String] = []
    var errors: [String] = []

    /// Parses `path` and its includes.
    mutating func read(_ path: String, _ host: inout HostFiles, depth: Int = 0, inMatch: Int? = nil) {
        guard depth < 16 else { errors.append("\(path): includes nested too deep"); return }
        guard let text = host.text(path, part: "sshd") else { return }
        files.append(path)
        var match = inMatch
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var words = Self.split(raw)
            guard !words.isEmpty else { continue }
            let key = words.removeFirst().lowercased()
            if key == "match" {
                matches.append(
                    .object([
                        ("criteria", .string(words.joined(separator: " "))), ("settings", .object([Value.Member]())),
                        ("file", .string(path)), ("line", .integer(n + 1)),
                    ]))
                match = matches.count - 1
                continue
            }
            if key == "include" {
                for pattern in words {
                    let full = pattern.hasPrefix("/") ? pattern : "/etc/ssh/" + pattern
                    for f in host.glob(full) { read(f, &host, depth: depth + 1, inMatch: match) }
                }
                continue
            }
            // Spelled as `sshd -T` prints them: yes/no words lower-case, log levels upper-case.
            // (and prohibit-password under its older name, which is what `sshd -T` prints).
            let values =
                key == "loglevel"
                ? words.map { $0.uppercased() }
                : words.map {
                    let w = $0.lowercased()
                    return w == "prohibit-password" ? "without-password" : Self.words.contains(w) ? w : $0
                }
            if let m = match {
                guard case .object(var o) = matches[m], case .object(var s)? = matches[m]["settings"] else { continue }
                if !s.contains(where: { $0.key == key }) { s.append(Value.Member(key, .string(values.joined(separator: " ")))) }
                o.removeAll { $0.key == "settings" }
                o.insert(Value.Member("settings", .object(s)), at: 1)
                matches[m] = .object(o)
            } else if var existing = settings[key] {
                if Self.multi.contains(key) { existing.values += values; settings[key] = existing }
            } else {
                settings[key] = Setting(values: values, file: path, line: n + 1)
                order.append(key)
            }
        }
    }

    /// Words of one line: blanks or one `=` separate the keyword; double quotes group.
    static func split(_ line: Substring) -> [String] {
        var out: [String] = []
        var cur = ""
        var quoted = false, any = false
        for ch in line {
            if ch == "#" && !quoted && !any { break }  // a word starting with # begins a comment
            if ch == "\"" { quoted.toggle(); any = true; continue }
            if !quoted && (ch == " " || ch == "\t" || ch == "\r" || (ch == "=" && out.isEmpty)) {
                if any { out.append(cur); cur = ""; any = false }
                continue
            }
            cur.append(ch)
            any = true
        }
        if any { out.append(cur) }
        return out
    }

    /// `sshd -T` output: one `keyword value` per line, lower-case, every default filled in.
    static func effective(_ text: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard let k = parts.first else { continue }
            out[String(k), default: []].append(parts.count > 1 ? String(parts[1]) : "")
        }
        return out
    }

    static func value(_ key: String, _ values: [String]) -> Value {
        multi.contains(key) ? .array(values.map { .string($0) }) : .string(values.joined(separator: " "))
    }

    /// The `sshd` part of the hosting snapshot.
    static func collect(_ host: inout HostFiles, _ prov: inout [(String, String, Int)]) -> Value {
        if let r = host.run("sshd", "sshd", ["-T"]), r.status == 0 {
            let eff = effective(r.stdout)
            return .object([
                ("source", "sshd -T"), ("settings", .object(eff.keys.sorted().map { ($0, value($0, eff[$0]!)) })),
                ("origin", .object([Value.Member]())), ("matches", .array([])), ("files", .array([])),
            ])
        }
        guard host.exists("/etc/ssh/sshd_config") else {
            return .object([("source", .null), ("installed", false)])
        }
        var c = SSHDConfig()
        c.read("/etc/ssh/sshd_config", &host)
        var settings: [(String, Value)] = []
        var origin: [(String, Value)] = []
        for k in c.order {
            let s = c.settings[k]!
            settings.append((k, value(k, s.values)))
            origin.append((k, "file"))
            prov.append(("/sshd/settings/" + k, s.file, s.line))
        }
        for (k, v) in defaults.sorted(by: { $0.key < $1.key }) where c.settings[k] == nil {
            settings.append((k, value(k, [v])))
            origin.append((k, "default"))
        }
        return .object([
            ("source", "sshd_config"), ("settings", .object(settings)), ("origin", .object(origin)),
            ("matches", .array(c.matches)), ("files", .array(c.files.map { .string($0) })),
        ])
    }
}

extension SSHDConfig {
    /// The `sshd` part of a hosting snapshot, read from the files under `root` (a copy or an
    /// image: no program is run), for `gavel fix` to collect a patched configuration again.
    package static func part(root: String) -> Value {
        var host = HostFiles(root: root)
        var prov: [(String, String, Int)] = []
        return collect(&host, &prov)
    }
}
