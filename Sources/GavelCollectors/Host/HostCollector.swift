import Foundation
import GavelCore

/// `gavel collect host`: everything Gavel knows on one machine, as one asset per site.
///
/// The sites are nginx's: the `server` blocks, grouped by their first server name (a
/// site's HTTPS block and its HTTP redirect are one site). Each site asset gets:
/// - `hosting`: the machine's snapshot (the same for every site of the host);
/// - `nginx`: the parts of nginx's configuration that serve it: its server blocks (and the
///   http-level `map`s), so its verdicts say nothing about its neighbours; the raw directive
///   tree is left out;
/// - `php`: the PHP-FPM pool its `fastcgi_pass` leads to (a socket or port matched with the
///   pools' `listen`), read with that PHP version's php.ini; when no pool listens there, the
///   snapshot records the parts as `unavailable`, so PHP rules give `error`;
/// - `wordpress` or `magento`: the application under the site's `root` (or its parent, as
///   for Magento's `pub/`);
/// - `mariadb`: the local database server (the same for every site of the host), when a
///   socket is given; when it cannot be read, a snapshot whose parts are unavailable.
/// A host without nginx is one asset named after the host, with `hosting` only.
public struct HostCollector {
    public var root: String
    public var nginxConfig: String
    /// The host's name: the asset of a host without nginx, and of a server block without
    /// a usable server_name (`<host>-<port>`).
    public var hostName: String
    /// How a site's asset is named: `{site}` (the site's first server name) and `{host}`.
    public var assetName: AssetNameTemplate = .default
    /// The nginx binary whose `nginx -T` dump is read (its own view of the configuration,
    /// includes resolved), or nil to read the files. When the dump fails (not root, a
    /// configuration nginx rejects), the files are read and the summary says why.
    public var nginxBinary: String?
    /// Applications nginx does not lead to (kind `wordpress` or `magento`, path on the
    /// machine): each becomes an asset of its own, named as a site called `HOST-FOLDER`.
    public var extraApplications: [(kind: String, path: String)] = []
    /// The local MariaDB/MySQL server's socket, read as the OS user; nil: not read.
    public var mariadbSocket: String?
    public var now: Date

    public init(root: String = "/", nginxConfig: String = "/etc/nginx/nginx.conf", hostName: String, now: Date = Date()) {
        self.root = root
        self.nginxConfig = nginxConfig
        self.hostName = hostName
        self.now = now
    }

    /// nginx on this machine's usual paths or PATH, when reading the live machine (`root` is /).
    public static func installedNginx(root: String) -> String? {
        guard root == "/" else { return nil }
        for p in ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"] where FileManager.default.isExecutableFile(atPath: p) { return p }
        return Subprocess.which("nginx")
    }

    /// The MariaDB/MySQL socket of the live machine (`root` is /), when one exists.
    public static func runningMariaDB(root: String) -> String? {
        guard root == "/" else { return nil }
        return ["/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock"].first { FileManager.default.fileExists(atPath: $0) }
    }

    public struct Site {
        public var asset: String
        /// Kind -> the snapshot document.
        public var snapshots: [(kind: String, document: Value)]
    }

    public struct Outcome {
        public var sites: [Site] = []
        /// What was found and what was skipped, for the summary on stderr.
        public var found: [String] = []
        public var skipped: [String] = []
    }

