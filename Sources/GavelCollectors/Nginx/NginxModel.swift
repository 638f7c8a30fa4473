import Foundation
import GavelCore

/// The derived model of an nginx configuration: one object per http `server` and per
/// `location`, with each setting as nginx applies it after inheritance, the nginx default
/// when nothing sets it (listed under `defaults`), and provenance for every value that came
/// from a file. Values that contain variables are kept as written and listed under `dynamic`.
struct NginxModel {
    var defaults: NginxDefaults
    private var provenance: [(String, String, Int)] = []

    init(defaults: NginxDefaults) { self.defaults = defaults }

    mutating func build(_ tree: [NginxDirective], into b: inout SnapshotBuilder) -> (servers: Value, maps: Value) {
        var servers: [Value] = []
        var maps: [Value] = []
        for http in tree where http.name == "http" {
            let body = http.block ?? []
            let scope = NginxScope().pushing("http", body)
            for d in body where d.name == "map" && d.args.count == 2 {
                maps.append(map(d))
            }
            for d in body where d.name == "server" {
                servers.append(server(d, scope.pushing("server", d.block ?? []), index: servers.count))
            }
        }
        for (p, f, l) in provenance { b.source(p, f, l) }
        return (.array(servers), .array(maps))
    }

    private mutating func note(_ pointer: String, _ d: NginxDirective?) {
        if let d { provenance.append((pointer, d.file, d.line)) }
    }

    // MARK: server

    private mutating func server(_ d: NginxDirective, _ scope: NginxScope, index: Int) -> Value {
        let ptr = "/servers/\(index)"
        note(ptr, d)
        var fields: [(String, Value)] = [("file", .string(d.file)), ("line", .integer(d.line))]
        var dynamic: [String] = []
        var usedDefaults: [String] = []

        let nameDs = scope.own("server_name")
        fields.append(("names", .array(nameDs.flatMap(\.args).map { .string($0) })))
        note(ptr + "/names", nameDs.first)

        let listenDs = scope.own("listen")
        var listens = listenDs.map(NginxListen.parse)
        if listens.isEmpty { listens = [NginxListen.implicit] }
        note(ptr + "/listen", listenDs.first)
        fields.append(("listen", .array(listens.map(\.value))))
        let sslDirective = scope.single("ssl")
        let ssl = listens.contains { $0.ssl } || sslDirective?.args.first?.lowercased() == "on"
        let http2 = listens.contains { $0.http2 } || scope.single("http2")?.args.first?.lowercased() == "on"
        fields.append(("ssl", .bool(ssl)))
        fields.append(("http2", .bool(http2)))
        fields.append(("default_server", .bool(listens.contains { $0.defaultServer })))

        // TLS settings are per server (inherited from http).
        func tls(_ name: String, _ value: (NginxDirective) -> Value, default def: Value) {
            if let x = scope.single(name) {
                fields.append((name, value(x)))
                note(ptr + "/" + name, x)
                if x.args.contains(where: { $0.contains("$") }) { dynamic.append(name) }
            } else {
                fields.append((name, def))
                usedDefaults.append(name)
            }
        }
        tls("ssl_protocols", { .array($0.args.map { .string($0) }) }, default: .array(defaults.sslProtocols.map { .string($0) }))
        tls("ssl_ciphers", { .string($0.args[0]) }, default: .string(defaults.sslCiphers))
        tls("ssl_prefer_server_ciphers", { .bool($0.args[0].lowercased() == "on") }, default: false)
        tls("ssl_session_tickets", { .bool($0.args[0].lowercased() == "on") }, default: true)
        tls("ssl_stapling", { .bool($0.args[0].lowercased() == "on") }, default: false)
        let certs = scope.effective("ssl_certificate")?.directives ?? []
        let keys = scope.effective("ssl_certificate_key")?.directives ?? []
        fields.append(
            (
                "ssl_certificates",
                .array(
                    certs.enumerated().map { i, c in
                        .object([("certificate", .string(c.args[0])), ("key", i < keys.count ? .string(keys[i].args[0]) : .null)])
                    })
            ))
        note(ptr + "/ssl_certificates", certs.first)

        fields += common(scope, ptr: ptr, dynamic: &dynamic, usedDefaults: &usedDefaults)

        let ret = redirect(scope.own("return").first)
        let toHTTPS = redirectsToHTTPS(scope, d.block ?? [])
        fields.append(("redirects_to_https", .bool(toHTTPS)))

        var locations: [Value] = []
        collectLocations(d.block ?? [], scope, parent: nil, serverPtr: ptr, into: &locations)
        fields.append(("locations", .array(locations)))
        if case .object = ret { note(ptr + "/return", scope.own("return").first) }
        fields.append(("return", ret))
        fields.append(("dynamic", .array(dynamic.map { .string($0) })))
        fields.append(("defaults", .array(usedDefaults.map { .string($0) })))
        return .object(fields)
    }

