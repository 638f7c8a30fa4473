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
    let patched = PatchedFiles()
    /// The nginx binary that must accept a patched configuration (`nginx -t`); nil skips that check.
    public var nginx: String? = ["/usr/sbin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }

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
        /// Checks that could not be made (the program is not installed); the re-evaluation
        /// still was.
        public var notes: [String] = []
        /// The rules a refused patch did not fix while nothing else got worse.
        var alone: [String] = []
    }

    /// Snapshots that could not be read (their assets are not fixed); set by `run()`.
    public private(set) var inputErrors: [Diagnostic] = []

    public mutating func run() throws -> [Outcome] {
        // Only the assets asked for are evaluated (a fleet's folder holds thousands).
        var plan = SnapshotPlan.make([snapshots])
        if !assetPatterns.isEmpty {
            plan.units = plan.units.filter { unit in
                guard case .folder(let dir) = unit else { return true }
                return assetPatterns.contains { Waiver.glob($0, PathNames.lastComponent(of: dir)) }
            }
        }
        if !assetPatterns.isEmpty, plan.units.isEmpty, plan.errors.isEmpty {
            throw Diagnostic(
                .nothingEvaluated, "no asset folder in \(snapshots) matches --asset \(assetPatterns.joined(separator: ", --asset "))")
        }
        let doc = ResultsDocument(run: Runner.run(program, plan, jobs: 2), failOn: nil)
        inputErrors = doc.inputErrors
        // A folder that is not there, or holds nothing readable, is an error: never "nothing to fix".
        if doc.entries.isEmpty, let first = doc.inputErrors.first { throw first }
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
            let nginx = fixes.filter { $0.fix.kind == "nginx" }, wordpress = fixes.filter { $0.fix.kind == "wordpress" }
            let magento = fixes.filter { $0.fix.kind == "magento" }
            try attempt(asset, php, into: &out) { try fixPHP(asset, $0, before: doc, into: &$1) }
            try attempt(asset, sshd, into: &out) { try fixSSHD(asset, $0, before: doc, into: &$1) }
            try attempt(asset, nginx, into: &out) { try fixNginx(asset, $0, before: doc, into: &$1) }
            try attempt(asset, wordpress, into: &out) { try fixWordPress(asset, $0, before: doc, into: &$1) }
            try attempt(asset, magento, into: &out) { try fixMagento(asset, $0, before: doc, into: &$1) }
            return out
        }
    }

    /// One kind's fixes of an asset, proven together; when the proof shows some rules still
    /// failing and nothing worse, those are withheld and the rest tried again without them (a
    /// setting the environment overrides should not hold back the others).
    func attempt(
        _ asset: String, _ fixes: [(rule: String, fix: MachineFix)], into out: inout Outcome,
        _ body: ([(rule: String, fix: MachineFix)], inout Outcome) throws -> Void
    ) throws {
        var remaining = fixes
        while !remaining.isEmpty {
            var trial = Outcome(asset: asset)
            try body(remaining, &trial)
            let ids = Set(remaining.map(\.rule))
            guard !trial.alone.isEmpty, trial.alone.count < ids.count else {
                out.patch += trial.patch
                out.files += trial.files
                out.fixed += trial.fixed
                out.withheld += trial.withheld
                out.notes += trial.notes
                return
            }
            let alone = Set(trial.alone)
            out.withheld += trial.withheld.filter { alone.contains($0.rule) }
            remaining = remaining.filter { !alone.contains($0.rule) }
        }
    }

    /// The end of every kind's fix: the asset evaluated again with the `replaced` snapshots
    /// must hold (`judge`), then the diff, with no secret in it (a context line that names a
    /// secret makes the hunks context-free; a changed line that does is withheld), goes into
    /// `out`.
    func conclude(
        _ ids: [String], _ asset: String, replacing replaced: [String: Value], scratch: String, before: ResultsDocument,
        originals: [String: String], texts: [String: String], into out: inout Outcome
    ) throws {
        func withhold(_ why: String) { out.withheld += ids.map { ($0, why) } }
        let after = try evaluateAgain(asset, replacing: replaced, scratch: scratch)
        if let refusal = Self.judge(ids, asset: asset, before: before, after: after) {
            out.alone = refusal.alone
            return withhold(refusal.reason)
        }
        // The diff names the files themselves: `patch` refuses to write through a symbolic
        // link (Debian's sites-enabled/default is one).
        var resolved: [String: String] = [:]
        for file in texts.keys { resolved[file] = target(of: file) }
        guard
            let (patch, files) = try Self.patch(
                Dictionary(originals.map { (resolved[$0.key] ?? $0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                Dictionary(texts.map { (resolved[$0.key]!, $0.value) }, uniquingKeysWith: { a, _ in a }))
        else { return withhold("the change touches a line that holds a secret") }
        out.patch += patch
        out.files += files
        out.fixed += ids
        if patch.isEmpty {
            out.notes.append("\(ids.joined(separator: ", ")): the patches of the assets before this one already fix them; nothing more to change")
        }
        // Later assets of the run see the files as this patch leaves them.
        for (file, text) in texts { patched.texts[resolved[file]!] = text }
    }

    /// The files the run's earlier assets' proven patches changed, as they leave them (by the
    /// file itself, links followed). The sites of one host share php.ini and nginx.conf: a
    /// later asset's patch is made on top of the earlier ones, so the patches apply one after
    /// the other in the summary's order and no hunk is written twice.
    final class PatchedFiles: @unchecked Sendable {
        var texts: [String: String] = [:]
    }

    /// The text of the machine's `file` under the root, through its symbolic links as the
    /// machine would follow them (an image's absolute link stays inside the image).
    func machineText(_ file: String) -> String? {
        if let t = patched.texts[target(of: file)] { return t }
        return try? String(contentsOfFile: RootPath.join(root, file), encoding: .utf8)
    }

    /// A path as the machine names it: a site collected from a mounted image (`collect host
    /// --root`, or `--path` into the image) names its files with the image's prefix, and the
    /// machine's path is the rest.
    func onMachine(_ path: String) -> String {
        // The root made absolute with `.` and `..` resolved, as the collector wrote it.
        let image = URL(fileURLWithPath: root).standardizedFileURL.path
        return image != "/" && path.hasPrefix(image + "/") ? String(path.dropFirst(image.count)) : path
    }

    /// The file a machine path names once symbolic links are followed under the root.
    func target(of file: String) -> String { RootPath.resolve(root, file) }

    /// Why `php -n -l` rejects the PHP source `file` of the scratch root, or nil (also when no
    /// PHP binary is there to ask).
    func phpLintRejection(_ file: String, scratch: String, notes: inout [String]) throws -> String? {
        guard let php else {
            notes.append("php -l was not run on the patched \(file): /usr/bin/php is not installed")
            return nil
        }
        let r = try Subprocess.run(php, ["-n", "-l", RootPath.join(scratch, file)], timeout: 30)
        if r.status == 0 { return nil }
        let why = (r.stdout + r.stderr).split(separator: "\n").first { $0.contains("error") }.map(String.init) ?? r.stderr
        return "php -l rejects the patched \(file): \(why.replacingOccurrences(of: scratch, with: ""))"
    }

    /// A snapshot document with its `data` object's members changed by `edit`.
    static func withData(_ snap: Value, _ edit: (inout [Value.Member]) -> Void) -> Value? {
        guard case .object(var doc) = snap, let d = doc.firstIndex(where: { $0.key == "data" }), case .object(var data) = doc[d].value else { return nil }
        edit(&data)
        doc[d].value = .object(data)
        return .object(doc)
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

    /// A new scratch root only its owner can enter: the copies in it are configuration files
    /// that may hold credentials (wp-config.php's DB_PASSWORD, an nginx upstream's header).
    static func scratchRoot() throws -> String {
        let dir = NSTemporaryDirectory() + "gavel-fix-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return dir
    }

    /// The machine's `files` (read under `root`) in a scratch root, the patched ones as `patched`
    /// says, at the same paths.
    func copy(_ files: [String], patched: [String: String], into scratch: String) throws {
        for file in Set(files + Array(patched.keys)) {
            let copied = RootPath.join(scratch, file)
            try FileManager.default.createDirectory(atPath: PathNames.folder(of: copied), withIntermediateDirectories: true)
            if let t = patched[file] ?? self.patched.texts[target(of: file)] {
                try t.write(toFile: copied, atomically: false, encoding: .utf8)
            } else if let b = FileManager.default.contents(atPath: RootPath.join(root, file)) {
                try b.write(to: URL(fileURLWithPath: copied))
            }
        }
    }

    /// Why the re-evaluation refuses a patch: a fixed rule that does not pass, or another
    /// verdict of the asset that got worse; nil when it holds. `alone` names the rules that
    /// did not pass when nothing else got worse: the others may still be proven without them.
    struct Refusal {
        var reason: String
        var alone: [String]
    }

    static func judge(_ ids: [String], asset: String, before: ResultsDocument, after: ResultsDocument) -> Refusal? {
        var was: [String: Verdict] = [:]
        for e in before.entries where e.asset == asset { was[e.rule] = e.verdict }
        var now: [String: Verdict] = [:]
        for e in after.entries where e.asset == asset { now[e.rule] = e.verdict }
        let worse = was.keys.sorted().filter { rule in rank(now[rule]) > rank(was[rule]) }
        if !worse.isEmpty {
            return Refusal(
                reason: "the patch makes other verdicts worse: "
                    + worse.map { "\($0) \(was[$0]!.rawValue) -> \(now[$0]?.rawValue ?? "not evaluated")" }.joined(separator: ", "),
                alone: [])
        }
        let notFixed = ids.filter { now[$0] != .pass }
        if !notFixed.isEmpty {
            let what = notFixed.map { "\($0) is \(now[$0]?.rawValue ?? "not evaluated")" }.joined(separator: ", ")
            return Refusal(reason: "after the patch, \(what): the patch does not fix what it claims", alone: notFixed)
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

    /// How bad a verdict is, for "no other verdict gets worse".
    static func rank(_ v: Verdict?) -> Int {
        switch v {
        case .pass?, .notApplicable?, .waived?: return 0
        case .fail?: return 1
        case .error?, nil: return 2
        }
    }
}
