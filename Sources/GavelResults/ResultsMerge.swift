import Foundation
import GavelCore

/// `gavel merge`: the results of a fleet evaluated in shards (`eval --shard I/N`), or in parts
/// by several evaluators with the same policy set, made into the document one run over the
/// whole fleet would have written: the same entries in the same order (by asset), controls
/// rolled up over every asset, waivers counted over all; times from the first start to the
/// last finish. Its digest is recomputed when it is written, so `gavel verify` and the
/// history take it like any other.
extension ResultsDocument {
    /// `sources` name the documents in messages. Refuses documents of different policy sets
    /// or days (`shard-mismatch`), an asset in two of them (`shard-overlap`), and shards of a
    /// sharded run that are missing or given twice (`shard-missing`).
    public static func merge(_ docs: [ResultsDocument], sources: [String]) throws(Diagnostic) -> ResultsDocument {
        guard var merged = docs.first else { throw Diagnostic(.shardMissing, "nothing to merge") }
        let first = sources[0]
        for (d, source) in zip(docs, sources).dropFirst() {
            func mismatch(_ what: String, _ a: String, _ b: String) -> Diagnostic {
                Diagnostic(
                    .shardMismatch, "\(source) has \(what) \(b), \(first) \(a): only results of one policy set, on one day, merge",
                    at: SourceLocation(file: source))
            }
            if d.policyDigest != merged.policyDigest {
                throw mismatch("policy digest", String(merged.policyDigest.prefix(12)), String(d.policyDigest.prefix(12)))
            }
            if d.rules.map(\.id) != merged.rules.map(\.id) { throw mismatch("rules", "\(merged.rules.count)", "\(d.rules.count)") }
            if d.asOf != merged.asOf { throw mismatch("as-of day", merged.asOf.description, d.asOf.description + " (give both runs --as-of)") }
            if d.failOn != merged.failOn {
                throw mismatch("--fail-on", merged.failOn?.rawValue ?? "none", d.failOn?.rawValue ?? "none")
            }
        }
        try checkShards(docs, sources)
        var owner: [String: String] = [:]
        for (d, source) in zip(docs, sources) {
            for a in d.assets {
                if let other = owner[a] {
                    throw Diagnostic(
                        .shardOverlap, "asset \"\(a)\" is in both \(other) and \(source): each asset must be evaluated by one of the runs",
                        at: SourceLocation(file: source))
                }
                owner[a] = source
            }
        }
        // Entries: each document's are asset by asset; put the assets' blocks in name order.
        var blocks: [(asset: String, doc: Int, range: Range<Int>)] = []
        for (k, d) in docs.enumerated() {
            var i = 0
            while i < d.entries.count {
                let asset = d.entries[i].asset
                var j = i
                while j < d.entries.count && d.entries[j].asset == asset { j += 1 }
                blocks.append((asset, k, i..<j))
                i = j
            }
        }
        blocks.sort { $0.asset < $1.asset }
        var entries: [Entry] = []
        entries.reserveCapacity(docs.reduce(0) { $0 + $1.entries.count })
        for b in blocks { entries.append(contentsOf: docs[b.doc].entries[b.range]) }
        merged.entries = entries
        merged.assets = docs.flatMap(\.assets).sorted()
        var snapshots: [(Int, SnapshotInfo)] = []
        for d in docs { for s in d.snapshots { snapshots.append((snapshots.count, s)) } }
        merged.snapshots = snapshots.sorted { ($0.1.asset, $0.0) < ($1.1.asset, $1.0) }.map(\.1)
        merged.inputErrors = docs.flatMap(\.inputErrors)
        merged.startedAt = docs.map(\.startedAt).min()!
        merged.finishedAt = docs.map(\.finishedAt).max()!
        merged.jobs = docs.map(\.jobs).max()!
        merged.expiringWithin = docs.map(\.expiringWithin).max()!
        for i in merged.waivers.indices {
            merged.waivers[i].applied = docs.reduce(0) { $0 + ($1.waivers.indices.contains(i) ? $1.waivers[i].applied : 0) }
        }
        merged.controls = mergedControls(docs)
        merged.shard = nil
        merged.recordedDigest = nil
        merged.selection = nil
        return merged
    }

    /// Shards must all be of one count, each given once, none missing; documents of whole
    /// runs (no shard) merge with each other (parts of a fleet evaluated apart).
    static func checkShards(_ docs: [ResultsDocument], _ sources: [String]) throws(Diagnostic) {
        let sharded = zip(docs, sources).compactMap { d, s in d.shard.map { ($0, s) } }
        guard !sharded.isEmpty else { return }
        if sharded.count != docs.count {
            let whole = zip(docs, sources).first { $0.0.shard == nil }!.1
            throw Diagnostic(
                .shardMismatch, "\(whole) is a whole run and \(sharded[0].1) is shard \(sharded[0].0): merge the shards of one run",
                at: SourceLocation(file: whole))
        }
        let n = sharded[0].0.count
        var given: [Int: String] = [:]
        for (shard, source) in sharded {
            if shard.count != n {
                throw Diagnostic(
                    .shardMismatch, "\(source) is shard \(shard) and \(sharded[0].1) shard \(sharded[0].0): shards of one run have one count",
                    at: SourceLocation(file: source))
            }
            if let other = given[shard.index] {
                throw Diagnostic(.shardOverlap, "\(source) and \(other) are both shard \(shard)", at: SourceLocation(file: source))
            }
            given[shard.index] = source
        }
        let missing = (1...n).filter { given[$0] == nil }
        if !missing.isEmpty {
            throw Diagnostic(
                .shardMissing,
                "shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) missing: the merged results would leave out their assets"
            )
        }
    }

    /// Automated controls rolled up again over every asset (as one run does); manual
    /// controls, judged by attestations alone, are the same in every document.
    static func mergedControls(_ docs: [ResultsDocument]) -> [ControlEntry] {
        var out = docs[0].controls
        let byRef = docs.map { d in Dictionary(d.controls.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a }) }
        for i in out.indices where !out[i].manual {
            let ref = out[i].ref
            var assets: [ControlAsset] = []
            var worst: Severity?
            for controls in byRef {
                guard let c = controls[ref] else { continue }
                assets += c.assets
                if let w = c.worstFailing { worst = max(worst ?? w, w) }
            }
            assets.sort { $0.asset < $1.asset }
            out[i].assets = assets
            out[i].verdict = ControlVerdicts.combine(assets.map(\.verdict))
            out[i].worstFailing = worst
        }
        return out
    }
}
