import GavelCore

/// One `listen` directive: address, port and the parameters policies ask about.
struct NginxListen {
    var address: String
    var port: Int?
    var ssl = false
    var http2 = false
    var quic = false
    var defaultServer = false
    var params: [String] = []
    var implicit = false

    /// A server without `listen` listens on *:80 (nginx's default when run as root).
    static let implicit = NginxListen(address: "*", port: 80, implicit: true)

    static func parse(_ d: NginxDirective) -> NginxListen {
        let a = d.args[0]
        var l = NginxListen(address: "*", port: 80)
        if a.hasPrefix("unix:") {
            l.address = a
            l.port = nil
        } else if a.hasPrefix("["), let close = a.firstIndex(of: "]") {
            l.address = String(a[...close])
            let rest = a[a.index(after: close)...]
            l.port = rest.hasPrefix(":") ? Int(rest.dropFirst()) : 80
        } else if let colon = a.lastIndex(of: ":") {
            l.address = String(a[..<colon])
            l.port = Int(a[a.index(after: colon)...])
        } else if let p = Int(a) {
            l.port = p
        } else {
            l.address = a
        }
        l.params = Array(d.args.dropFirst())
        l.ssl = l.params.contains("ssl")
        l.http2 = l.params.contains("http2")
        l.quic = l.params.contains("quic")
        l.defaultServer = l.params.contains("default_server") || l.params.contains("default")
        return l
    }

    var value: Value {
        .object([
            ("address", .string(address)), ("port", port.map { .integer($0) } ?? .null), ("ssl", .bool(ssl)),
            ("http2", .bool(http2)), ("quic", .bool(quic)), ("default_server", .bool(defaultServer)),
            ("params", .array(params.map { .string($0) })), ("implicit", .bool(implicit)),
        ])
    }
}

/// nginx sizes: a number with an optional k/K or m/M or g/G suffix.
enum NginxSize {
    static func bytes(_ s: String) -> Int? {
        guard let last = s.last else { return nil }
        let unit: Int
        var digits = Substring(s)
        switch last {
        case "k", "K": unit = 1024; digits = digits.dropLast()
        case "m", "M": unit = 1024 * 1024; digits = digits.dropLast()
        case "g", "G": unit = 1024 * 1024 * 1024; digits = digits.dropLast()
        default: unit = 1
        }
        guard let n = Int(digits), n >= 0 else { return nil }
        let (r, overflow) = n.multipliedReportingOverflow(by: unit)
        return overflow ? nil : r
    }
}

/// nginx's built-in defaults for the settings the model reports, for the version collected
/// (`ssl_protocols` lost TLSv1 and TLSv1.1 in 1.23.4). Paths assume Debian's build, which is
/// what `nginx -V` shows on the machines Gavel targets.
public struct NginxDefaults: Sendable {
    public var version: String?
    public var sslProtocols: [String]
    public var sslCiphers = "HIGH:!aNULL:!MD5"
    public var accessLog = "/var/log/nginx/access.log"
    public var errorLog = "/var/log/nginx/error.log"

    public init(version: String?) {
        self.version = version
        let v = (version ?? "0").split(separator: ".").map { Int($0) ?? 0 }
        let newer = v.lexicographicallyPrecedes([1, 23, 4]) == false
        sslProtocols = newer ? ["TLSv1.2", "TLSv1.3"] : ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    }
}