    // MARK: settings shared by server and location

    private mutating func common(_ scope: NginxScope, ptr: String, dynamic: inout [String], usedDefaults: inout [String]) -> [(String, Value)] {
        var f: [(String, Value)] = []
        func one(_ name: String, _ value: (String) -> Value, default def: Value) {
            if let x = scope.single(name) {
                f.append((name, value(x.args[0])))
                note(ptr + "/" + name, x)
                if x.args[0].contains("$") { dynamic.append(name) }
            } else {
                f.append((name, def))
                usedDefaults.append(name)
            }
        }
        one("server_tokens", { .string($0) }, default: "on")
        one("autoindex", { .bool($0.lowercased() == "on") }, default: false)
        one("client_max_body_size", { .string($0) }, default: "1m")
        let size = scope.single("client_max_body_size")?.args[0] ?? "1m"
        f.append(("client_max_body_size_bytes", NginxSize.bytes(size).map { .integer($0) } ?? .null))

        let (headers, from) = responseHeaders(scope, ptr: ptr, dynamic: &dynamic)
        f.append(("headers", headers))
        f.append(("headers_from", from))

        let access = scope.effective("access")?.directives ?? []
        f.append(
            (
                "access",
                .array(
                    access.map {
                        .object([("action", .string($0.name)), ("address", .string($0.args[0])), ("file", .string($0.file)), ("line", .integer($0.line))])
                    })
            ))
        note(ptr + "/access", access.first)

        if let logs = scope.effective("access_log")?.directives {
            let off = logs.contains { $0.args[0] == "off" }
            f.append(
                (
                    "access_log",
                    .array(
                        off
                            ? []
                            : logs.map {
                                .object([("path", .string($0.args[0])), ("format", .string($0.args.count > 1 ? $0.args[1] : "combined"))])
                            })
                ))
            f.append(("access_log_off", .bool(off)))
            note(ptr + "/access_log", logs.first)
        } else {
            f.append(("access_log", .array([.object([("path", .string(defaults.accessLog)), ("format", "combined")])])))
            f.append(("access_log_off", false))
            usedDefaults.append("access_log")
        }
        if let logs = scope.effective("error_log")?.directives {
            f.append(
                (
                    "error_log",
                    .array(
                        logs.map {
                            .object([("path", .string($0.args[0])), ("level", .string($0.args.count > 1 ? $0.args[1] : "error"))])
                        })
                ))
            note(ptr + "/error_log", logs.first)
        } else {
            f.append(("error_log", .array([.object([("path", .string(defaults.errorLog)), ("level", "error")])])))
            usedDefaults.append("error_log")
        }
        let root = scope.single("root")
        f.append(("root", root.map { .string($0.args[0]) } ?? .null))
        note(ptr + "/root", root)
        if root?.args[0].contains("$") == true { dynamic.append("root") }
        let pass = scope.single("fastcgi_pass")
        f.append(("fastcgi_pass", pass.map { .string($0.args[0]) } ?? .null))
        note(ptr + "/fastcgi_pass", pass)
        if pass?.args[0].contains("$") == true { dynamic.append("fastcgi_pass") }
        f.append(("php_values", phpValues(scope, ptr: ptr, dynamic: &dynamic)))
        f.append(("proxy_set_header", proxyHeaders(scope, ptr: ptr, dynamic: &dynamic)))
        let referers = scope.single("valid_referers")
        f.append(("valid_referers", referers.map { .array($0.args.map { .string($0) }) } ?? .null))
        note(ptr + "/valid_referers", referers)
        f.append(("rewrites", rewrites(scope.own("rewrite"), ptr: ptr)))
        return f
    }

    /// `proxy_set_header NAME VALUE`, by lowercased name, as the level nearest the block that
    /// sets any of them sends them (the same all-or-nothing inheritance as add_header).
    private mutating func proxyHeaders(_ scope: NginxScope, ptr: String, dynamic: inout [String]) -> Value {
        var out: [(String, Value)] = []
        for h in scope.effective("proxy_set_header")?.directives ?? [] where h.args.count == 2 {
            let key = h.args[0].lowercased()
            out.removeAll { $0.0 == key }
            out.append(
                (
                    key,
                    .object([
                        ("name", .string(h.args[0])), ("value", .string(h.args[1])), ("file", .string(h.file)), ("line", .integer(h.line)),
                    ])
                ))
            note(ptr + "/proxy_set_header/" + SnapshotBuilder.pointerToken(key), h)
            if h.args[1].contains("$") { dynamic.append("proxy_set_header." + key) }
        }
        return .object(out)
    }