    public func collect() throws -> Outcome {
        var out = Outcome()
        var hostingBuilder = SnapshotBuilder(asset: hostName, kind: "hosting", collectedAt: now)
        let hosting = try HostingCollector(root: root, now: now).collect(into: &hostingBuilder)
        out.found.append("hosting")

        var covered = Set<String>()
        if FileManager.default.fileExists(atPath: RootPath.join(root, nginxConfig)) {
            try collectSites(hosting: hostingBuilder, hostingData: hosting, covered: &covered, &out)
        } else {
            out.skipped.append("nginx: no \(nginxConfig)")
            let asset = assetName.name(site: hostName, host: hostName)
            out.sites.append(Site(asset: asset, snapshots: [("hosting", hostingBuilder.narrowed(to: asset) { $0 }.document(data: hosting))]))
        }
        // Applications nginx does not lead to, named as sites called HOST-FOLDER.
        for (kind, path) in extraApplications {
            let real = RootPath.join(root, path)
            guard !covered.contains(real) else { continue }
            covered.insert(real)
            let asset = assetName.name(site: "\(hostName)-\(PathNames.lastComponent(of: path))", host: hostName)
            guard !out.sites.contains(where: { $0.asset == asset }) else {
                throw Diagnostic(.assetName, "the application at \(path) would be asset \(asset), which another site already is")
            }
            out.sites.append(
                Site(
                    asset: asset,
                    snapshots: [
                        ("hosting", hostingBuilder.narrowed(to: asset) { $0 }.document(data: hosting)),
                        application(kind, at: real, asset: asset, siteNames: [], &out),
                    ]))
        }
        // The database server serves every site of the host.
        if let mariadbSocket {
            var mb = SnapshotBuilder(asset: hostName, kind: "mariadb", collectedAt: now)
            var collector = MariaDBCollector()
            collector.socket = mariadbSocket
            let result: (SnapshotBuilder, Value)?
            do {
                result = (mb, try collector.collect(into: &mb))
                out.found.append("mariadb at \(mariadbSocket)")
            } catch {
                result = nil
                out.skipped.append("mariadb at \(mariadbSocket): \(error)")
            }
            for i in out.sites.indices {
                let asset = out.sites[i].asset
                let doc = result.map { $0.0.narrowed(to: asset) { $0 }.document(data: $0.1) }
                out.sites[i].snapshots.append(
                    ("mariadb", doc ?? Self.unreadable(asset, "mariadb", now, "the MariaDB server at \(mariadbSocket) could not be read")))
            }
        }
        return out
    }

    /// One snapshot per nginx site, into `out`.
    private func collectSites(hosting hostingBuilder: SnapshotBuilder, hostingData hosting: Value, covered: inout Set<String>, _ out: inout Outcome) throws {
        var nginxBuilder = SnapshotBuilder(asset: hostName, kind: "nginx", collectedAt: now)
        var nginx: Value?
        if let nginxBinary {
            do {
                nginx = try NginxCollector(config: nginxConfig, binary: nginxBinary, root: root).collect(into: &nginxBuilder)
            } catch {
                out.skipped.append("nginx -T (\(nginxBinary)): \(error); read the configuration files instead")
                nginxBuilder = SnapshotBuilder(asset: hostName, kind: "nginx", collectedAt: now)
            }
        }
        let nginxData = try nginx ?? NginxCollector(config: nginxConfig, root: root).collect(into: &nginxBuilder)
        let servers = nginxData["servers"]?.arrayValue ?? []
        out.found.append("nginx: \(servers.count) server block\(servers.count == 1 ? "" : "s")" + (nginx != nil ? " (from nginx -T)" : " (from the files)"))
        let pools = FPMPools.find(root: root)
        out.found += pools.map { "php-fpm pool \($0.name) (\($0.file)) listening on \($0.listen)" }

        if servers.isEmpty {
            // nginx without a site: the host is one asset, with nginx's configuration as it is.
            let asset = assetName.name(site: hostName, host: hostName)
            out.sites.append(
                Site(
                    asset: asset,
                    snapshots: [
                        ("hosting", hostingBuilder.narrowed(to: asset) { $0 }.document(data: hosting)),
                        ("nginx", nginxBuilder.narrowed(to: asset) { $0 }.document(data: nginxData)),
                    ]))
            return
        }
        var named: [String: String] = [:]
        for var group in Self.sites(servers, host: hostName) {
            let site = group.name
            group.name = assetName.name(site: site, host: hostName)
            if let other = named[group.name] {
                throw Diagnostic(.assetName, "the sites \(other) and \(site) would both be asset \(group.name): put {site} in the asset name template")
            }
            named[group.name] = site
            var snaps: [(String, Value)] = [("hosting", hostingBuilder.narrowed(to: group.name) { $0 }.document(data: hosting))]
            // nginx: only this site's server blocks, renumbered; provenance follows them.
            var index: [Int: Int] = [:]
            for (k, i) in group.indices.enumerated() { index[i] = k }
            let siteNginx = nginxData.replacing("servers", with: .array(group.indices.map { servers[$0] })).replacing("directives", with: .array([]))
            let b = nginxBuilder.narrowed(to: group.name) { p in
                if p.hasPrefix("/directives") { return nil }
                guard p.hasPrefix("/servers/") else { return p }
                let rest = p.dropFirst("/servers/".count)
                guard let n = Int(rest.prefix { $0.isNumber }), let k = index[n] else { return nil }
                return "/servers/\(k)" + rest.drop { $0.isNumber }
            }
            snaps.append(("nginx", b.document(data: siteNginx)))
            // php: the pool the site's fastcgi_pass leads to.
            let passes = group.indices.flatMap { Self.fastcgiPasses(servers[$0]) }
            if let pass = passes.first {
                if let pool = pools.first(where: { $0.serves(pass) }) {
                    var pb = SnapshotBuilder(asset: group.name, kind: "php", collectedAt: now)
                    do {
                        let php = try PHPIniCollector(ini: pool.ini, fpmPool: pool.file, poolName: pool.name, sapi: "fpm-fcgi", root: root).collect(into: &pb)
                        snaps.append(("php", pb.document(data: php)))
                    } catch {
                        snaps.append(("php", Self.unreadable(group.name, "php", now, "\(error)")))
                        out.skipped.append("\(group.name): php: \(error)")
                    }
                } else {
                    let why = "no PHP-FPM pool found listening on \(pass) (fastcgi_pass of the site)"
                    snaps.append(("php", Self.unreadable(group.name, "php", now, why)))
                    out.skipped.append("\(group.name): php: \(why)")
                }
            }
            // The application under the site's root.
            for r in Set(group.indices.compactMap { servers[$0]["root"]?.stringValue }).sorted() {
                if let app = Self.application(at: r, root: root) {
                    covered.insert(app.path)
                    snaps.append(
                        application(
                            app.kind, at: app.path, asset: group.name,
                            siteNames: group.indices.flatMap { Self.serverNames(servers[$0]) }, &out))
                    break
                }
            }
            out.sites.append(Site(asset: group.name, snapshots: snaps))
        }
    }

