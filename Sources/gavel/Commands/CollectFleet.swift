import ArgumentParser
import Foundation
import GavelCollectors
import GavelCore
import GavelFleet

struct CollectFleet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Collect every host of an inventory over SSH, and its Shopify stores, into one snapshots folder.",
        discussion: """
            Each host is reached with the system's ssh (your ~/.ssh/config, agent and known_hosts \
            apply; BatchMode, host keys always checked unless the inventory says otherwise for a \
            host). By default this gavel is sent to a private temporary folder on the host, runs \
            'gavel collect host' there and is removed; with 'gavel: /usr/bin/gavel' in the inventory \
            the installed one runs. A host that cannot be collected keeps its assets, written as \
            failure records that 'gavel eval' reports as errors; its last good snapshots are kept \
            under DIR/.gavel-previous/. The inventory's format is in docs/INVENTORY.md.

            Examples:
              gavel collect fleet --inventory fleet.yaml -o Snapshots/
              gavel collect fleet --inventory fleet.yaml -o Snapshots/ --jobs 16
              gavel collect fleet --inventory fleet.yaml -o Snapshots/ --limit 'web-*'
            """
    )

    @Option(help: "The inventory file (gavel: inventory/v1).")
    var inventory: String

    @Option(name: [.short, .customLong("output")], help: "The snapshots folder (DIR/<asset>/<kind>.json; created when missing).")
    var output: String

    @Option(help: "Collect only the hosts (or groups, or Shopify store assets) matching these shell patterns, comma-separated.")
    var limit: String?

    @Option(help: "How many hosts are collected at once.")
    var jobs = 8

    @Option(help: "The gavel sent to hosts whose inventory says 'gavel: copy' (default: this one). Use the packaged, statically linked build.")
    var binary: String?

    @Option(name: .customLong("ssh-config"), help: "An ssh client configuration to use instead of ~/.ssh/config (overrides the inventory's ssh_config).")
    var sshConfig: String?

    func validate() throws {
        guard jobs >= 1, jobs <= 256 else { throw ValidationError("--jobs must be between 1 and 256") }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDir), !isDir.boolValue {
            throw ValidationError("--output \(output) is a file; give the snapshots folder")
        }
        if let binary, !FileManager.default.isExecutableFile(atPath: binary) {
            throw ValidationError("--binary \(binary) is not an executable file")
        }
    }

    func run() throws {
        var inv: Inventory
        switch InventoryReader.read(file: inventory) {
        case .success(let i): inv = i
        case .failure(let e):
            throw CommandFailure.rendered(Exit.input, DiagnosticRenderer().render(e.diagnostics), count: e.diagnostics.count, in: "the inventory \(inventory)")
        }
        if let sshConfig { inv.sshConfig = sshConfig }
        let patterns = (limit ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let (hosts, stores) = FleetCollector.select(inv, patterns)
        if hosts.isEmpty && stores.isEmpty {
            throw CommandFailure.usage(
                .unknownHost,
                "--limit \(limit ?? "") selects no host, group or Shopify store of \(inventory)"
                    + Suggest.hint(for: patterns.first ?? "", in: inv.hosts.map(\.name) + inv.groups.map(\.name))
            ).prefixed("gavel collect fleet: ")
        }
        let self_ = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let fleet = FleetCollector(inventory: inv, output: output, binary: binary ?? self_, jobs: jobs)
        let tty = isatty(2) == 1
        let results: [FleetCollector.Result]
        do {
            results = try fleet.run(hosts: hosts, stores: stores) { p in
                guard tty else { return }
                let failed = p.failed == 0 ? "" : ", \(p.failed) failed"
                printError("\r\u{1B}[K[\(p.done)/\(p.total)\(failed)] \(p.last.name): \(p.last.outcome.name)", newline: p.done == p.total)
            }
        } catch let e as AssetFolders.Failure {
            throw CommandFailure.input(.output, "\(e)").prefixed("gavel collect fleet: ")
        }
        print(FleetTable.render(results), terminator: "")
        let failed = results.filter { $0.outcome != .ok }
        printError(
            "gavel collect fleet: \(results.count - failed.count) of \(results.count) collected into \(output)"
                + (failed.isEmpty ? "" : "; \(failed.count) failed, their assets recorded as errors (gavel eval reports them)"))
        if !failed.isEmpty { throw Exit.failing }
    }
}
