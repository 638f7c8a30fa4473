import GavelCore
import GavelResults

/// `gavel history verify`: walks the chain from its start (or from where pruning left it)
/// and checks every run: the link to the previous run, the entry hash over its recorded
/// facts (counts, per-control rows and the list of its document's pieces included), and its
/// document's bytes: every piece any run lists is read once and checked against its SHA-256
/// (a run recorded whole, by a store of format 1, against the document's SHA-256). That
/// needs no parsing, and a piece shared by a year of nights is checked once, so a year of
/// large runs verifies at hashing speed. `deep` also puts every document together again,
/// checks its SHA-256, and compares its own `document_sha256`, counts and control verdicts
/// with what was recorded.
public struct HistoryVerifier: Sendable {
    public struct Problem: Sendable, CustomStringConvertible {
        public var run: Int64
        public var message: String
        public var description: String { "run #\(run): \(message)" }
        public init(run: Int64, message: String) {
            self.run = run
            self.message = message
        }
    }

    public var runs = 0
    public var problems: [Problem] = []
    /// The last run's entry hash: record it elsewhere (a job log) to anchor the chain.
    public var head: String?
    public var ok: Bool { problems.isEmpty }

    public init(_ store: HistoryStore, deep: Bool = false) throws(Diagnostic) {
        let all = try store.runs()
        runs = all.count
        var expected = HistoryStore.genesis
        var expectedID: Int64 = 1
        do {
            if let base = try store.chainBase() {
                expected = base.hash
                expectedID = base.id + 1
            }
        } catch { throw Diagnostic(.historyStore, "cannot read \(store.path): \(error)") }
        // Each piece some run lists, with the first run that lists it.
        var pieces: [[UInt8]: Int64] = [:]
        for r in all {
            func problem(_ m: String) { problems.append(Problem(run: r.id, message: m)) }
            if r.id != expectedID { problem("expected run #\(expectedID) here: runs are missing from the chain") }
            if r.previousHash != expected {
                problem("its link to the previous run does not match (previous hash \(r.previousHash.prefix(16))..., expected \(expected.prefix(16))...)")
            }
            do {
                let rows = try store.recordedControlRows(r.id)
                if HistoryStore.entryHash(r, controlsDigest: HistoryStore.controlsDigest(rows)) != r.entryHash {
                    problem("its entry hash does not match its recorded facts (times, counts, control verdicts, policy or document digest edited)")
                }
            } catch { problem("cannot read its control verdicts: \(error)") }
            if r.piecesDigest != nil {
                do {
                    if let (m, recorded) = try store.manifest(r.id) {
                        if m.digest != recorded { problem("its list of pieces was edited: it no longer matches its recorded SHA-256") }
                        for i in 0..<m.count where pieces[Array(m.hash(i))] == nil { pieces[Array(m.hash(i))] = r.id }
                    }
                } catch { problem("cannot read its list of pieces: \(error)") }
            }
            check(r, store, deep, problem)
            expected = r.entryHash
            expectedID = r.id + 1
        }
        do {
            for (run, message) in try store.verifyPieces(pieces) { problems.append(Problem(run: run, message: message)) }
        } catch { throw Diagnostic(.historyStore, "cannot read the pieces of \(store.path): \(error)") }
        problems.sort { $0.run < $1.run }
        head = all.last?.entryHash
    }

    func check(_ r: HistoryRun, _ store: HistoryStore, _ deep: Bool, _ problem: (String) -> Void) {
        // A document in pieces is checked piece by piece (above), and whole only when deep.
        if r.piecesDigest == nil || deep {
            do {
                if try store.documentDigest(r.id) != r.documentSHA256 {
                    problem("its results document was edited: its SHA-256 no longer matches the recorded one")
                }
            } catch {
                problem(error.description)
                return
            }
        }
        guard deep else { return }
        let bytes: [UInt8]
        do { bytes = try store.documentBytes(r.id) } catch {
            problem(error.description)
            return
        }
        let doc: ResultsDocument
        do { doc = try ResultsDocument.read(bytes: bytes, file: "run #\(r.id)") } catch {
            problem("its results document cannot be read: \(error.message)")
            return
        }
        if let recorded = doc.recordedDigest, ResultsVerifier.contentDigest(bytes) != recorded {
            problem("its results document does not match its own document_sha256")
        }
        if Timestamp.string(doc.startedAt) != r.startedAt || doc.policyDigest != r.policyDigest {
            problem("its start time or policy digest differ from its document's")
        }
        if (r.assets, r.evaluations, r.pass, r.fail, r.error, r.waived) != (
            doc.assets.count, doc.entries.count, doc.count(.pass), doc.count(.fail), doc.count(.error), doc.count(.waived)
        )
            || r.controlsFailing != doc.controls.filter({ $0.verdict == .fail }).count
        {
            problem("its summary counts differ from its document's")
        }
        do {
            let recorded = try store.recordedControlRows(r.id)
            let derived = HistoryStore.controlRows(doc)
            if recorded.count != derived.count || zip(recorded, derived).contains(where: { $0 != $1 }) {
                let first = zip(recorded, derived).first { $0 != $1 }.map { "\($0.0.control): recorded \($0.0.verdict), document says \($0.1.verdict)" }
                problem("its per-control verdicts differ from its document's" + (first.map { " (\($0))" } ?? " (rows added or removed)"))
            }
        } catch { problem("cannot read its control verdicts: \(error)") }
    }
}
