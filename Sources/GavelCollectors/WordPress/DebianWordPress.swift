import Foundation
import GavelCore

/// Debian's packaged WordPress (`apt install wordpress`): `/usr/share/wordpress/wp-config.php`
/// is a master file that picks the site's own configuration by the request's host name and
/// requires it first:
///
/// 1. `/etc/wordpress/config-HOST.php` (HOST lowercased, port and characters other than
///    letters, digits, `.` and `-` removed);
/// 2. `/etc/wordpress/config-DOMAIN.php`, HOST without its first label (a multisite's
///    main site);
/// 3. `/etc/wordpress/config-default.php`.
///
/// Gavel follows the same order for each name nginx serves the site under, so the
/// database credentials and constants in the site's file are read. (The `WORDPRESS_CONFIG`
/// server variable an Apache admin can set is not visible in configuration files.)
enum DebianWordPress {
    /// Whether wp-config.php is Debian's master file.
    static func isMaster(_ text: [UInt8]) -> Bool {
        String(decoding: text, as: UTF8.self).contains("/etc/wordpress/config-")
    }

    /// The files Debian's master would require, in order, for the site's names.
    static func candidates(siteNames: [String]) -> [String] {
        var out: [String] = []
        func add(_ name: String) {
            let f = "/etc/wordpress/config-\(name).php"
            if !name.isEmpty, !out.contains(f) { out.append(f) }
        }
        let cleaned = siteNames.map { n -> String in
            let host = n.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? n
            return String(host.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }).lowercased()
        }
        for n in cleaned { add(n) }
        for n in cleaned {
            if let dot = n.firstIndex(of: ".") { add(String(n[n.index(after: dot)...])) }
        }
        add("default")
        return out
    }

    /// The site's file and what it defines, when `master` is Debian's and one of the
    /// candidates exists; an unreadable one is an error naming it (the site's credentials
    /// are there), not a silent fall-through to the next.
    static func siteConfig(master: Data, siteNames: [String], machineRoot: String) throws -> (file: String, reader: PHPSourceReader)? {
        let bytes = [UInt8](master)
        guard isMaster(bytes) else { return nil }
        for c in candidates(siteNames: siteNames) {
            let real = RootPath.join(machineRoot, c)
            guard FileManager.default.fileExists(atPath: real) else { continue }
            guard let text = FileManager.default.contents(atPath: real) else {
                throw Diagnostic(
                    .wordpressConfig, "cannot read \(c), the site's configuration that Debian's wp-config.php requires (run as a user that can)")
            }
            return (real, try PHPSourceReader.read([UInt8](text), file: c))
        }
        return nil
    }

    /// A path under `machineRoot` as the machine names it.
    static func machinePath(_ path: String, machineRoot: String) -> String {
        guard machineRoot != "/" else { return path }
        let base = machineRoot.hasSuffix("/") ? String(machineRoot.dropLast()) : machineRoot
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count)) : path
    }
}
