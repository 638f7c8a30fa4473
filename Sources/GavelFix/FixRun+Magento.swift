import Foundation
import GavelCollectors
import GavelCore
import GavelEngine
import GavelJSON
import GavelResults

extension FixRun {
    /// The Magento fixes of one asset: configuration paths locked in app/etc/env.php's
    /// `system.default`, proven by `php -l` on the patched file and by reading env.php and
    /// config.php again into the snapshot's `system` (over the database layer the snapshot
    /// recorded) and evaluating every rule again.
    func fixMagento(_ asset: String, _ fixes: [(rule: String, fix: MachineFix)], before: ResultsDocument, into out: inout Outcome) throws {
        let ids = Self.ruleIDs(fixes)
        func withhold(_ why: String) { out.withheld += ids.map { ($0, why) } }
        guard let snap = snapshot(asset, "magento"), case .object? = snap["data"] else {
            return withhold("no readable magento snapshot of \(asset) in \(snapshots)")
        }
        guard let site = snap["data"]?["path"]?.stringValue.map(onMachine) else { return withhold("the magento snapshot names no Magento root") }
        let file = PathNames.join(site, "app/etc/env.php")
        guard let original = machineText(file) else {
            return withhold("cannot read \(file) under \(root)")
        }
        var text = original
        for (_, fix) in fixes {
            guard case .magentoConfig(let path, let value) = fix else { continue }
            let keys = ["system", "default"] + path.split(separator: "/").map(String.init)
            do {
                guard let t = try MagentoEnvEdit.set(text, path: keys, literal: MachineFix.phpLiteral(value)) else {
                    return withhold("\(file) holds a value where \(keys.joined(separator: "/")) needs an array, or an array where it needs a value")
                }
                text = t
            } catch {
                return withhold("\(file) does not return an array Gavel can edit: \(error)")
            }
        }

        // Prove: PHP must parse it, and the configuration read again must fix it.
        let scratch = try Self.scratchRoot()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try copy([PathNames.join(site, "app/etc/config.php")], patched: [file: text], into: scratch)
        if let why = try phpLintRejection(file, scratch: scratch, notes: &out.notes) { return withhold(why) }
        let system: Value
        do {
            system = try MagentoCollector.systemAgain(path: RootPath.join(scratch, site), snapshot: snap["data"]?["system"] ?? .object([Value.Member]()))
        } catch {
            return withhold("the patched \(file) cannot be read again: \(error)")
        }
        guard let again = Self.withData(snap, { data in if let i = data.firstIndex(where: { $0.key == "system" }) { data[i].value = system } }) else {
            return withhold("unreadable magento snapshot")
        }
        try conclude(ids, asset, replacing: ["magento": again], scratch: scratch, before: before, originals: [file: original], texts: [file: text], into: &out)
    }
}
