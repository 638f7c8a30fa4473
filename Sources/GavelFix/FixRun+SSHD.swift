import Foundation
import GavelCollectors
import GavelCore
import GavelEngine
import GavelJSON
import GavelResults

extension FixRun {
    /// The sshd fixes of one asset: edits of sshd_config and its drop-ins where the hosting
    /// snapshot's provenance points, proven by `sshd -t` on the patched files and by reading
    /// them again into the snapshot's `sshd` part and evaluating every rule again.
    func fixSSHD(_ asset: String, _ fixes: [(rule: String, fix: MachineFix)], before: ResultsDocument, into out: inout Outcome) throws {
        let ids = Self.ruleIDs(fixes)
        func withhold(_ why: String) { out.withheld += ids.map { ($0, why) } }
        guard let snap = snapshot(asset, "hosting"), case .object(let data)? = snap["data"] else {
            return withhold("no readable hosting snapshot of \(asset) in \(snapshots)")
        }
        let main = "/etc/ssh/sshd_config"
        var texts: [String: String] = [:]
        var originals: [String: String] = [:]
        func text(_ file: String) -> String? {
            if let t = texts[file] { return t }
            guard let t = machineText(file) else { return nil }
            texts[file] = t
            originals[file] = t
            return t
        }
        var tops: [(String, String)] = []
        for (_, fix) in fixes {
            guard case .sshd(let key, let value) = fix else { continue }
            let pointer = "/sshd/settings/" + SnapshotBuilder.pointerToken(key.lowercased())
            if let at = snap["provenance"]?[pointer]?.stringValue, let colon = at.lastIndex(of: ":"), let line = Int(at[at.index(after: colon)...]) {
                let file = String(at[..<colon])
                guard let t = text(file) else { return withhold("cannot read \(file) under \(root)") }
                guard SSHDEdit.lineSets(t, key: key, line: line) else {
                    return withhold("\(file) changed since the snapshot (line \(line) no longer sets \(key)): collect the asset again")
                }
                texts[file] = SSHDEdit.set(t, key: key, value: value, line: line)
            } else {
                tops.append((key, value))
            }
        }
        for (key, value) in tops {
            guard let t = text(main) else { return withhold("cannot read \(main) under \(root)") }
            texts[main] = SSHDEdit.set(t, key: key, value: value, line: nil)
        }

        // The patched files in a scratch root, with every drop-in sshd reads.
        let scratch = try Self.scratchRoot()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var files = [main]
        let dropins = "/etc/ssh/sshd_config.d"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: RootPath.join(root, dropins))) ?? [] { files.append(dropins + "/" + name) }
        try copy(files, patched: texts, into: scratch)
        // sshd itself must accept them: a copy whose Include lines point into the scratch root
        // (sshd_config names its drop-ins by absolute path).
        let sshd = ["/usr/sbin/sshd"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        if sshd == nil { out.notes.append("sshd -t was not run on the patched sshd_config: /usr/sbin/sshd is not installed") }
        if let sshd {
            let check = scratch + "/.sshd-check"
            try FileManager.default.createDirectory(atPath: check, withIntermediateDirectories: true)
            let mainText = (try? String(contentsOfFile: RootPath.join(scratch, main), encoding: .utf8)) ?? ""
            let rewritten = TextLines(mainText).lines.map { l -> String in
                let t = l.trimmingCharacters(in: .whitespacesAndNewlines)
                guard t.lowercased().hasPrefix("include") else { return l }
                return t.split(separator: " ", omittingEmptySubsequences: true).enumerated().map { i, w in
                    i > 0 && w.hasPrefix("/") ? scratch + w : String(w)
                }.joined(separator: " ")
            }.joined(separator: "\n")
            try rewritten.write(toFile: check + "/sshd_config", atomically: false, encoding: .utf8)
            let r = try Subprocess.run(sshd, ["-t", "-f", check + "/sshd_config"], timeout: 30)
            if r.status != 0 {
                return withhold("sshd -t rejects the patched configuration: \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
        // Read again into the snapshot's sshd part, and evaluate.
        guard let i = data.firstIndex(where: { $0.key == "sshd" }) else { return withhold("the hosting snapshot has no sshd part") }
        guard let again = Self.withData(snap, { $0[i].value = SSHDConfig.part(root: scratch) }) else { return withhold("unreadable hosting snapshot") }
        try conclude(ids, asset, replacing: ["hosting": again], scratch: scratch, before: before, originals: originals, texts: texts, into: &out)
    }
}
