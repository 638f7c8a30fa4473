import Foundation
import GavelCollectors
import GavelCore
import GavelEngine
import GavelJSON
import GavelResults

extension FixRun {
    /// The WordPress fixes of one asset: constants defined in wp-config.php, proven by
    /// `php -l` on the patched file and by reading it again into the snapshot's `constants`
    /// and `effective` and evaluating every rule again.
    func fixWordPress(_ asset: String, _ fixes: [(rule: String, fix: MachineFix)], before: ResultsDocument, into out: inout Outcome) throws {
        let ids = Self.ruleIDs(fixes)
        func withhold(_ why: String) { out.withheld += ids.map { ($0, why) } }
        guard let snap = snapshot(asset, "wordpress"), case .object(let data)? = snap["data"] else {
            return withhold("no readable wordpress snapshot of \(asset) in \(snapshots)")
        }
        // A site collected from a mounted image (`collect host --root`, or `--path` into the
        // image) names its files with the image's prefix: the machine's path is the rest.
        let image = URL(fileURLWithPath: root).standardizedFileURL.path
        func onMachine(_ p: String) -> String { image != "/" && p.hasPrefix(image + "/") ? String(p.dropFirst(image.count)) : p }
        guard let file = data.first(where: { $0.key == "config_file" })?.value.stringValue.map(onMachine),
            let site = data.first(where: { $0.key == "path" })?.value.stringValue.map(onMachine)
        else { return withhold("the wordpress snapshot names no wp-config.php") }
        if let perSite = snap["data"]?["site_config_file"]?.stringValue {
            return withhold(
                "the constants are set in Debian's per-site \(perSite) as well as \(file); edit it by hand (gavel fix edits a site's own wp-config.php)")
        }
        guard let original = machineText(file) else {
            return withhold("cannot read \(file) under \(root)")
        }
        var text = original
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
            guard onMachine(String(at[..<colon])) == file, let t = WordPressDefineEdit.set(text, name: name, literal: MachineFix.phpLiteral(value), line: line)
            else {
                return withhold("\(file) changed since the snapshot (line \(line) no longer defines \(name)): collect the asset again")
            }
            text = t
        }
        if !additions.isEmpty {
            guard let t = WordPressDefineEdit.add(text, additions.map { ($0.0, MachineFix.phpLiteral($0.1)) }) else {
                return withhold("\(file) has no \"That's all, stop editing\" line and does not load wp-settings.php, so there is no safe place to add a define")
            }
            text = t
        }

        // Prove: PHP must parse the patched file, and the constants read again must fix it.
        let scratch = try Self.scratchRoot()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try copy([], patched: [file: text], into: scratch)
        if let why = try phpLintRejection(file, scratch: scratch, notes: &out.notes) { return withhold(why) }
        let part: (constants: Value, effective: Value)
        do { part = try WordPressCollector.configPart(path: RootPath.join(scratch, site)) } catch {
            return withhold("the patched \(file) cannot be read again: \(error)")
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
            ids, asset, replacing: ["wordpress": again], scratch: scratch, before: before, originals: [file: original], texts: [file: text], into: &out)
    }
}
