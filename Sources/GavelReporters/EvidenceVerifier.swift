import Foundation
import GavelCore
import GavelHistory
import GavelJSON

/// Checks an evidence pack without the store: every file against the manifest (and no file
/// the manifest does not list), every chain entry's hash recomputed from its facts and linked
/// to the one before, the chain ending in the manifest's head (and in `--head`, when the
/// auditor has it from elsewhere), and each sampled document's SHA-256 equal to its run's
/// entry. Each problem names the file.
public enum EvidenceVerifier {
    /// Whether `folder` holds an evidence pack (so that writing a new one may replace it).
    public static func isPack(_ folder: String) -> Bool {
        guard let bytes = FileManager.default.contents(atPath: PathNames.join(folder, ReportManifest.name)),
            let m = try? JSONDocument.parse([UInt8](bytes)).toValue(), m["gavel"]?.stringValue == EvidencePack.format,
            let files = m["files"]?.arrayValue
        else { return false }
        let listed = Set(files.compactMap { $0["path"]?.stringValue })
        return AtomicFolder.files(under: folder).allSatisfy { $0 == ReportManifest.name || listed.contains($0) }
    }

    public static func verify(_ folder: String, head expected: String? = nil) -> [String] {
        var problems: [String] = []
        func read(_ rel: String) -> [UInt8]? { FileManager.default.contents(atPath: PathNames.join(folder, rel)).map { [UInt8]($0) } }
        guard let manifestBytes = read(ReportManifest.name), let manifest = try? JSONDocument.parse(manifestBytes).toValue(),
            manifest["gavel"]?.stringValue == EvidencePack.format, let listed = manifest["files"]?.arrayValue
        else { return ["\(folder): no readable \(ReportManifest.name) of an evidence pack"] }
        var paths = Set<String>()
        for f in listed {
            guard let path = f["path"]?.stringValue, let sha = f["sha256"]?.stringValue else { continue }
            paths.insert(path)
            guard let bytes = read(path) else {
                problems.append("\(path): listed in the manifest but missing")
                continue
            }
            if SHA256.hex(bytes) != sha { problems.append("\(path): changed since the pack was written (SHA-256 differs from the manifest)") }
        }
        for extra in AtomicFolder.files(under: folder) where extra != ReportManifest.name && !paths.contains(extra) {
            problems.append("\(extra): not listed in the manifest")
        }
        let head = manifest["head"]?.stringValue ?? ""
        guard let chainBytes = read("chain.json"), let chain = try? JSONDocument.parse(chainBytes).toValue(), let entries = chain["entries"]?.arrayValue,
            !entries.isEmpty
        else { return problems + ["chain.json: missing or unreadable"] }
        var previous: String?
        var documentOf: [Int64: String] = [:]
        for e in entries {
            guard case .int(let number)? = e["run"] else {
                problems.append("chain.json: an entry without a run number")
                continue
            }
            func text(_ k: String) -> String { e[k]?.stringValue ?? "" }
            let run = Int64(number)
            func int(_ k: String) -> Int { if case .int(let i)? = e[k] { return Int(i) }; return -1 }
            let r = HistoryRun(
                id: run, startedAt: text("started_at"), finishedAt: text("finished_at"), recordedAt: text("recorded_at"),
                policyDigest: text("policy_digest"), assets: int("assets"), evaluations: int("evaluations"), pass: int("pass"), fail: int("fail"),
                error: int("error"), waived: int("waived"), controlsFailing: int("controls_failing"), documentSHA256: text("document_sha256"),
                previousHash: text("previous_hash"), entryHash: text("entry_hash"), piecesDigest: e["pieces_digest"]?.stringValue)
            if ChainEntry(run: r, controlsDigest: text("controls_digest")).recomputedHash != r.entryHash {
                problems.append("chain.json: run #\(run)'s entry does not hash to its entry_hash (a recorded fact was changed)")
            }
            if let previous, previous != r.previousHash { problems.append("chain.json: run #\(run) does not link to the entry before it") }
            previous = r.entryHash
            documentOf[run] = r.documentSHA256
        }
        if previous != head { problems.append("chain.json: the chain ends in \(previous ?? "nothing"), not the manifest's head \(head)") }
        if let expected, !head.hasPrefix(expected.lowercased()) {
            problems.append("the pack's head \(head) is not the head you gave (\(expected))")
        }
        // Each sampled document is the one its run recorded.
        if let selection = read("sample/selection.csv") {
            for line in String(decoding: selection, as: UTF8.self).split(whereSeparator: \.isNewline).dropFirst() {
                let cells = line.split(separator: ",").map(String.init)
                guard cells.count >= 5, let run = Int64(cells[1]) else { continue }
                let file = cells[4]
                guard let bytes = read(file) else {
                    problems.append("\(file): the sampled document is missing")
                    continue
                }
                guard let recorded = documentOf[run] else {
                    problems.append("\(file): run #\(run) is not in chain.json")
                    continue
                }
                if SHA256.hex(bytes) != recorded { problems.append("\(file): not the document run #\(run) recorded (SHA-256 differs from the chain)") }
            }
        }
        return problems
    }
}
