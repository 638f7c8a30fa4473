import GavelCore

/// The last step of every collector: each value the `SecretClassifier` calls a secret is
/// replaced by what rules may know of it, before the snapshot exists anywhere:
///
///     {"set": true, "length": 24, "secret": "its name says it is a secret (password)",
///      "placeholder": false}
///
/// plus `"redacted"` for a URL whose credentials were the secret (`tcp://10.0.0.5:6379?auth=***`),
/// so rules still see the scheme, host, port and path. `placeholder` is true for an empty
/// value and for well-known defaults (`changeme`, `password`, WordPress's `put your unique
/// phrase here`), which is how a rule requires "not the default" without the value.
///
/// A value's name is the key it is stored under; under structural keys (`value`, `args`,
/// list elements) it is the enclosing key's, and in a `{name, value}` pair it is `name`.
enum SecretRedaction {
    /// Keys that hold a value for the key above them.
    static let structural: Set<String> = ["value", "values", "args", "arguments", "raw", "effective_value", "setting"]
    /// Members that name the value beside them in a `{name, value}` object.
    static let pairNames = ["name", "key", "header", "param", "variable", "directive"]

    /// nginx directives whose first argument names the second (`proxy_set_header X-Api-Key
    /// VALUE`, `fastcgi_param DB_PASSWORD VALUE`, `env NAME=VALUE`).
    static let namingDirectives: Set<String> = [
        "proxy_set_header", "grpc_set_header", "fastcgi_param", "uwsgi_param", "scgi_param", "add_header",
        "add_trailer", "more_set_headers", "more_set_input_headers", "set", "env", "proxy_set_body",
    ]

    static func apply(_ data: Value, extraWords: Set<String> = []) -> Value { walk(data, name: nil, extra: extraWords) }

    static func walk(_ v: Value, name: String?, extra: Set<String> = []) -> Value {
        switch v {
        case .string(let s):
            if let why = SecretClassifier.reason(name: name, value: s, extraWords: extra) ?? serializedSecret(s) { return record(s, why) }
            return v
        case .int, .double:
            if let name, case let text = numberText(v), let why = SecretClassifier.nameReason(name, value: text, extraWords: extra),
                !SecretClassifier.isSwitch(text)
            {
                return record(text, why)
            }
            return v
        case .array(let items):
            if let name, namingDirectives.contains(name), items.count >= 2, let first = items[0].stringValue {
                // `env NAME=VALUE` and `more_set_headers "Name: value"` carry both in one word.
                return .array([items[0]] + items.dropFirst().map { walk($0, name: first, extra: extra) })
            }
            return .array(items.map { walk($0, name: name, extra: extra) })
        case .object(let members):
            if isRecordedSecret(members) { return v }
            let pairName = pairNames.lazy.compactMap { key in members.first { $0.key == key }?.value.stringValue }.first
            return .object(
                members.map { m in
                    let childName: String?
                    if structural.contains(m.key) {
                        childName = pairName ?? name
                    } else if pairNames.contains(m.key) {
                        childName = nil
                    } else {
                        childName = m.key
                    }
                    return Value.Member(m.key, walk(m.value, name: childName, extra: extra))
                })
        default:
            return v
        }
    }

    static func numberText(_ v: Value) -> String {
        switch v {
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        default: return ""
        }
    }

    /// What collectors already record for a secret (`SecretPresence`): left as it is.
    static func isRecordedSecret(_ members: [Value.Member]) -> Bool {
        members.contains { $0.key == "set" } && members.contains { $0.key == "length" }
    }

    static func record(_ s: String, _ why: String) -> Value {
        var out: [Value.Member] = [
            .init("set", .bool(!s.isEmpty)), .init("length", .int(Int64(s.count))), .init("secret", .string(why)),
            .init("placeholder", .bool(SecretClassifier.isPlaceholder(s))),
        ]
        if let r = SecretClassifier.redactedURL(s) ?? SecretClassifier.redactedACL(s) { out.append(.init("redacted", .string(r))) }
        return .object(out)
    }

    /// PHP `serialize()` text (an option or constant such as `AS3CF_SETTINGS`) holding a
    /// secret under one of its keys.
    static func serializedSecret(_ s: String) -> String? {
        guard s.count > 4, s.hasPrefix("a:") || s.hasPrefix("O:"), let parsed = try? PHPUnserializer.parse(s) else { return nil }
        let inner = walk(parsed, name: nil)
        guard let key = firstSecretKey(inner) else { return nil }
        return "it is serialized data holding a secret (\(key))"
    }

    static func firstSecretKey(_ v: Value, under key: String? = nil) -> String? {
        switch v {
        case .object(let members):
            if isRecordedSecret(members), members.contains(where: { $0.key == "secret" }) { return key ?? "?" }
            for m in members { if let k = firstSecretKey(m.value, under: m.key) { return k } }
            return nil
        case .array(let items):
            for i in items { if let k = firstSecretKey(i, under: key) { return k } }
            return nil
        default: return nil
        }
    }
}
