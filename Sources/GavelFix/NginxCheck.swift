import Foundation
import GavelCollectors
import GavelCore

/// `nginx -t` on patched files in a scratch root, without reading anything secret and
/// without touching the machine: a check copy of the files where every absolute `include`
/// points into the scratch root, logs and the pid file go to the scratch root, the TLS
/// certificates are a throwaway pair made for the check (the site's key is never read), and
/// the secret files nginx would open at start (`ssl_password_file`, session ticket keys) and
/// files that only matter at run time (`ssl_dhparam`, CRLs, stapling files) are left out.
struct NginxCheck {
    var nginx: String
    var scratch: String
    var main: String
    var files: [String]

    static let certificateDirectives: Set<String> = ["ssl_certificate", "ssl_trusted_certificate", "ssl_client_certificate", "proxy_ssl_certificate"]
    static let keyDirectives: Set<String> = ["ssl_certificate_key", "proxy_ssl_certificate_key"]
    static let leftOut: Set<String> = [
        "ssl_password_file", "ssl_session_ticket_key", "ssl_dhparam", "ssl_crl", "ssl_stapling_file", "proxy_ssl_password_file",
        "proxy_ssl_trusted_certificate", "proxy_ssl_crl", "ssl_ecdh_curve",
    ]
    static let relocated: Set<String> = ["access_log", "error_log", "pid", "include"]

    /// Why nginx rejects the patched configuration, or nil when `nginx -t` accepts it.
    func rejection() throws -> String? {
        let check = scratch + "/.nginx-check"
        let pair = try throwawayPair(in: check + "/.tls")
        for file in files {
            guard let text = try? String(contentsOfFile: RootPath.join(scratch, file), encoding: .utf8) else { continue }
            let target = RootPath.join(check, file)
            try FileManager.default.createDirectory(atPath: PathNames.folder(of: target), withIntermediateDirectories: true)
            try rewrite(text, pair: pair, check: check).write(toFile: target, atomically: false, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: check + "/.logs", withIntermediateDirectories: true)
        var r = try Subprocess.run(nginx, ["-t", "-q", "-e", check + "/.logs/startup.log", "-c", RootPath.join(check, main)], timeout: 60)
        // nginx before 1.19.5 (Debian 11's 1.18) has no -e: its start-up log stays where it
        // was built to be, which -t only opens.
        if r.status != 0, r.stderr.contains("invalid option") {
            r = try Subprocess.run(nginx, ["-t", "-q", "-c", RootPath.join(check, main)], timeout: 60)
        }
        if r.status == 0 { return nil }
        let emerg = r.stderr.split(separator: "\n").filter { $0.contains("[emerg]") || $0.contains("[crit]") }
        return (emerg.isEmpty ? r.stderr : emerg.joined(separator: "; ")).replacingOccurrences(of: check, with: "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A self-signed certificate and key made for this check only.
    func throwawayPair(in dir: String) throws -> (cert: String, key: String) {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let cert = dir + "/check.pem", key = dir + "/check.key"
        let r = try Subprocess.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=gavel-fix-check", "-keyout",
                key, "-out", cert,
            ],
            timeout: 60)
        guard r.status == 0 else { throw Diagnostic(.commandFailed, "openssl could not make a throwaway certificate for nginx -t: \(r.stderr)") }
        return (cert, key)
    }

    /// The check copy of one file's text: line by line, the directives above rewritten.
    func rewrite(_ text: String, pair: (cert: String, key: String), check: String) -> String {
        var n = 0
        return TextLines(text).lines.map { line -> String in
            let t = line.trimmingCharacters(in: .whitespacesAndNewlines)
            let words = t.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let d = words.first, words.count >= 2, t.hasSuffix(";") else { return line }
            let indent = String(line.prefix { $0 == " " || $0 == "\t" })
            if Self.certificateDirectives.contains(d) { return indent + "\(d) \(pair.cert);" }
            if Self.keyDirectives.contains(d) { return indent + "\(d) \(pair.key);" }
            if Self.leftOut.contains(d) { return indent + "# left out for the check: \(d)" }
            guard Self.relocated.contains(d) else { return line }
            let arg = words[1].trimmingCharacters(in: CharacterSet(charactersIn: "\";'"))
            if d == "include" {
                return arg.hasPrefix("/") ? indent + "include \(check)\(arg);" : line
            }
            if arg == "off" || arg.hasPrefix("syslog:") || arg == "stderr" || arg.hasPrefix("memory:") { return line }
            n += 1
            let rest = words.dropFirst(2).joined(separator: " ")
            return indent + "\(d) \(check)/.logs/\(d)-\(n)\(rest.isEmpty ? ";" : " " + rest)"
        }.joined(separator: "\n")
    }
}
