import Foundation
import GavelCollectors
import GavelCore
import GavelYAML

/// Reads an inventory file into an `Inventory`, reporting every mistake with file:line:col
/// and the same IDs as the policy language (`unknown-key` with "did you mean", `wrong-type`,
/// `missing-key`, ...), plus `bad-value` for a value of the right type that cannot be used.
public enum InventoryReader {
    public static let marker = "inventory/v1"

    /// Keys a host, a group or `defaults` may set.
    static let settingKeys = [
        "user", "port", "identity_file", "connect_timeout", "timeout", "host_key_checking", "ssh_options",
        "sudo", "gavel", "asset_name", "nginx_config", "wordpress", "magento",
    ]
    /// Options Gavel sets itself: the inventory's own keys say them.
    static let reservedSSHOptions = [
        "batchmode": "it is always yes (no prompt can be answered at night)",
        "stricthostkeychecking": "use host_key_checking", "connecttimeout": "use connect_timeout",
        "port": "use port", "user": "use user", "identityfile": "use identity_file",
    ]

    /// The inventory's mistakes, every one found, sorted by position.
    public struct Errors: Error, Sendable { public var diagnostics: [Diagnostic] }

    public static func read(file: String) -> Result<Inventory, Errors> {
        guard let data = FileManager.default.contents(atPath: file) else {
            return .failure(Errors(diagnostics: [Diagnostic(.missingFile, "cannot read the inventory \(file)", at: nil)]))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(
                Errors(diagnostics: [Diagnostic(.encoding, "the inventory \(file) is not UTF-8", at: SourceLocation(file: file, line: 1, column: 1))]))
        }
        return read(text: text, file: file)
    }

    public static func read(text: String, file: String) -> Result<Inventory, Errors> {
        let root: YAMLNode
        do { root = try YAMLParser.parse(text, file: file) } catch { return .failure(Errors(diagnostics: [error])) }
        let diags = DiagnosticBag()
        let inventory = parse(root, file: file, diags)
        if diags.hasErrors || inventory == nil { return .failure(Errors(diagnostics: Diagnostic.sorted(diags.items))) }
        return .success(inventory!)
    }

    /// One layer of settings as written; nil where the layer leaves a setting to the one below.
    struct Layer {
        var values: [String: (YAMLNode, SourceLocation)] = [:]
    }

