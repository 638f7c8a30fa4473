import Foundation
import GavelCollectors
import GavelCore
import GavelEngine
import GavelJSON
import GavelResults

/// `gavel fix`: for each asset, the failing rules that declare a machine fix become one
/// patch against the real configuration files the evidence names. A patch is proven before
/// it is written: applied to a copy of the files, the asset is collected again and every
/// rule evaluated again (the fixed rules must pass, no other verdict may get worse), and the
/// owning program must accept the patched files (`php -n -c`); otherwise it is withheld with
/// the reason. The live files are never touched.
public struct FixRun {
    public var program: Program
    /// Snapshots in the folder layout `DIR/<asset>/<kind>.json` (as the collectors write them).
    public var snapshots: String
    /// Where the machine's files are (`/`, or an image or copy).
    public var root = "/"
    public var rules: [String] = []
    public var assetPatterns: [String] = []
    /// The PHP binary that must accept a patched php.ini; nil skips that check (said in the summary).
    public var php: String? = ["/usr/bin/php"].first { FileManager.default.isExecutableFile(atPath: $0) }

    public init(program: Program, snapshots: String) {
        self.program = program
        self.snapshots = snapshots
    }

    public struct Outcome: Sendable {
        public var asset: String
        /// The unified diff (empty when nothing was fixed).
        public var patch: String = ""
        public var fixed: [String] = []
        public var withheld: [(rule: String, reason: String)] = []
        public var notFixable: [(rule: String, reason: String)] = []
        public var files: [String] = []
    }