    /// The WordPress or Magento snapshot at `path` (a real path, under `root`); when it
    /// cannot be read, a snapshot whose parts are unavailable with the reason.
    private func application(_ kind: String, at path: String, asset: String, siteNames: [String], _ out: inout Outcome) -> (String, Value) {
        var ab = SnapshotBuilder(asset: asset, kind: kind, collectedAt: now)
        do {
            let data: Value
            if kind == "wordpress" {
                var wp = WordPressCollector(path: path)
                wp.siteNames = siteNames
                wp.machineRoot = root
                data = try wp.collect(into: &ab)
                if let site = data["site_config_file"]?.stringValue { out.found.append("\(asset): Debian's WordPress site file \(site)") }
            } else {
                data = try MagentoCollector(path: path).collect(into: &ab)
            }
            out.found.append("\(asset): \(kind) at \(path)")
            return (kind, ab.document(data: data))
        } catch {
            out.skipped.append("\(asset): \(kind) at \(path): \(error)")
            return (kind, Self.unreadable(asset, kind, now, "\(kind) at \(path) could not be read: \(error)"))
        }
    }

    /// A snapshot of `kind` whose every part is unavailable, for the reason given.
    static func unreadable(_ asset: String, _ kind: String, _ now: Date, _ why: String) -> Value {
        SnapshotBuilder(asset: asset, kind: kind, collectedAt: now).unreadableDocument(why)
    }

    /// A server block's literal names (no `_`, `localhost`, wildcard or regex).
    static func serverNames(_ server: Value) -> [String] {
        (server["names"]?.arrayValue ?? []).compactMap(\.stringValue)
            .filter { !$0.isEmpty && $0 != "_" && $0 != "localhost" && !$0.contains("*") && !$0.hasPrefix("~") }
    }