    static func parse(_ root: YAMLNode, file: String, _ diags: DiagnosticBag) -> Inventory? {
        guard let top = MapReader(root, "the inventory", diags) else { return nil }
        guard let first = top.pairs.first, first.key.scalar?.text == "gavel" else {
            diags.error(.missingMarker, "the first key of an inventory must be 'gavel: \(marker)'", at: top.pairs.first?.key.location ?? root.location)
            return nil
        }
        if let (m, at) = top.string("gavel"), m != marker {
            diags.error(.unknownMarker, "this is 'gavel: \(m)'; an inventory starts with 'gavel: \(marker)'", at: at)
            return nil
        }
        top.allowOnly(["gavel", "ssh_config", "defaults", "groups", "hosts", "shopify"])
        let folder = PathNames.folder(of: file)
        var sshConfig: String?
        if let (p, _) = top.string("ssh_config") { sshConfig = resolve(p, against: folder) }

        let defaults = top.mapping("defaults").map { layer($0, allowing: settingKeys, diags) } ?? Layer()

        // Hosts named in `hosts:`, in order, then those only a group names.
        var order: [String] = []
        var own: [String: Layer] = [:]
        var address: [String: String] = [:]
        if let hosts = top["hosts"] {
            if let pairs = hosts.mapping {
                for p in pairs {
                    guard let (name, at) = MapReader.text(p.key, "a host name", diags) else { continue }
                    guard checkName(name, at, "host", diags) else { continue }
                    order.append(name)
                    if p.value.scalar?.resolved == .null { own[name] = Layer(); continue }
                    guard let m = MapReader(p.value, "host '\(name)'", diags) else { continue }
                    own[name] = layer(m, allowing: settingKeys + ["address"], diags)
                    if let (a, aAt) = m.string("address") {
                        if a.isEmpty || a.hasPrefix("-") || a.contains(where: { $0.isWhitespace }) {
                            diags.error(.badValue, "address '\(a)' of host '\(name)' is not a host name or IP address", at: aAt)
                        }
                        address[name] = a
                    }
                }
            } else {
                diags.error(.wrongType, "'hosts' must be a mapping of host name to its settings, found \(hosts.describedType)", at: hosts.location)
            }
        }
        var groups: [(name: String, hosts: [String], layer: Layer)] = []
        if let g = top["groups"] {
            if let pairs = g.mapping {
                for p in pairs {
                    guard let (name, at) = MapReader.text(p.key, "a group name", diags), checkName(name, at, "group", diags) else { continue }
                    guard let m = MapReader(p.value, "group '\(name)'", diags) else { continue }
                    var members: [String] = []
                    for item in m.list("hosts", required: true) ?? [] {
                        guard let (h, hAt) = MapReader.text(item, "a host of group '\(name)'", diags), checkName(h, hAt, "host", diags) else { continue }
                        if !members.contains(h) { members.append(h) }
                        if own[h] == nil, !order.contains(h) { order.append(h) }
                    }
                    groups.append((name, members, layer(m, allowing: settingKeys + ["hosts"], diags, skipping: ["hosts"])))
                }
            } else {
                diags.error(.wrongType, "'groups' must be a mapping of group name to {hosts: [...], settings}, found \(g.describedType)", at: g.location)
            }
        }
        for g in groups where order.contains(g.name) {
            diags.error(.badValue, "'\(g.name)' is both a group and a host; --limit could not tell them apart", at: top.keyLocation("groups"))
        }

        var hosts: [Inventory.Host] = []
        for name in order {
            let memberOf = groups.filter { $0.hosts.contains(name) }
            let layers = [defaults] + memberOf.map(\.layer) + [own[name] ?? Layer()]
            if let h = host(name, address: address[name] ?? name, layers, groups: memberOf.map(\.name), folder: folder, diags) { hosts.append(h) }
        }

        var stores: [Inventory.ShopifyStore] = []
        if let list = top.list("shopify") {
            var seen: [String: SourceLocation] = [:]
            for item in list {
                guard let m = MapReader(item, "a Shopify store", diags) else { continue }
                m.allowOnly(["asset", "shop", "token_file", "api_version", "endpoint", "timeout"])
                guard let (asset, aAt) = m.string("asset", required: true), let (shop, sAt) = m.string("shop", required: true),
                    let (token, _) = m.string("token_file", required: true)
                else { continue }
                if AssetNameTemplate.safe(asset) != asset {
                    diags.error(.badValue, "asset '\(asset)' would not be a folder name (no /, no leading .)", at: aAt)
                }
                if let other = seen[asset] {
                    diags.error(.badValue, "asset '\(asset)' is listed twice (first at \(other))", at: aAt)
                }
                seen[asset] = aAt
                if ShopifyCollector.normalizedShop(shop) == nil {
                    diags.error(.badValue, "shop '\(shop)' is not a STORE.myshopify.com domain (use the permanent domain)", at: sAt)
                }
                stores.append(
                    Inventory.ShopifyStore(
                        asset: asset, shop: ShopifyCollector.normalizedShop(shop) ?? shop, tokenFile: resolve(token, against: folder),
                        apiVersion: m.string("api_version")?.0, endpoint: m.string("endpoint")?.0,
                        timeout: number(m["timeout"], "timeout of a Shopify store", diags) ?? 300))
            }
        }
        if hosts.isEmpty && stores.isEmpty && !diags.hasErrors {
            diags.error(.emptyList, "the inventory lists no hosts and no Shopify stores: a fleet run would collect nothing", at: root.location)
        }
        return Inventory(file: file, sshConfig: sshConfig, hosts: hosts, groups: groups.map { ($0.name, $0.hosts) }, shopify: stores)
    }

    static func layer(_ m: MapReader, allowing: [String], _ diags: DiagnosticBag, skipping: [String] = []) -> Layer {
        m.allowOnly(allowing)
        var l = Layer()
        for p in m.pairs {
            guard let k = p.key.scalar?.text, allowing.contains(k), !skipping.contains(k), k != "address" else { continue }
            l.values[k] = (p.value, p.key.location)
        }
        return l
    }

    /// Host and group names become file names (`.gavel-owners/NAME.json`) and `--host-name`.
    static func checkName(_ name: String, _ at: SourceLocation, _ what: String, _ diags: DiagnosticBag) -> Bool {
        let ok =
            !name.isEmpty && !name.hasPrefix(".") && !name.hasPrefix("-")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        if !ok { diags.error(.badId, "\(what) name '\(name)' may use letters, digits, '-', '_' and '.' only (and not start with '.' or '-')", at: at) }
        return ok
    }

    static func number(_ node: YAMLNode?, _ what: String, _ diags: DiagnosticBag) -> Double? {
        guard let node else { return nil }
        let v: Double
        switch node.scalar?.resolved {
        case .int(let i)?: v = Double(i)
        case .double(let d)?: v = d
        default:
            diags.error(.wrongType, "\(what) must be a number of seconds, found \(node.describedType)", at: node.location)
            return nil
        }
        guard v > 0, v <= 86_400, v.isFinite else {
            diags.error(.badValue, "\(what) must be between 0 and 86400 seconds, found \(node.scalar?.text ?? "")", at: node.location)
            return nil
        }
        return v
    }

