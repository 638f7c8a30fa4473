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
            let php = fixes.filter { $0.fix.kind == "php" }, sshd = fixes.filter { $0.fix.kind == "hosting" }
            if !php.isEmpty { try fixPHP(asset, php, before: doc, into: &out) }
            if !sshd.isEmpty { try fixSSHD(asset, sshd, before: doc, into: &out) }
            return out
        }
    }

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
        try copy(needed, patched: texts, into: scratch)
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
        let after = try evaluateAgain(asset, replacing: ["php": builder.document(data: again)], scratch: scratch)
        if let why = Self.judge(ids, asset: asset, before: before, after: after) { return withhold(why) }
        // The diff, with no secret in it: a context line that names a secret directive makes
        // the hunks context-free; a changed line that does is withheld.
        guard let (patch, files) = try Self.patch(originals, texts) else { return withhold("the change touches a line that holds a secret") }
        out.patch += patch
        out.files += files
        out.fixed += ids
    }

    /// The rules of `fixes`, each once, in order.
    static func ruleIDs(_ fixes: [(rule: String, fix: MachineFix)]) -> [String] {
        var ids: [String] = []
        for f in fixes where !ids.contains(f.rule) { ids.append(f.rule) }
        return ids
    }

    /// The asset's snapshot of `kind` (the folder layout `DIR/<asset>/<kind>.json`), read whole.
    func snapshot(_ asset: String, _ kind: String) -> Value? {
        let file = PathNames.join(PathNames.join(snapshots, asset), kind + ".json")
        guard let bytes = FileManager.default.contents(atPath: file) else { return nil }
        return try? JSONDocument.parse([UInt8](bytes)).toValue()
    }

    /// The machine's `files` (read under `root`) in a scratch root, the patched ones as `patched`
    /// says, at the same paths.
    func copy(_ files: [String], patched: [String: String], into scratch: String) throws {
        for file in Set(files + Array(patched.keys)) {
            let target = RootPath.join(scratch, file)
            try FileManager.default.createDirectory(atPath: PathNames.folder(of: target), withIntermediateDirectories: true)
            if let t = patched[file] {
                try t.write(toFile: target, atomically: false, encoding: .utf8)
            } else if let b = FileManager.default.contents(atPath: RootPath.join(root, file)) {
                try b.write(to: URL(fileURLWithPath: target))
            }
        }
    }

    /// Why the re-evaluation refuses a patch: a fixed rule that does not pass, or another
    /// verdict of the asset that got worse; nil when it holds.
    static func judge(_ ids: [String], asset: String, before: ResultsDocument, after: ResultsDocument) -> String? {
        var was: [String: Verdict] = [:]
        for e in before.entries where e.asset == asset { was[e.rule] = e.verdict }
        var now: [String: Verdict] = [:]
        for e in after.entries where e.asset == asset { now[e.rule] = e.verdict }
        let notFixed = ids.filter { now[$0] != .pass }
        if !notFixed.isEmpty {
            let what = notFixed.map { "\($0) is \(now[$0]?.rawValue ?? "not evaluated")" }.joined(separator: ", ")
            return "after the patch, \(what): the patch does not fix what it claims"
        }
        let worse = was.keys.sorted().filter { rule in rank(now[rule]) > rank(was[rule]) }
        if !worse.isEmpty {
            return "the patch makes other verdicts worse: "
                + worse.map { "\($0) \(was[$0]!.rawValue) -> \(now[$0]?.rawValue ?? "not evaluated")" }.joined(separator: ", ")
        }
        return nil
    }

    /// Evaluates the asset again with `replaced` (kind -> snapshot document) in place of its
    /// snapshots of those kinds, from a scratch snapshot folder.
    func evaluateAgain(_ asset: String, replacing replaced: [String: Value], scratch: String) throws -> ResultsDocument {
        let snaps = scratch + "/.snapshots/" + asset
        try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
        let source = PathNames.join(snapshots, asset)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: source)) ?? [] where name.hasSuffix(".json") {
            if replaced[String(name.dropLast(5))] == nil {
                try FileManager.default.copyItem(atPath: PathNames.join(source, name), toPath: PathNames.join(snaps, name))
            }
        }
        for (kind, doc) in replaced {
            try (JSONWriter.string(doc, pretty: true) + "\n").write(toFile: PathNames.join(snaps, kind + ".json"), atomically: false, encoding: .utf8)
        }
        return ResultsDocument(run: Runner.run(program, SnapshotPlan.make([scratch + "/.snapshots"]), jobs: 1), failOn: nil)
    }

    /// The unified diff of the edited files with no secret in it: a context line that names a
    /// secret (`name = value` or `Keyword value`) makes that file's hunks context-free; nil
    /// when a changed line holds one.
    static func patch(_ originals: [String: String], _ texts: [String: String]) throws -> (patch: String, files: [String])? {
        var patch = ""
        var files: [String] = []
        for file in texts.keys.sorted() {
            guard let old = originals[file], let new = texts[file], old != new else { continue }
            var diff = try UnifiedDiff.of(path: file, old: old, new: new)
            let lines = diff.split(separator: "\n", omittingEmptySubsequences: false)
            func secret(_ line: Substring) -> Bool {
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                let parts =
                    body.split(separator: "=", maxSplits: 1).count == 2
                    ? body.split(separator: "=", maxSplits: 1) : body.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
                guard parts.count == 2 else { return false }
                // A count or a duration (`MaxAuthTries 4`) is a setting, whatever its name says.
                if parts[1].trimmingCharacters(in: .whitespaces).allSatisfy(\.isNumber) { return false }
                return SecretClassifier.reason(
                    name: parts[0].trimmingCharacters(in: .whitespaces), value: parts[1].trimmingCharacters(in: .whitespaces)) != nil
            }
            if lines.contains(where: { ($0.hasPrefix("-") || $0.hasPrefix("+")) && !$0.hasPrefix("---") && !$0.hasPrefix("+++") && secret($0) }) {
                return nil
            }
            if lines.contains(where: { $0.hasPrefix(" ") && secret($0) }) { diff = try UnifiedDiff.withoutContext(path: file, old: old, new: new) }
            patch += diff
            files.append(file)
        }
        return (patch, files)
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