    /// The block's own `rewrite REGEX REPLACEMENT [FLAG]` directives, in order.
    private mutating func rewrites(_ ds: [NginxDirective], ptr: String) -> Value {
        .array(
            ds.enumerated().compactMap { i, d in
                guard d.args.count >= 2 else { return nil }
                note(ptr + "/rewrites/\(i)", d)
                return .object([
                    ("pattern", .string(d.args[0])), ("replacement", .string(d.args[1])),
                    ("flag", d.args.count > 2 ? .string(d.args[2]) : .null), ("file", .string(d.file)), ("line", .integer(d.line)),
                ])
            })
    }

    /// `fastcgi_param PHP_VALUE "a=1\nb=2"` and `PHP_ADMIN_VALUE`: PHP-FPM reads them as ini
    /// lines, so each line is one directive override.
    private mutating func phpValues(_ scope: NginxScope, ptr: String, dynamic: inout [String]) -> Value {
        var out: [(String, Value)] = []
        for p in scope.effective("fastcgi_param")?.directives ?? [] where p.args.count >= 2 {
            let param = p.args[0].uppercased()
            guard param == "PHP_VALUE" || param == "PHP_ADMIN_VALUE" else { continue }
            for line in p.args[1].split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
                let parts = line.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let key = parts[0].trimmingCharacters(in: .whitespaces)
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                out.removeAll { $0.0 == key }
                out.append(
                    (
                        key,
                        .object([
                            ("value", .string(value)), ("admin", .bool(param == "PHP_ADMIN_VALUE")),
                            ("file", .string(p.file)), ("line", .integer(p.line)),
                        ])
                    ))
                note(ptr + "/php_values/" + SnapshotBuilder.pointerToken(key), p)
                if value.contains("$") { dynamic.append("php_values." + key) }
            }
        }
        return .object(out)
    }

    /// Response headers: the nearest level with any add_header supplies all of them.
    private mutating func responseHeaders(_ scope: NginxScope, ptr: String, dynamic: inout [String]) -> (Value, Value) {
        var headers: [(String, Value)] = []
        var counts: [String: Int] = [:]
        let eff = scope.effective("add_header")
        for h in eff?.directives ?? [] {
            let key = h.args[0].lowercased()
            counts[key, default: 0] += 1
            if counts[key]! > 1 { continue }
            let value = h.args.count > 1 ? h.args[1] : ""
            let isDynamic = value.contains("$")
            headers.append(
                (
                    key,
                    .object([
                        ("name", .string(h.args[0])), ("value", .string(value)),
                        ("always", .bool(h.args.count > 2 && h.args[2] == "always")),
                        ("dynamic", .bool(isDynamic)), ("file", .string(h.file)), ("line", .integer(h.line)),
                    ])
                ))
            note(ptr + "/headers/" + SnapshotBuilder.pointerToken(key), h)
            if isDynamic { dynamic.append("headers." + key) }
        }
        headers = headers.map { k, v in
            guard case .object(var o) = v else { return (k, v) }
            o.append(Value.Member("count", .integer(counts[k] ?? 1)))
            return (k, .object(o))
        }
        return (.object(headers), eff.map { .string($0.level) } ?? .null)
    }

    /// The `if` blocks of a location. nginx runs a request that enters one with the `if`'s
    /// own configuration, as a nested location: an `add_header` inside it replaces the
    /// location's (and the server's) headers for those requests, the trap gixy flags.
    private mutating func ifBlocks(_ location: NginxDirective, _ scope: NginxScope, ptr: String) -> Value {
        var out: [Value] = []
        for d in location.block ?? [] where d.name == "if" {
            let p = ptr + "/ifs/\(out.count)"
            note(p, d)
            var dynamic: [String] = []
            let inner = scope.pushing("if", d.block ?? [])
            let (headers, from) = responseHeaders(inner, ptr: p, dynamic: &dynamic)
            let proxyPass = inner.own("proxy_pass").last
            note(p + "/proxy_pass", proxyPass)
            let ret = inner.own("return").first
            if ret != nil { note(p + "/return", ret) }
            out.append(
                .object([
                    ("condition", .string(d.args.joined(separator: " "))), ("file", .string(d.file)), ("line", .integer(d.line)),
                    ("headers", headers), ("headers_from", from),
                    ("proxy_set_header", proxyHeaders(inner, ptr: p, dynamic: &dynamic)),
                    ("proxy_pass", proxyPass.flatMap { $0.args.first }.map { .string($0) } ?? .null),
                    ("return", redirect(ret)), ("rewrites", rewrites(inner.own("rewrite"), ptr: p)),
                    ("dynamic", .array(dynamic.map { .string($0) })),
                ]))
        }
        return .array(out)
    }

    // MARK: locations

    private mutating func collectLocations(_ block: [NginxDirective], _ scope: NginxScope, parent: Int?, serverPtr: String, into out: inout [Value]) {
        for d in block where d.name == "location" {
            let index = out.count
            let ptr = serverPtr + "/locations/\(index)"
            note(ptr, d)
            let inner = scope.pushing("location", d.block ?? [])
            let modifier = d.args.count == 2 ? d.args[0] : (d.args[0].hasPrefix("@") ? "@" : "")
            var dynamic: [String] = []
            var usedDefaults: [String] = []
            var fields: [(String, Value)] = [
                ("match", .string(d.args.joined(separator: " "))),
                ("modifier", .string(modifier)),
                ("path", .string(d.args.last ?? "")),
                ("parent", parent.map { .integer($0) } ?? .null),
                ("file", .string(d.file)), ("line", .integer(d.line)),
            ]
            fields += common(inner, ptr: ptr, dynamic: &dynamic, usedDefaults: &usedDefaults)
            // `alias` and `proxy_pass` belong to the location itself; nginx does not inherit them.
            for name in ["alias", "proxy_pass"] {
                let own = inner.own(name).last
                fields.append((name, own.flatMap { $0.args.first }.map { .string($0) } ?? .null))
                note(ptr + "/" + name, own)
                if own?.args.first?.contains("$") == true { dynamic.append(name) }
            }
            let ret = redirect(inner.own("return").first)
            if case .object = ret { note(ptr + "/return", inner.own("return").first) }
            fields.append(("return", ret))
            fields.append(("ifs", ifBlocks(d, inner, ptr: ptr)))
            fields.append(("dynamic", .array(dynamic.map { .string($0) })))
            fields.append(("defaults", .array(usedDefaults.map { .string($0) })))
            out.append(.object(fields))
            collectLocations(d.block ?? [], inner, parent: index, serverPtr: serverPtr, into: &out)
        }
    }

    // MARK: redirects and maps

    /// `return CODE URL` / `return URL` as `{code, target, dynamic}`, or null.
    private func redirect(_ d: NginxDirective?) -> Value {
        guard let d, let first = d.args.first else { return .null }
        var code: Int
        var target: String?
        if let c = Int(first) {
            code = c
            target = d.args.count > 1 ? d.args[1] : nil
        } else {
            code = 302
            target = first
        }
        if code == 444 { target = nil }
        return .object([
            ("code", .integer(code)), ("target", target.map { .string($0) } ?? .null),
            ("dynamic", .bool(target?.contains("$") ?? false)),
        ])
    }

    private func isHTTPSRedirect(_ d: NginxDirective) -> Bool {
        switch d.name {
        case "return":
            guard case .int(let code)? = redirect(d)["code"], case .string(let t)? = redirect(d)["target"] else { return false }
            return [301, 302, 303, 307, 308].contains(code) && t.lowercased().hasPrefix("https://")
        case "rewrite":
            guard d.args.count >= 2 else { return false }
            let flag = d.args.count > 2 ? d.args[2] : ""
            return d.args[1].lowercased().hasPrefix("https://") && (flag == "" || flag == "permanent" || flag == "redirect")
        default:
            return false
        }
    }

    /// Whether the server sends every request to https: a server-level `return`/`rewrite` to
    /// `https://`, one inside a server-level `if`, or one in `location /`.
    private func redirectsToHTTPS(_ scope: NginxScope, _ block: [NginxDirective]) -> Bool {
        for d in block {
            if isHTTPSRedirect(d) { return true }
            if d.name == "if", (d.block ?? []).contains(where: isHTTPSRedirect) { return true }
            if d.name == "location", d.args == ["/"], (d.block ?? []).contains(where: isHTTPSRedirect) { return true }
        }
        return false
    }

    private mutating func map(_ d: NginxDirective) -> Value {
        var entries: [(String, Value)] = []
        var def: Value = .null
        for e in d.block ?? [] {
            let value: Value = e.args.first.map { .string($0) } ?? .null
            if e.name == "default" {
                def = value
            } else if e.included != nil || e.name == "include" && e.args.count == 1 {
                continue  // an include: the entries it read follow it
            } else if !["hostnames", "volatile"].contains(e.name) {
                entries.append((e.name, value))
            }
        }
        // The regular-expression keys (`~re`, `~*re`) without their `~`/`~*`, for rules on how
        // they are anchored (a key cannot be read through a path).
        let patterns = entries.map(\.0).filter { $0.hasPrefix("~") }.map { k in k.hasPrefix("~*") ? String(k.dropFirst(2)) : String(k.dropFirst()) }
        return .object([
            ("source", .string(d.args[0])), ("variable", .string(d.args[1])), ("entries", .object(entries)),
            ("patterns", .array(patterns.map { .string($0) })),
            ("default", def), ("file", .string(d.file)), ("line", .integer(d.line)),
        ])
    }
}