    static func resolve(_ path: String, against folder: String) -> String {
        path.hasPrefix("/") || path.hasPrefix("~") ? path : PathNames.join(folder, path)
    }

    /// The host's settings: each key from the last layer that sets it.
    static func host(_ name: String, address: String, _ layers: [Layer], groups: [String], folder: String, _ diags: DiagnosticBag) -> Inventory.Host? {
        func node(_ k: String) -> YAMLNode? { layers.last { $0.values[k] != nil }?.values[k]?.0 }
        func string(_ k: String) -> String? { node(k).flatMap { MapReader.text($0, "'\(k)' (host '\(name)')", diags)?.0 } }
        func strings(_ k: String) -> [String] {
            guard let n = node(k) else { return [] }
            let items = n.sequence ?? (n.scalar != nil ? [n] : [])
            if n.mapping != nil { diags.error(.wrongType, "'\(k)' (host '\(name)') must be a list of strings, found a mapping", at: n.location) }
            return items.compactMap { MapReader.text($0, "an item of '\(k)' (host '\(name)')", diags)?.0 }
        }
        func bool(_ k: String) -> Bool? {
            guard let n = node(k) else { return nil }
            if case .bool(let b)? = n.scalar?.resolved { return b }
            diags.error(.wrongType, "'\(k)' (host '\(name)') must be true or false, found \(n.describedType)", at: n.location)
            return nil
        }
        var ok = true
        var port: Int?
        if let n = node("port") {
            if case .int(let p)? = n.scalar?.resolved, (1...65535).contains(p) {
                port = Int(p)
            } else {
                diags.error(.badValue, "port (host '\(name)') must be a number from 1 to 65535, found \(n.scalar?.text ?? n.describedType)", at: n.location)
                ok = false
            }
        }
        var checking = Inventory.HostKeyChecking.strict
        if let n = node("host_key_checking"), let t = MapReader.text(n, "'host_key_checking'", diags)?.0 {
            if let c = Inventory.HostKeyChecking(rawValue: t) {
                checking = c
            } else {
                let names = Inventory.HostKeyChecking.allCases.map(\.rawValue)
                diags.error(
                    .badValue,
                    "host_key_checking (host '\(name)') is one of \(names.joined(separator: ", ")), found '\(t)'\(Suggest.hint(for: t, in: names))",
                    at: n.location)
                ok = false
            }
        }
        var template = AssetNameTemplate.default
        if let n = node("asset_name"), let t = MapReader.text(n, "'asset_name'", diags)?.0 {
            switch AssetNameTemplate.parse(t) {
            case .success(let a): template = a
            case .failure(let e): diags.error(.badValue, e.message + " (host '\(name)')", at: n.location); ok = false
            }
        }
        var gavel = Inventory.RemoteGavel.copy
        if let n = node("gavel"), let t = MapReader.text(n, "'gavel'", diags)?.0, t != "copy" {
            if t.hasPrefix("/") {
                gavel = .installed(t)
            } else {
                diags.error(.badValue, "gavel (host '\(name)') is 'copy' or the absolute path of a gavel installed on the host, found '\(t)'", at: n.location)
                ok = false
            }
        }
        let options = strings("ssh_options")
        if let n = node("ssh_options") {
            for o in options {
                let key = o.split(separator: "=", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
                if !o.contains("=") || key.isEmpty || key.contains(" ") {
                    diags.error(.badValue, "ssh option '\(o)' (host '\(name)') must be written Key=Value, as after ssh -o", at: n.location)
                    ok = false
                } else if let why = reservedSSHOptions[key] {
                    diags.error(.badValue, "ssh option '\(o)' (host '\(name)') is set by Gavel: \(why)", at: n.location)
                    ok = false
                }
            }
        }
        let connect = number(node("connect_timeout"), "connect_timeout (host '\(name)')", diags)
        let total = number(node("timeout"), "timeout (host '\(name)')", diags)
        guard ok else { return nil }
        return Inventory.Host(
            name: name, address: address, user: string("user"), port: port, identityFile: string("identity_file").map { resolve($0, against: folder) },
            connectTimeout: connect ?? Inventory.defaultConnectTimeout, timeout: total ?? Inventory.defaultTimeout,
            hostKeyChecking: checking, sshOptions: options, sudo: bool("sudo") ?? false, gavel: gavel, assetName: template,
            nginxConfig: string("nginx_config"), wordpress: strings("wordpress"), magento: strings("magento"), groups: groups)
    }
}
