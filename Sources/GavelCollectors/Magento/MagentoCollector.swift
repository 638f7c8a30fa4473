import Foundation
import GavelCore

/// `gavel collect magento --path ROOT`, file side: app/etc/env.php and app/etc/config.php
/// (read, never included), the version from composer.lock/composer.json, modules, mode,
/// admin frontName, and the `system` configuration both files carry, with its source
/// layer. Secrets (`crypt/key`, database and queue passwords) are recorded as presence only.
/// Reading `core_config_data` from the database is not implemented yet.
public struct MagentoCollector {
    public var path: String

    public init(path: String) { self.path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path }

    /// Keys whose values are secrets wherever they appear in env.php.
    static let secretKeys: Set<String> = ["key", "password", "pass", "secret", "token", "api_key", "private_key"]

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        let env = try read("app/etc/env.php", required: true)!
        let config = try read("app/etc/config.php", required: false)
        func at(_ v: PHPValue?, _ keys: String...) -> PHPValue? {
            var cur = v
            for k in keys {
                guard case .array(let items)? = cur, let next = items.first(where: { $0.key == .string(k) }) else { return nil }
                cur = next.value
            }
            return cur
        }
        let frontName = at(env.returned, "backend", "frontName")
        var modules: [(String, Value)] = []
        if case .array(let items)? = at(config?.returned, "modules") {
            for (k, v) in items { if case .string(let name) = k { modules.append((name, .bool(v == .int(1) || v == .bool(true)))) } }
        }
        if let config { b.source("/modules", config.file, config.returnLine) }
        b.source("/env", env.file, env.returnLine)

        // The `system` section of both files, flattened to scope -> path -> {value, source}.
        // env.php wins over config.php (Magento's precedence among the files).
        var scopes: [String: [(String, Value)]] = [:]
        for (layer, reader) in [("config.php", config), ("env.php", env as PHPSourceReader?)] {
            guard let reader, case .array(let scopeItems)? = at(reader.returned, "system") else { continue }
            for (scopeKey, scopeValue) in scopeItems {
                guard case .string(let scope) = scopeKey else { continue }
                var flat: [(String, PHPValue)] = []
                Self.flatten(scopeValue, prefix: "", into: &flat)
                for (p, v) in flat {
                    let value: Value = Self.isSecretPath(p) ? Self.presence(v) : v.json
                    scopes[scope, default: []].removeAll { $0.0 == p }
                    scopes[scope, default: []].append((p, .object([("value", value), ("source", .string(layer))])))
                }
            }
        }

        let mode: Value = at(env.returned, "MAGE_MODE")?.json ?? .string("default")
        let session: Value = at(env.returned, "session", "save")?.json ?? .null
        let xfo: Value = at(env.returned, "x-frame-options")?.json ?? .null
        let cacheTypes: Value = at(env.returned, "cache_types")?.json ?? .object([Value.Member]())
        let crypt: Value = Self.presence(at(env.returned, "crypt", "key") ?? .null)
        let system: Value = .object(scopes.keys.sorted().map { ($0, Value.object(scopes[$0]!)) })
        var fields: [(String, Value)] = [("path", .string(path)), ("version", version()), ("mode", mode)]
        fields.append(("admin_frontname", frontName?.json ?? .null))
        fields.append(("admin_frontname_is_default", .bool(frontName == .string("admin"))))
        fields.append(("modules", .object(modules)))
        fields.append(("crypt_key", crypt))
        fields.append(("db", db(at(env.returned, "db", "connection"))))
        fields.append(("session_save", session))
        fields.append(("x_frame_options", xfo))
        fields.append(("cache_types", cacheTypes))
        fields.append(("system", system))
        fields.append(("database", .object([("collected", false), ("reason", "reading core_config_data and admin users from the database is not implemented yet")])))
        let data: Value = .object(fields)
        return data
    }

    private func read(_ rel: String, required: Bool) throws -> PHPSourceReader? {
        let file = path + "/" + rel
        guard let bytes = FileManager.default.contents(atPath: file) else {
            if required { throw CollectorError("magento-config", "cannot read \(file) (is --path the Magento root?)") }
            return nil
        }
        return try PHPSourceReader.read([UInt8](bytes), file: file)
    }

    static func flatten(_ v: PHPValue, prefix: String, into out: inout [(String, PHPValue)]) {
        if case .array(let items) = v, !items.isEmpty, items.allSatisfy({ if case .string = $0.key { return true }; return false }) {
            for (k, child) in items {
                guard case .string(let name) = k else { continue }
                flatten(child, prefix: prefix.isEmpty ? name : prefix + "/" + name, into: &out)
            }
        } else {
            out.append((prefix, v))
        }
    }

    static func isSecretPath(_ p: String) -> Bool {
        p.split(separator: "/").contains { secretKeys.contains($0.lowercased()) }
    }

    static func presence(_ v: PHPValue) -> Value {
        switch v {
        case .null: return .object([("set", false)])
        case .string(let s): return .object([("set", .bool(!s.isEmpty)), ("length", .integer(s.count))])
        default: return .object([("set", true)])
        }
    }

    /// Connections without their passwords.
    private func db(_ v: PHPValue?) -> Value {
        guard case .array(let conns)? = v else { return .object([Value.Member]()) }
        return .object(conns.compactMap { k, conn in
            guard case .string(let name) = k, case .array(let fields) = conn else { return nil }
            return (name, .object(fields.compactMap { fk, fv in
                guard case .string(let f) = fk else { return nil }
                return (f, Self.secretKeys.contains(f.lowercased()) ? Self.presence(fv) : fv.json)
            }))
        })
    }

    /// magento/product-*-edition from composer.lock, else the root composer.json's version.
    private func version() -> Value {
        for (file, key) in [("composer.lock", "packages"), ("composer.json", "")] {
            guard let data = FileManager.default.contents(atPath: path + "/" + file),
                  let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            if key.isEmpty {
                if let name = obj["name"] as? String, let v = obj["version"] as? String { return .object([("package", .string(name)), ("version", .string(v))]) }
                if let req = obj["require"] as? [String: Any] {
                    for (n, v) in req where n.hasPrefix("magento/product-") { return .object([("package", .string(n)), ("version", .string("\(v)"))]) }
                }
            } else if let packages = obj[key] as? [[String: Any]] {
                for p in packages {
                    if let n = p["name"] as? String, n.hasPrefix("magento/product-"), let v = p["version"] as? String {
                        return .object([("package", .string(n)), ("version", .string(v))])
                    }
                }
            }
        }
        return .null
    }
}
