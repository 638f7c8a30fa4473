import Foundation
import GavelCollectors
import GavelCore
import GavelEngine
import GavelJSON
import GavelResults

extension FixRun {
    /// The php fixes of one asset: edits, proof, diff.
    func fixPHP(_ asset: String, _ fixes: [(rule: String, fix: MachineFix)], before: ResultsDocument, into out: inout Outcome) throws {
        let ids = Self.ruleIDs(fixes)
        func withhold(_ why: String) { out.withheld += ids.map { ($0, why) } }
        guard let snap = snapshot(asset, "php"), let data = snap["data"] else { return withhold("no readable php snapshot of \(asset) in \(snapshots)") }
        guard data["source"]?.stringValue == "ini", let main = data["ini_files"]?.arrayValue?.first?.stringValue else {
            return withhold("the php snapshot was not read from php.ini files (collect php --ini), so there is no file to patch")
        }
        let provenance = snap["provenance"]
        let pool = data["fpm_pool"]?["file"]?.stringValue

        // The edits, file by file: lines that set a directive are replaced first, so that the
        // line numbers of the provenance stay right; directives nothing sets are added after.
        var texts: [String: String] = [:]
        func text(_ file: String) throws -> String {
            if let t = texts[file] { return t }
            guard let t = machineText(file) else {
                throw Diagnostic(.hostingRoot, "cannot read \(file) under \(root)")
            }
            texts[file] = t
            return t
        }
        var originals: [String: String] = [:]
        var appends: [(key: String, value: String)] = []
        for (_, fix) in fixes {
            guard case .ini(let key, let value) = fix else { continue }
            if let at = provenance?["/ini/" + SnapshotBuilder.pointerToken(key)]?.stringValue, let colon = at.lastIndex(of: ":"),
                let line = Int(at[at.index(after: colon)...])
            {
                let file = String(at[..<colon])
                do {
                    let t = try text(file)
                    guard IniEdit.lineSets(t, key: key, line: line) else {
                        return withhold("\(file) changed since the snapshot (line \(line) no longer sets \(key)): collect the asset again")
                    }
                    if originals[file] == nil { originals[file] = t }
                    texts[file] = IniEdit.set(t, key: key, value: value, line: line)
                } catch {
                    return withhold("\(error)")
                }
            } else {
                appends.append((key, value))
            }
        }
        do {
            for (key, value) in appends {
                let t = try text(main)
                if originals[main] == nil { originals[main] = t }
                texts[main] = IniEdit.set(t, key: key, value: value, line: nil)
            }
        } catch { return withhold("\(error)") }

        // Prove: the files, patched, in a scratch root; collected and evaluated again.
        let scratch = try Self.scratchRoot()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let scanDirs = (data["scan_dirs"]?.arrayValue ?? []).compactMap(\.stringValue)
        var needed = (data["ini_files"]?.arrayValue ?? []).compactMap(\.stringValue) + (pool.map { [$0] } ?? [])
        for dir in scanDirs {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: RootPath.join(root, dir))) ?? []
            needed += names.filter { $0.hasSuffix(".ini") }.map { PathNames.join(dir, $0) }
        }
        try copy(needed, patched: texts, into: scratch)
        for dir in scanDirs { try FileManager.default.createDirectory(atPath: RootPath.join(scratch, dir), withIntermediateDirectories: true) }
        // PHP itself must accept each patched php.ini (a pool file is PHP-FPM's, proven by
        // the re-collection above).
        if php == nil { out.notes.append("php -n -c was not run on the patched php.ini: /usr/bin/php is not installed") }
        if let php {
            for file in texts.keys.sorted() where file != pool {
                let r = try Subprocess.run(php, ["-n", "-c", RootPath.join(scratch, file), "-r", "echo 'ok';"], timeout: 30)
                // PHP reports a bad ini file on stderr ("PHP:  syntax error, ...", "PHP Warning: ...")
                // and carries on with what it could read: any such line is a rejection.
                let complaint = r.stderr.split(separator: "\n").first { $0.hasPrefix("PHP") || $0.contains("error") || $0.contains("Warning") }
                if r.stdout != "ok" || complaint != nil {
                    return withhold("php -n -c rejects the patched \(file): \(complaint.map(String.init) ?? r.stderr)")
                }
            }
        }
        var builder = SnapshotBuilder(asset: asset, kind: "php")
        let collector = PHPIniCollector(
            ini: main, scanDirs: scanDirs, fpmPool: pool, poolName: data["fpm_pool"]?["name"]?.stringValue, sapi: data["sapi"]?.stringValue,
            version: data["version"]?.stringValue, root: scratch)
        let again: Value
        do { again = try collector.collect(into: &builder) } catch { return withhold("the patched files cannot be collected again: \(error)") }
        try conclude(
            ids, asset, replacing: ["php": builder.document(data: again)], scratch: scratch, before: before, originals: originals, texts: texts, into: &out)
    }
}
