import Foundation

/// The proxy a request to a URL goes through, read from the environment as libcurl (which
/// carries URLSession's requests on Linux) reads it: `https_proxy`/`HTTPS_PROXY` for https,
/// `http_proxy` (lower case only) for http, `all_proxy`/`ALL_PROXY` for either, and
/// `no_proxy`/`NO_PROXY` for the hosts reached directly. The connection probe must go where
/// the request will: to the proxy, when there is one. Resolving the store's own name first
/// fails on networks where only the proxy resolves outside names.
struct ProxySettings: Equatable {
    var host: String
    var port: Int
    /// The variable it came from, for messages (never its value: it may hold a password).
    var variable: String

    static func forURL(_ url: URL, environment env: [String: String]) -> ProxySettings? {
        guard let scheme = url.scheme?.lowercased(), let target = url.host?.lowercased() else { return nil }
        let names = scheme == "https" ? ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] : ["http_proxy", "all_proxy", "ALL_PROXY"]
        guard let variable = names.first(where: { !(env[$0] ?? "").isEmpty }), let raw = env[variable] else { return nil }
        if bypasses(target, env["no_proxy"] ?? env["NO_PROXY"] ?? "") { return nil }
        // `host:port` without a scheme is an http proxy, as curl reads it; 1080 without a port.
        guard let proxy = URLComponents(string: raw.contains("://") ? raw : "http://" + raw), let host = proxy.host, !host.isEmpty else { return nil }
        return ProxySettings(host: host, port: proxy.port ?? 1080, variable: variable)
    }

    /// curl's `no_proxy`: `*` for every host; otherwise names, each matching itself and its
    /// subdomains (a leading dot is optional), and addresses matching exactly, with an
    /// optional `:port` ignored.
    static func bypasses(_ host: String, _ list: String) -> Bool {
        let host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        for entry in list.split(whereSeparator: { $0 == "," || $0 == " " }) {
            var e = entry.lowercased()
            if e == "*" { return true }
            if e.hasPrefix("[") {
                e = String(e.dropFirst().prefix { $0 != "]" })
            } else if e.filter({ $0 == ":" }).count == 1 {
                e = String(e.prefix { $0 != ":" })
            }
            if e.hasPrefix(".") { e.removeFirst() }
            if e.isEmpty { continue }
            if host == e || host.hasSuffix("." + e) { return true }
        }
        return false
    }
}