    public func run() throws -> [Outcome] {
        let doc = ResultsDocument(run: Runner.run(program, SnapshotPlan.make([snapshots]), jobs: 2), failOn: nil)
        guard !doc.entries.isEmpty else { throw Diagnostic(.nothingEvaluated, "no snapshot in \(snapshots) was evaluated") }
        let byID = Dictionary(program.rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var failing: [String: [String]] = [:]
        for e in doc.entries where e.verdict == .fail {
            if !rules.isEmpty && !rules.contains(e.rule) { continue }
            if !assetPatterns.isEmpty && !assetPatterns.contains(where: { Waiver.glob($0, e.asset) }) { continue }
            failing[e.asset, default: []].append(e.rule)
        }
        return try failing.keys.sorted().map { asset in
            var out = Outcome(asset: asset)
            var fixes: [(rule: String, fix: MachineFix)] = []
            for id in failing[asset]!.sorted() {
                let actions = byID[id]?.fix ?? []
                if actions.isEmpty { out.notFixable.append((id, "the rule declares no machine fix")) }
                fixes += actions.map { (id, $0) }
            }
            guard !fixes.isEmpty else { return out }
            try fixPHP(asset, fixes, before: doc, into: &out)
            return out
        }
    }

    /// The php fixes of one asset: edits, proof, diff.
    func fixPHP(_ asset: String, _ fixes: [(rule: String, fix: MachineFix)], before: ResultsDocument, into out: inout Outcome) throws {
        var ids: [String] = []
        for f in fixes where !ids.contains(f.rule) { ids.append(f.rule) }
        func withhold(_ why: String) { out.withheld += ids.map { ($0, why) } }
        let snapshotFile = PathNames.join(PathNames.join(snapshots, asset), "php.json")
        guard let bytes = FileManager.default.contents(atPath: snapshotFile), let snap = try? JSONDocument.parse([UInt8](bytes)).toValue(),
            let data = snap["data"]
        else { return withhold("no php snapshot at \(snapshotFile)") }
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
            guard let t = try? String(contentsOfFile: RootPath.join(root, file), encoding: .utf8) else {
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
        let scratch = NSTemporaryDirectory() + "gavel-fix-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let scanDirs = (data["scan_dirs"]?.arrayValue ?? []).compactMap(\.stringValue)
        var needed = (data["ini_files"]?.arrayValue ?? []).compactMap(\.stringValue) + (pool.map { [$0] } ?? [])
        for dir in scanDirs {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: RootPath.join(root, dir))) ?? []
            needed += names.filter { $0.hasSuffix(".ini") }.map { PathNames.join(dir, $0) }
        }
        for file in Set(needed + Array(texts.keys)) {
            let target = RootPath.join(scratch, file)
            try FileManager.default.createDirectory(atPath: PathNames.folder(of: target), withIntermediateDirectories: true)
            if let t = texts[file] {
                try t.write(toFile: target, atomically: false, encoding: .utf8)
            } else if let b = FileManager.default.contents(atPath: RootPath.join(root, file)) {
                try b.write(to: URL(fileURLWithPath: target))
            }
        }
        for dir in scanDirs { try FileManager.default.createDirectory(atPath: RootPath.join(scratch, dir), withIntermediateDirectories: true) }
        // PHP itself must accept each patched php.ini (a pool file is PHP-FPM's, proven by
        // the re-collection above).
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
        let snaps = scratch + "/.snapshots/" + asset
        try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: PathNames.join(snapshots, asset))) ?? []
        where name.hasSuffix(".json") && name != "php.json" {
            try FileManager.default.copyItem(atPath: PathNames.join(PathNames.join(snapshots, asset), name), toPath: PathNames.join(snaps, name))
        }
        try (JSONWriter.string(builder.document(data: again), pretty: true) + "\n").write(toFile: snaps + "/php.json", atomically: false, encoding: .utf8)
        let after = ResultsDocument(run: Runner.run(program, SnapshotPlan.make([scratch + "/.snapshots"]), jobs: 1), failOn: nil)
        var was: [String: Verdict] = [:]
        for e in before.entries where e.asset == asset { was[e.rule] = e.verdict }
        var now: [String: Verdict] = [:]
        for e in after.entries where e.asset == asset { now[e.rule] = e.verdict }
        let notFixed = ids.filter { now[$0] != .pass }
        if !notFixed.isEmpty {
            return withhold(
                "after the patch, \(notFixed.map { "\($0) is \(now[$0]?.rawValue ?? "not evaluated")" }.joined(separator: ", ")): the patch does not fix what it claims"
            )
        }
        let worse = was.keys.sorted().filter { rule in Self.rank(now[rule]) > Self.rank(was[rule]) }
        if !worse.isEmpty {
            return withhold(
                "the patch makes other verdicts worse: "
                    + worse.map { "\($0) \(was[$0]!.rawValue) -> \(now[$0]?.rawValue ?? "not evaluated")" }.joined(separator: ", "))
        }
        // The diff, with no secret in it: a context line that names a secret directive makes
        // the hunks context-free; a changed line that does is withheld.
        var patch = ""
        for file in texts.keys.sorted() {
            guard let old = originals[file], let new = texts[file], old != new else { continue }
            var diff = try UnifiedDiff.of(path: file, old: old, new: new)
            let lines = diff.split(separator: "\n", omittingEmptySubsequences: false)
            func secret(_ line: Substring) -> Bool {
                let body = line.dropFirst()
                guard let eq = body.firstIndex(of: "=") else { return false }
                let name = body[..<eq].trimmingCharacters(in: .whitespaces)
                let value = body[body.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                return SecretClassifier.reason(name: name, value: value) != nil
            }
            if lines.contains(where: { ($0.hasPrefix("-") || $0.hasPrefix("+")) && !$0.hasPrefix("---") && !$0.hasPrefix("+++") && secret($0) }) {
                return withhold("the change touches a line of \(file) that holds a secret")
            }
            if lines.contains(where: { $0.hasPrefix(" ") && secret($0) }) {
                diff = try UnifiedDiff.withoutContext(path: file, old: old, new: new)
            }
            patch += diff
            out.files.append(file)
        }
        out.patch = patch
        out.fixed = ids
    }

    /// How bad a verdict is, for "no other verdict gets worse".
    static func rank(_ v: Verdict?) -> Int {
        switch v {
        case .pass?, .notApplicable?, .waived?: return 0
        case .fail?: return 1
        case .error?, nil: return 2
        }
    }
}
