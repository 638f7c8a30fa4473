import GavelCore
import XCTest

@testable import GavelFleet

final class InventoryReaderTests: XCTestCase {
    func read(_ text: String) -> Result<Inventory, InventoryReader.Errors> {
        InventoryReader.read(text: text, file: "/inv/fleet.yaml")
    }

    func errors(_ text: String) -> [String] {
        guard case .failure(let e) = read(text) else { XCTFail("expected errors"); return [] }
        return e.diagnostics.map { d in "\(d.location.map { "\($0.line):\($0.column)" } ?? "-") \(d.id) \(d.message)" }
    }

    func testSettingsLayerDefaultsThenGroupsThenTheHost() throws {
        let inv = try read(
            """
            gavel: inventory/v1
            ssh_config: ssh/config
            defaults:
              user: gavel
              connect_timeout: 5
              sudo: true
            groups:
              clinics:
                hosts: [web-1, web-2]
                user: deploy
                asset_name: "{host}.{site}"
              legacy:
                hosts: [web-2, old-1]
                port: 2222
                host_key_checking: accept-new
            hosts:
              web-1:
                address: 10.0.0.5
                gavel: /usr/bin/gavel
              web-2:
                user: root
                ssh_options: ["ProxyJump=bastion"]
                wordpress: [/srv/blog]
            """
        ).get()
        XCTAssertEqual(inv.sshConfig, "/inv/ssh/config", "relative to the inventory")
        XCTAssertEqual(inv.hosts.map(\.name), ["web-1", "web-2", "old-1"], "hosts: first, then those only a group names")
        let h = Dictionary(uniqueKeysWithValues: inv.hosts.map { ($0.name, $0) })
        XCTAssertEqual(h["web-1"]?.address, "10.0.0.5")
        XCTAssertEqual(h["web-1"]?.user, "deploy", "the group over the defaults")
        XCTAssertEqual(h["web-1"]?.gavel, .installed("/usr/bin/gavel"))
        XCTAssertEqual(h["web-1"]?.assetName.text, "{host}.{site}")
        XCTAssertEqual(h["web-1"]?.connectTimeout, 5)
        XCTAssertEqual(h["web-1"]?.hostKeyChecking, .strict, "strict unless the inventory says otherwise")
        XCTAssertEqual(h["web-2"]?.user, "root", "the host over its groups")
        XCTAssertEqual(h["web-2"]?.port, 2222)
        XCTAssertEqual(h["web-2"]?.hostKeyChecking, .acceptNew)
        XCTAssertEqual(h["web-2"]?.sshOptions, ["ProxyJump=bastion"])
        XCTAssertEqual(h["web-2"]?.wordpress, ["/srv/blog"])
        XCTAssertEqual(h["web-2"]?.gavel, .copy)
        XCTAssertEqual(h["old-1"]?.address, "old-1", "the name is the address by default")
        XCTAssertEqual(h["old-1"]?.user, "gavel")
        XCTAssertEqual(h["old-1"]?.sudo, true)
        XCTAssertEqual(h["old-1"]?.timeout, Inventory.defaultTimeout)
    }

    func testMistakesAreLocatedWithStableIDs() {
        let e = errors(
            """
            gavel: inventory/v1
            defaults:
              usr: gavel
              port: 70000
              host_key_checking: strct
              ssh_options: ["StrictHostKeyChecking=no", "Compression"]
              asset_name: "{host}"
              timeout: -3
              gavel: gavel
            hosts:
              "bad name": {}
              web-1:
                address: "-oProxyCommand=x"
            shopify:
              - asset: s
                shop: example.com
            """)
        XCTAssertTrue(e.contains("3:3 unknown-key unknown key 'usr' in 'defaults' in the inventory; did you mean 'user'?"), e.joined(separator: "\n"))
        XCTAssertTrue(e.contains { $0.hasPrefix("4:9 bad-value port (host 'web-1') must be a number from 1 to 65535") }, e.joined(separator: "\n"))
        XCTAssertTrue(
            e.contains {
                $0.hasPrefix("5:22 bad-value host_key_checking (host 'web-1') is one of strict, accept-new, off, found 'strct'; did you mean 'strict'?")
            }, e.joined(separator: "\n"))
        XCTAssertTrue(
            e.contains { $0.hasPrefix("6:16 bad-value ssh option 'StrictHostKeyChecking=no' (host 'web-1') is set by Gavel: use host_key_checking") },
            e.joined(separator: "\n"))
        XCTAssertTrue(
            e.contains { $0.hasPrefix("6:16 bad-value ssh option 'Compression' (host 'web-1') must be written Key=Value") }, e.joined(separator: "\n"))
        XCTAssertTrue(e.contains { $0.hasPrefix("7:15 bad-value asset name template \"{host}\" lacks {site}") }, e.joined(separator: "\n"))
        XCTAssertTrue(e.contains { $0.hasPrefix("8:12 bad-value timeout (host 'web-1') must be between 0 and 86400 seconds") }, e.joined(separator: "\n"))
        XCTAssertTrue(e.contains { $0.hasPrefix("9:10 bad-value gavel (host 'web-1') is 'copy' or the absolute path") }, e.joined(separator: "\n"))
        XCTAssertTrue(e.contains { $0.hasPrefix("11:3 bad-id host name 'bad name' may use letters") }, e.joined(separator: "\n"))
        XCTAssertTrue(e.contains { $0.hasPrefix("13:14 bad-value address '-oProxyCommand=x' of host 'web-1'") }, e.joined(separator: "\n"))
        XCTAssertTrue(
            e.contains { $0.hasPrefix("15:5 missing-key a Shopify store needs 'token_file'") || $0.hasPrefix("15:5 missing-key") }, e.joined(separator: "\n"))
    }