    /// Server blocks grouped by their first usable server name, in order of appearance.
    static func sites(_ servers: [Value], host: String) -> [(name: String, indices: [Int])] {
        var groups: [(name: String, indices: [Int])] = []
        for (i, s) in servers.enumerated() {
            let name = serverNames(s).first ?? "\(host)-\(Self.port(s) ?? String(i))"
            if let g = groups.firstIndex(where: { $0.name == name }) { groups[g].indices.append(i) } else { groups.append((name, [i])) }
        }
        return groups
    }

    static func port(_ server: Value) -> String? {
        server["listen"]?.arrayValue?.first?["port"].map { JSONWriter.string($0) }
    }

    /// The `fastcgi_pass` targets of a server and its locations.
    static func fastcgiPasses(_ server: Value) -> [String] {
        ([server["fastcgi_pass"]] + (server["locations"]?.arrayValue ?? []).map { $0["fastcgi_pass"] }).compactMap { $0?.stringValue }
    }

    /// WordPress (wp-config.php) or Magento (app/etc/env.php) at a site's root or its parent.
    static func application(at path: String, root: String) -> (kind: String, path: String)? {
        for dir in [path, PathNames.folder(of: path)] {
            let real = RootPath.join(root, dir)
            if FileManager.default.fileExists(atPath: real + "/wp-config.php") || FileManager.default.fileExists(atPath: real + "/wp-includes/version.php") {
                return ("wordpress", real)
            }
            if FileManager.default.fileExists(atPath: real + "/app/etc/env.php") { return ("magento", real) }
        }
        return nil
    }
}

/// The PHP-FPM pools of a machine: every `[pool]` of `/etc/php/*/fpm/pool.d/*.conf`, with
/// what it listens on and the php.ini of its PHP version.
struct FPMPools {
    struct Pool {
        var name: String
        var file: String
        var listen: String
        var ini: String

        /// Whether nginx's `fastcgi_pass` target reaches this pool: `unix:PATH` a socket
        /// path, `HOST:PORT` or `PORT` an address (a pool on `9000` listens on every address).
        func serves(_ pass: String) -> Bool {
            if pass.hasPrefix("unix:") { return String(pass.dropFirst(5)) == listen }
            let passPort = pass.split(separator: ":").last.map(String.init) ?? pass
            let listenPort = listen.split(separator: ":").last.map(String.init) ?? listen
            guard passPort == listenPort else { return false }
            let listenHost = listen.contains(":") ? String(listen.dropLast(listenPort.count + 1)) : ""
            let passHost = pass.contains(":") ? String(pass.dropLast(passPort.count + 1)) : "127.0.0.1"
            return listenHost.isEmpty || listenHost == "0.0.0.0" || listenHost == "[::]" || listenHost == passHost
                || (["127.0.0.1", "localhost"].contains(listenHost) && ["127.0.0.1", "localhost"].contains(passHost))
        }
    }

    static func find(root: String) -> [Pool] {
        let fm = FileManager.default
        var pools: [Pool] = []
        let versions = ((try? fm.contentsOfDirectory(atPath: RootPath.join(root, "/etc/php"))) ?? []).sorted()
        for v in versions {
            let dir = "/etc/php/\(v)/fpm/pool.d"
            for f in ((try? fm.contentsOfDirectory(atPath: RootPath.join(root, dir))) ?? []).sorted() where f.hasSuffix(".conf") {
                let file = dir + "/" + f
                guard let text = try? PHPIniCollector.read(file, root: root) else { continue }
                var parser = IniParser { _ in nil }
                guard case .success(let entries) = parser.parse(text, file: file) else { continue }
                var names: [String] = []
                for e in entries { if let h = e.header, !names.contains(h), h.lowercased() != "global" { names.append(h) } }
                for n in names {
                    guard let listen = entries.last(where: { $0.header == n && $0.key.lowercased() == "listen" && $0.offset == nil })?.value else { continue }
                    pools.append(Pool(name: n, file: file, listen: listen, ini: "/etc/php/\(v)/fpm/php.ini"))
                }
            }
        }
        return pools
    }
}
