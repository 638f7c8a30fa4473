import Foundation
import GavelCollectors
import GavelCore
import GavelEngine
import GavelJSON
import GavelResults

extension FixRun {
    /// The WordPress fixes of one asset: constants defined in wp-config.php (or, with Debian's
    /// packaged WordPress, the site's /etc/wordpress file), proven by
    /// `php -l` on the patched file and by reading it again into the snapshot's `constants`
    /// and `effective` and evaluating every rule again.
    func fixWordPress(_ asset: String, _ fixes: [(rule: String, fix: MachineFix)], before: ResultsDocument, into out: inout Outcome) throws {
        let ids = Self.ruleIDs(fixes)
        func withhold(_ why: String) { out.withheld += ids.map { ($0, why) } }
        guard let snap = snapshot(asset, "wordpress"), case .object(let data)? = snap["data"] else {
            return withhold("no readable wordpress snapshot of \(asset) in \(snapshots)")
        }
        guard let file = data.first(where: { $0.key == "config_file" })?.value.stringValue.map(onMachine),
            let site = data.first(where: { $0.key == "path" })?.value.stringValue.map(onMachine)
        else { return withhold("the wordpress snapshot names no wp-config.php") }
        // Debian's packaged WordPress: the site's own /etc/wordpress/config-HOST.php is read
        // first and its defines win; new defines go there (it is a list of defines).
        let perSite = snap["data"]?["site_config_file"]?.stringValue.map(onMachine)
        let target = perSite ?? file
        var originals: [String: String] = [:]
        var texts: [String: String] = [:]
        func text(_ f: String) -> String? {
            if let t = texts[f] { return t }
            guard let t = machineText(f) else { return nil }
            originals[f] = t
            texts[f] = t
            return t
        }
        // Replacements first (their lines are the snapshot's), additions after.
        let defines = fixes.compactMap { f -> (String, Value)? in
            if case .wpDefine(let name, let value) = f.fix { return (name, value) }
            return nil
        }
        var additions: [(String, Value)] = []
        for (name, value) in defines {
            let at = snap["provenance"]?["/constants/" + SnapshotBuilder.pointerToken(name)]?.stringValue
            guard let at, let colon = at.lastIndex(of: ":"), let line = Int(at[at.index(after: colon)...]) else {
                additions.append((name, value))
                continue
            }
            let where_ = onMachine(String(at[..<colon]))
            guard where_ == file || where_ == perSite, let t = text(where_) else { return withhold("cannot read \(where_) under \(root)") }
            guard let edited = WordPressDefineEdit.set(t, name: name, literal: MachineFix.phpLiteral(value), line: line) else {
                return withhold("\(where_) changed since the snapshot (line \(line) no longer defines \(name)): collect the asset again")
            }
            texts[where_] = edited
        }
        if !additions.isEmpty {
            guard let t = text(target) else { return withhold("cannot read \(target) under \(root)") }
            let literals = additions.map { ($0.0, MachineFix.phpLiteral($0.1)) }
            if perSite != nil {
                texts[target] = WordPressDefineEdit.append(t, literals)
            } else {
                guard let edited = WordPressDefineEdit.add(t, literals) else {
                    return withhold(
                        "\(file) has no \"That's all, stop editing\" line and does not load wp-settings.php, so there is no safe place to add a define")
                }
                texts[target] = edited
            }
        }

        // Prove: PHP must parse each patched file, and the constants read again must fix it.
        let scratch = try Self.scratchRoot()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try copy([file] + (perSite.map { [$0] } ?? []), patched: texts, into: scratch)
        for f in texts.keys.sorted() where texts[f] != originals[f] {
            if let why = try phpLintRejection(f, scratch: scratch, notes: &out.notes) { return withhold(why) }
        }
        // The site's names pick its Debian file again: config-HOST.php names HOST.
        let siteNames =
            perSite.map { p -> [String] in
                let name = PathNames.lastComponent(of: p)
                return name.hasPrefix("config-") && name.hasSuffix(".php") ? [String(name.dropFirst(7).dropLast(4))] : []
            } ?? []
        let part: (constants: Value, effective: Value)
        do { part = try WordPressCollector.configPart(path: RootPath.join(scratch, site), siteNames: siteNames, machineRoot: scratch) } catch {
            return withhold("the patched files cannot be read again: \(error)")
        }
        // FORCE_SSL_ADMIN without a define follows siteurl (read from the database when the
        // snapshot was taken): keep what the snapshot said.
        var effective = part.effective
        if part.constants["FORCE_SSL_ADMIN"] == nil, case .object(var e) = effective, let i = e.firstIndex(where: { $0.key == "FORCE_SSL_ADMIN" }),
            let was = snap["data"]?["effective"]?["FORCE_SSL_ADMIN"]
        {
            e[i].value = was
            effective = .object(e)
        }
        let again = Self.withData(snap) { data in
            for (key, value) in [("constants", part.constants), ("effective", effective)] {
                if let i = data.firstIndex(where: { $0.key == key }) { data[i].value = value }
            }
        }
        guard let again else { return withhold("unreadable wordpress snapshot") }
        try conclude(
            ids, asset, replacing: ["wordpress": again], scratch: scratch, before: before, originals: originals, texts: texts, into: &out)
    }
}