    func testTheMarkerAndAnEmptyInventory() {
        XCTAssertEqual(errors("hosts: {a: {}}\n"), ["1:1 missing-marker the first key of an inventory must be 'gavel: inventory/v1'"])
        XCTAssertEqual(errors("gavel: policy/v1\n"), ["1:8 unknown-marker this is 'gavel: policy/v1'; an inventory starts with 'gavel: inventory/v1'"])
        XCTAssertEqual(errors("gavel: inventory/v1\nhosts: {}\n").first?.contains("empty-list the inventory lists no hosts and no Shopify stores"), true)
        XCTAssertEqual(errors("gavel: inventory/v1\nhosts:\n  a: {}\n  a: {}\n").first?.contains("duplicate-key"), true, "YAML's own check")
        XCTAssertTrue(errors("gavel: inventory/v1\ngroups:\n  web:\n    hosts: [web]\n").contains { $0.contains("bad-value 'web' is both a group and a host") })
    }

    func testLimitSelectsHostsGroupsAndStores() throws {
        let inv = try read(
            """
            gavel: inventory/v1
            groups:
              eu: {hosts: [web-eu-1, db-eu-1]}
            hosts:
              web-us-1: {}
            shopify:
              - {asset: store-eu, shop: a.myshopify.com, token_file: t}
            """
        ).get()
        func names(_ p: [String]) -> [String] {
            let s = FleetCollector.select(inv, p)
            return s.hosts.map(\.name) + s.stores.map(\.asset)
        }
        XCTAssertEqual(names([]), ["web-us-1", "web-eu-1", "db-eu-1", "store-eu"])
        XCTAssertEqual(names(["eu"]), ["web-eu-1", "db-eu-1"])
        XCTAssertEqual(names(["web-*"]), ["web-us-1", "web-eu-1"])
        XCTAssertEqual(names(["*-eu*"]), ["web-eu-1", "db-eu-1", "store-eu"])
        XCTAssertEqual(names(["nothing"]), [])
    }

    /// The inventories the docs show are valid, and mean what the docs say.
    func testTheDocumentedInventoriesRead() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let doc = try String(contentsOfFile: repo + "/docs/INVENTORY.md", encoding: .utf8)
        let yaml = try XCTUnwrap(doc.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        let inv = try InventoryReader.read(text: yaml, file: repo + "/docs/INVENTORY.md").get()
        XCTAssertEqual(inv.hosts.map(\.name), ["web-1", "web-2", "db-1"])
        XCTAssertEqual(inv.hosts[0].assetName.text, "{host}.{site}")
        XCTAssertEqual(inv.hosts[1].gavel, .installed("/usr/bin/gavel"))
        XCTAssertEqual(inv.hosts[2].hostKeyChecking, .acceptNew)
        XCTAssertEqual(inv.shopify.map(\.asset), ["clinic-store"])

        let readme = try String(contentsOfFile: repo + "/README.md", encoding: .utf8)
        let block = try XCTUnwrap(readme.components(separatedBy: "<<'YAML'\n").dropFirst().first?.components(separatedBy: "\nYAML\n").first)
        let small = try InventoryReader.read(text: block, file: "README.md").get()
        XCTAssertEqual(small.hosts.map(\.name), ["web-1", "web-2"])
        XCTAssertEqual(small.hosts[0].sudo, true)
    }
}
